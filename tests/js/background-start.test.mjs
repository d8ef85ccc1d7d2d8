// @ts-check
// Chrome's background as the build ships it: a classic worker whose first script
// (extension/background-start.js) starts the hot module's compilation before it reads the
// bundle (background-main.js), and hot.js taking that compilation instead of fetching again;
// what a wake needs not is in background-later.js, imported at install and at its first use.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import {HOT_COMPILE, startHot} from '../../extension/hot.js';
import {LATER_MODULES, bundleBackground, dropBundledOnly} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';

const HOT_WASM = path.join(root, 'build', 'pkg', 'byob_hot.wasm');

/** The URLs fetched while `fn` runs (each answered with the hot module's bytes). @param {() => Promise<void>} fn */
async function fetchesDuring(fn) {
  const real = globalThis.fetch;
  /** @type {string[]} */
  const urls = [];
  globalThis.fetch = /** @type {any} */ (async (/** @type {any} */ url) => {
    urls.push(String(url));
    return new Response(fs.readFileSync(HOT_WASM), {headers: {'content-type': 'application/wasm'}});
  });
  try {
    await fn();
  } finally {
    globalThis.fetch = real;
  }
  return urls;
}

test('hot.js takes the compilation started before the bundle, once, for its own URL only', async () => {
  const url = new URL('chrome-extension://byob/pkg/byob_hot.wasm');
  const scope = /** @type {any} */ (globalThis);
  const urls = await fetchesDuring(async () => {
    scope[HOT_COMPILE] = {url: url.href, module: WebAssembly.compile(fs.readFileSync(HOT_WASM))};
    const first = await startHot(url);
    assert.equal(scope[HOT_COMPILE], undefined, 'taken');
    assert.ok(first.exports.memory instanceof WebAssembly.Memory, 'a live instance');
  });
  assert.deepEqual(urls, [], 'no fetch: the early compilation was used');

  const again = await fetchesDuring(async () => {
    await startHot(url); // nothing left: compiles on its own
  });
  assert.deepEqual(again, [url.href]);

  const other = await fetchesDuring(async () => {
    scope[HOT_COMPILE] = {url: 'chrome-extension://byob/other.wasm', module: WebAssembly.compile(fs.readFileSync(HOT_WASM))};
    await startHot(url);
  });
  assert.deepEqual(other, [url.href], 'a compilation of another URL is not taken');
  scope[HOT_COMPILE] = undefined;
});

test('hot.js compiles on its own when the early compilation failed', async () => {
  const url = new URL('chrome-extension://byob/pkg/byob_hot.wasm');
  const scope = /** @type {any} */ (globalThis);
  const warn = console.warn;
  /** @type {unknown[][]} */
  const warned = [];
  console.warn = (...args) => warned.push(args);
  try {
    const urls = await fetchesDuring(async () => {
      const failed = Promise.reject(new TypeError('Incorrect response MIME type'));
      failed.catch(() => {});
      scope[HOT_COMPILE] = {url: url.href, module: failed};
      const hot = await startHot(url);
      assert.ok(hot.exports.memory instanceof WebAssembly.Memory);
    });
    assert.deepEqual(urls, [url.href]);
    assert.match(String(warned[0]?.[0]), /hot module compiled at start failed; compiling it again/);
  } finally {
    console.warn = warn;
  }
});

