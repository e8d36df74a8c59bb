// The page for its two main users (issue 9): the myth-buster who splits the cluster by hand,
// and the documentation writer who embeds a live demo.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { ORIGIN, openPage, waitForLeader } = require('./helpers');

const simTime = async (page) => Number(await page.locator('[data-sim-time]').first().getAttribute('data-sim-time'));
const scenarioFile = (name) => fs.readFileSync(path.join(__dirname, '..', 'tests', 'scenarios', name), 'utf8');
const drawn = async (page) => page.locator('[data-node-id][data-role]').evaluateAll((els) =>
  els.map((e) => ({ id: Number(e.dataset.nodeId), role: e.dataset.role, term: Number(e.dataset.term), stale: e.dataset.stale })));
const entries = (page, text, extra = '') => page.locator(`[data-log-entry]${extra}`, { hasText: text });

test('a split with the leader in the minority: a stale leader, only the majority commits, the heal rolls back', async ({ page }) => {
  await openPage(page, '?seed=5&speed=0.5');
  const old = await waitForLeader(page);
  await page.getByRole('button', { name: 'Leader in a minority' }).click();
  const oldNode = page.locator(`[data-node-id="${old.id}"][data-role]`);
  // At once: it still believes it leads, but it is drawn and described as stale.
  await expect(oldNode).toHaveAttribute('data-stale', 'true');
  await expect(oldNode).toHaveAttribute('data-role', 'leader');
  await expect(oldNode.getByRole('button')).toHaveAttribute('aria-label', /stale leader \(no majority, cannot commit\)/);
  await expect(page.locator('.leader-line')).toContainText(`Node ${old.id} still believes it leads (term ${old.term}) but cannot commit: it cannot reach a majority.`);
  // The sides, as the event list tells them (no "the rest": every node is named).
  const split = await page.locator('.event-list li', { hasText: 'Network partitioned' }).first().textContent();
  expect(split).not.toContain('the rest');
  const [minority, majority] = [...split.matchAll(/\{([\d, ]+)\}/g)].map((m) => m[1].split(', ').map(Number))
    .sort((a, b) => (a.includes(old.id) ? -1 : b.includes(old.id) ? 1 : 0));
  expect(minority).toContain(old.id);
  expect(minority.length + majority.length).toBe(5);
  // The majority elects its own leader; the old one keeps its (dimmed) crown.
  let fresh;
  await expect.poll(async () => {
    fresh = (await drawn(page)).find((n) => n.role === 'leader' && n.stale === 'false');
    return fresh !== undefined;
  }, { timeout: 30_000 }).toBe(true);
  expect(majority).toContain(fresh.id);
  expect(fresh.term).toBeGreaterThan(old.term);
  await expect(page.locator('.leader-line')).toContainText(`Leader: node ${fresh.id} (term ${fresh.term})`);

  // A request on each side, through the inspector.
  await oldNode.click();
  await page.getByRole('button', { name: `Send a client request to node ${old.id}` }).click();
  await page.locator(`[data-node-id="${fresh.id}"][data-role]`).click();
  await page.getByRole('button', { name: `Send a client request to node ${fresh.id}` }).click();
  // One to a follower on the minority side: refused, in plain words.
  const follower = minority.find((n) => n !== old.id);
  await page.locator(`[data-node-id="${follower}"][data-role]`).click();
  await page.getByRole('button', { name: `Send a client request to node ${follower}` }).click();
  await expect(page.locator('.event-list')).toContainText(`Node ${follower} refused z=3: it is not the leader (it believes node ${old.id} leads)`);
  await expect(page.locator('.event-list')).not.toContainText('leader hint');

  // Only the majority commits.
  for (const n of majority) await expect(entries(page, 'y=2', `[data-node-id="${n}"][data-committed="true"]`)).toHaveCount(1);
  await expect(entries(page, 'x=1', `[data-node-id="${old.id}"][data-committed="false"]`)).toHaveCount(1);
  await expect(entries(page, 'x=1', `[data-node-id="${old.id}"]`)).toHaveClass(/stale/);
  await expect(entries(page, 'x=1', '[data-committed="true"]')).toHaveCount(0);
  for (const n of minority) await expect(entries(page, 'y=2', `[data-node-id="${n}"]`)).toHaveCount(0);
  // The client that wrote to the stale leader never hears back.
  await expect(page.locator('.event-list')).toContainText(`The request x=1 was never acknowledged: node ${old.id} took it`, { timeout: 20_000 });

  // Heal: the old leader's uncommitted entry is discarded, told, shown as a ghost, and gone.
  await page.getByRole('button', { name: 'Heal the network' }).click();
  await expect(page.locator('.event-list')).toContainText(
    new RegExp(`Node ${old.id} discarded entry \\d+ \\(x=1, term ${old.term}\\): it was never committed`), { timeout: 20_000 });
  await expect(page.locator('.ghost', { hasText: 'x=1' }).first()).toBeVisible();
  await expect(entries(page, 'x=1')).toHaveCount(0);
  await expect(oldNode).toHaveAttribute('data-stale', 'false');
  for (const n of [...minority, ...majority]) {
    await expect(entries(page, 'y=2', `[data-node-id="${n}"][data-committed="true"]`)).toHaveCount(1, { timeout: 20_000 });
  }
});

