// What the e2e tests browse: a real Jupyter Book 1 site built with jupyter-book 1.x from PyPI,
// and a few link pages, served over HTTP on 127.0.0.1 (visited as http://localhost:<port>/
// so that granting a hub on 127.0.0.1 does not also grant the pages).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const TYPES = {'.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.ipynb': 'application/json'};

/**
 * `pip install "jupyter-book<2"` into .venv/jb1 (once), then build tests/e2e/book into
 * build/e2e-book. Returns the HTML directory.
 * @param {string} root the repository
 */
export function buildBook(root) {
  const venv = path.join(root, '.venv', 'jb1');
  const jb = path.join(venv, 'bin', 'jupyter-book');
  if (!fs.existsSync(jb)) {
    // `make setup-e2e` installs it; this is for running the script by hand.
    console.log('e2e: installing jupyter-book 1.x into .venv/jb1 (once, ~30 s)');
    execFileSync('python3', ['-m', 'venv', venv], {stdio: 'inherit'});
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--no-deps', '-r', path.join(root, 'tests', 'e2e', 'requirements-jb1.txt')], {stdio: 'inherit'});
  }
  const out = path.join(root, 'build', 'e2e-book');
  fs.rmSync(out, {recursive: true, force: true});
  execFileSync(jb, ['build', path.join(root, 'tests', 'e2e', 'book'), '--path-output', out, '--quiet'], {stdio: ['ignore', 'ignore', 'inherit']});
  const html = path.join(out, '_build', 'html');
  if (!fs.existsSync(path.join(html, 'analysis.html'))) throw new Error(`jupyter-book build produced no ${html}/analysis.html`);
  return html;
}

/**
 * Serve:
 *   /book/…           the built book
 *   /pages/…          tests/e2e/site (badges, late links)
 *   /strict/…         the same pages with `Content-Security-Policy: script-src 'self'`
 *   /myst/…           a real Jupyter Book 2 (mystmd) page from tests/fixtures/pages (no JS bundles)
 *   /v2/…             a stand-in launch target, so Alt-click on a localhost Binder link lands somewhere
 * @param {{bookDir: string, siteDir: string, mystDir: string}} dirs
 * @returns {Promise<{url: string, close: () => Promise<void>}>}
 */
export async function serveSite({bookDir, siteDir, mystDir}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let dir = null;
    let rel = '';
    const headers = {'cache-control': 'no-store'};
    if (url.pathname.startsWith('/book/')) [dir, rel] = [bookDir, url.pathname.slice(6)];
    else if (url.pathname.startsWith('/pages/')) [dir, rel] = [siteDir, url.pathname.slice(7)];
    else if (url.pathname.startsWith('/myst/')) [dir, rel] = [mystDir, url.pathname.slice(6)];
    else if (url.pathname.startsWith('/strict/')) {
      [dir, rel] = [siteDir, url.pathname.slice(8)];
      headers['content-security-policy'] = "script-src 'self'";
    } else if (url.pathname.startsWith('/v2/')) {
      res.writeHead(200, {...headers, 'content-type': 'text/html'});
      res.end('<!doctype html><title>stand-in launch</title><h1>launched</h1>');
      return;
    }
    const file = dir ? path.join(dir, decodeURIComponent(rel || 'index.html')) : null;
    if (!file || !file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, {...headers, 'content-type': 'text/plain'});
      res.end('not found');
      return;
    }
    res.writeHead(200, {...headers, 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream'});
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    url: `http://localhost:${port}/`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
