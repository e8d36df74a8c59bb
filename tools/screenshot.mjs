// Takes a screenshot of a page in headless Chromium, to look at what we built.
//   node tools/screenshot.mjs URL OUT.png [--width 1280] [--height 800] [--dark] [--wait 3000] [--full]
import { launchChromium } from './chromium.mjs';

const args = process.argv.slice(2);
const [url, out] = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const opt = (name, d) => { const i = args.indexOf('--' + name); return i >= 0 ? Number(args[i + 1]) : d; };
const browser = await launchChromium();
const page = await browser.newPage({
  viewport: { width: opt('width', 1280), height: opt('height', 800) },
  colorScheme: args.includes('--dark') ? 'dark' : 'light',
  deviceScaleFactor: opt('scale', 1),
  hasTouch: args.includes('--touch'),
});
page.on('console', (m) => { if (m.type() === 'error') console.error('console:', m.text()); });
page.on('pageerror', (e) => console.error('pageerror:', e.message));
await page.goto(url);
await page.waitForTimeout(opt('wait', 3000));
if (args.includes('--click-leader')) {
  await page.locator('[data-node-id][data-role="leader"]').first().click();
  await page.waitForTimeout(300);
}
await page.screenshot({ path: out, fullPage: args.includes('--full') });
await browser.close();
