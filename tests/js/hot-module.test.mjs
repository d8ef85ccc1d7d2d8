// @ts-check
// The hot Wasm module (build/pkg/byob_hot.wasm, src/hot.rs) through its loader
// (extension/hot.js), against the cold module's full model (build/pkg/byob_bg.wasm): every corpus
// link, normalised by this engine's own URL parser as a browser normalises an href, gets the
// same status, output, reason and warnings from both, or is deferred by the hot module (and
// then answered by the cold one in core.js). And the boundary: a bad target or a batch before
// any target is an Error with a message, never a trap.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {Cold} from '../../extension/cold.js';
import {Hot} from '../../extension/hot.js';
import {root} from './dom.mjs';

const pkg = path.join(root, 'build', 'pkg');
/** @type {any} */
let cold;
/** @type {Hot} */
let hot;

const TARGETS = [
  {kind: 'jupyterhub', url: 'https://hub.example.edu/jupyter/'},
  {kind: 'binderhub', url: 'https://binder.example.edu/', interface: 'lab', envRepo: 'gh/org/env/main'},
  {kind: 'jupyter-server', url: 'http://localhost:8888/', linkKinds: {binder: true, nbgitpuller: false, colab: true}},
];

before(async () => {
  cold = new Cold(new WebAssembly.Module(fs.readFileSync(path.join(pkg, 'byob_bg.wasm'))));
  hot = new Hot(new WebAssembly.Module(fs.readFileSync(path.join(pkg, 'byob_hot.wasm'))));
});

