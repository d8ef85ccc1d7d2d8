// @ts-check
// The test servers of tests/servers, from the e2e suites: ports.env, and starting what a suite
// needs (servers already up are reused and left running) with stopping exactly what it started,
// whatever ends the run (the servers run in sessions of their own: nothing else stops them).
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const serversDir = path.join(root, 'tests', 'servers');
export const runDir = path.join(serversDir, 'run');
const SERVERS = path.join(serversDir, 'servers.py');

/** tests/servers/ports.env as an object. @returns {Record<string, string>} */
export function ports() {
  const text = fs.readFileSync(path.join(serversDir, 'ports.env'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
}

/** @type {(() => Promise<void>)[]} what to undo when the run ends, last registered first */
const cleanups = [];
let cleaning = null;

/** Undo everything registered with `onExit` (once; later calls wait for the first). */
export function cleanUp() {
  cleaning ??= (async () => {
    for (const fn of cleanups.splice(0).reverse()) {
      try {
        await fn();
      } catch (err) {
        console.log(`cleanup failed: ${err instanceof Error ? err.message : err}`);
      }
    }
  })();
  return cleaning;
}

/** Run `fn` when the run ends, however it ends (after hooks, a signal, an uncaught error). @param {() => Promise<void>} fn */
export function onExit(fn) {
  cleanups.push(fn);
}

// node --test sends SIGTERM to a test file's process when it is interrupted.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.log(`${signal}: stopping what this run started`);
    cleanUp().finally(() => process.exit(1));
  });
}

/**
 * Start `names` (tests/servers/servers.py start --record); register their stop with `onExit`.
 * @param {string[]} names
 * @returns {string[]} the names this call started
 */
export function startServers(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-'));
  const record = path.join(dir, 'started');
  fs.writeFileSync(record, '');
  const started = () => fs.readFileSync(record, 'utf8').split(/\s+/).filter(Boolean);
  onExit(async () => {
    if (started().length) execFileSync('python3', [SERVERS, 'stop', ...started()], {stdio: 'inherit'});
    fs.rmSync(dir, {recursive: true, force: true});
  });
  const t0 = Date.now();
  execFileSync('python3', [SERVERS, 'start', '--record', record, ...names], {stdio: 'inherit'});
  console.log(`servers up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${names.join(' ')}; started here: ${started().join(' ') || 'none'})`);
  return started();
}
