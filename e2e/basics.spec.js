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

// A Rust panic aborts the WebAssembly, which reaches JavaScript as an uncaught
// WebAssembly.RuntimeError from whatever called in. The page must then say it stopped and
// offer a reload, in its language, instead of freezing. The error is thrown here from a
// timer and from a promise: the two ways an uncaught exception reaches the page.
for (const [lang, title, reload] of [['en', 'Something broke', 'Reload'], ['zh', '出错了', '重新加载']]) {
  test(`a stopped WebAssembly shows the notice with a reload link (${lang})`, async ({ page }) => {
    await openPage(page, `?seed=3&lang=${lang}`);
    await waitForLeader(page);
    // Another script's error is not the playground stopping.
    await page.evaluate(() => setTimeout(() => { throw new TypeError('not ours'); }));
    await page.waitForTimeout(200);
    await expect(page.locator('.panic-overlay')).toHaveCount(0);
    const how = lang === 'en'
      ? () => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); })
      : () => { Promise.reject(new WebAssembly.RuntimeError('unreachable')); };
    await page.evaluate(how);
    const overlay = page.getByRole('alertdialog', { name: title });
    await expect(overlay).toBeVisible();
    await expect(overlay.getByRole('heading', { name: title })).toBeVisible();
    await expect(overlay.locator('pre')).toHaveText('RuntimeError: unreachable');
    const link = overlay.getByRole('link', { name: reload });
    await expect(link).toBeFocused();
    expect(await link.getAttribute('href')).toBe(page.url());
    // A second error does not stack a second notice.
    await page.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError('unreachable'); }));
    await page.waitForTimeout(200);
    await expect(page.locator('.panic-overlay')).toHaveCount(1);
  });
}