test('Chrome build: the worker starts the hot compilation, then reads the bundle, a classic script', async () => {
  // extension/ as the build copies it, with a stand-in for the cold glue (not under test here).
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-start-'));
  fs.cpSync(path.join(root, 'extension'), out, {recursive: true});
  fs.mkdirSync(path.join(out, 'pkg'));
  fs.writeFileSync(path.join(out, 'pkg', 'byob.js'), 'export default function init() {}\nexport function __byob_reset() {}\n');
  await bundleBackground(out, 'classic');
  assert.ok(!fs.existsSync(path.join(out, 'background-start.js')), 'renamed to background.js');
  const main = fs.readFileSync(path.join(out, 'background-main.js'), 'utf8');
  assert.doesNotThrow(() => new vm.Script(main, {filename: 'background-main.js'}), 'a classic script: no import or export');
  assert.doesNotMatch(main, /import\.meta/);
  assert.match(main, /^"use strict";/, 'strict, as the modules it is made of');

  /** @type {string[]} */
  const order = [];
  const context = vm.createContext({
    URL,
    console,
    WebAssembly: {compileStreaming: (/** @type {Promise<Response>} */ r) => (order.push('compile'), r.then(() => 'compiled'))},
    fetch: (/** @type {URL} */ url) => (order.push(`fetch ${url.href}`), Promise.resolve(new Response(''))),
    importScripts: (/** @type {string} */ file) => order.push(`importScripts ${file}`),
    addEventListener: () => {},
  });
  context.self = context;
  context.self.location = {href: 'chrome-extension://byob/background.js'};
  vm.runInContext(fs.readFileSync(path.join(out, 'background.js'), 'utf8'), context);
  assert.deepEqual(order, ['fetch chrome-extension://byob/pkg/byob_hot.wasm', 'compile', 'importScripts background-main.js']);
  // (read inside the context: symbol-keyed properties stay on its global)
  const early = vm.runInContext("self[Symbol.for('byob.hotCompile')]", context);
  assert.equal(early.url, 'chrome-extension://byob/pkg/byob_hot.wasm', 'the URL hot.js asks for (core-loader.js HOT_URL)');
  assert.equal(await early.module, 'compiled');
  fs.rmSync(out, {recursive: true, force: true});
});

/** extension/ as the build lays out Chrome's background (the classic bundles), in a temporary folder. */
async function chromeBackground() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-later-'));
  fs.cpSync(path.join(root, 'extension'), out, {recursive: true});
  const bundles = await bundleBackground(out, 'classic');
  return {out, bundles};
}

/** A listener list as `chrome.*.onX` has. */
function event() {
  /** @type {Function[]} */
  const listeners = [];
  return {listeners, addListener: (/** @type {Function} */ f) => listeners.push(f)};
}

/**
 * Chrome's worker as the build ships it, run in a fresh context: background.js evaluated (it
 * imports background-main.js), with a browser whose `storage.local` never answers (the wake
 * stops at the record's read) and whose `permissions.contains` says no.
 * @param {string} out
 * @param {{failImport?: string}} [options] `importScripts` of that file throws, as Chrome's does
 *   for a script it did not keep at install
 */
function runWorker(out, {failImport} = {}) {
  /** @type {string[]} */
  const imported = [];
  /** @type {Record<string, Function[]>} */
  const workerEvents = {};
  /** @type {string[]} */
  const calls = [];
  const fake = {
    runtime: {id: 'byob', getURL: (/** @type {string} */ p) => `chrome-extension://byob/${p}`, onInstalled: event(), onStartup: event(), onMessage: event()},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => (calls.push('permissions.contains'), false)},
    storage: {onChanged: event(), local: {get: () => new Promise(() => {})}, sync: {get: () => new Promise(() => {})}},
    alarms: {onAlarm: event()},
    contextMenus: {onClicked: event()},
    scripting: {getRegisteredContentScripts: async () => (calls.push('scripting.getRegisteredContentScripts'), [])},
  };
  const context = vm.createContext({
    URL,
    Response,
    TextEncoder,
    TextDecoder,
    WebAssembly,
    console,
    performance,
    setTimeout,
    chrome: fake,
    fetch: async () => new Response(fs.readFileSync(HOT_WASM), {headers: {'content-type': 'application/wasm'}}),
    addEventListener: (/** @type {string} */ type, /** @type {Function} */ f) => (workerEvents[type] ??= []).push(f),
    importScripts: (/** @type {string} */ file) => {
      imported.push(file);
      if (file === failImport) throw new Error(`Failed to execute 'importScripts': importScripts() of new scripts after service worker installation is not allowed.`);
      vm.runInContext(fs.readFileSync(path.join(out, file), 'utf8'), context, {filename: file});
    },
  });
  context.self = context;
  context.self.location = {href: 'chrome-extension://byob/background.js'};
  vm.runInContext(fs.readFileSync(path.join(out, 'background.js'), 'utf8'), context, {filename: 'background.js'});
  const later = () => vm.runInContext("self[Symbol.for('byob.laterModules')]", context);
  return {context, fake, imported, workerEvents, calls, later};
}

