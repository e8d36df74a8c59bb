// The complete protocol on the page (issue 4): membership, transfer, snapshots, reads,
// priorities and the "break it" switches.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const path = require('path');
const { openPage, nodes, waitForLeader } = require('./helpers');

const scenarioFile = (name) => fs.readFileSync(path.join(__dirname, '..', 'tests', 'scenarios', name), 'utf8');
const q = (text) => encodeURIComponent(text);

test('add a learner, promote it, add a voter, remove a node', async ({ page }) => {
  await openPage(page, '?seed=21&nodes=3&speed=0.5');
  await waitForLeader(page);
  await page.getByRole('button', { name: 'Add a learner' }).click();
  await expect(page.locator('[data-node-id="4"][data-role]')).toHaveAttribute('data-role', 'learner', { timeout: 20_000 });
  await page.locator('[data-node-id="4"][data-role]').click();
  await page.getByRole('button', { name: 'Promote node 4 to voter' }).click();
  await expect(page.locator('[data-node-id="4"][data-role]')).toHaveAttribute('data-role', /follower|candidate|leader/, { timeout: 20_000 });
  await page.getByRole('button', { name: 'Add a node' }).click();
  await expect(page.locator('[data-node-id="5"][data-role]')).toBeVisible({ timeout: 20_000 });
  expect((await nodes(page)).length).toBe(5);
  const leader = await waitForLeader(page);
  const victim = [1, 2, 3].find((n) => n !== leader.id);
  await page.locator(`[data-node-id="${victim}"][data-role]`).click();
  await page.getByRole('button', { name: `Remove node ${victim}` }).click();
  await expect(page.getByText(new RegExp(`proposed a membership change \\(remove ${victim}\\)`)).first()).toBeVisible();
});

test('transfer leadership to a chosen node', async ({ page }) => {
  await openPage(page, '?seed=31&speed=0.5');
  const first = await waitForLeader(page);
  const target = first.id === 2 ? 3 : 2;
  await page.locator(`[data-node-id="${target}"][data-role]`).click();
  await page.getByRole('button', { name: `Transfer leadership to node ${target}` }).click();
  await expect(page.locator(`[data-node-id="${target}"][data-role]`)).toHaveAttribute('data-role', 'leader', { timeout: 20_000 });
  const now = await waitForLeader(page, { minTerm: first.term + 1 });
  expect(now.id).toBe(target);
});

test('compaction shows the snapshot boundary and a lagging node gets InstallSnapshot', async ({ page }) => {
  const scenario = ['cluster nodes=3 seed=35 snapshot=8', 'timeout 1', 'run 300ms', 'crash 3', 'workload 40/s', 'run 1500ms',
    'workload off', 'run 200ms', 'restart 3'].join('\n');
  await openPage(page, `?speed=0.3&scenario=${q(scenario)}`);
  // Note every message drawn, however briefly it is on screen.
  await page.evaluate(() => {
    window.drawn = new Set();
    new MutationObserver((changes) => {
      for (const c of changes) for (const n of c.addedNodes) {
        if (n.nodeType === 1 && n.matches('[data-message]')) window.drawn.add(`${n.dataset.kind}>${n.dataset.to}`);
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  // The snapshot boundary appears in the logs.
  await expect(page.locator('.cell.compacted').first()).toBeVisible({ timeout: 30_000 });
  // Node 3 comes back behind the leader's snapshot: a snapshot message goes to it.
  await expect.poll(() => page.evaluate(() => window.drawn.has('snapshot>3')), { timeout: 30_000 }).toBe(true);
  await expect(page.getByText(/Node 3 installed a snapshot up to entry/).first()).toBeVisible({ timeout: 20_000 });
});

test('a client read goes through ReadIndex and returns the committed value', async ({ page }) => {
  await openPage(page, '?seed=36&nodes=3&speed=0.5');
  await waitForLeader(page);
  await page.getByRole('button', { name: 'Send a client request' }).click();
  await expect(page.locator('[data-log-entry][data-committed="true"]', { hasText: 'x=1' }).first()).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Read x (ReadIndex)' }).click();
  await expect(page.getByText(/served a read: x = 1/).first()).toBeVisible({ timeout: 20_000 });
});

test('node priorities can be raised from the inspector', async ({ page }) => {
  await openPage(page, '?seed=37&nodes=3&speed=0.5');
  await page.locator('[data-node-id="2"][data-role]').click();
  await expect(page.getByText('Priority 1')).toBeVisible();
  await page.getByRole('button', { name: "Raise node 2's priority" }).click();
  await expect(page.getByText('Priority 2')).toBeVisible();
  await page.getByRole('checkbox', { name: 'Priority election' }).check();
  await expect(page.getByRole('checkbox', { name: 'Priority election' })).toBeChecked();
});

test('break it: a known bug switched on is caught by the invariants panel', async ({ page }) => {
  await openPage(page, `?speed=0.2&scenario=${q(scenarioFile('figure8_broken.txt'))}`);
  // The scenario switched the Figure 8 rule off; the panel shows it.
  await expect(page.getByRole('checkbox', { name: /Figure 8/ })).toBeChecked();
  // The run stops at the violation, which the invariants panel names.
  await expect(page.locator('[data-invariant="leader-completeness"]')).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(page.getByText(/Stopped at a safety violation/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  // Switching a bug on by hand works too.
  await page.getByRole('checkbox', { name: /Vote without the log check/ }).check();
  await expect(page.getByRole('checkbox', { name: /Vote without the log check/ })).toBeChecked();
});

test('a stale read is caught live: the linearizability row turns red, names the operations, and the run stops', async ({ page }) => {
  // A forced election timeout inside the old leader's lease (tests/scenarios/lease_forced_timeout.txt).
  await openPage(page, `?speed=0.5&scenario=${q(scenarioFile('lease_forced_timeout.txt'))}`);
  const row = page.locator('[data-invariant="linearizability"]');
  await expect(row).toHaveAttribute('data-ok', 'false', { timeout: 30_000 });
  await expect(row).toContainText('read -> 1');
  await expect(row).toContainText('write 2');
  await expect(page.getByText(/Stopped at a safety violation/)).toBeVisible();
  // The JavaScript API reports it too.
  const kinds = await page.evaluate(async (text) => {
    const { default: init, Simulation } = await import('./raft-playground-api.js');
    await init();
    const sim = Simulation.fromScenario(text);
    sim.advance(3000);
    return sim.state().violations.map((v) => v.invariant);
  }, scenarioFile('lease_forced_timeout.txt'));
  expect(kinds).toContain('linearizability');
});