test("the embed's ↗ link opens the full playground at the embed's moment", async ({ page, context }) => {
  await openPage(page, '?embed=1&seed=7&speed=1&autoplay=1');
  await waitForLeader(page);
  await expect.poll(() => simTime(page)).toBeGreaterThan(800);
  await page.getByRole('button', { name: 'Pause' }).click();
  const t = await simTime(page);
  const there = await drawn(page);
  const [full] = await Promise.all([context.waitForEvent('page'), page.getByRole('link', { name: 'Open in the playground ↗' }).click()]);
  await full.waitForLoadState();
  expect(full.url()).toMatch(/\?s=1[A-Za-z0-9_-]+&t=\d+$/);
  await expect.poll(() => simTime(full)).toBe(t);
  expect(await drawn(full)).toEqual(there);
  // The full page, not another embed; paused at that moment.
  await expect(full.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(full.getByRole('button', { name: 'Send a client request', exact: true })).toBeVisible();
  // The link was set on the link itself, not on the page's root.
  expect(await page.locator('.app').getAttribute('href')).toBeNull();
  // The embed kept its settings to itself.
  expect(await page.evaluate(() => localStorage.getItem('raft-playground.prefs'))).toBeNull();
});

test('Copy embed code gives a snippet that plays the scenario at 400x300 with readable labels', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openPage(page, '?seed=3&speed=0.5');
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Leader crash' });
  await page.getByRole('button', { name: 'Copy embed code' }).click();
  const snippet = await page.getByRole('textbox', { name: 'Embed code' }).inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(snippet);
  expect(snippet.startsWith(`<iframe title="Raft Playground" width="400" height="300" loading="lazy" src="${ORIGIN}/dist/?embed=1&amp;autoplay=1&amp;speed=0.5&amp;theme=`)).toBe(true);
  expect(snippet).toMatch(/&amp;theme=(auto|light|dark)&amp;scenario=[^"&]+"><\/iframe>$/);
  // The scenario as written, comments and all, URL-encoded.
  expect(snippet).toContain(encodeURIComponent('crash leader'));
  expect(snippet).toContain(encodeURIComponent('# §5.2: when the leader crashes'));

  // Pasted into someone else's page.
  const doc = await context.newPage();
  await doc.setContent(`<!doctype html><html><body style="margin:0">${snippet}</body></html>`);
  const frame = doc.frameLocator('iframe');
  await expect(frame.locator('[data-node-id][data-role]')).toHaveCount(5, { timeout: 20_000 });
  // It tells the story as it plays: the first comment is the caption, then the crash.
  await expect(frame.locator('.caption')).toContainText('when the leader crashes');
  await expect(frame.locator('[data-role="crashed"]')).toHaveCount(1, { timeout: 30_000 });
  const inner = doc.frames().find((f) => f !== doc.mainFrame());
  const sizes = await inner.evaluate(() => {
    const svg = document.querySelector('svg.cluster');
    const k = svg.getScreenCTM().a;
    const words = [...svg.querySelectorAll('.node text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * k);
    const html = [...document.querySelectorAll('.caption, .clock, .open-full')].map((e) => parseFloat(getComputedStyle(e).fontSize));
    return { w: innerWidth, h: innerHeight, words, html, scrolls: document.documentElement.scrollHeight > innerHeight + 1 };
  });
  expect([sizes.w, sizes.h]).toEqual([400, 300]);
  expect(sizes.words.length).toBeGreaterThan(10);
  expect(Math.min(...sizes.words)).toBeGreaterThanOrEqual(10.95);
  expect(Math.min(...sizes.html)).toBeGreaterThanOrEqual(11);
  expect(sizes.scrolls).toBe(false);
  // The replay button starts the story again.
  await frame.getByRole('button', { name: 'Replay from the start' }).click();
  expect(Number(await frame.locator('[data-sim-time]').getAttribute('data-sim-time'))).toBeLessThan(1000);
  await expect(frame.locator('[data-role="crashed"]')).toHaveCount(0);
});

test('t= works with scenario= and opens paused unless autoplay=1; caption= shows a line', async ({ page }) => {
  const scenario = encodeURIComponent('cluster nodes=3 seed=9\nrun 500ms\ncrash 2');
  await openPage(page, `?scenario=${scenario}&t=700&caption=${encodeURIComponent('Node 2 is down')}`);
  await expect.poll(() => simTime(page)).toBe(700);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect(page.locator('[data-node-id="2"][data-role]')).toHaveAttribute('data-role', 'crashed');
  await expect(page.locator('.caption')).toHaveText('Node 2 is down');
  await openPage(page, `?scenario=${scenario}&t=700&autoplay=1&speed=1`);
  await expect.poll(() => simTime(page)).toBeGreaterThan(800);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
});

test('an example shows its settings, seed and comments; replacing a session the user acted on asks first', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Figure 7: every follower log converges' });
  await expect.poll(async () => (await drawn(page)).length).toBe(7);
  const text = scenarioFile('figure7.txt');
  const seed = text.match(/seed=(\d+)/)[1];
  await expect(page.locator('#set-seed')).toHaveValue(seed);
  await expect(page.locator('#set-nodes')).toHaveValue('7');
  await expect(page.getByText(`Seed ${seed}`)).toBeVisible();
  await expect(page.locator('.caption')).toContainText(text.split('\n')[0].replace(/^#\s*/, '').slice(0, 30));

  // Something of the user's own, then another example: the page asks.
  await page.getByRole('button', { name: 'Heal the network' }).click();
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Leader crash' });
  const dialog = page.getByRole('alertdialog', { name: 'Replace this session?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect((await drawn(page)).length).toBe(7);
  await page.getByRole('combobox', { name: 'Load an example' }).selectOption({ label: 'Leader crash' });
  await page.getByRole('alertdialog').getByRole('button', { name: 'Replace' }).click();
  await expect.poll(async () => (await drawn(page)).length).toBe(5);
});

test('scenario commands run on the current cluster, each at its time', async ({ page }) => {
  await openPage(page, '?seed=4&speed=1');
  await waitForLeader(page);
  const before = await drawn(page);
  await page.getByRole('textbox', { name: 'Scenario text' }).fill('# Cut in two.\npartition 1,2 | 3,4,5\nrun 1500ms\nheal');
  await page.getByRole('button', { name: 'Run on the current cluster' }).click();
  await expect(page.locator('.node .halo').first()).toBeVisible();
  await expect(page.locator('.caption')).toHaveText('Cut in two.');
  expect((await drawn(page)).map((n) => n.id)).toEqual(before.map((n) => n.id));
  await expect(page.locator('.event-list')).toContainText('Network healed', { timeout: 20_000 });
  await expect(page.locator('.node .halo')).toHaveCount(0);
  // A cluster line is refused there, with a reason.
  await page.getByRole('textbox', { name: 'Scenario text' }).fill('cluster nodes=3\ncrash 1');
  await page.getByRole('button', { name: 'Run on the current cluster' }).click();
  await expect(page.getByRole('alert')).toContainText('line 1: `cluster` starts a new cluster');
  // The session export reads well.
  await page.getByRole('button', { name: 'Export as scenario' }).click();
  const exported = await page.getByRole('textbox', { name: 'Exported scenario' }).inputValue();
  expect(exported).toMatch(/^run \d+(\.\d{1,3})?m?s$/m);
  expect(exported).not.toMatch(/\d{4,}us/);
});

test('keyboard: a skip link to the controls, the event list is one Tab stop with arrow keys', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  await waitForLeader(page);
  await page.getByRole('checkbox', { name: 'Automatic workload' }).check();
  await page.waitForTimeout(3000);
  // From the top of the page: the skip link, then the first control.
  await page.locator('body').click({ position: { x: 2, y: 300 } });
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the controls' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Send a client request', exact: true })).toBeFocused();
  // From Help, Tab by Tab: the event list counts once however long it is.
  await page.getByRole('button', { name: 'Help' }).focus();
  let presses = 0;
  let onList = 0;
  while (presses < 60) {
    await page.keyboard.press('Tab');
    presses += 1;
    const name = await page.evaluate(() => document.activeElement.getAttribute('aria-label') || document.activeElement.textContent.trim());
    if (name.startsWith('What happened')) onList += 1;
    if (name === 'Send a client request') break;
  }
  expect(onList).toBe(1);
  expect(presses).toBeLessThan(30);
  // Arrow keys move inside the list; Enter travels to that moment.
  const list = page.getByRole('listbox', { name: /What happened/ });
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const active = page.locator('#event-active');
  await expect(active).toHaveAttribute('aria-selected', 'true');
  await expect(list).toHaveAttribute('aria-activedescendant', 'event-active');
  const time = Number(await active.getAttribute('data-time'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await expect.poll(() => simTime(page)).toBe(Math.floor(time / 1000));
});

test('the legend starts collapsed and tells lost messages, cut links and partition groups apart', async ({ page }) => {
  await openPage(page, '?seed=3&speed=1');
  const legend = page.locator('details.legend');
  await expect(legend).not.toHaveAttribute('open', '');
  await legend.locator('summary').click();
  const swatch = (label) => legend.locator('.legend-item', { hasText: label }).locator('svg').innerHTML();
  expect(await swatch('lost message')).not.toEqual(await swatch('cut link'));
  await expect(legend.locator('.legend-item', { hasText: 'partition groups' }).locator('.halo')).toHaveCount(4);
  await expect(legend.locator('.legend-item', { hasText: 'stale leader' })).toBeVisible();
  // The logs' "committed" sample is in no term's colour.
  const sample = page.locator('.legend-line .sample.committed');
  await expect(sample).toHaveClass(/neutral/);
  await expect(sample).not.toHaveClass(/term-/);
});

test('the pages link to each other', async ({ page }) => {
  await openPage(page, '?seed=3');
  for (const [name, file] of [['Embed it in a page', 'embed.html'], ['JavaScript API', 'api.html'], ['The scenario language', 'language.html']]) {
    await expect(page.getByRole('link', { name })).toHaveAttribute('href', `./${file}`);
  }
  for (const file of ['embed.html', 'api.html', 'language.html']) {
    await page.goto(`./${file}`);
    await expect(page.getByRole('link', { name: '← The playground' })).toHaveAttribute('href', './');
  }
  await expect(page.getByRole('heading', { name: 'The scenario language' })).toBeVisible();
  await expect(page.locator('table code', { hasText: 'propose x=1 [via 3]' })).toBeVisible();
});
