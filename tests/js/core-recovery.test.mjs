// extension/core.js with the real Wasm (build/pkg, patched as the extension build patches it):
// an instance that really traps is replaced by a fresh one, and the call that met the trap is
// answered. The trap is real: the instance's linear memory is overwritten (as a corrupting bug
// would leave it), after which every call into it fails with a WebAssembly.RuntimeError.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {patchGlue} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';

const PKG = path.join(root, 'build', 'pkg');
const TARGET = {kind: 'jupyterhub', url: 'https://hub.example.edu/'};
const BINDER = 'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb';
/** @type {any} */
let core;
/** @type {any} */
let glue;

before(async () => {
  assert.ok(fs.existsSync(path.join(PKG, 'byob.js')), 'build/pkg is missing: run `make wasm` first');
  // The layout of dist/<browser>/: core.js beside pkg/ with the patched glue.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-core-'));
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.writeFileSync(path.join(dir, 'pkg', 'byob.js'), patchGlue(fs.readFileSync(path.join(PKG, 'byob.js'), 'utf8')));
  fs.copyFileSync(path.join(PKG, 'byob_bg.wasm'), path.join(dir, 'pkg', 'byob_bg.wasm'));
  fs.copyFileSync(path.join(root, 'extension', 'core.js'), path.join(dir, 'core.js'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
  // Node's fetch has no file: URLs; the browser fetches the extension's own file.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (url, init) => {
    const u = String(url);
    if (!u.startsWith('file:')) return realFetch(url, init);
    return new Response(fs.readFileSync(new URL(u)), {headers: {'content-type': 'application/wasm'}});
  };
  core = await import(pathToFileURL(path.join(dir, 'core.js')).href);
  glue = await import(pathToFileURL(path.join(dir, 'pkg', 'byob.js')).href);
});

/** Overwrite the live instance's memory: every pointer it then reads is out of bounds. */
async function corrupt() {
  const exports = await glue.default(); // the live instance's exports (init returns them once set)
  new Uint8Array(exports.memory.buffer).fill(0xff);
}

test('a trapped Wasm instance is replaced by a fresh one, and the call that met the trap is answered', async () => {
  const [first] = await core.rewriteBatch([BINDER], TARGET);
  assert.equal(first.status, 'rewritten');
  assert.deepEqual(core.status(), {instances: 1});
  await corrupt();
  // Control: the dead instance really traps when called directly.
  assert.throws(() => glue.rewriteBatch([BINDER], TARGET, undefined), (err) => err instanceof WebAssembly.RuntimeError);
  const [again] = await core.rewriteBatch([BINDER], TARGET);
  assert.deepEqual(again, first, 'the same answer from the fresh instance');
  assert.deepEqual(core.status(), {instances: 2});
  // And the next calls, of every kind, too.
  assert.equal((await core.parse(BINDER)).status, 'launch');
  assert.equal((await core.settingsDefaults()).version, 1);
  assert.deepEqual(core.status(), {instances: 2});
});

test('calls waiting while the instance is replaced are all answered', async () => {
  await core.parse(BINDER);
  await corrupt();
  const before = core.status().instances;
  const answers = await Promise.all(Array.from({length: 20}, (_, i) => core.rewriteBatch([`https://mybinder.org/v2/gh/o/r${i}/main`], TARGET)));
  assert.ok(answers.every(([r]) => r.status === 'rewritten'), JSON.stringify(answers.map(([r]) => r.status)));
  assert.equal(core.status().instances, before + 1, 'one fresh instance, not one per call');
});

test('an error the core returns (not a trap) is passed on and keeps the instance', async () => {
  const before = core.status().instances;
  await assert.rejects(core.probePlan('ftp://x'), /only http and https/);
  assert.equal(core.status().instances, before);
});

test('the build refuses a glue it does not know how to patch', () => {
  assert.throws(() => patchGlue('export { initSync, __wbg_init as default };'), /not the glue this build knows how to patch/);
});
