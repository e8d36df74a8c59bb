// Share, embed, host (issue 5): permalinks, scenario import and export, embed mode, the
// JavaScript API example, a sub-path, no foreign requests.
const { test, expect } = require('@playwright/test');
const { openPage, nodes, waitForLeader } = require('./helpers');

const simTime = async (page) => Number(await page.locator('[data-sim-time]').first().getAttribute('data-sim-time'));
const snapshot = async (page) => ({
  nodes: await nodes(page),
  entries: await page.locator('[data-log-entry]').evaluateAll((els) => els.map((e) => [e.dataset.nodeId, e.dataset.index, e.dataset.term, e.dataset.committed, e.textContent].join(':'))),
});

test('permalink round trip: the link replays to the same state and the same future', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPage(page, '?seed=5&speed=1');
  const leader = await waitForLeader(page);
  await page.getByRole('button', { name: 'Send a client request' }).click();
  await page.waitForTimeout(300);
  await page.locator(`[data-node-id="${leader.id}"][data-role]`).click();
  await page.getByRole('button', { name: `Crash node ${leader.id}` }).click();
  await page.getByRole('slider', { name: 'Message loss' }).fill('20');
  await waitForLeader(page, { minTerm: leader.term + 1 });
  await page.getByRole('button', { name: 'Pause' }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.getByRole('textbox', { name: 'Permalink' }).inputValue();
  expect(link).toMatch(/\?s=1[A-Za-z0-9_-]+&t=\d+$/);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  const t = await simTime(page);
  const before = await snapshot(page);

  const other = await context.newPage();
  await other.goto(link);
  await expect.poll(() => simTime(other)).toBe(t);
  expect(await snapshot(other)).toEqual(before);
  await expect(other.getByRole('button', { name: 'Play' })).toBeVisible();
  // The same future: both take the same 60 steps and agree again.
  for (const p of [page, other]) {
    await p.locator('body').click({ position: { x: 5, y: 5 } });
    for (let k = 0; k < 60; k++) await p.keyboard.press('s');
  }
  await expect.poll(() => simTime(other)).toBeGreaterThan(t);
  expect(await simTime(other)).toBe(await simTime(page));
  expect(await snapshot(other)).toEqual(await snapshot(page));
});

test('a malformed link is reported and the playground falls back to a working default', async ({ page }) => {
  await openPage(page, '?s=1%2A%2A%2Anot-a-session&t=5');
  await expect(page.getByText(/link: the link has a character that is not base64url/)).toBeVisible();
  await waitForLeader(page);
});

test('scenario import: an error names line and column; a good one runs; export gives it back', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  const box = page.getByRole('textbox', { name: 'Scenario text' });
  await box.fill('cluster nodes=3 seed=2\nrun 1s\ncrash 12');
  await page.getByRole('button', { name: 'Run this scenario' }).click();
  await expect(page.getByRole('alert')).toContainText('line 3, column 7: expected a node id');
  // The old session still runs.
  expect((await nodes(page)).length).toBe(5);
  await box.fill('cluster nodes=3 seed=2\nrun 800ms\ncrash 2');
  await page.getByRole('button', { name: 'Run this scenario' }).click();
  await expect.poll(async () => (await nodes(page)).length).toBe(3);
  await expect(page.locator('[data-node-id="2"][data-role]')).toHaveAttribute('data-role', 'crashed', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Export as scenario' }).click();
  const exported = await page.getByRole('textbox', { name: 'Exported scenario' }).inputValue();
  expect(exported).toContain('cluster nodes=3 seed=2');
  expect(exported).toContain('run 800ms\ncrash 2');
  // The library of named scenarios.
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Figure 7: every follower log converges' });
  await expect.poll(async () => (await nodes(page)).length).toBe(7);
});

test('scenario import from a file', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await page.getByLabel('Open a file…').setInputFiles({ name: 's.txt', mimeType: 'text/plain', buffer: Buffer.from('cluster nodes=4 seed=9\nrun 1s') });
  await expect.poll(async () => (await nodes(page)).length).toBe(4);
});
