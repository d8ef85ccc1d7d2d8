// extension/core.js with the real Wasm (build/pkg, patched as the extension build patches it):
// an instance that really traps is replaced by a fresh one, and the call that met the trap is
// answered. The trap is real: the instance's linear memory is overwritten (as a corrupting bug
// would leave it), after which every call into it fails with a WebAssembly.RuntimeError.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import {patchGlue} from '../../tools/build-extension.mjs';
import {extensionModules} from './ext-modules.mjs';

const TARGET = {kind: 'jupyterhub', url: 'https://hub.example.edu/'};
const BINDER = 'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb';
/** @type {any} */
let core;
/** @type {any} */
let glue;

before(async () => {
  const load = await extensionModules();
  core = await load('core.js');
  glue = await load('pkg/byob.js');
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
  assert.equal((await core.settingsDefaults()).version, 2);
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
