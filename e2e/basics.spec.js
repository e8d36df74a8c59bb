const { test, expect } = require('@playwright/test');
const { openPage, nodes, waitForLeader } = require('./helpers');

test('loads with no console errors and no request outside its own origin', async ({ page }) => {
  const problems = await openPage(page, '?seed=3&speed=1');
  await page.waitForTimeout(1000);
  expect(problems).toEqual([]);
});

test('the wasm engine elects a leader', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  const leader = await waitForLeader(page);
  expect(leader.term).toBeGreaterThanOrEqual(1);
  expect((await nodes(page)).length).toBe(5);
  const t = Number(await page.locator('[data-sim-time]').first().getAttribute('data-sim-time'));
  expect(t).toBeGreaterThan(0);
});
