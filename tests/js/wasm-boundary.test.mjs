// @ts-check
// The Wasm boundary never traps on a value a page or a file can supply (issue 9, defect 2).
// The built cold module (build/pkg/byob_bg.wasm) is loaded once through the extension's own
// loader (extension/cold.js), then every export is called thousands of times with values of the wrong type; each
// call returns a result or throws an ordinary Error with a message (never a
// WebAssembly.RuntimeError), and good calls still work afterwards on the same instance.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {root} from './dom.mjs';

const pkg = path.join(root, 'build', 'pkg');
/** @type {any} */
let byob;

before(async () => {
  const wasm = path.join(pkg, 'byob_bg.wasm');
  if (!fs.existsSync(wasm)) throw new Error(`${wasm} is missing: run \`make wasm\` first`);
  const {startCold} = await import(pathToFileURL(path.join(root, 'extension', 'cold.js')).href);
  byob = await startCold(new WebAssembly.Module(fs.readFileSync(wasm)));
});

const GOOD_HREF = 'https://mybinder.org/v2/gh/o/r/main?urlpath=lab/tree/x.ipynb';
const GOOD_TARGET = {kind: 'jupyterhub', url: 'hub.example.edu'};

test('the cold module imports nothing and has the raw exports cold.js calls (no wasm-bindgen)', () => {
  const module = new WebAssembly.Module(fs.readFileSync(path.join(pkg, 'byob_bg.wasm')));
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const names = WebAssembly.Module.exports(module).map((e) => e.name);
  for (const name of ['memory', 'byob_input', 'byob_call', 'byob_output']) assert.ok(names.includes(name), `${name} in ${names}`);
  assert.ok(!names.some((n) => n.startsWith('__wbindgen')), names.join(', '));
});

/** Values a page, a message or a file can carry (JSON-like), and a few a script could. */
function badValues() {
  const cyclic = /** @type {any} */ ({});
  cyclic.self = cyclic;
  return [
    undefined, null, 0, 1, -1, 1.5, NaN, Infinity, true, false, '', 'x', ' ', '\u0000',
    'a'.repeat(100_000), 'https://Aé/', '%', '\ud800', {}, [], [1], [null], [[GOOD_HREF]],
    {kind: 'jupyterhub'}, {kind: 'binderhub', url: 42}, {kind: 'nope', url: 'h'},
    {kind: 'jupyterhub', url: 'h', interface: 7}, {kind: 'jupyterhub', url: 'h', envRepo: {}},
    {launch: 'yes'}, {version: null}, {version: 1}, {repo: 5}, {repo: 'o/r', provider: []},
    {__proto__: null}, Object.create(null), {toJSON() { throw new Error('toJSON'); }},
    cyclic, Symbol('s'), 10n, () => 1, new Date(0), /re/, new Map(), new Uint8Array(3),
  ];
}

/**
 * Calls `f`, which may return or throw an ordinary error, never trap.
 * @param {() => unknown} f
 * @param {string} what
 */
function survives(f, what) {
  try {
    return f();
  } catch (e) {
    assert.ok(!(e instanceof WebAssembly.RuntimeError), `${what}: trapped: ${e}`);
    assert.ok(e instanceof Error, `${what}: threw a non-error ${String(e)}`);
    assert.ok(e.message.length > 0, `${what}: an error without a message`);
    return e;
  }
}

/** Good calls of every export, on the instance that took the bad ones. */
function goodCallsWork() {
  assert.equal(byob.parse(GOOD_HREF).status, 'launch');
  const [r] = byob.rewriteBatch([GOOD_HREF], GOOD_TARGET);
  assert.equal(r.status, 'rewritten');
  assert.match(r.output, /^https:\/\/hub\.example\.edu\/hub\/user-redirect\/git-pull\?/);
  assert.equal(byob.rewriteRepoLink('https://github.com/o/r', GOOD_TARGET).status, 'rewritten');
  assert.match(byob.mystLink({repo: 'o/r'}, '/x.ipynb'), /^https:\/\/mybinder\.org\/v2\/gh\/o\/r\/HEAD/);
  assert.equal(byob.probePlan('hub.example.edu').candidates[0], 'https://hub.example.edu/');
  assert.equal(byob.classify(byob.probePlan('hub.example.edu'), []).kind, 'unknown');
  const defaults = byob.settingsDefaults();
  assert.deepEqual(byob.settingsValidate(defaults), defaults);
  assert.equal(byob.activeTarget(defaults), null);
  const settings = withHub();
  const plan = byob.healthPlan(settings, null, Date.now(), 'startup');
  assert.deepEqual(plan.probes, [{id: 'https://hub.example.edu/', url: 'https://hub.example.edu/hub/api/'}]);
  const health = byob.healthRead(settings, {}, [{response: {id: 'https://hub.example.edu/', status: 200, body: '{"version": "5"}'}, ms: 3}], 5);
  assert.equal(health['https://hub.example.edu/'].state, 'up');
  assert.equal(byob.routes(settings, health).default.steps[0].url, 'https://hub.example.edu/');
  assert.deepEqual(byob.bookHubs([GOOD_HREF], settings), []);
  const policy = {hubs: [{url: 'https://hub.example.edu/', kind: 'jupyterhub'}], locked: true};
  assert.deepEqual(byob.policyRead(policy).problems, []);
  assert.equal(byob.settingsWithPolicy(defaults, policy, null).hubs[0].url, 'https://hub.example.edu/');
  assert.equal(byob.hubViews(byob.settingsWithPolicy(defaults, policy, null), policy)[0].managed, 'locked');
}

