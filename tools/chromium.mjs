// What the measuring tools share: Debian's Chromium, launched without the background
// traffic this closed network refuses, and the page's start timed from inside the page.
import { chromium } from '@playwright/test';

/** Flags for a quiet headless Chromium (no first-run, update, sync or QUIC traffic). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * Times a page just navigated to (`waitUntil: 'commit'`), in ms from navigation: `frame`,
 * when the cluster's first frame was drawn (the first `data-sim-time`); `wasm`, when the
 * WebAssembly finished arriving; and with `leader`, also `leader`, when a leader was first
 * shown.
 */
export function startTimes(page, { leader = false } = {}) {
  return page.evaluate((leader) => new Promise((done) => {
    let frame = null;
    const poll = () => {
      const now = performance.now();
      if (frame === null && document.querySelector('[data-sim-time]')) frame = now;
      if (frame !== null && (!leader || document.querySelector('[data-node-id][data-role="leader"]'))) {
        const wasm = performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'));
        return done({ frame, wasm: wasm ? wasm.responseEnd : NaN, ...(leader ? { leader: now } : {}) });
      }
      requestAnimationFrame(poll);
    };
    poll();
  }), leader);
}
