// Writes scripts/split-keep.txt: the functions the page's first WebAssembly module keeps
// (scripts/split-wasm.py), recorded from the page itself. It instruments the unsplit module
// of the last build (target/split/, kept by split-wasm.py) with `wasm-split --instrument`,
// opens the page with it in headless Chromium for each session below, collects which
// functions ran, and lists them by name without crate hashes.
//
// Run after `source scripts/lib.sh && build_site` (which sets WASM_SPLIT), then build again:
//   node tools/split-profile.mjs
// e2e/split.spec.js fails when a plain page load fetches the second module: that is when
// this needs running again (or when a session below should change).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';
import { serve } from './serve.mjs';

if (!process.env.WASM_SPLIT) throw new Error('WASM_SPLIT is not set: source scripts/lib.sh && ensure_wasm_split');
// wasm-split is run by scripts/split-wasm.py, as the build runs it.
const splitWasm = (...args) => execFileSync('python3', ['scripts/split-wasm.py', ...args], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();

// What a page does with the first module alone: load and run with the URL parameters boot.js
// lets through (FIRST_PART_PARAMETERS), in both languages and themes, at several sizes.
// The first click or key fetches the second module (boot.js fetches it when the reader first
// moves or types on the page): handling input is most of what it holds. (Recording a session
// of the eight most used buttons moved 27 KB gzip into the first module.)
const SESSIONS = [
  { url: '/?seed=1', seconds: 10, pointerDownAndFocus: true },
  { url: '/?seed=2&nodes=3&speed=0.2', seconds: 6 },
  { url: '/?seed=3&nodes=9&speed=0.2', seconds: 6 },
  { url: '/?seed=4&embed=1', seconds: 6 },
  { url: '/?seed=5&lang=zh&theme=dark', seconds: 6 },
  { url: '/?seed=6&lang=zh&embed=1&caption=x', seconds: 4 },
  { url: '/?seed=7&autoplay=0&theme=light', seconds: 2 },
  { url: '/?nodes=1&speed=1', seconds: 4 },
];

const work = mkdtempSync(join(tmpdir(), 'split-profile-'));
const site = join(work, 'site');
cpSync('dist', site, { recursive: true });
// The unsplit module, instrumented; its own glue; the loader as in the sources (no split).
splitWasm('--instrument', 'target/split/raft-playground_bg.wasm', join(site, 'raft-playground_bg.wasm'));
copyFileSync('target/split/raft-playground.js', join(site, 'raft-playground.js'));
copyFileSync('www/split.js', join(site, 'split.js'));
const boot = readFileSync(join(site, 'boot.js'), 'utf8');
const hook = '.then(() => {\n    started();';
if (!boot.includes(hook)) throw new Error('boot.js changed: cannot expose the module to the profiler');
writeFileSync(join(site, 'boot.js'), boot.replace(hook, '.then((exports) => {\n    window.__profiled = exports;\n    started();'));

const { server, url: base } = await serve({ dir: site, port: 0 });
const browser = await launchChromium();
const profiles = [];
try {
  for (const session of SESSIONS) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (error) => console.error(session.url, error.message));
    await page.goto(base.replace(/\/$/, '') + session.url);
    await page.waitForFunction(() => window.__profiled, null, { timeout: 30000 });
    await page.waitForTimeout(session.seconds * 1000);
    if (session.pointerDownAndFocus) {
      // A pointer going down on the cluster and the focus coming into the event list: their
      // handler must be in the first part (boot.js lets them through before the second). Then
      // a resize, which is not input either.
      await page.evaluate(() => {
        document.querySelector('svg.cluster').dispatchEvent(new PointerEvent('pointerdown', { bubbles: true }));
        document.querySelector('.event-list').focus();
      });
      await page.waitForTimeout(500);
      // A window resized (a phone turned): the page measures and redraws, no input involved.
      for (const [width, height] of [[700, 900], [390, 844], [1280, 800]]) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(500);
      }
    }
    const bytes = await page.evaluate(() => {
      const wasm = window.__profiled;
      const size = 1 << 16;
      const at = wasm.__wbindgen_malloc(size, 1);
      const length = wasm.__write_profile(at, size);
      return Array.from(new Uint8Array(wasm.memory.buffer, at, length));
    });
    const file = join(work, `profile-${profiles.length}`);
    writeFileSync(file, Buffer.from(bytes));
    profiles.push(file);
    console.log(`${session.url}: ${session.seconds} s recorded`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}

process.stdout.write(splitWasm('--write-list', 'target/split/raft-playground_bg.wasm', ...profiles));
rmSync(work, { recursive: true, force: true });
