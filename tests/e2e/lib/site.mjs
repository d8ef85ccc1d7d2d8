// @ts-check
// What the e2e tests browse: a real Jupyter Book 1 site built with jupyter-book 1.x from PyPI,
// and a few link pages, served over HTTP on 127.0.0.1 (visited as http://localhost:<port>/
// so that granting a hub on 127.0.0.1 does not also grant the pages).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {file, serve} from './serve.mjs';

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
 * Serve (lib/serve.mjs):
 *   /book/…           the built book
 *   /pages/…          tests/e2e/site (badges, late links)
 *   /strict/…         the same pages with `Content-Security-Policy: script-src 'self'`
 *   /myst/…           a real Jupyter Book 2 (mystmd) page from tests/fixtures/pages (no JS bundles)
 *   /v2/…             a stand-in launch target, so Alt-click on a localhost Binder link lands somewhere
 * @param {{bookDir: string, siteDir: string, mystDir: string}} dirs
 */
export function serveSite({bookDir, siteDir, mystDir}) {
  return serve((url) => {
    const p = url.pathname;
    if (p.startsWith('/book/')) return file(bookDir, p.slice('/book/'.length));
    if (p.startsWith('/pages/')) return file(siteDir, p.slice('/pages/'.length));
    if (p.startsWith('/myst/')) return file(mystDir, p.slice('/myst/'.length));
    if (p.startsWith('/strict/')) {
      const reply = file(siteDir, p.slice('/strict/'.length));
      return reply && {...reply, headers: {'content-security-policy': "script-src 'self'"}};
    }
    if (p.startsWith('/v2/')) return {body: '<!doctype html><title>stand-in launch</title><h1>launched</h1>'};
    return null;
  });
}
