#!/usr/bin/env node
// The launch flows end to end (issue 5), in headless Chromium and headless Firefox ESR with the
// built extension (dist/chrome, dist/firefox), against the real servers of tests/servers:
// JupyterHub 6.1.1 and 5.2.1 (nbgitpuller, JupyterLab), a plain `jupyter lab` with a token, the
// BinderHub stand-in, and the git server holding demo-book and demo-env.
//
//   node --experimental-websocket tests/e2e/flows.mjs [chromium] [firefox] [--only=REGEX]
//   (make test-e2e-flows)
//
// Per browser: the hubs are saved in the options page as a reader would (5.2.1 first, while the
// extension has no access to 127.0.0.1, so its no-CORS detection is exercised), then each flow
// opens a course page on http://localhost:<port>/, clicks the launch link and follows it to the
// notebook rendered in JupyterLab, with the clone checked on disk (flows/scenarios.mjs). Each
// failure names its step (convert, click, login, spawn, clone, redirect, render; launch,
// recorded; tooltip, popup; private-dom) and prints the server's log tail.
//
// Starts the servers it needs once (tests/servers/start.sh --record; servers already up are
// reused and left running), stops only those, whatever happens. --only=REGEX runs the flows
// whose name matches (the options setup always runs). BYOB_E2E_VERBOSE=1 prints every step.
// The notebook screenshot goes to build/e2e-flows/notebook-opened.png, or with
// BYOB_E2E_SCREENSHOTS=docs to docs/img/notebook-opened.png (`make screenshots-flows`).
// Ends with "N passed, N failed"; exit 1 on any failure.
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {launchLinks, servePages} from './flows/pages.mjs';
import {Runner} from './flows/runner.mjs';
import {runFlows} from './flows/scenarios.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const serversDir = path.join(root, 'tests', 'servers');
const runDir = path.join(serversDir, 'run');
const args = process.argv.slice(2);
const wanted = args.filter((a) => !a.startsWith('-'));
const browsers = wanted.length ? wanted : ['chromium', 'firefox'];
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new RegExp(onlyArg.slice('--only='.length)) : null;
const servers = ['hub6', 'hub52', 'lab', 'binder', 'git'];

