#!/usr/bin/env node
// Navigation to the page's first frame (the first `data-sim-time` drawn), for several builds
// of the site side by side: each directory is served by tools/serve.mjs (compressed, as a
// static host serves it) and loaded in turn, N times, in one headless Chromium, so the
// builds share every moment's noise. Prints each build's median and quartiles, and when the
// WebAssembly finished arriving.
//   node tools/first-frame.mjs DIR [DIR...] [--loads 15]
import { launchChromium, startTimes } from './chromium.mjs';
import { serve } from './serve.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--loads');
const loads = at >= 0 ? Number(args[at + 1]) : 15;
const dirs = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--loads');
if (dirs.length === 0) {
  console.error('usage: node tools/first-frame.mjs DIR [DIR...] [--loads N]');
  process.exit(2);
}
const sites = [];
for (const [k, dir] of dirs.entries()) {
  const port = 8150 + k;
  sites.push({ dir, base: `http://127.0.0.1:${port}/`, ...(await serve({ dir, port })) });
}
const browser = await launchChromium();
const times = new Map(dirs.map((d) => [d, []]));
for (let k = 0; k < loads; k++) {
  for (const site of sites) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(site.base + '?seed=3&speed=1', { waitUntil: 'commit' });
    times.get(site.dir).push(await startTimes(page));
    await page.close();
  }
}
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const dir of dirs) {
  const t = times.get(dir);
  const f = t.map((x) => x.frame);
  console.log(`${dir}: first frame median ${q(f, 0.5).toFixed(0)} ms (quartiles ${q(f, 0.25).toFixed(0)}-${q(f, 0.75).toFixed(0)}), `
    + `wasm arrived at ${q(t.map((x) => x.wasm), 0.5).toFixed(0)} ms; ${loads} loads`);
}
await browser.close();
for (const site of sites) site.server.close();