/** The default settings with one JupyterHub saved. */
function withHub() {
  return {...byob.settingsDefaults(), hubs: [{url: 'https://hub.example.edu/', name: 'hub', kind: 'jupyterhub'}]};
}

test('rewriteBatch gives a per-item "not a string" result for a non-string href, thousands of times', () => {
  for (let i = 0; i < 5000; i++) {
    const out = byob.rewriteBatch([GOOD_HREF, 1, null, {}, ['x']], GOOD_TARGET);
    assert.equal(out.length, 5);
    assert.equal(out[0].status, 'rewritten');
    assert.deepEqual(out[1], {
      input: '', status: 'none', output: null,
      reason: 'not a launch link: not a string (a number)', warnings: [], launch: null,
    });
    assert.equal(out[2].reason, 'not a launch link: not a string (null)');
    assert.equal(out[3].reason, 'not a launch link: not a string (an object)');
    assert.equal(out[4].reason, 'not a launch link: not a string (an array)');
  }
  goodCallsWork();
});

test('an href with a lone surrogate is one href read as the browser encodes it (U+FFFD), not a batch refused', () => {
  const hrefs = [GOOD_HREF, '\ud800', 'https://mybinder.org/v2/gh/o/r/main\udc00', 'https://other.example/v2/gh/o/r/HEAD?urlpath=\ud800'];
  const out = byob.rewriteBatch(hrefs, GOOD_TARGET);
  assert.deepEqual(out.map((/** @type {any} */ r) => r.status), ['rewritten', 'none', 'rewritten', 'rewritten']);
  assert.equal(out[2].input, 'https://mybinder.org/v2/gh/o/r/main\ufffd');
  assert.deepEqual(byob.bookHubs(hrefs, byob.settingsDefaults()).map((/** @type {any} */ h) => h.url), ['https://other.example/']);
  assert.equal(byob.parse('https://mybinder.org/v2/gh/o/r/main\ud800').launch.repo.ref, 'main\ufffd');
});

