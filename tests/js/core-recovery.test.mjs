// extension/core.js with the real Wasm (build/pkg, as the extension build copies it):
// an instance that really traps is replaced by a fresh one, and the call that met the trap is
// answered — for each of the two modules (the hot one that rewrites, the cold one with the
// rest). The trap is real: the instance's linear memory is overwritten (as a corrupting bug
// would leave it), after which every call into it fails with a WebAssembly.RuntimeError.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {root} from './dom.mjs';
import {extensionModules} from './ext-modules.mjs';

const TARGET = {kind: 'jupyterhub', url: 'https://hub.example.edu/'};
const BINDER = 'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb';
/** @type {any} */
let core;

before(async () => {
  const load = await extensionModules();
  core = await load('core.js');
});

/** Overwrite the live cold instance's memory: every pointer it then reads is out of bounds. */
async function corruptCold() {
  const cold = await core.coldInstance();
  new Uint8Array(cold.exports.memory.buffer).fill(0xff);
  return cold;
}

/** Overwrite the live hot instance's memory. */
async function corruptHot() {
  const hot = await core.hotInstance();
  new Uint8Array(hot.exports.memory.buffer).fill(0xff);
  return hot;
}

test('rewriting needs only the hot module: the cold one is not instantiated', async () => {
  const [r] = await core.rewriteBatch([BINDER], {...TARGET, wire: 'byob-target-1\tjupyterhub\thttps://hub.example.edu/\tfollow\tbnc'});
  assert.equal(r.status, 'rewritten');
  assert.deepEqual(core.status(), {instances: 0, hot: 1, firstCold: null});
});

test('a trapped hot instance is replaced by a fresh one, and the call that met the trap is answered', async () => {
  const [first] = await core.rewriteBatch([BINDER], TARGET);
  assert.equal(first.status, 'rewritten');
  // A target without its wire: the cold module made it, and the loader says which call needed it.
  const {firstCold} = core.status();
  assert.equal(firstCold?.what, 'rewriteBatch');
  assert.ok(typeof firstCold?.at === 'number' && firstCold.at >= 0);
  const hotBefore = core.status().hot;
  const dead = await corruptHot();
  // Control: the dead instance really traps when called directly.
  assert.throws(() => dead.rewrite(BINDER), (err) => err instanceof WebAssembly.RuntimeError);
  const [again] = await core.rewriteBatch([BINDER], TARGET);
  assert.deepEqual(again, first, 'the same answer from the fresh instance (the target set again)');
  assert.equal(core.status().hot, hotBefore + 1);
  const answers = await Promise.all(Array.from({length: 20}, (_, i) => core.rewriteBatch([`https://mybinder.org/v2/gh/o/r${i}/main`], TARGET)));
  assert.ok(answers.every(([r]) => r.status === 'rewritten'));
  assert.equal(core.status().hot, hotBefore + 1, 'no restart without a trap');
});

test('a trapped cold instance is replaced by a fresh one, and the call that met the trap is answered', async () => {
  const first = await core.parse(BINDER);
  assert.equal(first.status, 'launch');
  const before = core.status().instances;
  const dead = await corruptCold();
  // Control: the dead instance really traps when called directly.
  assert.throws(() => dead.parse(BINDER), (err) => err instanceof WebAssembly.RuntimeError);
  assert.deepEqual(await core.parse(BINDER), first, 'the same answer from the fresh instance');
  assert.equal(core.status().instances, before + 1);
  // And the next calls, of every kind, too.
  assert.equal((await core.settingsDefaults()).version, 2);
  const [r] = await core.rewriteBatch(['HTTPS://mybinder.org/v2/gh/o/r/main'], TARGET);
  assert.equal(r.status, 'rewritten', 'an href the hot module defers, answered by the cold one');
  assert.equal(core.status().instances, before + 1);
});

test('calls waiting while the instance is replaced are all answered', async () => {
  await core.parse(BINDER);
  await corruptCold();
  const before = core.status().instances;
  const answers = await Promise.all(Array.from({length: 20}, (_, i) => core.parse(`https://mybinder.org/v2/gh/o/r${i}/main`)));
  assert.ok(answers.every((r) => r.status === 'launch'), JSON.stringify(answers.map((r) => r.status)));
  assert.equal(core.status().instances, before + 1, 'one fresh instance, not one per call');
});

test('an error the core returns (not a trap) is passed on and keeps the instance', async () => {
  const before = core.status();
  await assert.rejects(core.probePlan('ftp://x'), /only http and https/);
  await assert.rejects(core.rewriteBatch([BINDER], {kind: 'nope', url: 'h'}), /target/);
  await assert.rejects(core.rewriteBatch([BINDER], {wire: 'byob-target-1\tnope'}), /target text: kind/);
  assert.deepEqual(core.status(), before);
});