test('Chrome build: the later modules are in background-later.js only, every other module in background-main.js only', async () => {
  const {out, bundles} = await chromeBackground();
  for (const f of LATER_MODULES) {
    assert.ok(bundles.later.includes(f), `${f} in background-later.js`);
    assert.ok(!bundles.main.includes(f), `${f} not in background-main.js`);
  }
  // One instance of every module: the hot and cold modules' loaders, the state, the listeners.
  assert.deepEqual(bundles.main.filter((f) => bundles.later.includes(f)), [], 'no module in both bundles');
  for (const f of ['background.js', 'core.js', 'core-loader.js', 'hot.js', 'wake.js', 'page-answers.js', 'protocol.js']) assert.ok(bundles.main.includes(f), `${f} in background-main.js`);
  // The modules only the bundles use leave the unpacked extension; the pages' stay.
  const removed = dropBundledOnly(out, [...bundles.main, ...bundles.later]);
  assert.deepEqual(removed.sort(), ['context-menu.js', 'detect-answer.js', 'health-schedule.js', 'page-answers.js', 'wake.js']);
  for (const f of ['core.js', 'settings.js', 'probe-runner.js', 'site-access.js', 'cold.js', 'background.js', 'background-main.js', 'background-later.js']) assert.ok(fs.existsSync(path.join(out, f)), `${f} kept`);
  fs.rmSync(out, {recursive: true, force: true});
});

test('Chrome build: a wake reads background-main.js alone; install imports background-later.js; a handler loads it at first use, once', async () => {
  const {out} = await chromeBackground();
  const wake = runWorker(out);
  await new Promise((r) => setTimeout(r, 50)); // the tasks after the evaluation: the hot module, the record's read
  assert.deepEqual(wake.imported, ['background-main.js'], 'a woken worker reads no later code');
  assert.equal(wake.later(), undefined);
  assert.equal(wake.fake.runtime.onMessage.listeners.length, 1, 'the listeners are registered by the evaluation');
  assert.equal(wake.fake.contextMenus.onClicked.listeners.length, 1);

  // Installing: the script is imported (Chrome keeps it for later wakes), its modules evaluated.
  const install = runWorker(out);
  assert.equal(install.workerEvents.install?.length, 1, 'one install listener, registered at the top level');
  for (const f of install.workerEvents.install) f({});
  assert.deepEqual(install.imported, ['background-main.js', 'background-later.js']);
  assert.deepEqual(Object.keys(install.later()).sort(), [...LATER_MODULES].sort());

  // A handler that needs a later module (a revoked permission: the registration is synced).
  const later = runWorker(out);
  for (const f of later.fake.permissions.onRemoved.listeners) f({});
  for (const f of later.fake.permissions.onRemoved.listeners) f({});
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(later.imported, ['background-main.js', 'background-later.js'], 'imported once, at the first use');
  assert.deepEqual(later.calls, ['permissions.contains', 'scripting.getRegisteredContentScripts', 'permissions.contains', 'scripting.getRegisteredContentScripts'], 'site-access.js ran on the worker\'s browser API');
  fs.rmSync(out, {recursive: true, force: true});
});

test('Chrome build: background-later.js not kept by Chrome: the handler reports which file and why', async () => {
  const {out} = await chromeBackground();
  const worker = runWorker(out, {failImport: 'background-later.js'});
  const load = vm.runInContext("self[Symbol.for('byob.later')]", worker.context);
  assert.throws(() => load('site-access.js'), /^Error: byob: could not load background-later\.js \(for site-access\.js\): .*importScripts\(\) of new scripts after service worker installation is not allowed/);
  // At install the failure is logged, not thrown: the worker still installs and answers pages.
  const errors = [];
  const error = console.error;
  console.error = (...args) => errors.push(args.map(String).join(' '));
  try {
    for (const f of worker.workerEvents.install) f({});
  } finally {
    console.error = error;
  }
  assert.match(errors[0] ?? '', /byob: importing background-later\.js at install failed; detection, the context menu and the cold module will not work/);
  assert.throws(() => load('no-such.js'), /could not load background-later\.js|has no module no-such\.js/);
  fs.rmSync(out, {recursive: true, force: true});
});
