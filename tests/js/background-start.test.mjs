// @ts-check
// Chrome's background as the build ships it: a classic worker whose first script
// (extension/background-start.js) starts the hot module's compilation before it reads the
// bundle (background-main.js), and hot.js taking that compilation instead of fetching again.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import {HOT_COMPILE, startHot} from '../../extension/hot.js';
import {bundleBackground, dropBundledOnly} from '../../tools/build-extension.mjs';
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
  bundleBackground(out, 'classic');
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

test('the modules only the background bundle uses are not shipped beside it; the pages\' are', () => {
  for (const kind of /** @type {const} */ (['classic', 'module'])) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-drop-'));
    fs.cpSync(path.join(root, 'extension'), out, {recursive: true});
    const bundled = bundleBackground(out, kind);
    for (const f of ['background.js', 'core.js', 'hot.js', 'wake.js', 'page-answers.js']) assert.ok(bundled.includes(f), `${kind}: ${f} in the bundle`);
    const removed = dropBundledOnly(out, bundled);
    assert.deepEqual(removed, ['context-menu.js', 'detect-answer.js', 'health-schedule.js', 'page-answers.js', 'wake.js'], kind);
    // What the options page, the popup and the content scripts import, and the bundle itself.
    for (const f of ['api.js', 'core.js', 'core-loader.js', 'hot.js', 'cold.js', 'settings.js', 'health.js', 'probe-runner.js', 'protocol.js', 'site-access.js', 'fallback.js', 'tabs.js', 'presets.js', 'background.js']) {
      assert.ok(fs.existsSync(path.join(out, f)), `${kind}: ${f} kept`);
    }
    if (kind === 'classic') assert.ok(fs.existsSync(path.join(out, 'background-main.js')));
    fs.rmSync(out, {recursive: true, force: true});
  }
});
