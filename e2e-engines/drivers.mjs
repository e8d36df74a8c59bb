// One small driver interface, three browser engines.
//
//   goto(url)                      open a URL and wait for its load event
//   eval(fn, ...args)              run fn(...args) in the page (fn may be async; JSON result)
//   click(selector)                a real click (input events, hit testing) on the first match
//   clickByName(name)              a real click on the visible button / link / input whose
//                                  accessible name (aria-label, else its text) is `name`
//   type(selector, text)           clear a text field and type into it
//   waitFor(fn, args, opts)        poll fn(...args) in the page until it returns a truthy value
//   screenshot(path)               a PNG of the viewport
//   problems()                     page errors (and, where the protocol gives them, console
//                                  errors) since the last goto
//   close()
//
// Chromium (CDP) and Firefox (WebDriver BiDi) are driven by puppeteer-core; WebKit (WebKitGTK's
// MiniBrowser) by plain W3C WebDriver HTTP calls to WebKitWebDriver, started under xvfb-run.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import net from 'node:net';

export const VIEWPORT = { width: 1280, height: 800 };

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// In the page: finds the visible element whose accessible name is `name` and tags it so that a
// CSS selector finds it. Accessible name: aria-label, else the trimmed text.
function tagByName(name, tag) {
  const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const candidates = document.querySelectorAll('button, a[href], input, select, textarea, [role="button"], [role="slider"], [role="tab"]');
  for (const e of candidates) {
    const label = e.getAttribute('aria-label') ?? (e.labels && e.labels[0] ? e.labels[0].textContent : e.textContent);
    if (label && label.trim() === name && visible(e)) {
      document.querySelectorAll('[data-e2e-target]').forEach((o) => o.removeAttribute('data-e2e-target'));
      e.setAttribute('data-e2e-target', tag);
      return true;
    }
  }
  return false;
}

class Base {
  constructor(engine) {
    this.engine = engine;
    this.tags = 0;
  }

