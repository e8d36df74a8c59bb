// Serves a directory the way a static host does: brotli or gzip as the browser accepts
// (compressed once per file and kept), the right content types (application/wasm for
// streaming compilation), index.html for a directory, and nothing outside the directory.
// Used by scripts/serve and by the measuring tools, so that what they measure is what a
// visitor of a hosted playground downloads. No dependencies beyond Node.
//   node tools/serve.mjs [--dir dist] [--port 8080] [--host 127.0.0.1] [--no-compress]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.lesson': 'text/plain; charset=utf-8', '.ts': 'text/plain; charset=utf-8',
  '.png': 'image/png', '.ico': 'image/x-icon', '.map': 'application/json',
};
// Already compressed formats are sent as they are.
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.svg', '.json', '.txt', '.lesson', '.ts', '.map']);

/** Starts the server; resolves to `{ server, url }` once it listens. */
export function serve({ dir = 'dist', port = 8080, host = '127.0.0.1', compress = true } = {}) {
  const root = resolve(dir);
  const cache = new Map();
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) return send(res, 403, 'forbidden');
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!path.endsWith('/')) {
          res.writeHead(301, { Location: path + '/' + (req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '') });
          return res.end();
        }
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(res, 404, 'not found');
      const ext = extname(file);
      const accept = String(req.headers['accept-encoding'] || '');
      const encoding = !compress || !COMPRESSIBLE.has(ext) ? null : /\bbr\b/.test(accept) ? 'br' : /\bgzip\b/.test(accept) ? 'gzip' : null;
      const key = `${file}|${encoding}|${info.mtimeMs}`;
      let body = cache.get(key);
      if (!body) {
        const raw = await readFile(file);
        body = encoding === 'br'
          ? brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
          : encoding === 'gzip' ? gzipSync(raw, { level: 9 }) : raw;
        cache.set(key, body);
      }
      const headers = { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Content-Length': body.length, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
      if (encoding) headers['Content-Encoding'] = encoding;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      send(res, 500, String(e));
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, d) => { const i = args.indexOf('--' + name); return i >= 0 ? args[i + 1] : d; };
  const { url } = await serve({ dir: opt('dir', 'dist'), port: Number(opt('port', 8080)), host: opt('host', '127.0.0.1'), compress: !args.includes('--no-compress') });
  console.log(`serving ${opt('dir', 'dist')} at ${url} (Ctrl-C stops)`);
}