function corpus() {
  return fs
    .readFileSync(path.join(root, 'tests', 'fixtures', 'links.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l).url);
}

test('the hot module answers every normalised corpus link as the full model does', () => {
  const hrefs = corpus().flatMap((u) => {
    try {
      return [new URL(u.trim()).href];
    } catch {
      return [];
    }
  });
  assert.ok(hrefs.length > 400, String(hrefs.length));
  let same = 0;
  let deferred = 0;
  for (const t of TARGETS) {
    hot.setTarget(cold.targetWire(t));
    const answers = JSON.parse(hot.rewrite(hrefs.join('\n')));
    const full = cold.rewriteBatch(hrefs, t);
    assert.equal(answers.length, hrefs.length);
    // `byob_deferred` counts the batch's `defer` answers (core.js trusts it to skip the check).
    assert.equal(hot.deferred(), answers.filter((/** @type {any} */ a) => a.status === 'defer').length, t.url);
    answers.forEach((/** @type {any} */ a, /** @type {number} */ i) => {
      if (a.status === 'defer') {
        deferred++;
        return;
      }
      const f = full[i];
      assert.deepEqual(a, {status: f.status, output: f.output, reason: f.reason, warnings: f.warnings}, `${hrefs[i]} for ${t.url}`);
      same++;
    });
  }
  // This engine serialises a few URLs differently from the url crate: those are deferred.
  assert.ok(deferred <= hrefs.length * TARGETS.length * 0.02, `${deferred} deferred`);
  assert.ok(same > 1200, String(same));
});

test('a bad target, or a batch before any target, is an error with a message, and the instance keeps working', () => {
  const fresh = new Hot(hot.module);
  assert.throws(() => fresh.rewrite('https://mybinder.org/v2/gh/o/r/HEAD'), /no target: call byob_set_target first/);
  assert.equal(fresh.deferred(), 0, 'a failed batch defers nothing');
  for (const [wire, why] of [
    ['', /target text: not a target of this version/],
    ['byob-target-1\tjupyterhub\tHTTPS://H/\tfollow\tbnc', /url is not a normalised hub base/],
    ['byob-target-1\tjupyterhub\thttps://h.org/\tfollow\tbnc\tgh\to/..\tmain\t', /'\.' or '\.\.' path segment/],
    ['byob-target-1\tjupyterhub\thttps://h\u00e9.org/\tfollow\tbnc', /url is not a normalised hub base/],
  ]) {
    assert.throws(() => fresh.setTarget(/** @type {string} */ (wire)), why);
    assert.equal(fresh.target, null);
  }
  fresh.setTarget('byob-target-1\tjupyterhub\thttps://hub.example.edu/\tfollow\tbnc');
  const huge = `https://mybinder.org/v2/gh/o/r/HEAD?urlpath=${'a'.repeat(100_000)}`;
  const [a, b, c, d] = JSON.parse(fresh.rewrite(['https://mybinder.org/v2/gh/o/r/HEAD', huge, '\u0000\ud800 x', ''].join('\n')));
  assert.equal(a.status, 'rewritten');
  assert.equal(b.status, 'invalid');
  assert.match(b.reason, /link is 100044 bytes long/);
  assert.equal(c.status, 'defer');
  assert.equal(d.status, 'defer');
  assert.equal(fresh.deferred(), 2);
  // A failed batch (its target dropped by a bad one) leaves no count of an earlier one.
  assert.throws(() => fresh.setTarget(''), /not a target/);
  assert.throws(() => fresh.rewrite('\u0000'), /no target/);
  assert.equal(fresh.deferred(), 0);
});

// hot.js asks the module for one byte of input per UTF-16 code unit first (ASCII), then for
// three when the text did not fit: a batch with multi-byte text is still read whole.
test('a batch holding text that is not ascii is read whole, every byte counted', () => {
  const fresh = new Hot(hot.module);
  fresh.setTarget('byob-target-1\tjupyterhub\thttps://hub.example.edu/\tfollow\tbnc');
  const long = `https://mybinder.org/v2/gh/o/r/HEAD?urlpath=${'\u00e9'.repeat(40_000)}`;
  const answers = JSON.parse(fresh.rewrite(['https://mybinder.org/v2/gh/o/r/HEAD', long, 'https://mybinder.org/v2/gh/o/r/HEAD?urlpath=\u{1f600}', 'https://mybinder.org/v2/gh/o/r/HEAD'].join('\n')));
  assert.deepEqual(answers.map((/** @type {any} */ a) => a.status), ['rewritten', 'invalid', 'defer', 'rewritten']);
  assert.match(answers[1].reason, /link is 80044 bytes long/);
  assert.equal(answers[3].output, answers[0].output);
});

// The hot module allocates each link's work in an arena of 64 KB taken back between links
// (src/arena.rs): a link whose work outgrows it (the pasted Binder link below, 7.3 KB, makes
// 127 KB of allocations natively; the long nbgitpuller link about 42 KB) goes on to the system
// allocator, between links that fit, and every answer is still the full model's.
test('links whose work outgrows the arena are answered as the full model answers them, between links that fit', () => {
  const t = TARGETS[0];
  hot.setTarget(cold.targetWire(t));
  const enc = (/** @type {string} */ s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const pasted = `https://mybinder.org/v2/gh/${enc('https://mybinder.org/v2/gh/o/r/main')}/HEAD?urlpath=${'lab/tree/'.repeat(800)}x.ipynb`;
  const long = `https://hub.example.org/hub/user-redirect/git-pull?repo=${enc('https://github.com/o/' + 'r'.repeat(2000))}&urlpath=${enc('lab/tree/' + 'r'.repeat(2000) + '/' + 'é'.repeat(300))}`;
  const small = 'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb';
  const hrefs = [small, long, small, pasted, small, `${long.slice(0, 8192 - 3)}%41`, small].map((h) => new URL(h).href);
  assert.ok(hrefs[1].length > 4000 && hrefs[1].length <= 8192, String(hrefs[1].length));
  for (let round = 0; round < 3; round++) {
    const answers = JSON.parse(hot.rewrite(hrefs.join('\n')));
    const full = cold.rewriteBatch(hrefs, t);
    assert.equal(answers.length, hrefs.length);
    // `byob_deferred` counts the batch's `defer` answers (core.js trusts it to skip the check).
    assert.equal(hot.deferred(), answers.filter((/** @type {any} */ a) => a.status === 'defer').length, t.url);
    answers.forEach((/** @type {any} */ a, /** @type {number} */ i) => {
      const f = full[i];
      assert.notEqual(a.status, 'defer', hrefs[i].slice(0, 80));
      assert.deepEqual(a, {status: f.status, output: f.output, reason: f.reason, warnings: f.warnings}, hrefs[i].slice(0, 80));
    });
    assert.equal(answers[1].status, 'rewritten');
  }
});
