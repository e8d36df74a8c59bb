// The Chinese page's last English: a safety violation's details, its moment and the
// invariant's name (in the invariants panel, the event list and the notice), the example
// scenarios' captions (`#zh:` lines), a scenario's `break` and `set` in the event list, and
// the inspector on a node and on a message.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { openPage, strayLatin } = require('./helpers');

const scenario = (file) => fs.readFileSync(path.join(__dirname, '..', 'tests', 'scenarios', file), 'utf8');

test('a safety violation reads in Chinese: details, moment, invariant names, caption', async ({ page }) => {
  const problems = await openPage(page, `?lang=zh&scenario=${encodeURIComponent(scenario('figure8_broken.txt'))}`);
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  const broken = page.locator('[data-invariant="leader-completeness"]');
  await expect(broken).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(broken.locator('.violation')).toContainText('节点 5 成为任期 5 的领导者，却缺少已提交的条目 2');
  await expect(broken.locator('.violation')).toContainText('消息 31 送达');
  await expect(page.locator('.event-list')).toContainText('违反安全性（领导者完整性）：节点 5 成为任期 5 的领导者');
  await expect(page.locator('.event-list')).toContainText('打开已知缺陷');
  await expect(page.locator('.notices')).toContainText('领导者完整性在 0.080s（第 32 个事件）被违反');
  expect(await strayLatin(page, '.invariant-list'), 'the invariants panel').toEqual([]);
  expect(await strayLatin(page, '.event-list'), 'the event list').toEqual([]);
  expect(await strayLatin(page, '.notices'), 'the notice').toEqual([]);
  // The scenario's comments, from its `#zh:` lines.
  await expect(page.locator('.caption')).toContainText('S1 靠统计副本数提交了索引 2，随后 S5 覆盖了它。');
  // The inspector on a node; then the whole page.
  await page.locator('[data-node-id="5"][data-role]').first().click();
  await expect(page.getByRole('heading', { name: /^节点 5/ }).first()).toBeVisible();
  expect(await strayLatin(page), 'the page with the inspector on node 5').toEqual([]);
  expect(problems).toEqual([]);
});

test('an example from the menu shows its captions in Chinese; the inspector on a message too', async ({ page }) => {
  const problems = await openPage(page, '?lang=zh&seed=3&speed=1');
  await page.getByRole('combobox', { name: '加载示例' }).selectOption({ label: '领导者崩溃' });
  await expect(page.locator('.caption')).toHaveText('§5.2：领导者崩溃后，其余节点选举超时，在更高的任期中选出新的领导者。');
  expect(await strayLatin(page, '.caption')).toEqual([]);
  // Later, the second comment's Chinese.
  await expect(page.locator('.caption')).toHaveText('旧领导者重启后成为跟随者，并追赶上日志。', { timeout: 30_000 });
  // A message in flight, inspected.
  await expect(page.locator('[data-message]').first()).toBeAttached();
  await page.getByRole('button', { name: '暂停', exact: true }).first().click();
  // The page may have paused between two heartbeats, with nothing in flight (1 run in 3):
  // step until a message is sent.
  for (let k = 0; k < 50 && (await page.locator('[data-message]').count()) === 0; k++) await page.keyboard.press('s');
  // Clicked on the element itself: a message just sent is drawn over its sender, whose
  // button would take a click at that point.
  const message = page.locator('[data-message]').first();
  await message.dispatchEvent('click');
  await expect(page.getByRole('heading', { name: /^消息 \d+/ }).first()).toBeVisible();
  expect(await strayLatin(page), 'the page with the inspector on a message').toEqual([]);
  expect(problems).toEqual([]);
});

test('examples with snapshots, a `set` and a second violation leave no English on the page', async ({ page }) => {
  // Snapshots and InstallSnapshot (log cells in a snapshot, `workload off`), the single-server
  // membership bug (`break`, `set prevote=on`, a violation).
  for (const example of ['12', '14']) {
    await openPage(page, '?lang=zh&seed=3&speed=1');
    await page.getByRole('combobox', { name: '加载示例' }).selectOption(example);
    await expect(page.locator('.caption')).not.toBeEmpty();
    await page.waitForTimeout(example === '12' ? 4_000 : 1_500);
    expect(await strayLatin(page), `example ${example}`).toEqual([]);
  }
  await expect(page.locator('.event-list')).toContainText('设置已更改：预投票（Pre-Vote）：开启');
  await expect(page.locator('.invariant-list [data-ok="false"]').first()).toBeVisible();
  expect(await strayLatin(page)).toEqual([]);
});

test('the English page skips the #zh: lines', async ({ page }) => {
  await openPage(page, `?lang=en&scenario=${encodeURIComponent(scenario('figure8_broken.txt'))}`);
  await expect(page.locator('.caption')).toHaveText(/^The same interleaving as figure8\.txt .* The checker catches it\.$/);
  await expect(page.locator('[data-invariant="leader-completeness"]')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(page.locator('.event-list')).toContainText('SAFETY VIOLATION (leader-completeness): node 5 became leader of term 5 without committed entry 2');
});
