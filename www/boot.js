// Starts the playground. A separate file (not an inline script) so the page can carry a
// strict Content-Security-Policy.
import init from './raft-playground.js';
import { ensure, loaded, prefetch, started } from './split.js';

function couldNotStart(error) {
  const app = document.getElementById('app');
  if (app) app.textContent = 'The playground could not start: ' + error;
}

// The page's WebAssembly comes in two parts (split.js). A first visit opened with only these
// URL parameters loads and runs on the first part. Any other parameter (a lesson, a scenario,
// a permalink, Zeebe mode), or settings the reader changed on an earlier visit (the page
// remembers them), may need the second at once: then both are fetched side by side.
const FIRST_PART_PARAMETERS = new Set(['seed', 'nodes', 'speed', 'embed', 'theme', 'autoplay', 'lang', 'caption']);
const wasm = new URL('./raft-playground_bg.wasm', import.meta.url);
function returning() {
  try {
    return localStorage.getItem('raft-playground.prefs') !== null; // src/ui/platform.rs
  } catch {
    return false;
  }
}
const needsBoth = returning() ||
  [...new URLSearchParams(location.search).keys()].some((key) => !FIRST_PART_PARAMETERS.has(key));
const source = needsBoth ? Promise.all([fetch(wasm), prefetch()]).then(([response]) => response) : wasm;

// Otherwise the second part is fetched when the reader first moves, taps, types or scrolls
// on the page, so that it is usually there before a click needs it. (A pointer event that
// reports no movement is not counted: a pointer resting over the page is not a reader.)
const FIRST_USE = ['pointermove', 'pointerdown', 'touchstart', 'keydown', 'wheel', 'scroll', 'focusin'];
function firstUse(event) {
  if (event.type === 'pointermove' && !event.movementX && !event.movementY) return;
  for (const type of FIRST_USE) removeEventListener(type, firstUse, true);
  prefetch();
}

// The page's input handlers (src/ui/input.rs) need the second part. Before one runs, it is
// loaded now if it has not arrived; if it cannot be (the network is gone), the event is held
// back with a short notice, and the page runs on: nothing stops. A pointer going down or the
// focus coming in is let through online (their handler is in the first part; the click or
// key that follows gives the background fetch firstUse started a moment to arrive).
const PAGE_INPUT = ['click', 'input', 'change', 'keydown', 'dragstart', 'dragover', 'drop', 'pointerdown', 'focusin'];
const EARLY = new Set(['pointerdown', 'focusin']);
const CANCEL = new Set(['click', 'dragstart', 'dragover', 'drop']); // their default would change the page behind its back
function beforeInput(event) {
  if (loaded() || (EARLY.has(event.type) && navigator.onLine) || ensure()) {
    if (loaded()) for (const type of PAGE_INPUT) removeEventListener(type, beforeInput, true);
    return;
  }
  event.stopImmediatePropagation();
  if (CANCEL.has(event.type)) event.preventDefault();
  if (event.type === 'click' || event.type === 'keydown') heldBack();
}
function heldBack() {
  if (document.querySelector('.part-offline')) return;
  const note = document.createElement('p');
  note.className = 'part-offline';
  note.setAttribute('role', 'status');
  note.textContent = document.documentElement.dataset.crashOffline; // set with the page's language
  document.body.append(note);
  setTimeout(() => note.remove(), 6000);
}
addEventListener('online', () => prefetch());

init({ module_or_path: source })
  .then(() => {
    started();
    for (const type of FIRST_USE) addEventListener(type, firstUse, { capture: true, passive: true });
    for (const type of PAGE_INPUT) addEventListener(type, beforeInput, true);
  })
  .catch(couldNotStart);

// A Rust panic aborts the WebAssembly: a WebAssembly.RuntimeError reaches whatever called in.
// Say so, in the page's language (texts left on <html> by the page), with a way back.
function stopped(error) {
  if (!(error instanceof WebAssembly.RuntimeError) || document.querySelector('.panic-overlay')) return;
  const texts = document.documentElement.dataset;
  if (!texts.crashTitle) return couldNotStart(error);
  const make = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const overlay = make('div', 'panic-overlay');
  overlay.setAttribute('role', 'alertdialog');
  overlay.setAttribute('aria-label', texts.crashTitle);
  const card = make('div', 'panic-card');
  const text = error.partMissing ? texts.crashMissing : texts.crashText;
  card.append(make('h2', '', texts.crashTitle), make('p', '', text), make('pre', '', String(error)));
  const reload = make('a', 'button primary', texts.crashReload);
  reload.href = location.href;
  card.append(reload);
  overlay.append(card);
  document.body.append(overlay);
  reload.focus();
}
addEventListener('error', (e) => stopped(e.error));
addEventListener('unhandledrejection', (e) => stopped(e.reason));