  async waitFor(fn, args = [], { timeout = 20_000, interval = 100, what = 'a condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await this.eval(fn, ...args);
        if (last) return last;
      } catch (e) {
        last = `error: ${e.message}`;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeout / 1000} s waiting for ${what} (last value: ${JSON.stringify(last)})`);
      }
      await sleep(interval);
    }
  }

  /** Retries a real click until it lands (the page re-renders parts of itself as markup). */
  async clickByName(name, { timeout = 10_000 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError = 'not found';
    for (;;) {
      const tag = `t${++this.tags}`;
      if (await this.eval(tagByName, name, tag)) {
        try {
          await this.click(`[data-e2e-target="${tag}"]`);
          return;
        } catch (e) {
          lastError = e.message;
        }
      }
      if (Date.now() > deadline) throw new Error(`could not click the control named "${name}": ${lastError}`);
      await sleep(100);
    }
  }

  /** Clicks an element by CSS selector, retrying while it is missing or covered. */
  async clickRetry(selector, { timeout = 10_000 } = {}) {
    const deadline = Date.now() + timeout;
    for (;;) {
      try {
        await this.click(selector);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`could not click ${selector}: ${e.message}`);
      }
      await sleep(100);
    }
  }
}

// ----------------------------------------------------------------------------------------
// puppeteer-core: Chromium over CDP, Firefox over WebDriver BiDi
// ----------------------------------------------------------------------------------------

class PuppeteerDriver extends Base {
  static async launch(engine, executablePath) {
    const { default: puppeteer } = await import('puppeteer-core');
    const options = {
      executablePath,
      headless: true,
      defaultViewport: VIEWPORT,
    };
    if (engine === 'firefox') {
      options.browser = 'firefox';
      options.extraPrefsFirefox = {
        // Nothing outside the test server is reachable here: keep Firefox from trying.
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
        'browser.safebrowsing.update.enabled': false,
        'app.normandy.enabled': false,
      };
    } else {
      options.browser = 'chrome';
      options.args = CHROMIUM_ARGS;
    }
    const browser = await puppeteer.launch(options);
    const d = new PuppeteerDriver(engine);
    d.browser = browser;
    d.page = (await browser.pages())[0] ?? (await browser.newPage());
    await d.page.setViewport(VIEWPORT);
    d.errors = [];
    d.page.on('pageerror', (e) => d.errors.push(`page error: ${e.message ?? e}`));
    d.page.on('console', (m) => {
      if (m.type() === 'error') d.errors.push(`console error: ${m.text()}`);
    });
    d.version = await browser.version();
    return d;
  }

  async goto(url) {
    this.errors.length = 0;
    await this.page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  }

  async eval(fn, ...args) {
    return this.page.evaluate(fn, ...args);
  }

  async click(selector) {
    const el = await this.page.$(selector);
    if (!el) throw new Error(`no element matches ${selector}`);
    try {
      await el.click();
    } finally {
      await el.dispose();
    }
  }

  async type(selector, text) {
    await this.page.$eval(selector, (e) => { e.value = ''; });
    await this.page.focus(selector);
    await this.page.keyboard.type(text);
  }

  async screenshot(path) {
    await this.page.screenshot({ path });
  }

  problems() {
    return [...this.errors];
  }

  async close() {
    await this.browser.close();
  }
}

// ----------------------------------------------------------------------------------------
// W3C WebDriver over HTTP: WebKitGTK's MiniBrowser through WebKitWebDriver
// ----------------------------------------------------------------------------------------

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

// In the page, before anything else: collect errors (a WebDriver classic session has no log).
function installErrorLog() {
  if (window.__e2eErrors) return;
  window.__e2eErrors = [];
  addEventListener('error', (e) => window.__e2eErrors.push(`page error: ${e.message}`));
  addEventListener('unhandledrejection', (e) => window.__e2eErrors.push(`page error: ${e.reason && e.reason.message ? e.reason.message : e.reason}`));
}

// In the page: scrolls the element into view and returns its centre in viewport pixels
// (whole numbers, as pointer actions take), if the element or a child of it is there.
function pointAt(selector) {
  const el = document.querySelector(selector);
  if (!el) throw new Error(`no element matches ${selector}`);
  el.scrollIntoView({ block: 'center', inline: 'center' });
  const r = el.getBoundingClientRect();
  const x = Math.round(r.left + r.width / 2);
  const y = Math.round(r.top + r.height / 2);
  const hit = document.elementFromPoint(x, y);
  if (!hit || !(hit === el || el.contains(hit))) throw new Error(`${selector} is covered by ${hit ? hit.outerHTML.slice(0, 60) : 'nothing'}`);
  return { x, y };
}

class WebDriverDriver extends Base {
  static async launch(engine, { driver, binary }) {
    const port = await freePort();
    // A new process group, so that close() ends xvfb-run, Xvfb, the driver and the browser.
    const proc = spawn('xvfb-run', ['-a', '-s', `-screen 0 ${VIEWPORT.width}x${VIEWPORT.height + 200}x24`, driver, `--port=${port}`, '--host=127.0.0.1'],
      { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (b) => { stderr += b; });
    const d = new WebDriverDriver(engine);
    d.proc = proc;
    d.base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const r = await fetch(`${d.base}/status`);
        if (r.ok) break;
      } catch { /* not up yet */ }
      if (proc.exitCode !== null || Date.now() > deadline) {
        d.kill();
        throw new Error(`WebKitWebDriver did not start: ${stderr.trim()}`);
      }
      await sleep(100);
    }
    const session = await d.http('POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary, args: ['--automation'] } } },
    });
    d.session = session.sessionId;
    const caps = session.capabilities;
    d.version = `${caps.browserName} ${caps.browserVersion}`;
    await d.cmd('POST', '/timeouts', { script: 60_000, pageLoad: 30_000, implicit: 0 });
    // Size the window so that the viewport is 1280x800 (the window may have decorations).
    await d.cmd('POST', '/window/rect', { width: VIEWPORT.width, height: VIEWPORT.height });
    const inner = await d.eval(() => [innerWidth, innerHeight]);
    if (inner[0] !== VIEWPORT.width || inner[1] !== VIEWPORT.height) {
      await d.cmd('POST', '/window/rect', { width: 2 * VIEWPORT.width - inner[0], height: 2 * VIEWPORT.height - inner[1] });
    }
    return d;
  }

  async http(method, path, body) {
    const r = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json().catch(() => ({}));
    if (!r.ok) {
      const v = json.value || {};
      throw new Error(`WebDriver ${method} ${path}: ${v.error || r.status}: ${v.message || ''}`.trim());
    }
    return json.value;
  }

  cmd(method, path, body) {
    return this.http(method, `/session/${this.session}${path}`, body);
  }

  async goto(url) {
    await this.cmd('POST', '/url', { url });
    await this.eval(installErrorLog);
  }

  async eval(fn, ...args) {
    // Promises are awaited; exceptions come back as errors with the page's message.
    const script = `const done = arguments[arguments.length - 1];
      const args = Array.prototype.slice.call(arguments, 0, -1);
      Promise.resolve().then(() => (${fn.toString()}).apply(null, args))
        .then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.message ? e.message : e) }));`;
    const r = await this.cmd('POST', '/execute/async', { script, args });
    if (r && 'error' in r) throw new Error(r.error);
    return r ? r.ok : r;
  }

  async find(selector) {
    const v = await this.cmd('POST', '/element', { using: 'css selector', value: selector });
    return v[ELEMENT];
  }

  async click(selector) {
    const id = await this.find(selector);
    try {
      await this.cmd('POST', `/element/${id}/click`, {});
    } catch (e) {
      // WebKitWebDriver refuses to click SVG elements ("element not interactable"): click
      // at the element's centre with pointer actions instead, after checking that the
      // element (or one of its children) is what is there.
      if (!/not interactable/.test(e.message)) throw e;
      const at = await this.eval(pointAt, selector);
      await this.cmd('POST', '/actions', {
        actions: [{
          type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', duration: 0, origin: 'viewport', x: at.x, y: at.y },
            { type: 'pointerDown', button: 0 },
            { type: 'pointerUp', button: 0 },
          ],
        }],
      });
      await this.cmd('DELETE', '/actions');
    }
  }

  async type(selector, text) {
    const id = await this.find(selector);
    await this.cmd('POST', `/element/${id}/clear`, {});
    // WebKitWebDriver drops "\n" in typed text: press Enter (U+E007) for it.
    await this.cmd('POST', `/element/${id}/value`, { text: text.replace(/\n/g, '\uE007') });
  }

  async screenshot(path) {
    const b64 = await this.cmd('GET', '/screenshot');
    await writeFile(path, Buffer.from(b64, 'base64'));
  }

  problems() {
    return this.eval(() => window.__e2eErrors || []);
  }

  kill() {
    try {
      process.kill(-this.proc.pid, 'SIGTERM');
    } catch { /* already gone */ }
  }

  async close() {
    try {
      if (this.session) await this.cmd('DELETE', '');
    } catch { /* the browser may be gone already */ }
    this.kill();
  }
}

/** Starts a browser for one engine: 'chromium', 'firefox' or 'webkit'. */
export async function launch(engine, paths) {
  if (engine === 'chromium') return PuppeteerDriver.launch('chromium', paths.chromium);
  if (engine === 'firefox') return PuppeteerDriver.launch('firefox', paths.firefox);
  if (engine === 'webkit') return WebDriverDriver.launch('webkit', { driver: paths.webkitDriver, binary: paths.miniBrowser });
  throw new Error(`unknown engine ${engine}`);
}
