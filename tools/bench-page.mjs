// The browser benchmark: page weight, frame times and main-thread load of the built site
// (dist/), and the simulator's speed in the browser. Prints figures; asserts nothing.
//   node tools/bench-page.mjs [--seconds 10] [--port 8095] [--dir dist]
// Budgets (DESIGN.md): whole page <= 150 KB gzip; 9 nodes under heavy traffic: 60 fps, no
// frame over 20 ms, main thread <= 50 % busy; 5 nodes at the default speed <= 15 %; paused
// <= 1 %; the browser simulator at least half as fast as the native one.
import { launchChromium, startTimes } from './chromium.mjs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf('--' + name); return i >= 0 ? Number(args[i + 1]) : d; };
const seconds = opt('seconds', 10);
const port = opt('port', 8095);
// Served compressed, as a static host serves it (tools/serve.mjs).
const dir = args.includes('--dir') ? args[args.indexOf('--dir') + 1] : 'dist';
const { server } = await serve({ dir, port });
const base = `http://127.0.0.1:${port}/`;
const browser = await launchChromium();

async function measure(query, { pause = false, cpu = 1 } = {}) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  if (cpu > 1) {
    // As a mid-range phone: the CPU throttled (Chrome DevTools Protocol).
    const c = await page.context().newCDPSession(page);
    await c.send('Emulation.setCPUThrottlingRate', { rate: cpu });
  }
  const files = [];
  page.on('response', async (r) => { try { const b = await r.body(); files.push({ path: new URL(r.url()).pathname, raw: b.length, gzip: gzipSync(b, { level: 9 }).length, br: brotliCompressSync(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length }); } catch {} });
  await page.goto(base + query, { waitUntil: 'load' });
  await page.waitForTimeout(2000);
  if (pause) { await page.getByRole('button', { name: 'Pause' }).click(); await page.waitForTimeout(500); }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metric = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const a = await metric();
  await page.waitForTimeout(seconds * 1000);
  const b = await metric();
  const intervals = await page.evaluate((s) => new Promise((res) => {
    const iv = []; let last = performance.now(); const end = last + s * 1000;
    const f = (t) => { iv.push(t - last); last = t; if (t < end) requestAnimationFrame(f); else res(iv); };
    requestAnimationFrame(f);
  }), seconds);
  intervals.sort((x, y) => x - y);
  const q = (p) => intervals[Math.min(intervals.length - 1, Math.floor(p * intervals.length))].toFixed(1);
  await page.close();
  return {
    files,
    busy: (100 * (b.TaskDuration - a.TaskDuration) / seconds).toFixed(1),
    fps: (intervals.length / seconds).toFixed(1),
    p50: q(0.5), p95: q(0.95), max: intervals[intervals.length - 1].toFixed(1),
    over20: intervals.filter((x) => x > 20).length,
  };
}

