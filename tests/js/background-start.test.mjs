// @ts-check
// The hot module as the build ships it: a script with its bytes (pkg/byob_hot.js, `hotScript`),
// which Chrome's classic worker (extension/background-start.js) imports before its bundle
// (background-main.js), and hot.js taking the bytes from there, or importing the script itself.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import {HOT_WASM as HOT_WASM_KEY, fromHex, startHot} from '../../extension/hot.js';
import {bundleBackground, dropBundledOnly, hotScript} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';
import {extensionModules} from './ext-modules.mjs';

const HOT_WASM = path.join(root, 'build', 'pkg', 'byob_hot.wasm');

/** The hot module's bytes as the build reads them. */
const wasm = () => fs.readFileSync(HOT_WASM);

test('hot.js compiles the bytes a script put on the global, without importing the script', async () => {
  const scope = /** @type {any} */ (globalThis);
  scope[HOT_WASM_KEY] = wasm().toString('hex');
  try {
    const hot = await startHot();
    assert.ok(hot.exports.memory instanceof WebAssembly.Memory, 'a live instance');
    assert.ok(hot.module instanceof WebAssembly.Module);
    // hot.js's own folder has no pkg/ here: had it imported the script, this would have failed.
    assert.ok(!fs.existsSync(path.join(root, 'extension', 'pkg', 'byob_hot.js')));
    const again = await startHot(hot.module);
    assert.equal(again.module, hot.module, 'a fresh instance of the module already compiled');
  } finally {
    scope[HOT_WASM_KEY] = undefined;
  }
});

test('hot.js imports pkg/byob_hot.js when no script gave the bytes; bad bytes are an error', async () => {
  const scope = /** @type {any} */ (globalThis);
  scope[HOT_WASM_KEY] = undefined;
  const load = await extensionModules();
  const {startHot: start} = await load('hot.js');
  const hot = await start();
  assert.ok(hot.exports.memory instanceof WebAssembly.Memory);
  assert.equal(scope[HOT_WASM_KEY], wasm().toString('hex'), 'the script put the bytes there');
  scope[HOT_WASM_KEY] = 'not hex';
  await assert.rejects(start(), SyntaxError);
  scope[HOT_WASM_KEY] = '0061736d';
  await assert.rejects(start(), WebAssembly.CompileError);
  scope[HOT_WASM_KEY] = undefined;
});

test('fromHex: the browser\'s own where there is one, the same bytes from the loop where not', () => {
  const bytes = new Uint8Array(wasm());
  const text = Buffer.from(bytes).toString('hex');
  const U = /** @type {any} */ (Uint8Array);
  const native = U.fromHex;
  try {
    delete U.fromHex;
    assert.deepEqual(fromHex(text), bytes, 'the loop');
    assert.deepEqual(fromHex(text.toUpperCase()), bytes, 'upper case too, as fromHex reads it');
    for (const bad of ['0', 'zz', '0x00', ' 00']) assert.throws(() => fromHex(bad), SyntaxError, bad);
    let called = 0;
    U.fromHex = (/** @type {string} */ t) => (called++, Uint8Array.from(Buffer.from(t, 'hex')));
    assert.deepEqual(fromHex(text), bytes);
    assert.equal(called, 1, 'the native one used where it exists');
  } finally {
    if (native) U.fromHex = native;
    else delete U.fromHex;
  }
});

test('the hot module\'s script: a classic script and a module at once, with the bytes on the global', async () => {
  const text = hotScript(wasm());
  assert.doesNotThrow(() => new vm.Script(text, {filename: 'byob_hot.js'}), 'a classic script');
  assert.doesNotMatch(text, /^\s*(import|export)\b/m, 'no import or export');
  const context = vm.createContext({});
  vm.runInContext(text, context);
  const hex = vm.runInContext("globalThis[Symbol.for('byob.hotWasm')]", context);
  assert.deepEqual(fromHex(hex), new Uint8Array(wasm()));
});

test('Chrome build: the worker reads the hot module\'s script, then the bundle, a classic script', async () => {
  // extension/ as the build copies it, with a stand-in for the cold glue (not under test here).
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-start-'));
  fs.cpSync(path.join(root, 'extension'), out, {recursive: true});
  fs.mkdirSync(path.join(out, 'pkg'));
  fs.writeFileSync(path.join(out, 'pkg', 'byob.js'), 'export default function init() {}\nexport function __byob_reset() {}\n');
  fs.writeFileSync(path.join(out, 'pkg', 'byob_hot.js'), hotScript(wasm()));
  bundleBackground(out, 'classic');
  assert.ok(!fs.existsSync(path.join(out, 'background-start.js')), 'renamed to background.js');
  const main = fs.readFileSync(path.join(out, 'background-main.js'), 'utf8');
  assert.doesNotThrow(() => new vm.Script(main, {filename: 'background-main.js'}), 'a classic script: no import or export');
  assert.doesNotMatch(main, /import\.meta/);
  assert.match(main, /^"use strict";/, 'strict, as the modules it is made of');
  assert.match(main, /import\("\.\/pkg\/byob_hot\.js"\)/, 'the script imported at run time where needed, not bundled');
  assert.ok(!main.includes(wasm().subarray(0, 64).toString('hex')), 'no copy of the bytes in the bundle');

  /** @type {string[][]} */
  const imported = [];
  const context = vm.createContext({console, importScripts: (/** @type {string[]} */ ...files) => imported.push(files)});
  context.self = context;
  vm.runInContext(fs.readFileSync(path.join(out, 'background.js'), 'utf8'), context);
  assert.deepEqual(imported, [['pkg/byob_hot.js', 'background-main.js']], 'the bytes first, then the bundle, in one synchronous call');
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
