#!/usr/bin/env node
// `make run`: a browser with the built extension, on the local sample book (the Jupyter Book 1
// test book, built with jupyter-book 1.x), until you close it.
//
//   node tools/run-browser.mjs            Chromium with dist/chrome
//   node tools/run-browser.mjs firefox    Firefox with dist/firefox (web-ext run)
//
// Needs a display (a desktop session, or Xvfb). The book is served on http://localhost:<port>/.
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildBook, serveSite} from '../tests/e2e/lib/site.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const which = process.argv[2] ?? 'chromium';

if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  console.error('make run: no display (DISPLAY / WAYLAND_DISPLAY unset). Run it in a desktop session, or under `xvfb-run`.');
  process.exit(1);
}

const bookDir = buildBook(root);
const site = await serveSite({bookDir, siteDir: path.join(root, 'tests', 'e2e', 'site'), mystDir: path.join(root, 'tests', 'fixtures', 'pages', 'jb2-mystmd-1.7-cookbook-template')});
const start = `${site.url}book/analysis.html`;
console.log(`make run: the sample book is at ${start} (also ${site.url}pages/badges.html)`);

let child;
if (which === 'firefox') {
  child = spawn(path.join(root, 'node_modules', '.bin', 'web-ext'), ['run', '--source-dir', path.join(root, 'dist', 'firefox'), '--firefox', 'firefox-esr', '--start-url', start, '--no-reload'], {stdio: 'inherit'});
} else {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-run-'));
  const ext = path.join(root, 'dist', 'chrome');
  // Chromium refuses to start as root unless its sandbox is off (containers, CI machines).
  const sandbox = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  child = spawn('chromium', [...sandbox, `--user-data-dir=${profile}`, `--disable-extensions-except=${ext}`, `--load-extension=${ext}`, '--no-first-run', start], {stdio: 'inherit'});
  child.on('exit', () => fs.rmSync(profile, {recursive: true, force: true}));
}
child.on('exit', async (code) => {
  await site.close();
  process.exit(code ?? 0);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill('SIGTERM'));
