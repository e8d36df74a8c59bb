// Zeebe mode (issue 11): ?brokers=5&partitions=4&replication=3, the brokers and partitions
// table and its page contract, a broker crashed through the page (only its partitions elect
// again, the target priority counts down), no fail-back after its restart, rebalance (the
// primaries lead again), the partition shown in the cluster view, other partitions'
// messages, link / export / import / ?scenario= of a Zeebe session, the settings control,
// bad addresses, and the Chinese Zeebe page without stray English.
const { test, expect } = require('@playwright/test');
const { openPage, strayLatin } = require('./helpers');

const ZEEBE = '?brokers=5&partitions=4&replication=3&seed=7';
const replica = (page, p, b) => page.locator(`[data-partition-id="${p}"][data-broker-id="${b}"]`);
const partition = (page, p) => page.locator(`[data-partition-id="${p}"][data-partition-health]`);
/** The replicas of the page, as `P:B:role:priority:term`, in table order. */
const replicas = (page) => page.locator('[data-partition-id][data-broker-id]').evaluateAll((els) =>
  els.map((e) => `${e.dataset.partitionId}:${e.dataset.brokerId}:${e.dataset.role}:${e.dataset.priority}:${e.dataset.term}`));
/** Which broker leads each partition (1..4), `-` for none. */
const leaders = (page) => page.locator('[data-partition-id][data-broker-id]').evaluateAll((els) => {
  const out = ['-', '-', '-', '-'];
  for (const e of els) if (e.dataset.role === 'leader') out[Number(e.dataset.partitionId) - 1] = e.dataset.brokerId;
  return out.join('');
});

test('a broker crashed through the page: only its partitions elect again, no fail-back, rebalance', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = await openPage(page, `${ZEEBE}&speed=10`);
  // Zeebe mode opens at real time; this test asks for 10x.
  await expect(page.locator('.speed-value')).toHaveText('10×');
  // The page contract: five brokers (0..4), four partitions, three replicas each, laid out
  // round robin with the primary's priority 3 (ZEEBE.md's 5/4/3 table).
  await expect(page.locator('[data-broker-id]:not([data-partition-id])')).toHaveCount(5);
  await expect(page.locator('[data-partition-health]')).toHaveCount(4);
  const layout = (await replicas(page)).map((r) => r.split(':').filter((_, k) => k !== 2 && k !== 4).join(':'));
  expect(layout).toEqual(['1:0:3', '1:1:2', '1:2:1', '2:1:3', '2:2:2', '2:3:1', '3:2:3', '3:3:2', '3:4:1', '4:0:1', '4:3:3', '4:4:2']);
  // A clean start: every primary leads, every partition healthy.
  await expect.poll(() => leaders(page), { timeout: 20_000 }).toBe('0123');
  for (const p of [1, 2, 3, 4]) await expect(partition(page, p)).toHaveAttribute('data-partition-health', 'healthy');
  await expect(page.locator('[data-broker-id="4"]:not([data-partition-id])')).toContainText('leads 0');

  // Show partition 3 (a row of the table): the cluster view draws its replicas, brokers 2, 3, 4.
  await partition(page, 3).getByRole('button', { name: 'Partition 3' }).click();
  await expect.poll(() => page.locator('[data-node-id][data-role]').evaluateAll((els) => els.map((e) => e.dataset.nodeId).join())).toBe('2,3,4');
  await expect(page.locator('.leader-line')).toContainText('Leader: broker 2 (term 1)');

  // Crash broker 2 through the page: its cell, then the inspector's button.
  await replica(page, 3, 2).click();
  await page.getByRole('button', { name: 'Crash broker 2', exact: true }).click();
  for (const p of [1, 2, 3]) await expect(replica(page, p, 2)).toHaveAttribute('data-role', 'crashed');
  await expect(partition(page, 3)).toHaveAttribute('data-partition-health', 'unavailable');
  // Partition 3's waiting replicas count their target priority down (3, then 2) ...
  await expect(replica(page, 3, 4)).toHaveAttribute('data-target-priority', '2', { timeout: 10_000 });
  // ... until broker 3 (priority 2) reaches it and leads term 2; only partition 3 elected.
  await expect(replica(page, 3, 3)).toHaveAttribute('data-role', 'leader', { timeout: 10_000 });
  await expect(replica(page, 3, 3)).toHaveAttribute('data-term', '2');
  await expect(replica(page, 3, 4)).toHaveAttribute('data-role', 'follower');
  await expect.poll(() => leaders(page)).toBe('0133');
  for (const [p, b] of [[1, 0], [2, 1], [4, 3]]) await expect(replica(page, p, b)).toHaveAttribute('data-term', '1');
  await expect(partition(page, 1)).toHaveAttribute('data-partition-health', 'degraded');
  await expect(partition(page, 4)).toHaveAttribute('data-partition-health', 'healthy');
  await expect(page.locator('.event-list')).toContainText('P3 · Broker 3 won the election: leader of term 2');
  await expect(page.locator('.event-list')).toContainText('Broker 2 crashed');

  // Restart it: no fail-back, broker 2 follows in partition 3.
  await replica(page, 3, 2).click();
  await page.getByRole('button', { name: 'Restart broker 2', exact: true }).click();
  await expect(replica(page, 3, 2)).toHaveAttribute('data-role', 'follower', { timeout: 10_000 });
  await expect(replica(page, 3, 2)).toHaveAttribute('data-term', '2');
  await page.waitForTimeout(500);
  expect(await leaders(page)).toBe('0133');
  for (const p of [1, 2, 3, 4]) await expect(partition(page, p)).toHaveAttribute('data-partition-health', 'healthy', { timeout: 10_000 });

  // Rebalance: the primaries lead again (partition 3 in term 3, by leadership transfer).
  await page.getByRole('button', { name: 'Rebalance', exact: true }).click();
  await expect.poll(() => leaders(page), { timeout: 10_000 }).toBe('0123');
  await expect(replica(page, 3, 2)).toHaveAttribute('data-term', '3');
  await expect(page.locator('.event-list')).toContainText('rebalance: done');
  expect(problems).toEqual([]);
});

