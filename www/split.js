// The second part of the page's WebAssembly (scripts/split-wasm.py): the functions a page
// does not call to load and run (the lesson reader, the scenario parser, Zeebe mode, most
// panels and dialogs), in raft-playground_later.wasm, fetched on first use.
//
// Until it is there, each of its functions that the first module calls is a placeholder in
// the first module's function table. Two ways it arrives:
// - prefetch(): fetched and compiled in the background (boot.js calls it when the reader
//   first touches the page, or at once when the URL asks for something that needs it);
//   then instantiated, which writes the real functions into the table.
// - ensure(): before the page handles an input event, boot.js has it fetched, compiled and
//   instantiated synchronously if it is not there yet (most of the handling of input is in
//   it). The page blocks for that long, once. If it cannot be fetched, ensure() says so and
//   boot.js holds the event back: the page runs on.
// - a placeholder is called before that (anything but input): the same synchronous load,
//   then the call goes on. If it cannot be fetched, the call fails with a
//   WebAssembly.RuntimeError, which boot.js reports as a stopped page.

// Set to true in the built site by scripts/split-wasm.py when it splits the module.
export const split = false;

const url = new URL('./raft-playground_later.wasm', import.meta.url);
let firstExports = () => undefined;
let module = null;
let instance = null;
let pending = null;
let prefetching = null;

function instantiate() {
  const exports = firstExports();
  if (instance || !module || !exports) return;
  instance = new WebAssembly.Instance(module, { primary: exports });
  document.documentElement.dataset.secondPart = 'ready'; // for tests and embedding pages
}

function unavailable(reason) {
  const error = new WebAssembly.RuntimeError(`could not load ${url.pathname}: ${reason}`);
  error.partMissing = true; // boot.js says so in its notice
  return error;
}

function loadNow() {
  if (!split) return;
  if (!module) {
    prefetching?.abort(); // it would arrive too late, as a second copy
    const request = new XMLHttpRequest();
    request.open('GET', url, false);
    // Bytes through a synchronous request: each byte arrives as one character.
    request.overrideMimeType('text/plain; charset=x-user-defined');
    try {
      request.send();
    } catch (error) {
      throw unavailable(error);
    }
    if (request.status !== 200) throw unavailable(`HTTP ${request.status}`);
    const text = request.responseText;
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
    module = new WebAssembly.Module(bytes);
  }
  instantiate();
}

/** The import namespace "placeholder" of the first module; `exports` gives its exports. */
export function placeholders(exports) {
  firstExports = exports;
  return new Proxy({}, {
    get: (_, slot) => (...args) => {
      loadNow();
      return firstExports()['%table'].get(Number(slot))(...args);
    },
  });
}

/** Fetches and compiles the second module in the background; resolves when it is compiled
 * (and instantiated, if the first module is). Never rejects: on failure a placeholder
 * tries again, synchronously, when it is called. */
export function prefetch() {
  if (!split || module) return Promise.resolve();
  if (pending) return pending;
  prefetching = new AbortController();
  pending = fetch(url, { signal: prefetching.signal })
    .then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(`HTTP ${response.status}`))))
    .then((bytes) => WebAssembly.compile(bytes))
    .then((compiled) => {
      module ??= compiled;
      instantiate();
    })
    .catch((error) => {
      pending = null;
      if (!module) console.warn(`${url.pathname} not prefetched: ${error}`);
    })
    .finally(() => {
      prefetching = null;
    });
  return pending;
}

/** Whether the second module is there (or there is none). */
export function loaded() {
  return !split || instance !== null;
}

/** Whether the second module is there (or there is none), loading it now if it is not;
 * false if it could not be loaded. */
export function ensure() {
  if (loaded()) return true;
  try {
    loadNow();
    return instance !== null;
  } catch (error) {
    console.warn(String(error));
    return false;
  }
}

/** Called once the first module runs: instantiates the second if it is already compiled. */
export function started() {
  instantiate();
}
