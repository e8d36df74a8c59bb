// Lighthouse's scores for the built site (dist/), as the issue states them: Lighthouse 13
// (npm `lighthouse`, fetched by npx on first use), mobile preset (simulated slow 4G and a 4x
// slower CPU), Debian's Chromium. Prints the performance and accessibility scores, the
// timings behind the performance score, and every failing audit. Asserts nothing.
//   node tools/lighthouse.mjs [--runs 3] [--query '?seed=3'] [--no-compress] [--dir dist]
import { spawn } from 'node:child_process';
import { serve } from './serve.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, d) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : d; };
const runs = Number(opt('runs', 3));
const query = opt('query', '?seed=3');
const port = Number(opt('port', 8096));
// Served compressed, as a static host serves it (brotli or gzip: tools/serve.mjs).
// `--no-compress` serves the files as they are, for comparison.
const site = args.includes('--dir') ? args[args.indexOf('--dir') + 1] : 'dist';
const { server } = await serve({ dir: site, port, compress: !args.includes('--no-compress') });
const flags = ['--headless=new', ...CHROMIUM_ARGS].join(' ');
const dir = mkdtempSync(join(tmpdir(), 'lighthouse-'));
const results = [];
try {
  for (let k = 0; k < runs; k++) {
    const out = join(dir, `run${k}.json`);
    // Asynchronously: the server runs in this process.
    const status = await new Promise((done) => spawn('npx', ['--yes', 'lighthouse@13.5.0', `http://127.0.0.1:${port}/${query}`, '--quiet', `--chrome-flags=${flags}`,
      '--only-categories=performance,accessibility', '--output=json', `--output-path=${out}`],
      { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, stdio: ['ignore', 'ignore', 'inherit'] }).on('exit', done));
    if (status !== 0) throw new Error(`lighthouse exited with ${status}`);
    results.push(JSON.parse(readFileSync(out, 'utf8')));
  }
} finally {
  server.closeAllConnections(); server.close();
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const audit = (r, id) => r.audits[id].numericValue;
console.log(`Lighthouse ${results[0].lighthouseVersion}, mobile preset (slow 4G, 4x CPU), ${runs} runs, median:`);
console.log(`  performance score        ${median(results.map((r) => r.categories.performance.score)).toFixed(2)}`);
console.log(`  accessibility score      ${median(results.map((r) => r.categories.accessibility.score)).toFixed(2)}`);
for (const [id, label] of [['first-contentful-paint', 'first contentful paint'], ['largest-contentful-paint', 'largest contentful paint'],
  ['interactive', 'time to interactive'], ['total-blocking-time', 'total blocking time'], ['speed-index', 'speed index']]) {
  console.log(`  ${label.padEnd(24)} ${(median(results.map((r) => audit(r, id))) / 1000).toFixed(2)} s`);
}
const failing = new Set();
for (const r of results) {
  for (const [id, a] of Object.entries(r.audits)) {
    if (a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary') failing.add(`${id}: ${a.title}`);
  }
}
console.log(failing.size ? `failing audits:\n  ${[...failing].join('\n  ')}` : 'no failing audit');
