// The cross-engine checks: each drives the built site through one driver (drivers.mjs) and
// asserts what the page shows through its contract (DESIGN.md, "Page contract"). Functions
// passed to d.eval / d.waitFor run in the page: they must not use anything from this file.

class CheckFailure extends Error {}

function assert(cond, message) {
  if (!cond) throw new CheckFailure(message);
}

function assertEq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}: expected ${e}, got ${a}`);
}

// ---- in-page readers (no closures) ----

function pageNodes() {
  return [...document.querySelectorAll('[data-node-id][data-role]')].map((e) => ({
    id: Number(e.dataset.nodeId), role: e.dataset.role, term: Number(e.dataset.term),
  }));
}

function pageSimTime() {
  const e = document.querySelector('[data-sim-time]');
  return e ? Number(e.dataset.simTime) : null;
}

/** The one leader in the highest term (minTerm or later), among `among` if given. */
function pageLeader(minTerm, among) {
  const all = [...document.querySelectorAll('[data-node-id][data-role]')].map((e) => ({
    id: Number(e.dataset.nodeId), role: e.dataset.role, term: Number(e.dataset.term),
  })).filter((n) => !among || among.includes(n.id));
  if (all.length === 0) return null;
  const top = Math.max(...all.map((n) => n.term));
  const leaders = all.filter((n) => n.role === 'leader' && n.term === top);
  return leaders.length === 1 && leaders[0].term >= minTerm ? leaders[0] : null;
}

/** Node ids holding a log entry whose text is `command`, committed (or not) as asked. */
function pageEntryHolders(command, committed) {
  return [...document.querySelectorAll('[data-log-entry]')]
    .filter((e) => e.textContent.trim() === command && (committed === null || e.dataset.committed === String(committed)))
    .map((e) => Number(e.dataset.nodeId))
    .sort((a, b) => a - b);
}

function pageHasText(text) {
  return document.body.innerText.includes(text);
}

const open = async (d, ctx, query) => {
  await d.goto(`${ctx.base}${query}`);
  await d.waitFor(() => document.querySelector('[data-sim-time]') !== null, [], { what: 'the virtual clock ([data-sim-time])' });
};

const waitLeader = (d, { minTerm = 1, among = null, timeout = 20_000 } = {}) =>
  d.waitFor(pageLeader, [minTerm, among], { timeout, what: `one leader in the highest term >= ${minTerm}${among ? ` among ${among}` : ''}` });

const noProblems = async (d) => {
  const problems = await d.problems();
  assertEq(problems, [], 'page errors');
  assert(!(await d.eval(() => document.querySelector('.panic-overlay') !== null)), 'the page shows its panic overlay');
};

// ---- the checks ----

export const checks = [
  {
    name: 'page contract',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&speed=1');
      const t0 = await d.eval(pageSimTime);
      const contract = await d.eval(() => {
        const roles = ['leader', 'candidate', 'precandidate', 'follower', 'learner', 'crashed'];
        const nodes = [...document.querySelectorAll('[data-node-id][data-role]')];
        const invariants = [...document.querySelectorAll('[data-invariant]')];
        const named = (name) => [...document.querySelectorAll('button')].some((b) => (b.getAttribute('aria-label') ?? b.textContent).trim() === name);
        return {
          nodes: nodes.length,
          nodesWellFormed: nodes.every((e) => /^\d+$/.test(e.dataset.nodeId) && roles.includes(e.dataset.role) && /^\d+$/.test(e.dataset.term)),
          invariants: invariants.length,
          invariantsWellFormed: invariants.every((e) => e.dataset.invariant && ['true', 'false'].includes(e.dataset.ok)),
          buttons: ['Pause', 'Step', 'Send a client request', 'Isolate the leader', 'Leader in a minority', 'Heal the network'].filter((n) => !named(n)),
          lang: document.documentElement.lang,
          overlay: document.querySelector('.panic-overlay') !== null,
          // Every resource came from this origin (the site loads nothing from elsewhere).
          foreign: performance.getEntriesByType('resource').map((r) => r.name).filter((u) => new URL(u).origin !== location.origin && !u.startsWith('data:')),
          size: [innerWidth, innerHeight],
          // Nothing sticks out sideways at 1280 px.
          overflow: document.documentElement.scrollWidth > innerWidth + 1,
        };
      });
      assertEq(contract.nodes, 5, 'nodes with data-node-id and data-role');
      assert(contract.nodesWellFormed, 'every node has a numeric data-node-id, a known data-role and a numeric data-term');
      assert(contract.invariants >= 5, `invariants with data-invariant: ${contract.invariants}`);
      assert(contract.invariantsWellFormed, 'every invariant has data-ok true|false');
      assertEq(contract.buttons, [], 'buttons missing (by accessible name)');
      assertEq(contract.lang, 'en', '<html lang>');
      assert(!contract.overlay, 'the panic overlay is showing');
      assertEq(contract.foreign, [], 'requests outside the site\'s origin');
      assert(!contract.overflow, 'the page is wider than the 1280 px viewport');
      await d.waitFor((t) => Number(document.querySelector('[data-sim-time]').dataset.simTime) > t + 200, [t0], { what: 'the clock to advance' });
      assert(await d.eval(() => [...document.querySelectorAll('[data-invariant]')].every((e) => e.dataset.ok === 'true')), 'an invariant is violated');
      await noProblems(d);
    },
  },
  {
    name: 'a leader appears',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&speed=1');
      const leader = await waitLeader(d);
      assert(leader.term >= 1, `leader term ${leader.term}`);
      const nodes = await d.eval(pageNodes);
      assertEq(nodes.length, 5, 'nodes');
      assertEq(nodes.filter((n) => n.role === 'leader').length, 1, 'leaders');
      await noProblems(d);
    },
  },
  {
    name: 'a request commits',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&speed=1');
      await waitLeader(d);
      await d.clickByName('Send a client request');
      // The first request is x=1: committed on a majority (3 of 5 nodes).
      const holders = await d.waitFor((c) => {
        const ids = new Set([...document.querySelectorAll('[data-log-entry][data-committed="true"]')].filter((e) => e.textContent.trim() === c).map((e) => e.dataset.nodeId));
        return ids.size >= 3 ? [...ids] : null;
      }, ['x=1'], { what: 'x=1 committed on at least 3 of 5 nodes' });
      assert(holders.length >= 3, `x=1 committed on ${holders}`);
      await noProblems(d);
    },
  },
  {
    name: 'crashing the leader elects another',
    async run(d, ctx) {
      await open(d, ctx, '?seed=11&speed=1');
      const first = await waitLeader(d);
      await d.clickRetry(`[data-node-id="${first.id}"][data-role]`);
      await d.clickByName(`Crash node ${first.id}`);
      await d.waitFor((id) => document.querySelector(`[data-node-id="${id}"][data-role]`).dataset.role === 'crashed', [first.id], { what: `node ${first.id} crashed` });
      const others = [1, 2, 3, 4, 5].filter((n) => n !== first.id);
      const second = await waitLeader(d, { minTerm: first.term + 1, among: others });
      assert(second.id !== first.id, 'the crashed node still leads');
      assert(second.term > first.term, `new term ${second.term} <= old ${first.term}`);
      await noProblems(d);
    },
  },
  {
    name: 'a partition through the page',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&speed=1');
      const old = await waitLeader(d);
      // Paused, so that the request below reaches the old leader before anyone else times out.
      await d.clickByName('Pause');
      await d.clickByName('Leader in a minority');
      // The partition editor shows the groups the preset made.
      const groups = await d.waitFor(() => {
        const bins = [...document.querySelectorAll('[data-bin]')].map((b) => [...b.querySelectorAll('[data-chip]')].map((c) => Number(c.dataset.chip)).sort());
        return bins.filter((b) => b.length > 0).length === 2 ? bins.filter((b) => b.length > 0) : null;
      }, [], { what: 'two groups in the partition editor' });
      const minority = groups.find((g) => g.includes(old.id));
      const majority = groups.find((g) => !g.includes(old.id));
      assertEq([minority.length, majority.length], [2, 3], 'group sizes');
      // A request to the old leader (it still leads its term) cannot commit in the minority.
      await d.clickByName('Send a client request');
      await d.waitFor(pageEntryHolders, ['x=1', null], { what: 'x=1 in the old leader\'s log' });
      await d.clickByName('Play');
      const next = await waitLeader(d, { minTerm: old.term + 1, among: majority, timeout: 20_000 });
      // The next request goes to the majority's leader and commits there.
      await d.clickByName('Send a client request');
      await d.waitFor((ids) => {
        const on = [...document.querySelectorAll('[data-log-entry][data-committed="true"]')].filter((e) => e.textContent.trim() === 'y=2').map((e) => Number(e.dataset.nodeId));
        return ids.every((i) => on.includes(i));
      }, [majority], { what: `y=2 committed on the majority ${majority}` });
      await d.clickByName('Pause');
      const y2 = await d.eval(pageEntryHolders, 'y=2', true);
      assert(minority.every((n) => !y2.includes(n)), `y=2 committed on a minority node: ${y2}`);
      const x1 = await d.eval(pageEntryHolders, 'x=1', true);
      assertEq(x1, [], 'x=1 committed anywhere');
      assert((await d.eval(pageEntryHolders, 'x=1', false)).includes(old.id), 'x=1 is not in the old leader\'s log');
      assert(next.term > old.term && majority.includes(next.id), 'the majority elected a leader in a higher term');
      await noProblems(d);
    },
  },
  {
    name: 'time travel',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&speed=1');
      await waitLeader(d);
      await d.waitFor(() => Number(document.querySelector('[data-sim-time]').dataset.simTime) > 1500, [], { what: 'the clock past 1.5 s' });
      await d.clickByName('Pause');
      await d.waitFor(() => [...document.querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === 'Play'), [], { what: 'the Play button' });
      const later = await d.eval(pageSimTime);
      // Drag the timeline back to 50 ms: the slider's input event, as a drag gives it.
      const setTimeline = (v) => {
        const s = [...document.querySelectorAll('input[type=range]')].find((e) => e.getAttribute('aria-label') === 'Timeline');
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(s, String(v));
        s.dispatchEvent(new Event('input', { bubbles: true }));
        s.dispatchEvent(new Event('change', { bubbles: true }));
        return true;
      };
      await d.eval(setTimeline, 50);
      await d.waitFor(() => Number(document.querySelector('[data-sim-time]').dataset.simTime) === 50, [], { what: 'the clock at 50 ms' });
      const early = await d.eval(pageNodes);
      assert(early.length === 5 && early.every((n) => n.role === 'follower' && n.term === 0), `at 50 ms: ${JSON.stringify(early)}`);
      assert(await d.eval(pageHasText, 'Viewing the past'), '"Viewing the past" is not shown');
      await d.eval(setTimeline, later);
      await d.waitFor((t) => Number(document.querySelector('[data-sim-time]').dataset.simTime) === t, [later], { what: `the clock back at ${later} ms` });
      assert((await d.eval(pageNodes)).some((n) => n.role === 'leader'), 'no leader after travelling forward');
      await noProblems(d);
    },
  },
  {
    name: 'embed mode',
    async run(d, ctx) {
      await open(d, ctx, '?embed=1&seed=3&speed=1');
      await waitLeader(d);
      const embed = await d.eval(() => {
        const link = document.querySelector('a.open-full');
        return {
          nodes: document.querySelectorAll('[data-node-id][data-role]').length,
          link: link ? { label: link.getAttribute('aria-label'), visible: link.getClientRects().length > 0, text: link.innerText.trim() } : null,
          breakIt: document.body.innerText.includes('Break it'),
          invariants: document.body.innerText.includes('Safety invariants'),
          scroll: document.documentElement.scrollWidth > innerWidth + 1,
        };
      });
      assertEq(embed.nodes, 5, 'nodes in the embed');
      assert(embed.link && embed.link.visible && embed.link.label === 'Open in the playground ↗', `the ↗ link: ${JSON.stringify(embed.link)}`);
      assert(!embed.breakIt && !embed.invariants, 'the embed shows the full playground\'s panels');
      assert(!embed.scroll, 'the embed scrolls sideways');
      // A real click on ↗ points the link at a permalink of this session (navigation is
      // cancelled here so that no second window opens).
      await d.eval(() => { addEventListener('click', (e) => e.preventDefault(), { once: true }); });
      await d.clickByName('Open in the playground ↗');
      const href = await d.waitFor(() => { const h = document.querySelector('a.open-full').href; return /[?&]s=/.test(h) ? h : null; }, [], { what: 'the ↗ link to carry the session (?s=)' });
      assert(href.startsWith(ctx.base), `the ↗ link leaves the site: ${href}`);
      await noProblems(d);
    },
  },
  {
    name: 'JavaScript API',
    async run(d, ctx) {
      // The page has initialised the module once it shows its clock.
      await open(d, ctx, '?autoplay=0');
      const r = await d.eval(async () => {
        const { default: init, Simulation } = await import('./raft-playground-api.js');
        await init();
        const out = {};
        const sim = new Simulation({ nodes: 3, seed: 4 });
        sim.advance(2000);
        const s = sim.state();
        out.time = s.time;
        out.leader = s.leader;
        out.roles = s.nodes.map((n) => n.role).sort();
        sim.crash(s.leader);
        sim.advance(1000);
        const after = sim.state();
        out.crashed = after.nodes.find((n) => n.id === s.leader).role;
        out.newLeader = after.leader;
        out.newTerm = after.nodes.find((n) => n.id === after.leader)?.term;
        out.oldTerm = s.nodes.find((n) => n.id === s.leader).term;
        sim.propose('k=v');
        sim.advance(300);
        out.committed = sim.state().nodes.filter((n) => n.log.some((e) => e.command === 'k=v' && e.committed)).length;
        out.events = sim.eventsSince(0).events.length;
        out.hash = sim.traceHash();
        const errors = [];
        for (const bad of [() => new Simulation({ nodes: 12 }), () => new Simulation({ colour: 'red' }), () => sim.crash(0),
          () => sim.advance(-5), () => sim.partition('x'), () => sim.propose('not a command'), () => Simulation.fromScenario('run 2x')]) {
          try { bad(); errors.push('no error'); } catch (e) { errors.push(e instanceof Error ? `Error: ${e.message}` : `not an Error: ${String(e)}`); }
        }
        out.errors = errors;
        sim.free();
        return out;
      });
      assertEq(r.time, 2000, 'time after advance(2000)');
      assert(r.leader !== null && r.leader !== undefined, 'no leader after 2 s');
      assertEq(r.roles, ['follower', 'follower', 'leader'], 'roles');
      assertEq(r.crashed, 'crashed', 'the crashed leader\'s role');
      assert(r.newLeader && r.newLeader !== r.leader && r.newTerm > r.oldTerm, `after the crash: leader ${r.newLeader} in term ${r.newTerm}`);
      assertEq(r.committed, 2, 'live nodes with k=v committed');
      assert(r.events > 3, `events: ${r.events}`);
      assert(/^[0-9a-f]{16}$/.test(r.hash), `traceHash(): ${r.hash}`);
      const bad = r.errors.filter((e) => !e.startsWith('Error: ') || e.length < 16);
      assertEq(bad, [], 'bad calls that did not throw an Error with a message');
      assert(r.errors[0].includes('1 to 9 nodes'), r.errors[0]);
      assert(r.errors[6].includes('line 1, column 5'), r.errors[6]);
      await noProblems(d);
    },
  },
  {
    name: 'a malformed scenario is reported',
    async run(d, ctx) {
      await d.goto(`${ctx.base}?speed=1&scenario=${encodeURIComponent('cluster nodes=3\nrun 2x')}`);
      await d.waitFor(pageHasText, ['line 2, column 5: expected a duration'], { what: 'the scenario error on the page' });
      await waitLeader(d);
      // The import box too: the error names line and column; the current run goes on.
      await d.type('textarea[aria-label="Scenario text"]', 'cluster nodes=3 seed=2\nrun 1s\ncrash 12');
      await d.clickByName('Run as a new scenario');
      await d.waitFor(() => [...document.querySelectorAll('[role=alert]')].some((e) => e.textContent.includes('line 3, column 7: expected a node id')), [],
        { what: 'the import error (line 3, column 7)' });
      const t0 = await d.eval(pageSimTime);
      await d.waitFor((t) => Number(document.querySelector('[data-sim-time]').dataset.simTime) > t + 200, [t0], { what: 'the playground to keep running' });
      await noProblems(d);
    },
  },
  {
    // A Rust panic aborts the WebAssembly; the trap reaches the page as an uncaught
    // WebAssembly.RuntimeError. www/boot.js must then show the notice with a reload link in
    // every engine. The error event is dispatched here as the engine delivers an uncaught
    // error of the page's own script: one thrown by a script a driver injects reaches the
    // page's listener muted (as if from another origin) in Chromium over CDP, and CDP takes
    // its rejected promises. (e2e/basics.spec.js throws real ones, in Chromium.) No
    // noProblems: the page is stopped on purpose.
    name: 'a stopped WebAssembly is reported',
    async run(d, ctx) {
      await open(d, ctx, '?seed=3&lang=zh');
      await waitLeader(d);
      // Another script's error first: not the playground stopping.
      await d.eval(() => { dispatchEvent(new ErrorEvent('error', { error: new TypeError('not ours') })); });
      assert(!(await d.eval(() => document.querySelector('.panic-overlay') !== null)), 'a notice for another script\'s error');
      await d.eval(() => { dispatchEvent(new ErrorEvent('error', { error: new WebAssembly.RuntimeError('unreachable') })); });
      const shown = await d.waitFor(() => {
        const o = document.querySelector('.panic-overlay[role=alertdialog]');
        const a = o && o.querySelector('a');
        return o && a ? { label: o.getAttribute('aria-label'), link: a.textContent, href: a.href === location.href, focused: document.activeElement === a } : null;
      }, [], { what: 'the notice of a stopped WebAssembly' });
      // Field by field: WebDriver does not keep an object's key order.
      assertEq([shown.label, shown.link, shown.href, shown.focused], ['出错了', '重新加载', true, true], 'the notice (label, link, href, focus)');
    },
  },
  {
    // The page's WebAssembly comes in two parts (www/split.js): a page loads and runs on the
    // first; a click that needs the second, before the reader moved (here: a click event
    // without pointer events), loads it synchronously, and the click is handled.
    name: 'the second WebAssembly part arrives on first use',
    async run(d, ctx) {
      // A first visit: the settings earlier checks left would fetch both parts at once.
      await open(d, ctx, '?autoplay=0');
      await d.eval(() => localStorage.clear());
      await open(d, ctx, '?seed=3&speed=1');
      const leader = await waitLeader(d);
      const later = () => ({
        ready: document.documentElement.dataset.secondPart ?? null,
        fetched: performance.getEntriesByType('resource').filter((r) => r.name.endsWith('raft-playground_later.wasm')).length,
      });
      assertEq(await d.eval(later), { ready: null, fetched: 0 }, 'the second part after loading and running');
      await d.eval((id) => {
        document.querySelector(`[data-node-id="${id}"][data-role]`).dispatchEvent(new MouseEvent('click', { bubbles: true }));
      }, leader.id);
      await d.clickByName(`Crash node ${leader.id}`);
      await d.waitFor((id) => document.querySelector(`[data-node-id="${id}"][data-role]`).dataset.role === 'crashed', [leader.id], { what: `node ${leader.id} crashed` });
      assertEq((await d.eval(later)).ready, 'ready', 'the second part after the click');
      await noProblems(d);
    },
  },
  {
    name: 'same trace hash',
    async run(d, ctx) {
      await open(d, ctx, '?autoplay=0');
      // The calls of tests/determinism.rs (api_session_trace_hash_matches_the_golden_file).
      const r = await d.eval(async () => {
        const { default: init, Simulation } = await import('./raft-playground-api.js');
        await init();
        const sim = new Simulation({ nodes: 5, seed: 7 });
        sim.advance(1000);
        sim.crash(sim.leader());
        sim.advance(1000);
        sim.partition([[1, 2], [3, 4, 5]]);
        sim.propose('x=1');
        sim.advance(1000);
        sim.heal();
        sim.propose('y=2');
        sim.advance(1000);
        const hash = sim.traceHash();
        // The exported scenario replays to the same trace.
        const replay = Simulation.fromScenario(sim.exportScenario());
        replay.advance(4000);
        const out = { hash, replay: replay.traceHash(), summary: sim.state().nodes.map((n) => `${n.id}:${n.role}@${n.term}/${n.commitIndex}`).join(' ') };
        sim.free();
        replay.free();
        return out;
      });
      ctx.hashes[d.engine] = r.hash;
      assertEq(r.replay, r.hash, 'the replayed scenario\'s hash');
      assertEq(r.hash, ctx.nativeHash, `traceHash() vs the native build (tests/golden/api-trace-hash.txt); state ${r.summary}`);
    },
  },
];

export { CheckFailure };
