// Starts the playground. A separate file (not an inline script) so the page can carry a
// strict Content-Security-Policy.
import init from './raft-playground.js';

init({ module_or_path: new URL('./raft-playground_bg.wasm', import.meta.url) }).catch((error) => {
  const app = document.getElementById('app');
  if (app) {
    app.textContent = 'The playground could not start: ' + error;
  }
});