/// Navigation to the first frame of the cluster (the first `data-sim-time` painted) and to
/// the first leader shown, median of five loads.
async function startup(cpu = 1) {
  const times = [];
  for (let k = 0; k < 5; k++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    if (cpu > 1) await (await page.context().newCDPSession(page)).send('Emulation.setCPUThrottlingRate', { rate: cpu });
    await page.goto(base + '?seed=3&speed=1', { waitUntil: 'commit' });
    times.push(await startTimes(page, { leader: true }));
    await page.close();
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[2];
  return { frame: med(times.map((t) => t.frame)), leader: med(times.map((t) => t.leader)) };
}

const heavy = '?speed=0.2&scenario=' + encodeURIComponent('cluster nodes=9 seed=1 rate=100');
const normal = await measure('?seed=3');
const paused = await measure('?seed=3', { pause: true });
const busy9 = await measure(heavy);
const slow = await measure('?seed=3', { cpu: 4 });
const start = await startup();
const startSlow = await startup(4);

const gz = normal.files.reduce((s, f) => s + f.gzip, 0);
const raw = normal.files.reduce((s, f) => s + f.raw, 0);
const br = normal.files.reduce((s, f) => s + f.br, 0);
console.log('page weight (all requests of the first load, gzip -9 and brotli 11):');
for (const f of normal.files) console.log(`  ${f.path.padEnd(28)} ${String(f.raw).padStart(8)} B  ${String(f.gzip).padStart(7)} B gzip  ${String(f.br).padStart(7)} B br`);
console.log(`  total                        ${String(raw).padStart(8)} B  ${String(gz).padStart(7)} B gzip  ${String(br).padStart(7)} B br  (budget: 150 KB gzip)`);
console.log(`5 nodes, default speed, running: main thread ${normal.busy}% busy (budget 15%), ${normal.fps} fps, frame p50 ${normal.p50} ms, p95 ${normal.p95} ms`);
console.log(`5 nodes, paused:                 main thread ${paused.busy}% busy (budget 1%)`);
console.log(`9 nodes, heavy traffic (100 requests/s at speed 0.2): ${busy9.fps} fps, frame p50 ${busy9.p50} ms, p95 ${busy9.p95} ms, max ${busy9.max} ms, ${busy9.over20} frames over 20 ms, main thread ${busy9.busy}% busy (budget 50%)`);
console.log(`5 nodes, default speed, CPU throttled 4x (a mid-range phone): main thread ${slow.busy}% busy, ${slow.fps} fps, frame p50 ${slow.p50} ms, p95 ${slow.p95} ms, max ${slow.max} ms, ${slow.over20} frames over 20 ms`);
console.log(`start (navigation to, median of 5, local server): first frame ${start.frame.toFixed(0)} ms, first leader shown ${start.leader.toFixed(0)} ms; CPU throttled 4x: ${startSlow.frame.toFixed(0)} ms and ${startSlow.leader.toFixed(0)} ms`);

const page = await browser.newPage();
await page.goto(base + '?autoplay=0');
const runs = await page.evaluate(async () => {
  const m = await import('./raft-playground-api.js');
  await m.default();
  // Warm up first: the engine compiles hot WebAssembly functions in tiers. Then five runs.
  m.benchmarkSimulator(5, 100, 30000);
  m.benchmarkSimulator(5, 100, 30000);
  const out = [];
  for (let k = 0; k < 5; k++) out.push(m.benchmarkSimulator(5, 100, 120000));
  return out;
});
const ratios = runs.map(([, wall]) => 120000 / wall).sort((x, y) => x - y);
const eps = runs.map(([events, wall]) => events / (wall / 1000)).sort((x, y) => x - y);
console.log(`browser simulator (after warm-up, 5 runs), 5 nodes, 100 requests/s, checker off: median ${Math.round(eps[2])} events/s, ${Math.round(ratios[2])}x faster than real time (best ${Math.round(ratios[4])}x, worst ${Math.round(ratios[0])}x; native: see \`raft-playground bench\`; budget: at least half of native)`);
const tt = await page.evaluate(async () => {
  const { default: init, Simulation } = await import('./raft-playground-api.js');
  await init();
  const sim = new Simulation('cluster nodes=5 seed=1 rate=20 snapshot=500');
  const t0 = performance.now();
  sim.advance(3600000);
  const build = performance.now() - t0;
  let worst = 0; let total = 0;
  for (let k = 0; k < 20; k++) {
    const t = (k * 1234567) % 3600000;
    const a = performance.now(); sim.seek(t); const d = performance.now() - a;
    worst = Math.max(worst, d); total += d;
  }
  return { build, worst, mean: total / 20 };
});
console.log(`time travel in the browser, one hour (5 nodes, 20 requests/s, checker on): built in ${(tt.build / 1000).toFixed(1)} s; 20 jumps: worst ${tt.worst.toFixed(1)} ms, mean ${tt.mean.toFixed(1)} ms (budget: < 50 ms)`);
await browser.close();
server.closeAllConnections(); server.close();
