// Starts the playground. A separate file (not an inline script) so the page can carry a
// strict Content-Security-Policy.
import init from './raft-playground.js';

function couldNotStart(error) {
  const app = document.getElementById('app');
  if (app) app.textContent = 'The playground could not start: ' + error;
}

init({ module_or_path: new URL('./raft-playground_bg.wasm', import.meta.url) }).catch(couldNotStart);

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
  card.append(make('h2', '', texts.crashTitle), make('p', '', texts.crashText), make('pre', '', String(error)));
  const reload = make('a', 'button primary', texts.crashReload);
  reload.href = location.href;
  card.append(reload);
  overlay.append(card);
  document.body.append(overlay);
  reload.focus();
}
addEventListener('error', (e) => stopped(e.error));
addEventListener('unhandledrejection', (e) => stopped(e.reason));
