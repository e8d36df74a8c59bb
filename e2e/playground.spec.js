// The playground page, driven as a user would (issue 3).
const { test, expect } = require('@playwright/test');
const { openPage, nodes, waitForLeader } = require('./helpers');

const simTime = async (page) => Number(await page.locator('[data-sim-time]').first().getAttribute('data-sim-time'));

test('crashing the leader through the UI gives a new leader in a higher term', async ({ page }) => {
  await openPage(page, '?seed=11&speed=0.5');
  const first = await waitForLeader(page);
  await page.locator(`[data-node-id="${first.id}"][data-role]`).click();
  await page.getByRole('button', { name: `Crash node ${first.id}` }).click();
  await expect(page.locator(`[data-node-id="${first.id}"][data-role]`)).toHaveAttribute('data-role', 'crashed');
  const second = await waitForLeader(page, { minTerm: first.term + 1 });
  expect(second.id).not.toBe(first.id);
  expect(second.term).toBeGreaterThan(first.term);
});

test('a minority/majority partition: the majority commits, the minority does not', async ({ page }) => {
  // Node 1 is made leader, then the network splits with it on the minority side.
  const scenario = ['cluster nodes=5 seed=5', 'timeout 1', 'run 400ms', 'partition 1,2 | 3,4,5', 'propose a=1 via 1', 'run 1s', 'propose b=2'].join('\n');
  await openPage(page, `?speed=0.5&scenario=${encodeURIComponent(scenario)}`);
  await expect.poll(() => simTime(page), { timeout: 30_000 }).toBeGreaterThan(2500);
  await page.getByRole('button', { name: 'Pause' }).click();
  const committed = async (node, cmd) => page.locator(`[data-log-entry][data-node-id="${node}"][data-committed="true"]`, { hasText: cmd }).count();
  for (const n of [3, 4, 5]) expect(await committed(n, 'b=2')).toBe(1);
  for (const n of [1, 2]) expect(await committed(n, 'b=2')).toBe(0);
  // The minority leader took a=1 but could not commit it.
  expect(await page.locator('[data-log-entry][data-node-id="1"]', { hasText: 'a=1' }).count()).toBe(1);
  expect(await page.locator('[data-log-entry][data-committed="true"]', { hasText: 'a=1' }).count()).toBe(0);
  const all = await nodes(page);
  const majorityLeader = all.find((n) => [3, 4, 5].includes(n.id) && n.role === 'leader');
  expect(majorityLeader.term).toBeGreaterThan(1);
});

test('dragging the timeline back shows the earlier state', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await expect.poll(() => simTime(page)).toBeGreaterThan(1500);
  await page.getByRole('button', { name: 'Pause' }).click();
  const later = await simTime(page);
  const slider = page.getByRole('slider', { name: 'Timeline' });
  await slider.fill('50');
  await expect.poll(() => simTime(page)).toBe(50);
  // At 50 ms nobody has timed out yet: all followers in term 0.
  const early = await nodes(page);
  expect(early.every((n) => n.role === 'follower' && n.term === 0)).toBe(true);
  await expect(page.getByText('Viewing the past')).toBeVisible();
  await slider.fill(String(later));
  await expect.poll(() => simTime(page)).toBe(later);
  expect((await nodes(page)).some((n) => n.role === 'leader')).toBe(true);
});

test('keyboard shortcuts work', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.keyboard.press('Space');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const t0 = await simTime(page);
  // A step is one event, and the next may fall in the same millisecond (383 ms, then 383 ms
  // again with seed 3): step until the clock shows a later millisecond.
  await expect.poll(async () => { await page.keyboard.press('s'); return simTime(page); }).toBeGreaterThan(t0);
  await page.keyboard.press('r');
  await page.keyboard.press('Space');
  await expect(page.locator('[data-log-entry]', { hasText: 'x=1' }).first()).toBeVisible();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: /help/i })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('seed, nodes, speed and scenario URL parameters are honoured', async ({ page }) => {
  await openPage(page, '?seed=42&nodes=7&speed=0.01');
  expect((await nodes(page)).length).toBe(7);
  await expect(page.getByText('Seed 42')).toBeVisible();
  await expect(page.getByText('1/100×')).toBeVisible();
  // A scenario: 3 nodes, node 2 crashed at 500 ms.
  await openPage(page, `?speed=1&scenario=${encodeURIComponent('cluster nodes=3 seed=9\nrun 500ms\ncrash 2')}`);
  expect((await nodes(page)).length).toBe(3);
  await expect(page.locator('[data-node-id="2"][data-role]')).toHaveAttribute('data-role', 'crashed', { timeout: 20_000 });
});

test('a malformed scenario or URL is reported and the playground keeps running', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`./?nodes=42&speed=fast&scenario=${encodeURIComponent('cluster nodes=3\nrun 2x')}`);
  await expect(page.getByText(/line 2, column 5: expected a duration/)).toBeVisible();
  await expect(page.getByText(/nodes: `42`/)).toBeVisible();
  await waitForLeader(page);
  expect(problems).toEqual([]);
});
