#!/usr/bin/env node
// The cross-engine end-to-end suite: the same checks (checks.mjs) against the built site
// (dist/), in Chromium, Firefox (Gecko) and WebKit (WebKitGTK's MiniBrowser), one browser at a
// time. Also compares the JavaScript API's trace hash across the engines and with the native
// build (tests/golden/api-trace-hash.txt, checked natively by tests/determinism.rs).
//
//   node e2e-engines/run.mjs [chromium] [firefox] [webkit]     (default: all three)
//
// Browsers: CHROMIUM_PATH, FIREFOX_PATH, WEBKIT_WEBDRIVER and MINIBROWSER_PATH, else found on
// PATH (scripts/lib.sh's ensure_chromium, ensure_firefox and ensure_webkit install them).
// Screenshots of the main page (1280x800) go to test-results/engines/ENGINE.png.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, freePort } from './drivers.mjs';
import { checks } from './checks.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ENGINES = ['chromium', 'firefox', 'webkit'];
const CHECK_TIMEOUT = 60_000;

const which = (cmd) => {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
};

function miniBrowser() {
  if (process.env.MINIBROWSER_PATH) return process.env.MINIBROWSER_PATH;
  try {
    return execFileSync('dpkg', ['-L', 'libwebkit2gtk-4.1-0'], { encoding: 'utf8' }).split('\n').find((l) => l.endsWith('/MiniBrowser')) || '';
  } catch {
    return '';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function serve() {
  const port = await freePort();
  // Served from a sub-path (/dist/) as in playwright.config.js: the site must work from any path.
  const proc = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', ROOT], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/dist/`;
  for (let k = 0; k < 100; k++) {
    try {
      if ((await fetch(`${base}index.html`)).ok) return { proc, base };
    } catch { /* not up yet */ }
    await sleep(100);
  }
  proc.kill();
  throw new Error('the test web server did not start');
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms / 1000} s`), { timedOut: true })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  for (const e of wanted) if (!ENGINES.includes(e)) throw new Error(`unknown engine "${e}" (known: ${ENGINES.join(', ')})`);
  const engines = wanted.length ? wanted : ENGINES;
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/index.html is missing: build the site first (trunk build --release)');
  const paths = {
    chromium: process.env.CHROMIUM_PATH || which('chromium') || '/usr/bin/chromium',
    firefox: process.env.FIREFOX_PATH || which('firefox-esr') || which('firefox'),
    webkitDriver: process.env.WEBKIT_WEBDRIVER || which('WebKitWebDriver'),
    miniBrowser: miniBrowser(),
  };
  const nativeHash = readFileSync(join(ROOT, 'tests', 'golden', 'api-trace-hash.txt'), 'utf8').trim();
  const shots = join(ROOT, 'test-results', 'engines');
  mkdirSync(shots, { recursive: true });

  const { proc: server, base } = await serve();
  const cleanup = [() => server.kill()];
  const onSignal = () => { for (const c of cleanup) c(); process.exit(130); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const ctx = { base, nativeHash, hashes: {} };
  const failures = [];
  const lines = [];
  try {
    for (const engine of engines) {
      const t0 = Date.now();
      let d;
      try {
        d = await withTimeout(launch(engine, paths), 60_000, `starting ${engine}`);
      } catch (e) {
        failures.push(`${engine}: the browser did not start: ${e.message}`);
        lines.push(`${engine}: did not start`);
        console.log(`${engine}: FAILED to start: ${e.message}`);
        continue;
      }
      cleanup.push(() => d.close());
      console.log(`${engine}: ${d.version}`);
      let passed = 0;
      for (const check of checks) {
        const c0 = Date.now();
        try {
          await withTimeout(check.run(d, ctx), CHECK_TIMEOUT, `"${check.name}"`);
          passed++;
          console.log(`  ok    ${check.name} (${((Date.now() - c0) / 1000).toFixed(1)} s)`);
        } catch (e) {
          failures.push(`${engine} / ${check.name}: ${e.message}`);
          console.log(`  FAIL  ${check.name} (${((Date.now() - c0) / 1000).toFixed(1)} s): ${e.message}`);
          if (e.timedOut) {
            // The check may still be running against this browser: start a fresh one.
            await d.close().catch(() => {});
            cleanup.pop();
            d = await withTimeout(launch(engine, paths), 60_000, `restarting ${engine}`);
            cleanup.push(() => d.close());
          }
        }
      }
      // A screenshot of the main page to look at (not a check).
      try {
        await d.goto(`${base}?seed=3&speed=1`);
        await d.waitFor(() => document.querySelector('[data-node-id][data-role="leader"]') !== null, [], { what: 'a leader' });
        await d.clickByName('Send a client request');
        await sleep(600);
        await d.clickByName('Pause');
        await d.screenshot(join(shots, `${engine}.png`));
      } catch (e) {
        console.log(`  (no screenshot: ${e.message})`);
      }
      await d.close();
      cleanup.pop();
      const secs = ((Date.now() - t0) / 1000).toFixed(1);
      const line = passed === checks.length
        ? `${engine}: ${passed} checks passed (${secs}s)`
        : `${engine}: ${passed} of ${checks.length} checks passed, ${checks.length - passed} FAILED (${secs}s)`;
      lines.push(line);
      console.log(line);
    }
  } finally {
    server.kill();
  }

  // The same seed and calls give the same trace in every engine and natively.
  const seen = Object.entries(ctx.hashes);
  const hashLine = `trace hash (new Simulation({ nodes: 5, seed: 7 }), crash, partition, propose, heal): ${seen.map(([e, h]) => `${e} ${h}`).join(', ')}, native ${nativeHash}`;
  const distinct = new Set([...seen.map(([, h]) => h), nativeHash]);
  if (distinct.size > 1) failures.push(`trace hashes differ (engines and the native build must agree): ${hashLine}`);

  console.log('');
  for (const l of lines) console.log(l);
  console.log(hashLine);
  if (failures.length) {
    console.log(`\n${failures.length} failure(s):`);
    for (const f of failures) console.log(`  ${f}`);
    process.exit(1);
  }
  console.log(`cross-engine suite passed in ${engines.join(', ')}`);
}

main().catch((e) => {
  console.error(`cross-engine suite: ${e.message}`);
  process.exit(1);
});
