// Shared helpers for the end-to-end tests.
const { expect } = require('@playwright/test');

/** Where the suite serves the site (see playwright.config.js). */
const ORIGIN = `http://127.0.0.1:${process.env.E2E_PORT || 8081}`;

/** Opens the page, failing the test on console errors, page errors or foreign requests. */
async function openPage(page, query = '') {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.origin !== ORIGIN && url.protocol !== 'data:') problems.push(`foreign request: ${req.url()}`);
  });
  await page.goto(`./${query}`);
  await expect(page.locator('[data-sim-time]').first()).toBeVisible();
  return problems;
}

/** The node elements' roles and terms, from the page contract attributes. */
async function nodes(page) {
  return page.locator('[data-node-id][data-role]').evaluateAll((els) =>
    els.map((e) => ({ id: Number(e.dataset.nodeId), role: e.dataset.role, term: Number(e.dataset.term) })));
}

/** Waits until exactly one node leads and returns it. */
async function waitForLeader(page, { minTerm = 1, timeout = 30_000 } = {}) {
  let leader;
  await expect.poll(async () => {
    const all = await nodes(page);
    const leaders = all.filter((n) => n.role === 'leader');
    const top = Math.max(...all.map((n) => n.term));
    leader = leaders.length === 1 && leaders[0].term >= minTerm && leaders[0].term === top ? leaders[0] : undefined;
    return leader !== undefined;
  }, { timeout }).toBe(true);
  return leader;
}

/** Latin words a Chinese page may show: names Chinese Raft texts keep, units, the page's own name. */
const ALLOWED = new Set(['Raft', 'ReadIndex', 'AppendEntries', 'RequestVote', 'InstallSnapshot', 'TimeoutNow', 'Zeebe', 'CheckQuorum',
  'Pre', 'Vote', 'Leader', 'Follower', 'Candidate', 'Learner', 'Lease', 'Read', 'no', 'op', 'commitIndex', 'nextIndex', 'matchIndex',
  'replicationFactor', 'votedFor', 'Broker', 'Gateway', 'primary', 'rebalance', 'ms', 'us', 'English', 'JavaScript', 'API', 'WebAssembly',
  'eventsSince', 'Simulation', 'iframe', 'js', 'ts', 'html', 'URL']);

/** The page's visible text (or that of the elements `selector` finds), without code (scenario
 *  text, snippets) and without SVG titles. */
async function strayLatin(page, selector = 'body') {
  const text = await page.evaluate((sel) => [...document.querySelectorAll(sel)].map((root) => {
    const clone = root.cloneNode(true);
    clone.querySelectorAll('code, pre, textarea, script, style, title, [hidden], .visually-hidden').forEach((e) => e.remove());
    document.body.appendChild(clone);
    clone.style.position = 'absolute';
    const t = clone.innerText;
    clone.remove();
    return t;
  }).join('\n'), selector);
  const words = text.match(/[A-Za-z][A-Za-z-]*[A-Za-z]/g) || [];
  return [...new Set(words.flatMap((w) => w.split('-')).filter((w) => w.length > 1 && !ALLOWED.has(w) && !/^[a-z]=?$/.test(w)))];
}

module.exports = { ORIGIN, openPage, nodes, waitForLeader, strayLatin };
