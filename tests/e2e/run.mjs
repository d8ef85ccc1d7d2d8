#!/usr/bin/env node
// End-to-end tests of the built extension (dist/chrome, dist/firefox) in headless Chromium and
// headless Firefox ESR, against a Jupyter Book 1 site built here, Jupyter Book 2 (MyST) sites
// (lib/myst-site.mjs) and the real test servers of tests/servers (JupyterHub 6.1.1 and 5.2.1,
// the BinderHub stand-in).
//
//   node --experimental-websocket tests/e2e/run.mjs [chromium] [firefox]
//
// Env: BYOB_E2E_VERBOSE=1 prints every step. Screenshots of the options page, the popup and the
// MyST launch link and form go to build/e2e-screenshots/<browser>/, or, with
// BYOB_E2E_SCREENSHOTS=docs, Chromium's to docs/img/ (the README's pictures: `make screenshots`).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {Harness} from './lib/harness.mjs';
import {buildBook, serveSite} from './lib/site.mjs';
import {buildMystSites, serveMystSites} from './lib/myst-site.mjs';
import {runScenarios} from './scenarios.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const browsers = wanted.length ? wanted : ['chromium', 'firefox'];
const servers = ['hub6', 'hub52', 'binder'];

function readPorts() {
  const text = fs.readFileSync(path.join(root, 'tests', 'servers', 'ports.env'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
}

async function main() {
  const t0 = Date.now();
  const ports = readPorts();
  console.log('e2e: building the Jupyter Book 1 test book');
  const bookDir = buildBook(root);
  const mystDir = path.join(root, 'tests', 'fixtures', 'pages', 'jb2-mystmd-1.7-cookbook-template');
  const site = await serveSite({bookDir, siteDir: path.join(root, 'tests', 'e2e', 'site'), mystDir});
  console.log('e2e: writing the Jupyter Book 2 (MyST) test sites');
  const mystSite = await serveMystSites(await buildMystSites(root, mystDir, {gitUrl: ports.GIT_URL}));
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-')), 'started');
  fs.writeFileSync(record, '');
  const harnesses = [];
  /** @type {any} */
  let current = null;
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    await current?.stop().catch((err) => console.log(`stopping the browser failed: ${err}`));
    await site.close();
    await mystSite.close();
    const started = fs.readFileSync(record, 'utf8').split(/\s+/).filter(Boolean);
    if (started.length) execFileSync(path.join(root, 'tests', 'servers', 'stop.sh'), started, {stdio: 'inherit'});
  };
  // Whatever ends the run, stop what it started (the servers run in sessions of their own).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.log(`e2e: ${signal}: stopping what this run started`);
      cleanUp().finally(() => process.exit(1));
    });
  }
  process.on('uncaughtException', (err) => {
    console.log(`e2e: uncaught exception: ${err.stack ?? err}`);
    console.log('0 passed, 1 failed');
    cleanUp().finally(() => process.exit(1));
  });
  try {
    console.log(`e2e: starting the test servers (${servers.join(', ')})`);
    execFileSync(path.join(root, 'tests', 'servers', 'start.sh'), ['--record', record, ...servers], {stdio: 'inherit'});
    for (const name of browsers) {
      const h = new Harness(name);
      harnesses.push(h);
      const {ChromiumBrowser} = await import('./lib/chromium.mjs');
      const {FirefoxBrowser} = await import('./lib/firefox.mjs');
      const browser = name === 'chromium' ? new ChromiumBrowser() : name === 'firefox' ? new FirefoxBrowser() : null;
      if (!browser) throw new Error(`unknown browser ${name} (chromium, firefox)`);
      const t1 = Date.now();
      current = browser;
      try {
        await browser.start(path.join(root, 'dist', name === 'chromium' ? 'chrome' : 'firefox'));
        const screenshotDir = name === 'chromium' && process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'img') : path.join(root, 'build', 'e2e-screenshots', name);
        fs.mkdirSync(screenshotDir, {recursive: true});
        await runScenarios(h, browser, {site: site.url, myst: mystSite.url, ports, root, screenshotDir});
      } catch (err) {
        h.failed++;
        h.failures.push(`${name}: ${err instanceof Error ? err.stack : err}`);
        console.log(`FAIL ${name}: the browser could not be driven: ${err instanceof Error ? err.stack : err}`);
      } finally {
        if (h.failed && browser.logs?.length) console.log(`--- ${name} console (last 40 lines) ---\n${browser.logs.slice(-40).join('\n')}`);
        current = null;
        await browser.stop().catch((err) => console.log(`${name}: stopping the browser failed: ${err}`));
      }
      console.log(`${name}: ${h.passed} passed, ${h.failed} failed (${((Date.now() - t1) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await cleanUp();
  }
  const passed = harnesses.reduce((n, h) => n + h.passed, 0);
  const failed = harnesses.reduce((n, h) => n + h.failed, 0);
  if (failed) console.log(`\nfailures:\n  ${harnesses.flatMap((h) => h.failures).join('\n  ')}`);
  console.log(`e2e: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error('e2e:', err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
