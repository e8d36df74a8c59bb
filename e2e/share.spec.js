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
  // The link's `t` is in whole milliseconds and the page paused within one: the link's page
  // may still have the events of that millisecond's rest to take (it then ended 1 to 3 ms
  // behind in 1 run in 10). Those few more steps bring it to the same moment and state.
  for (let k = 0; k < 20 && (await simTime(other)) < (await simTime(page)); k++) await other.keyboard.press('s');
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
  await page.getByRole('button', { name: 'Run as a new scenario' }).click();
  await expect(page.getByRole('alert')).toContainText('line 3, column 7: expected a node id');
  // The old session still runs.
  expect((await nodes(page)).length).toBe(5);
  await box.fill('cluster nodes=3 seed=2\nrun 800ms\ncrash 2');
  await page.getByRole('button', { name: 'Run as a new scenario' }).click();
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

test('the embed page shows several playgrounds side by side, each fitting its frame', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('./embed.html');
  const frames = page.locator('iframe');
  // Four playgrounds and a lesson (issue 10).
  await expect(frames).toHaveCount(5);
  await expect(page.frameLocator('iframe').nth(4).locator('[data-lesson="partition"]')).toBeVisible({ timeout: 20_000 });
  for (let k = 0; k < 4; k++) {
    const frame = page.frameLocator('iframe').nth(k);
    await expect(frame.locator('[data-node-id][data-role]').first()).toBeVisible({ timeout: 20_000 });
    // Only the cluster and a small control bar.
    await expect(frame.getByRole('button', { name: /Pause|Play/ })).toBeVisible();
    await expect(frame.getByText('Break it')).toHaveCount(0);
    await expect(frame.getByText('Safety invariants')).toHaveCount(0);
  }
  // The smallest frame (320x240) has nothing to scroll.
  const small = page.frames().find((f) => f.url().includes('nodes=3'));
  const fits = await small.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1 && document.documentElement.scrollWidth <= innerWidth + 1);
  expect(fits).toBe(true);
  // The dark one is dark.
  const dark = page.frames().find((f) => f.url().includes('theme=dark'));
  expect(await dark.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  // Each snippet on the page is the iframe it shows.
  await expect(page.locator('pre code')).toHaveCount(5);
  expect(problems).toEqual([]);
});

test('the JavaScript API example page draws its own view and reports bad calls', async ({ page }) => {
  const problems = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto('./api.html');
  await expect(page.locator('#status')).toContainText('leader: node', { timeout: 20_000 });
  const before = await page.evaluate(() => window.simulation.state().leader);
  await page.getByRole('button', { name: 'Crash the leader' }).click();
  await expect(page.locator(`#ring [data-node-id="${before}"]`)).toHaveAttribute('data-role', 'crashed');
  await expect.poll(async () => page.evaluate(() => window.simulation.state().leader), { timeout: 30_000 }).not.toBe(before);
  await page.getByRole('button', { name: 'Try a bad call' }).click();
  await expect(page.getByRole('alert')).toContainText('a node id is a whole number from 1 to 9 (got 42)');
  await expect(page.locator('#log li').first()).toBeVisible();
  expect(problems).toEqual([]);
});

test('the JavaScript API: create, advance, read state, intervene, and clear errors', async ({ page }) => {
  await page.goto('./?autoplay=0');
  const result = await page.evaluate(async () => {
    const { default: init, Simulation } = await import('./raft-playground-api.js');
    await init();
    const out = {};
    const sim = new Simulation({ nodes: 3, seed: 4 });
    sim.advance(2000);
    const s = sim.state();
    out.time = s.time;
    out.leader = s.leader;
    out.roles = s.nodes.map((n) => n.role).sort();
    sim.propose('k=v');
    sim.advance(300);
    out.committed = sim.state().nodes.every((n) => n.log.some((e) => e.command === 'k=v' && e.committed));
    sim.partition([[1], [2, 3]]);
    out.partition = sim.state().partition;
    out.events = sim.eventsSince(0).events.length;
    out.scenario = sim.exportScenario();
    out.hash = sim.traceHash();
    const twin = new Simulation({ nodes: 3, seed: 4 });
    twin.advance(2000);
    twin.propose('k=v');
    twin.advance(300);
    twin.partition([[1], [2, 3]]);
    out.twinHash = twin.traceHash();
    twin.advance(100);
    out.twinMoved = twin.traceHash() !== out.twinHash;
    const cut = new Simulation({ nodes: 3, seed: 4 });
    cut.advance(2000);
    out.cutLeader = cut.state().leader;
    cut.partition([[out.cutLeader]]);
    out.stale = cut.state().nodes.filter((n) => n.stale !== null).map((n) => [n.id, n.stale]);
    const fromText = Simulation.fromScenario('cluster nodes=4 seed=2\nrun 1s\ncrash 2');
    fromText.advance(1500);
    out.replayedCrash = fromText.state().nodes.find((n) => n.id === 2).role;
    const errors = [];
    for (const bad of [() => new Simulation({ nodes: 12 }), () => new Simulation({ colour: 'red' }), () => sim.crash(0),
      () => sim.advance(-5), () => sim.partition('x'), () => sim.propose('not a command'), () => Simulation.fromScenario('run 2x'),
      () => sim.run('expect leader')]) {
      try { bad(); errors.push(null); } catch (e) { errors.push(e instanceof Error ? e.message : String(e)); }
    }
    out.errors = errors;
    return out;
  });
  expect(result.time).toBe(2000);
  expect(result.leader).not.toBeNull();
  expect(result.roles).toEqual(['follower', 'follower', 'leader']);
  expect(result.committed).toBe(true);
  expect(result.partition).toEqual([[1], [2, 3]]);
  expect(result.events).toBeGreaterThan(3);
  expect(result.scenario).toContain('propose k=v');
  // The same options and calls give the same trace hash (16 hex digits); more events change it.
  expect(result.hash).toMatch(/^[0-9a-f]{16}$/);
  expect(result.twinHash).toBe(result.hash);
  expect(result.twinMoved).toBe(true);
  expect(result.replayedCrash).toBe('crashed');
  expect(result.stale).toEqual([[result.cutLeader, 'no-majority']]);
  expect(result.errors.every((e) => typeof e === 'string' && e.length > 10)).toBe(true);
  expect(result.errors[0]).toContain('1 to 9 nodes');
  expect(result.errors[6]).toContain('line 1, column 5');
});

test('served from a sub-path, the site loads everything from there and, once touched, keeps working offline', async ({ page, context }) => {
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url()).pathname));
  await openPage(page, '?seed=2&speed=1');
  expect(urls.length).toBeGreaterThan(3);
  await waitForLeader(page);
  // The reader's first move fetches the WebAssembly's second part (e2e/split.spec.js).
  await page.mouse.move(200, 200, { steps: 5 });
  await expect(page.locator('html')).toHaveAttribute('data-second-part', 'ready');
  expect(urls).toContain('/dist/raft-playground_later.wasm');
  expect(urls.every((p) => p.startsWith('/dist/'))).toBe(true);
  await context.setOffline(true);
  const t0 = await simTime(page);
  await expect.poll(() => simTime(page)).toBeGreaterThan(t0 + 300);
  await page.getByRole('button', { name: 'Send a client request' }).click();
  await expect(page.locator('[data-log-entry]', { hasText: 'x=1' }).first()).toBeVisible();
  await context.setOffline(false);
});