function readPorts() {
  const text = fs.readFileSync(path.join(serversDir, 'ports.env'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
}

async function main() {
  const t0 = Date.now();
  for (const b of browsers) if (!['chromium', 'firefox'].includes(b)) throw new Error(`unknown browser ${b} (chromium, firefox)`);
  const byob = process.env.BYOB ?? path.join(root, 'target', 'release', 'byob');
  if (!fs.existsSync(byob)) throw new Error(`no CLI at ${byob} (make cli)`);
  const ports = readPorts();
  const pages = await servePages();
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'byob-flows-')), 'started');
  fs.writeFileSync(record, '');
  const runners = [];
  /** @type {any} */
  let current = null;
  let cleaned = false;
  const cleanUp = async () => {
    if (cleaned) return;
    cleaned = true;
    await current?.stop().catch((/** @type {unknown} */ err) => console.log(`stopping the browser failed: ${err}`));
    await pages.close();
    const started = fs.readFileSync(record, 'utf8').split(/\s+/).filter(Boolean);
    if (started.length) execFileSync(path.join(serversDir, 'stop.sh'), started, {stdio: 'inherit'});
    fs.rmSync(path.dirname(record), {recursive: true, force: true});
  };
  // Whatever ends the run, stop what it started (the servers run in sessions of their own).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.log(`flows: ${signal}: stopping what this run started`);
      cleanUp().finally(() => process.exit(1));
    });
  }
  process.on('uncaughtException', (err) => {
    console.log(`flows: uncaught exception: ${err.stack ?? err}`);
    console.log('0 passed, 1 failed');
    cleanUp().finally(() => process.exit(1));
  });
  try {
    console.log(`flows: starting the test servers (${servers.join(', ')})`);
    const t1 = Date.now();
    execFileSync(path.join(serversDir, 'start.sh'), ['--record', record, ...servers], {stdio: 'inherit'});
    const started = fs.readFileSync(record, 'utf8').split(/\s+/).filter(Boolean);
    console.log(`flows: servers up in ${((Date.now() - t1) / 1000).toFixed(1)} s (started here: ${started.join(' ') || 'none'})`);
    const repos = JSON.parse(fs.readFileSync(path.join(runDir, 'git', 'repos.json'), 'utf8'));
    const commits = {book: repos['demo-book'].commit, env: repos['demo-env'].commit};
    const links = launchLinks(ports, commits);
    const failDir = path.join(root, 'build', 'e2e-flows');
    fs.rmSync(failDir, {recursive: true, force: true});
    for (const name of browsers) {
      const run = new Runner(name, {runDir, failDir});
      runners.push(run);
      const {ChromiumBrowser} = await import('./lib/chromium.mjs');
      const {FirefoxBrowser} = await import('./lib/firefox.mjs');
      const browser = name === 'chromium' ? new ChromiumBrowser() : new FirefoxBrowser();
      const tb = Date.now();
      current = browser;
      const screenshot = name !== 'chromium' ? null : process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'img', 'notebook-opened.png') : path.join(failDir, 'notebook-opened.png');
      try {
        console.log(`--- ${name}`);
        await browser.start(path.join(root, 'dist', name === 'chromium' ? 'chrome' : 'firefox'));
        // once the browser died, the remaining flows fail at once instead of timing out one by one
        let closed = false;
        if (browser instanceof ChromiumBrowser) browser.context.on('close', () => (closed = true));
        run.gone = () =>
          browser instanceof FirefoxBrowser
            ? browser.proc.exitCode !== null || browser.proc.signalCode !== null
              ? `firefox exited (${browser.proc.exitCode ?? browser.proc.signalCode})`
              : null
            : closed
              ? 'chromium closed'
              : null;
        await runFlows(run, browser, {root, runDir, ports, links, commits, pages, byob, screenshot, only});
      } catch (err) {
        run.failed++;
        run.failures.push(`${name}: ${err instanceof Error ? err.stack : err}`);
        console.log(`FAIL ${name}: the browser could not be driven: ${err instanceof Error ? err.stack : err}`);
      } finally {
        if (run.failed && browser.logs?.length) console.log(`--- ${name} console (last 30 lines) ---\n${browser.logs.slice(-30).join('\n')}`);
        if (run.failed && browser.stderr) console.log(`--- ${name} stderr (last 30 lines) ---\n${browser.stderr.split('\n').slice(-30).join('\n')}`);
        current = null;
        await browser.stop().catch((/** @type {unknown} */ err) => console.log(`${name}: stopping the browser failed: ${err}`));
      }
      console.log(`${name}: ${run.passed} passed, ${run.failed} failed (${((Date.now() - tb) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await cleanUp();
  }
  const passed = runners.reduce((n, r) => n + r.passed, 0);
  const failed = runners.reduce((n, r) => n + r.failed, 0);
  if (runners.length) {
    // seconds per flow and browser
    const names = [...new Set(runners.flatMap((r) => r.results.map((x) => x.name)))];
    console.log(`\nflow${' '.repeat(14)}${runners.map((r) => r.prefix.padStart(10)).join('')}`);
    for (const n of names) {
      const cells = runners.map((r) => {
        const x = r.results.find((y) => y.name === n);
        return (x ? `${(x.ms / 1000).toFixed(1)}${x.ok ? '' : '!'}` : '-').padStart(10);
      });
      console.log(`${n.padEnd(18)}${cells.join('')}`);
    }
  }
  if (failed) console.log(`\nfailures:\n  ${runners.flatMap((r) => r.failures).join('\n  ')}`);
  console.log(`flows: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error('flows:', err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