test('an instance a huge batch grew past MEMORY_KEPT is replaced after answering; normal calls keep theirs', async () => {
  const pages = async (/** @type {any} */ instance) => (await instance).exports.memory.buffer.byteLength;
  // Normal batches (1,000 links) keep the instance.
  const before = core.status();
  const normal = Array.from({length: 1000}, (_, i) => `https://mybinder.org/v2/gh/o/r${i}/main?urlpath=lab/tree/x.ipynb`);
  for (let i = 0; i < 3; i++) assert.equal((await core.rewriteBatch(normal, TARGET)).length, 1000);
  assert.deepEqual(core.status(), before);
  assert.ok((await pages(core.hotInstance())) <= core.MEMORY_KEPT);

  // A huge batch for the hot module: answered in full, then its instance is replaced.
  const huge = Array.from({length: 150_000}, (_, i) => `https://mybinder.org/v2/gh/org-${i}/repository-${i}/main?urlpath=lab/tree/notebooks/x${i}.ipynb`);
  const grown = await core.hotInstance();
  const answers = await core.rewriteBatch(huge, TARGET);
  assert.equal(answers.filter((/** @type {any} */ r) => r.status === 'rewritten').length, huge.length);
  assert.ok(grown.exports.memory.buffer.byteLength > core.MEMORY_KEPT, `the batch grew the hot memory past the bound (${grown.exports.memory.buffer.byteLength})`);
  assert.equal(core.status().hot, before.hot + 1);
  assert.ok((await pages(core.hotInstance())) < core.MEMORY_KEPT, 'the fresh instance starts small');
  const [again] = await core.rewriteBatch([BINDER], TARGET);
  assert.equal(again.status, 'rewritten', 'the fresh instance answers (the target set again)');

  // The same for the cold module, with hrefs the hot module defers to it.
  const coldBefore = core.status().instances;
  const odd = huge.slice(0, 60_000).map((h) => h.replace('https://mybinder.org', 'HTTPS://MyBinder.org'));
  const coldAnswers = await core.rewriteBatch(odd, TARGET);
  assert.equal(coldAnswers.filter((/** @type {any} */ r) => r.status === 'rewritten').length, odd.length);
  assert.equal(core.status().instances, coldBefore + 1);
  assert.ok((await pages(core.coldInstance())) < core.MEMORY_KEPT);
  assert.equal((await core.parse(BINDER)).status, 'launch');

  // A call the core refuses, after its huge argument grew the memory, does not keep it either.
  const refusedBefore = core.status().instances;
  await assert.rejects(core.probePlan(`ftp://${'x'.repeat(40_000_000)}`), /only http and https/);
  assert.equal(core.status().instances, refusedBefore + 1);
  assert.ok((await pages(core.coldInstance())) < core.MEMORY_KEPT);
});

test('the loaders sit behind core.js: no other extension module imports them', () => {
  const ext = path.join(root, 'extension');
  /** @type {string[]} */
  const importers = [];
  for (const rel of fs.readdirSync(ext, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.js'))) {
    const text = fs.readFileSync(path.join(ext, rel), 'utf8');
    if (/^(?:import|export)\b[^;]*from\s+'[./]*(?:core-loader\.js|cold\.js|hot\.js)'/m.test(text)) importers.push(rel.split(path.sep).join('/'));
  }
  assert.deepEqual(importers.sort(), ['core-loader.js', 'core.js']);
});

test('rewriteBatch answers each href as the full model does, in order, whatever the batch holds', async () => {
  const cold = await core.coldInstance();
  const strings = [
    BINDER,
    'https://mybinder.org/v2/gh/o/r/main\n?urlpath=lab/tree/y.ipynb', // a newline: the cold module's
    'HTTPS://mybinder.org/v2/gh/o/r/main', // not as a browser writes it: deferred by the hot module
    'https://example.org/',
    '',
    'https://mybinder.org/v2/gh/o/r/dev\n',
  ];
  const expected = (/** @type {unknown[]} */ hrefs) =>
    hrefs.map((h) => {
      const [r] = cold.rewriteBatch([h], TARGET);
      return {status: r.status, output: r.output, reason: r.reason, warnings: r.warnings};
    });
  // Strings with newlines, and values that are not strings (hrefs sorted one by one); strings
  // without a newline (the batch sent as it is), with hrefs the hot module defers (a href not
  // as a browser writes it, an empty one) and without one (then its parsed answer is the
  // result), and none.
  const plain = strings.filter((h) => !h.includes('\n'));
  const none = [BINDER, 'https://example.org/'];
  for (const hrefs of [strings, [1, ...strings, null], plain, none, []]) {
    const got = await core.rewriteBatch(hrefs, TARGET);
    assert.deepEqual(got, expected(hrefs), JSON.stringify(hrefs));
  }
  // A hole is an href that is not a string (the cold module, reached through JSON, would see
  // a null there).
  // eslint-disable-next-line no-sparse-arrays
  const holes = await core.rewriteBatch([BINDER, , 'https://example.org/'], TARGET);
  assert.deepEqual(holes[1], {status: 'none', output: null, reason: 'not a launch link: not a string (undefined)', warnings: []});
  assert.deepEqual([holes[0], holes[2]], expected([BINDER, 'https://example.org/']));
  // The last batch with nothing deferred took the answer as it is: the module said so.
  await core.rewriteBatch(none, TARGET);
  assert.equal((await core.hotInstance()).deferred(), 0);
  await core.rewriteBatch(plain, TARGET);
  assert.equal((await core.hotInstance()).deferred(), 2);
  // The caller's array changed while the call waits: the answers are for the batch as sent.
  const changing = [...none];
  const pending = core.rewriteBatch(changing, TARGET);
  changing.push(1);
  changing[0] = 'https://mybinder.org/v2/gh/o/other/main';
  assert.deepEqual(await pending, expected(none));
});
