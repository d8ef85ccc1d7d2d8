// Fallback (issue 12 part 2): a batch walked along the route the core decides (core.routes),
// rewritten by the real core, step by step (extension/fallback.js). Each href goes to the first
// hub that is up and does not refuse it, and says why it went past the hubs before it.
import {test, before} from 'node:test';
import assert from 'node:assert/strict';
import {extensionModules} from './ext-modules.mjs';

const A = {url: 'https://a.example.edu/', name: 'A', kind: 'jupyterhub'};
const B = {url: 'https://b.example.edu/', name: 'B', kind: 'binderhub'};
const C = {url: 'http://localhost:8888/', name: 'laptop', kind: 'jupyter-server'};
const GH = 'https://mybinder.org/v2/gh/o/book/main?urlpath=lab/tree/intro.ipynb';
const ZENODO = 'https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/';
const PAGE = 'https://example.org/page';

/** Every string as its key and substitutions, so the reasons can be compared exactly. */
const t = (/** @type {string} */ key, /** @type {string[]} */ subs = []) => `${key}(${subs.join(' | ')})`;

let core;
let fallback;
before(async () => {
  /** @type {any} */ (globalThis).browser = {storage: {}};
  const load = await extensionModules();
  core = await load('core.js');
  fallback = await load('fallback.js');
});

/** Settings of version 2 with these hubs, in this order. */
function settings(hubs, more = {}) {
  return {version: 2, hubs, fallback: true, siteHubs: [], interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: [], ...more};
}

const down = (reason) => ({state: 'down', checkedAt: 1, ms: 3, reason, errorKind: 'refused', status: null});

/** Walk `hrefs` along the default route of `s` with `health`, counting rewrite calls. */
async function walked(s, health, hrefs) {
  const routes = await core.routes(s, health);
  let calls = 0;
  const rewrite = (/** @type {string[]} */ h, /** @type {any} */ target) => {
    calls++;
    return core.rewriteBatch(h, target);
  };
  const out = await fallback.walk(hrefs, routes.default, rewrite, t);
  return {...out, calls};
}

test('every hub up: links go to the first; a link the first cannot launch goes to the next that can, saying why', async () => {
  const {results, hub, calls} = await walked(settings([A, B]), {}, [GH, ZENODO, PAGE]);
  assert.equal(hub.name, 'A');
  assert.deepEqual(results.map((r) => [r.status, r.hub]), [['rewritten', 'A'], ['rewritten', 'B'], ['none', 'A']]);
  assert.match(results[0].output, /^https:\/\/a\.example\.edu\/hub\/user-redirect\/git-pull\?/);
  assert.deepEqual(results[0].fallback, []);
  assert.equal(results[1].output, 'https://b.example.edu/v2/zenodo/10.5281/zenodo.3242074/');
  assert.deepEqual(results[1].fallback, ['fallbackRefused(A | zenodo content cannot be pulled with nbgitpuller: only a BinderHub can launch it)']);
  assert.equal(calls, 2, 'one batch per hub tried, the second only for the link the first refused');
});

test('a hub that is down is passed over with its reason; every link goes to the next', async () => {
  const {results, hub, calls} = await walked(settings([A, C, B]), {[A.url]: down('connection refused')}, [GH, ZENODO]);
  assert.equal(hub.name, 'laptop');
  assert.deepEqual(results.map((r) => [r.status, r.hub]), [['rewritten', 'laptop'], ['rewritten', 'B']]);
  assert.match(results[0].output, /^http:\/\/localhost:8888\/git-pull\?/);
  assert.deepEqual(results[0].fallback, ['fallbackDown(A | connection refused)']);
  assert.deepEqual(results[1].fallback, ['fallbackDown(A | connection refused)', 'fallbackRefused(laptop | zenodo content cannot be pulled with nbgitpuller: only a BinderHub can launch it)']);
  assert.equal(calls, 2);
});

test('a link no hub can launch keeps the first refusal; a link already on a down hub moves to one that is up', async () => {
  const onA = 'https://a.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fc&urlpath=tree%2Fc%2Fx.ipynb';
  const {results} = await walked(settings([A, C]), {}, [ZENODO, onA]);
  assert.deepEqual([results[0].status, results[0].hub, results[0].fallback], ['refused', 'A', []]);
  assert.match(results[0].reason, /only a BinderHub can launch it/);
  assert.equal(results[1].status, 'unchanged', 'already on the first hub, which is up');
  const moved = (await walked(settings([A, C]), {[A.url]: down('no answer within 4 s')}, [onA])).results[0];
  assert.deepEqual([moved.status, moved.hub], ['rewritten', 'laptop']);
  assert.match(moved.output, /^http:\/\/localhost:8888\/git-pull\?repo=https%3A%2F%2Fgithub\.com%2Fo%2Fc/);
});

test('every hub down: launch links are left as the page has them, saying why; other links are answered as usual', async () => {
  const health = {[A.url]: down('connection refused'), [B.url]: down('HTTP 503 on health: JupyterHub API not ok')};
  const {results, hub} = await walked(settings([A, B]), health, [GH, PAGE]);
  assert.equal(hub, null);
  assert.deepEqual(results[0], {status: 'refused', output: null, reason: 'fallbackAllDown(A: connection refused; B: HTTP 503 on health: JupyterHub API not ok)', warnings: [], fallback: []});
  assert.equal(results[1].status, 'none');
});

test('slow and not checked hubs are tried; with fallback off the first hub is used whatever its health', async () => {
  const slow = {state: 'slow', checkedAt: 1, ms: 2300, reason: 'answered in 2.3 s', errorKind: null, status: 200};
  let r = await walked(settings([A, B]), {[A.url]: slow}, [GH]);
  assert.deepEqual([r.results[0].hub, r.results[0].fallback], ['A', []]);
  r = await walked(settings([A, B], {fallback: false}), {[A.url]: down('connection refused')}, [GH, ZENODO]);
  assert.deepEqual(r.results.map((x) => [x.status, x.hub]), [['rewritten', 'A'], ['refused', 'A']]);
});

test('a page takes the most specific site that covers its host, else the default route', async () => {
  const s = settings([A, B, C], {siteHubs: [{site: 'books.example.org', hub: C.url}], disabledSites: ['example.org', 'news.example.com']});
  const routes = await core.routes(s, {});
  const choice = (host) => {
    const c = fallback.siteRoute(routes, host);
    return [c.site, c.off, c.route?.steps.map((x) => x.name) ?? null];
  };
  assert.deepEqual(choice('books.example.org'), ['books.example.org', false, ['laptop', 'A', 'B']]);
  assert.deepEqual(choice('www.Books.Example.org.'), ['books.example.org', false, ['laptop', 'A', 'B']]);
  assert.deepEqual(choice('example.org'), ['example.org', true, null]);
  assert.deepEqual(choice('other.example.org'), ['example.org', true, null]);
  assert.deepEqual(choice('news.example.com'), ['news.example.com', true, null]);
  // Not a parent domain: a longer name ending the same way, another site, no host.
  for (const host of ['badexample.org', 'example.com', '']) assert.deepEqual(choice(host), [null, false, ['A', 'B', 'laptop']], host);
});