test('other partitions\' messages on request; requests to the partition shown; its throughput', async ({ page }) => {
  const problems = await openPage(page, `${ZEEBE}&speed=2`);
  await expect.poll(() => leaders(page), { timeout: 20_000 }).toBe('0123');
  const others = () => page.locator('.cluster .msg.other').count();
  await page.waitForTimeout(500);
  expect(await others()).toBe(0);
  await page.getByRole('checkbox', { name: 'Messages of all partitions' }).check();
  // Checked on every frame: such a message is in flight for a few frames at a time (about one
  // frame in eight here), which a poll every second or so can miss for five seconds.
  await page.waitForFunction(() => document.querySelectorAll('.cluster .msg.other').length > 0, null, { polling: 'raf', timeout: 5_000 });
  // Partition 2's messages between brokers 1 and 2 (both hold partition 1 too) are drawn.
  await page.getByRole('button', { name: 'Send a client request to partition 1' }).click();
  await expect(page.locator('[data-log-entry][data-committed="true"]', { hasText: 'x1=1' })).toHaveCount(3, { timeout: 10_000 });
  await page.getByRole('checkbox', { name: 'Automatic workload' }).check();
  await expect(page.locator('.charts figcaption', { hasText: 'Entries committed per second, per partition' })).toBeVisible({ timeout: 10_000 });
  expect(problems).toEqual([]);
});

