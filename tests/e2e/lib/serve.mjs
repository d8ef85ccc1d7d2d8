// @ts-check
// The one static server of the e2e tests: every site they browse (the Jupyter Book, the MyST
// sites, the flows' course pages, the hostile pages, the benchmark's page) is a `route` served on
// 127.0.0.1 and visited as http://localhost:<port>/, so that granting a hub on 127.0.0.1 does not
// also grant the pages. Nothing is cached (`cache-control: no-store`).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ipynb': 'application/json',
  '.woff2': 'font/woff2',
};

/**
 * What a route answers: a file, or a body (HTML unless `type` says otherwise), with extra headers.
 * @typedef {{file?: string, body?: string, type?: string, status?: number, headers?: Record<string, string>}} Reply
 */

/**
 * The file `rel` (URL-decoded) under `dir`: a directory's index.html; null outside `dir` or missing.
 * @param {string} dir
 * @param {string} rel
 * @returns {Reply | null}
 */
export function file(dir, rel) {
  let p;
  try {
    p = path.join(dir, decodeURIComponent(rel));
  } catch {
    return null; // a malformed escape: no such file
  }
  if (p !== dir && !p.startsWith(dir + path.sep)) return null;
  if (fs.existsSync(p) && fs.statSync(p).isDirectory()) p = path.join(p, 'index.html');
  return fs.existsSync(p) && fs.statSync(p).isFile() ? {file: p} : null;
}

/**
 * Serve `route` (null: 404) on a free port of 127.0.0.1.
 * @param {(url: URL, req: http.IncomingMessage) => Reply | null} route
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function serve(route) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    /** @type {Reply | null} */
    let reply;
    try {
      reply = route(url, req);
    } catch (err) {
      reply = {status: 500, type: 'text/plain', body: `the test site failed: ${err instanceof Error ? err.stack : err}`};
    }
    const headers = {'cache-control': 'no-store', ...reply?.headers};
    if (!reply) {
      res.writeHead(404, {...headers, 'content-type': 'text/plain'}).end('not found');
    } else if (reply.file) {
      res.writeHead(reply.status ?? 200, {...headers, 'content-type': TYPES[/** @type {keyof TYPES} */ (path.extname(reply.file))] ?? 'application/octet-stream'});
      fs.createReadStream(reply.file).pipe(res);
    } else {
      res.writeHead(reply.status ?? 200, {...headers, 'content-type': reply.type ?? 'text/html; charset=utf-8'}).end(reply.body ?? '');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://localhost:${port}/`,
    port,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
