// The page's WebAssembly in two parts (scripts/split-wasm.py, www/split.js): a page loads and
// runs on the first; the second is fetched on first use. If a plain load needs the second,
// scripts/split-keep.txt is out of date: run `node tools/split-profile.mjs` and build again.
const { test, expect } = require('@playwright/test');
const { openPage, waitForLeader } = require('./helpers');

const LATER = 'raft-playground_later.wasm';

/** Requests for the second part, as 'fetch' (background) or 'xhr' (synchronous). */
function watchLater(page) {
  const seen = [];
  page.on('request', (r) => {
    if (r.url().endsWith(LATER)) seen.push(r.resourceType());
  });
  return seen;
}

for (const query of ['?seed=3', '?seed=4&embed=1', '?seed=5&lang=zh&theme=dark', '?seed=6&nodes=9&speed=0.2']) {
  test(`a page opened with ${query} loads and runs without the second part`, async ({ page }) => {
    const later = watchLater(page);
    const problems = await openPage(page, query);
    await waitForLeader(page);
    await page.waitForTimeout(3000);
    expect(problems).toEqual([]);
    expect(later).toEqual([]);
    await expect(page.locator('html')).not.toHaveAttribute('data-second-part', /./);
  });
}

test('a window resized (a phone turned) redraws the page without the second part', async ({ page }) => {
  const later = watchLater(page);
  const problems = await openPage(page, '?seed=3');
  await waitForLeader(page);
  const box = () => page.locator('svg.cluster').boundingBox();
  const wide = await box();
  await page.setViewportSize({ width: 420, height: 900 });
  await expect.poll(async () => (await box()).width).toBeLessThan(wide.width);
  await page.waitForTimeout(500);
  expect(later).toEqual([]);
  expect(problems).toEqual([]);
});

test('the reader\'s first move fetches the second part once, in the background, and clicks work', async ({ page }) => {
  const later = watchLater(page);
  const problems = await openPage(page, '?seed=3');
  const leader = await waitForLeader(page);
  await page.mouse.move(300, 300, { steps: 5 });
  await expect(page.locator('html')).toHaveAttribute('data-second-part', 'ready');
  // Selecting a node draws the inspector, which is in the second part.
  await page.locator(`[data-node-id="${leader.id}"][data-role]`).click();
  await page.getByRole('button', { name: `Crash node ${leader.id}` }).click();
  await expect(page.locator(`[data-node-id="${leader.id}"][data-role]`)).toHaveAttribute('data-role', 'crashed');
  expect(later).toEqual(['fetch']);
  expect(problems).toEqual([]);
});

test('on a phone, scrolling the page fetches the second part in the background', async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  const later = watchLater(page);
  const problems = await openPage(page, '?seed=3');
  await waitForLeader(page);
  expect(later).toEqual([]);
  await page.evaluate(() => window.scrollBy(0, 400));
  await expect(page.locator('html')).toHaveAttribute('data-second-part', 'ready');
  expect(later).toEqual(['fetch']);
  expect(problems).toEqual([]);
  await context.close();
});

test('a key pressed before anything else loads the second part at once, and the key works', async ({ page }) => {
  const later = watchLater(page);
  const problems = await openPage(page, '?seed=3');
  await waitForLeader(page);
  // The help dialog is drawn by the second part; the key's own handler needs it.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Raft Playground: help' })).toBeVisible();
  expect(later).toContain('xhr');
  expect(problems).toEqual([]);
});

test('a returning reader\'s remembered settings fetch both parts side by side', async ({ page }) => {
  await page.addInitScript(() => localStorage.setItem('raft-playground.prefs', 'theme=dark;speed=0.2;nodes=3;prevote=0;cq=0;rate=5;hide=message'));
  const later = watchLater(page);
  const problems = await openPage(page, '');
  await waitForLeader(page);
  await expect(page.locator('html')).toHaveAttribute('data-second-part', 'ready');
  expect(later).toEqual(['fetch']);
  expect(await page.locator('[data-node-id][data-role]').count()).toBe(3);
  expect(problems).toEqual([]);
});

test('a lesson link fetches both parts side by side, before the page starts', async ({ page }) => {
  const later = watchLater(page);
  const problems = await openPage(page, '?lesson=partition');
  await expect(page.locator('[data-lesson="partition"]')).toBeVisible();
  expect(later).toEqual(['fetch']);
  expect(problems).toEqual([]);
});

for (const [lang, request, heldBack] of [
  ['en', 'Send a client request', 'the network is gone'],
  ['zh', '发送一个客户端请求', '网络已断开'],
]) {
  test(`offline before the second part arrived, a click is held back with a notice, the page runs on, and works once online (${lang})`, async ({ page, context }) => {
    const problems = await openPage(page, `?seed=3&speed=1&lang=${lang}`);
    await waitForLeader(page);
    await context.setOffline(true);
    await page.getByRole('button', { name: request }).click();
    await expect(page.getByRole('status').filter({ hasText: heldBack })).toBeVisible();
    await expect(page.locator('.panic-overlay')).toHaveCount(0);
    const simTime = () => page.locator('[data-sim-time]').first().evaluate((e) => Number(e.dataset.simTime));
    const t0 = await simTime();
    await expect.poll(simTime).toBeGreaterThan(t0 + 300);
    await expect(page.locator('[data-log-entry]', { hasText: 'x=1' })).toHaveCount(0);
    // Back online, the background fetch starts again by itself (no input meanwhile).
    await expect(page.locator('html')).not.toHaveAttribute('data-second-part', /./);
    await context.setOffline(false);
    await expect(page.locator('html')).toHaveAttribute('data-second-part', 'ready');
    await page.getByRole('button', { name: request }).click();
    await expect(page.locator('[data-log-entry]', { hasText: 'x=1' }).first()).toBeVisible();
    // The browser reports each fetch that failed offline; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('net::ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
}

test('a lesson link whose second part cannot be fetched says the page could not start', async ({ page }) => {
  await page.route(`**/${LATER}`, (route) => route.abort('internetdisconnected'));
  await page.goto('./?lesson=partition');
  await expect(page.locator('#app')).toContainText('The playground could not start');
  await expect(page.locator('#app')).toContainText(`could not load`);
});

for (const [lang, title, text] of [
  ['en', 'Something broke', 'Part of the playground could not be downloaded'],
  ['zh', '出错了', '演练场的一部分无法下载'],
]) {
  test(`a call into the missing second part stops the page with the notice that says so (${lang})`, async ({ page }) => {
    await page.goto(`./?seed=3&lang=${lang}`);
    await expect(page.locator('[data-sim-time]').first()).toBeVisible();
    // What split.js throws when a placeholder cannot load the second part.
    await page.evaluate(() => setTimeout(() => {
      const error = new WebAssembly.RuntimeError('could not load /raft-playground_later.wasm: offline');
      error.partMissing = true;
      throw error;
    }));
    const overlay = page.getByRole('alertdialog', { name: title });
    await expect(overlay).toBeVisible();
    await expect(overlay).toContainText(text);
  });
}
