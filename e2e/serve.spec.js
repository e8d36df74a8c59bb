// tools/serve.mjs, which scripts/serve and the measuring tools use: it answers as a static
// host does (brotli or gzip as accepted, application/wasm, index.html for a directory) and
// serves nothing outside its directory.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const zlib = require('node:zlib');

function get(url, headers = {}) {
  return new Promise((ok, fail) => {
    http.get(url, { headers }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts) }));
    }).on('error', fail);
  });
}

test('tools/serve.mjs serves dist/ compressed as accepted, with the right types, and nothing outside', async () => {
  const { serve } = await import('../tools/serve.mjs');
  const root = path.join(__dirname, '..', 'dist');
  const { server, url } = await serve({ dir: root, port: 0 });
  try {
    const wasm = fs.readFileSync(path.join(root, 'raft-playground_bg.wasm'));
    const br = await get(url + 'raft-playground_bg.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
    expect([br.status, br.headers['content-type'], br.headers['content-encoding']]).toEqual([200, 'application/wasm', 'br']);
    expect(zlib.brotliDecompressSync(br.body).equals(wasm)).toBe(true);
    expect(br.body.length).toBeLessThan(wasm.length / 2);
    const gz = await get(url + 'raft-playground_bg.wasm', { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(wasm)).toBe(true);
    const plain = await get(url + 'raft-playground_bg.wasm');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(wasm)).toBe(true);
    const index = await get(url + '?seed=3');
    expect([index.status, index.headers['content-type']]).toEqual([200, 'text/html; charset=utf-8']);
    expect(index.body.toString()).toContain('raft-playground');
    const dir = await get(url + 'lessons?x=1');
    expect([dir.status, dir.headers.location]).toEqual([301, '/lessons/?x=1']);
    expect((await get(url + 'nothing-here.js')).status).toBe(404);
    expect((await get(url + '..%2F..%2FREADME.md')).status).toBe(403);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