test('a Zeebe session exports, links and imports as a Zeebe scenario; ?scenario= opens Zeebe mode', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPage(page, `${ZEEBE}&speed=10`);
  await expect.poll(() => leaders(page), { timeout: 20_000 }).toBe('0123');
  await replica(page, 1, 0).click();
  await page.getByRole('button', { name: 'Crash broker 0', exact: true }).click();
  await expect(replica(page, 1, 1)).toHaveAttribute('data-role', 'leader', { timeout: 10_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Export as scenario' }).click();
  const exported = await page.getByRole('textbox', { name: 'Exported scenario' }).inputValue();
  expect(exported).toMatch(/^cluster brokers=5 partitions=4 replication=3 seed=7/);
  expect(exported).toMatch(/\ncrash 0\n/);
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.getByRole('textbox', { name: 'Permalink' }).inputValue();
  const before = await replicas(page);
  const other = await context.newPage();
  await other.goto(link);
  await expect.poll(() => replicas(other)).toEqual(before);

  // ?scenario= with a Zeebe cluster line opens Zeebe mode and replays it.
  const scenario = 'cluster brokers=3 partitions=3 replication=3 seed=7\nrun 3s\ncrash 1\nrun 6s\nexpect partition 2 leader 2';
  await other.goto(`./?speed=10&scenario=${encodeURIComponent(scenario)}`);
  await expect(other.locator('[data-partition-health]')).toHaveCount(3);
  await expect(replica(other, 2, 2)).toHaveAttribute('data-role', 'leader', { timeout: 15_000 });
  await expect(replica(other, 2, 1)).toHaveAttribute('data-role', 'crashed');

  // Import: run as a new scenario (a classic one brings the classic page back), and
  // commands on the running Zeebe cluster speak of broker ids.
  const box = page.getByRole('textbox', { name: 'Scenario text' });
  await box.fill('crash 4');
  await page.getByRole('button', { name: 'Run on the current cluster' }).click();
  await expect(replica(page, 3, 4)).toHaveAttribute('data-role', 'crashed');
  await box.fill('crash 7');
  await page.getByRole('button', { name: 'Run on the current cluster' }).click();
  await expect(page.locator('.share [role="alert"]')).toContainText('expected a broker id (0..4)');
  await box.fill('cluster nodes=3 seed=2\nrun 1s');
  await page.getByRole('button', { name: 'Run as a new scenario' }).click();
  await page.getByRole('button', { name: 'Replace', exact: true }).click();
  await expect(page.locator('[data-partition-health]')).toHaveCount(0);
  await expect(page.locator('[data-node-id][data-role]')).toHaveCount(3);
});

test('the settings open Zeebe mode and go back; bad Zeebe addresses are reported', async ({ page }) => {
  await openPage(page, '?seed=4&speed=1');
  await expect(page.locator('[data-partition-health]')).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption('zeebe');
  await page.getByRole('combobox', { name: 'Brokers' }).selectOption('3');
  await page.getByRole('combobox', { name: 'Partitions' }).selectOption('6');
  await page.getByRole('button', { name: 'Restart with these settings' }).click();
  await expect(page.locator('[data-partition-health]')).toHaveCount(6);
  await expect(page.locator('[data-broker-id]:not([data-partition-id])')).toHaveCount(3);
  // Replication stayed within the brokers (3 of 3): every broker holds every partition.
  await expect(page.locator('[data-partition-id][data-broker-id]')).toHaveCount(18);
  await expect(page.locator('.speed-value')).toHaveText('1×');
  await page.getByRole('combobox', { name: 'Cluster' }).selectOption('raft');
  await page.getByRole('button', { name: 'Restart with these settings' }).click();
  await expect(page.locator('[data-partition-health]')).toHaveCount(0);
  await expect(page.locator('[data-node-id][data-role]')).toHaveCount(5);

  await page.goto('./?brokers=12&partitions=2');
  await expect(page.getByText('brokers: `12` is not a number from 1 to 9')).toBeVisible();
  await expect(page.getByText('partitions: needs brokers= (the number of Zeebe brokers)')).toBeVisible();
  await expect(page.locator('[data-node-id][data-role]')).toHaveCount(5);
  await page.goto('./?brokers=3&replication=4');
  await expect(page.getByText('replication: `4` is not a number from 1 to 3')).toBeVisible();
  await expect(page.locator('[data-partition-health]')).toHaveCount(1);
});

test('the Zeebe page in Chinese shows no stray English, and its table fits a 390 px phone', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const problems = await openPage(page, `?brokers=5&partitions=4&replication=3&seed=7&lang=zh&speed=10`);
  await expect.poll(() => leaders(page), { timeout: 20_000 }).toBe('0123');
  await replica(page, 1, 0).tap();
  await page.getByRole('button', { name: '让代理节点 0 崩溃', exact: true }).tap();
  await page.getByRole('button', { name: '重新平衡', exact: true }).tap();
  await expect(page.locator('.event-list')).toContainText('重新平衡：完成', { timeout: 10_000 });
  await expect(page.locator('.event-list')).toContainText('代理节点 0 崩溃了');
  expect(await strayLatin(page)).toEqual([]);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const table = await page.locator('.topo').boundingBox();
  const card = await page.locator('.topology').boundingBox();
  expect(table.x + table.width).toBeLessThanOrEqual(card.x + card.width);
  expect(problems).toEqual([]);
  await context.close();
});

test('the brokers as machines: each broker\'s replicas as chips, following crashes; a chip shows its partition', async ({ page }) => {
  const problems = await openPage(page, `${ZEEBE}&speed=10`);
  await expect.poll(() => leaders(page), { timeout: 20_000 }).toBe('0123');
  const machine = (b) => page.locator('.machines .machine').nth(b);
  const chips = (b) => machine(b).locator('[data-chip]').evaluateAll((els) => els.map((e) => `${e.dataset.chip}:${e.className.match(/role-(\w+)/)[1]}:${e.textContent}`));
  // ZEEBE.md's 5/4/3 layout, by broker: B2 holds P1 (priority 1), P2 (2) and leads P3 (primary).
  expect(await chips(2)).toEqual(['1:2:follower:P11', '2:2:follower:P22', '3:2:leader:P3♛3★']);
  expect(await chips(4)).toEqual(['3:4:follower:P31', '4:4:follower:P42']);
  await expect(page.locator('.machines [data-chip]')).toHaveCount(12);
  // Crash broker 2: its machine is down, and partition 3's leadership moves to broker 3's chip.
  await replica(page, 3, 2).click();
  await page.getByRole('button', { name: 'Crash broker 2', exact: true }).click();
  await expect(machine(2)).toHaveClass(/down/);
  await expect(machine(3).locator('[data-chip="3:3"]')).toHaveClass(/role-leader/, { timeout: 10_000 });
  await expect(machine(2).locator('[data-chip="3:2"]')).toHaveClass(/role-crashed/);
  // A chip shows its partition and inspects its replica, as a cell does.
  await machine(4).locator('[data-chip="4:4"]').click();
  await expect(partition(page, 4).getByRole('button', { name: 'Partition 4' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => page.locator('[data-node-id][data-role]').evaluateAll((els) => els.map((e) => e.dataset.nodeId).join())).toBe('0,3,4');
  await expect(page.getByRole('button', { name: 'Crash broker 4', exact: true })).toBeVisible();
  expect(problems).toEqual([]);
});