test('parse of anything that is not a string is "none", not a trap', () => {
  for (let i = 0; i < 200; i++) {
    for (const v of badValues()) {
      const out = survives(() => byob.parse(v), `parse(${String(typeof v)})`);
      if (typeof v !== 'string') {
        assert.equal(/** @type {any} */ (out).status, 'none');
        assert.match(/** @type {any} */ (out).reason, /^not a launch link: not a string \(/);
      }
    }
  }
  goodCallsWork();
});

test('every export, hammered with bad values in every argument, still answers good calls', () => {
  const bad = badValues();
  const exports = {
    rewriteBatch: (/** @type {any} */ a, /** @type {any} */ b) => byob.rewriteBatch(a, b, a),
    rewriteBatchTarget: (/** @type {any} */ a) => byob.rewriteBatch([GOOD_HREF, a], a),
    rewriteBatchOptions: (/** @type {any} */ a) => byob.rewriteBatch([GOOD_HREF], GOOD_TARGET, a),
    rewriteRepoLink: (/** @type {any} */ a, /** @type {any} */ b) => byob.rewriteRepoLink(a, b),
    rewriteRepoLinkHref: (/** @type {any} */ a) => byob.rewriteRepoLink(a, GOOD_TARGET),
    mystLink: (/** @type {any} */ a, /** @type {any} */ b) => byob.mystLink(a, b),
    mystLinkLocation: (/** @type {any} */ a) => byob.mystLink({repo: 'o/r'}, a),
    probePlan: (/** @type {any} */ a) => byob.probePlan(a),
    classify: (/** @type {any} */ a, /** @type {any} */ b) => byob.classify(a, b),
    classifyResponses: (/** @type {any} */ a) => byob.classify(byob.probePlan('h.example'), a),
    activeTarget: (/** @type {any} */ a) => byob.activeTarget(a),
    settingsValidate: (/** @type {any} */ a) => byob.settingsValidate(a),
    settingsMigrate: (/** @type {any} */ a) => byob.settingsMigrate(a),
    savedHub: (/** @type {any} */ a, /** @type {any} */ b) => byob.savedHub(a, b),
    healthPlan: (/** @type {any} */ a, /** @type {any} */ b) => byob.healthPlan(a, b, a, b),
    healthPlanGood: (/** @type {any} */ a, /** @type {any} */ b) => byob.healthPlan(byob.settingsDefaults(), a, b, 'opened'),
    healthRead: (/** @type {any} */ a, /** @type {any} */ b) => byob.healthRead(a, b, a, b),
    healthReadAnswers: (/** @type {any} */ a, /** @type {any} */ b) => byob.healthRead(withHub(), null, [a, {response: b}], 1),
    routes: (/** @type {any} */ a, /** @type {any} */ b) => byob.routes(a, b),
    routesHealth: (/** @type {any} */ a) => byob.routes(withHub(), a),
    bookHubs: (/** @type {any} */ a, /** @type {any} */ b) => byob.bookHubs(a, b),
    bookHubsHrefs: (/** @type {any} */ a, /** @type {any} */ b) => byob.bookHubs([GOOD_HREF, a, b], byob.settingsDefaults()),
    settingsImport: (/** @type {any} */ a, /** @type {any} */ b) => byob.settingsImport(a, b),
    settingsImportFile: (/** @type {any} */ a) => byob.settingsImport(byob.settingsDefaults(), a),
    hubViews: (/** @type {any} */ a, /** @type {any} */ b) => byob.hubViews(a, b),
    hubViewsPolicy: (/** @type {any} */ a) => byob.hubViews(byob.settingsDefaults(), a),
    policyRead: (/** @type {any} */ a) => byob.policyRead(a),
    policyReadHubs: (/** @type {any} */ a, /** @type {any} */ b) => byob.policyRead({hubs: [a, b], defaultHub: a, locked: b}),
    settingsWithPolicy: (/** @type {any} */ a, /** @type {any} */ b) => byob.settingsWithPolicy(a, b, a),
    settingsWithPolicyOf: (/** @type {any} */ a, /** @type {any} */ b) => byob.settingsWithPolicy(byob.settingsDefaults(), a, b),
    settingsToStore: (/** @type {any} */ a, /** @type {any} */ b) => byob.settingsToStore(a, b, a, b),
    settingsToStoreOf: (/** @type {any} */ a, /** @type {any} */ b) => byob.settingsToStore(byob.settingsDefaults(), byob.settingsDefaults(), a, b),
  };
  let calls = 0;
  for (const [name, f] of Object.entries(exports)) {
    for (let round = 0; round < 3; round++) {
      for (const a of bad) {
        for (const b of bad) {
          survives(() => f(a, b), name);
          calls++;
        }
      }
    }
    goodCallsWork();
  }
  assert.ok(calls > 50_000, `${calls} calls`);
});

test('policyRead answers whatever managed storage can hold with problems, never by throwing', () => {
  // What storage.managed.get() returns is JSON: every such bad value is read, part by part.
  const jsonLike = badValues().filter((v) => {
    try {
      return JSON.stringify(v) !== undefined;
    } catch {
      return false; // not JSON: managed storage cannot hold it
    }
  });
  for (let i = 0; i < 50; i++) {
    for (const [k, v] of jsonLike.entries()) {
      const read = byob.policyRead(v);
      assert.ok(Array.isArray(read.hubs) && Array.isArray(read.problems), `policyRead(${JSON.stringify(v)?.slice(0, 40)})`);
      const hubs = byob.policyRead({hubs: [v, {url: 'https://hub.example.edu/', kind: 'jupyterhub'}], defaultHub: v, locked: v, [`k${k}`]: v});
      assert.equal(hubs.hubs.at(-1)?.url, 'https://hub.example.edu/', `the good hub is still taken beside ${JSON.stringify(v)?.slice(0, 40)}`);
    }
  }
  // A key JSON cannot name in UTF-8 (a lone surrogate): the policy cannot be read, and says so.
  assert.match(byob.policyRead({'\ud800': 1}).problems[0].reason, /^not a json object/);
  goodCallsWork();
});
