// A woken background (extension/background.js, wake.js) on the real core, with a fake browser
// whose storage fires `onChanged` as a browser's does. Each test wakes a fresh worker (a fresh
// copy of the modules) over storage a previous worker left: it answers its first batch from the
// wake record alone (one read of `storage.local`, no call into the cold module), then reads the
// record's sources. When the settings, the policy or the health changed while no worker ran (a
// change whose storage event no worker saw), that check takes the fresh state, stores it and
// tells every tab to ask again, and the next answer follows the change.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {event, extensionModules, until} from './ext-modules.mjs';

const GH = 'https://mybinder.org/v2/gh/o/book/main?urlpath=lab/tree/intro.ipynb';
const UNI = 'https://jupyter.example.edu/';
const BINDER = 'https://binder.example.edu/';
const LAB = 'https://lab.example.org/';
const SETTINGS = {
  version: 2,
  hubs: [
    {url: UNI, name: 'uni-hub', kind: 'jupyterhub'},
    {url: BINDER, name: 'uni-binder', kind: 'binderhub'},
  ],
  fallback: true, siteHubs: [], interface: 'follow', envRepo: null,
  linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: [],
};
const DOWN = {state: 'down', reason: 'connection refused', errorKind: 'refused', status: null, ms: 3, checkedAt: 1_800_000_000_000};

/**
 * What the browser keeps while workers come and go: the storage areas' items. `reads` lists
 * every `get` as `area:key`, in order.
 */
function browserState({sync = {'settings.v2': SETTINGS}, managed = null, session = {}} = {}) {
  return {data: {sync: structuredClone(sync), local: {}, session: structuredClone(session), managed}, reads: /** @type {string[]} */ ([])};
}

/**
 * A fresh worker's `browser` over `state`: its storage fires this worker's `onChanged`
 * listeners, tabs 1 and 2 receive what it sends them (`toTabs`).
 */
function wake(state) {
  const onChanged = event();
  const toTabs = /** @type {[number, string][]} */ ([]);
  /** @param {'sync' | 'local' | 'session'} name */
  const area = (name) => ({
    get: async (/** @type {any} */ key) => {
      state.reads.push(`${name}:${key}`);
      const data = state.data[name];
      return key === null ? structuredClone(data) : key in data ? {[key]: structuredClone(data[key])} : {};
    },
    set: async (/** @type {Record<string, unknown>} */ values) => {
      const changes = {};
      for (const [k, v] of Object.entries(JSON.parse(JSON.stringify(values)))) {
        changes[k] = {oldValue: state.data[name][k], newValue: v};
        state.data[name][k] = v;
      }
      for (const f of onChanged.listeners) f(changes, name);
    },
    remove: async (/** @type {string[]} */ keys) => {
      const changes = {};
      for (const k of keys.filter((k) => k in state.data[name])) {
        changes[k] = {oldValue: state.data[name][k]};
        delete state.data[name][k];
      }
      if (Object.keys(changes).length > 0) for (const f of onChanged.listeners) f(changes, name);
    },
  });
  const browser = {
    runtime: {id: 'ext', getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`, onInstalled: event(), onStartup: event(), onMessage: event(), openOptionsPage: async () => {}},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => true},
    storage: {
      onChanged,
      sync: area('sync'),
      local: area('local'),
      session: area('session'),
      managed: {
        get: async () => {
          state.reads.push('managed:null');
          if (state.data.managed === null) throw new Error('Managed storage manifest not found');
          return structuredClone(state.data.managed);
        },
      },
    },
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    // Set: a worker woken by a page leaves the hub checks to it (no check, no cold call).
    alarms: {onAlarm: event(), get: async (/** @type {string} */ name) => ({name}), create: async () => {}, clear: async () => true},
    tabs: {
      query: async () => [{id: 1}, {id: 2}],
      sendMessage: async (/** @type {number} */ id, /** @type {any} */ message) => {
        toTabs.push([id, message.type]);
        throw new Error('Could not establish connection. Receiving end does not exist.');
      },
    },
    i18n: {getMessage: (/** @type {string} */ k) => k, getUILanguage: () => 'en'},
  };
  return {browser, toTabs};
}

/** Start a worker over `state`; resolves with what it needs to be talked to. */
async function startWorker(state) {
  const {browser, toTabs} = wake(state);
  /** @type {any} */ (globalThis).browser = browser;
  state.reads.length = 0;
  await (await extensionModules())('background.js');
  const background = /** @type {any} */ (globalThis).byobBackground;
  /** A page's batch, from tab 1. @param {string[]} hrefs */
  const rewrite = (hrefs) =>
    new Promise((resolve) => {
      const from = 'https://books.example.org/intro.html';
      const sender = {id: 'ext', url: from, tab: {id: 1, index: 0, url: from}, frameId: 0};
      browser.runtime.onMessage.listeners[0]({type: 'content:rewrite', hrefs}, sender, resolve);
    });
  return {browser, toTabs, background, rewrite};
}


/** A worker over `state` answered once and stored its record: the record is current. */
async function settled(state) {
  const first = await startWorker(state);
  const reply = /** @type {any} */ (await first.rewrite([GH]));
  assert.equal(reply.ok, true, JSON.stringify(reply));
  await until(() => state.data.local['wake.v2'] !== undefined, 'the record stored');
  // Its check (after the first answer) finds the record it just computed current: no refresh.
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(first.toTabs, []);
  return reply;
}

/** The hub each result goes to. @param {any} reply */
const hubsOf = (reply) => reply.results.map((/** @type {any} */ r) => r.hub);

test('a woken worker answers from the record alone, without the cold module, then reads its sources', async () => {
  const state = browserState();
  assert.deepEqual(hubsOf(await settled(state)), ['uni-hub']);
  const worker = await startWorker(state);
  const reply = /** @type {any} */ (await worker.rewrite([GH]));
  const readsBeforeAnswer = [...state.reads];
  assert.deepEqual(hubsOf(reply), ['uni-hub']);
  assert.ok(reply.results[0].output.startsWith(`${UNI}hub/user-redirect/git-pull?`), reply.results[0].output);
  assert.deepEqual(readsBeforeAnswer, ['local:wake.v2']);
  assert.equal(worker.background.coreStatus().instances, 0, 'no cold instance for the first answer');
  // Then the sources are read, found unchanged: nothing to tell the tabs, still no cold call.
  await until(() => state.reads.includes('managed:null'), 'the sources read');
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(worker.toTabs, []);
  assert.equal(worker.background.coreStatus().instances, 0);
});

test('the settings changed while no worker ran: the woken worker tells the tabs, and the next answer follows them', async () => {
  const state = browserState();
  await settled(state);
  // Another device's change synced while this browser's worker slept, its event not seen.
  state.data.sync['settings.v2'] = {...SETTINGS, hubs: [{url: LAB, name: 'lab', kind: 'jupyter-server'}, ...SETTINGS.hubs], mode: 'private'};
  const worker = await startWorker(state);
  await worker.rewrite([GH]);
  await until(() => worker.toTabs.length === 2, 'the tabs told');
  assert.deepEqual(worker.toTabs, [[1, 'background:refresh'], [2, 'background:refresh']]);
  const again = /** @type {any} */ (await worker.rewrite([GH]));
  assert.equal(again.mode, 'private');
  assert.equal(again.hub, 'lab');
  assert.equal(again.results[0].output, null, 'private mode: the page learns no output');
  // The record now says so: the next worker's first answer follows the change.
  const next = await startWorker(state);
  const reply = /** @type {any} */ (await next.rewrite([GH]));
  assert.deepEqual([reply.mode, reply.hub], ['private', 'lab']);
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(next.toTabs, []);
});

test('the organisation\'s policy changed while no worker ran: after the woken worker\'s check, links go to its hub', async () => {
  const state = browserState();
  await settled(state);
  state.data.managed = {hubs: [{url: LAB, kind: 'jupyter-server', name: 'Campus lab'}], defaultHub: LAB, locked: true};
  const worker = await startWorker(state);
  await worker.rewrite([GH]);
  await until(() => worker.toTabs.length === 2, 'the tabs told');
  const again = /** @type {any} */ (await worker.rewrite([GH]));
  assert.deepEqual(hubsOf(again), ['Campus lab']);
  assert.ok(again.results[0].output.startsWith(LAB), again.results[0].output);
});

test('the health changed while no worker ran (a hub found down; the browser restarted and forgot it): the links follow after the check', async () => {
  const state = browserState();
  await settled(state);
  state.data.session['health.v1'] = {[UNI]: DOWN};
  const worker = await startWorker(state);
  await worker.rewrite([GH]);
  await until(() => worker.toTabs.length === 2, 'the tabs told');
  const down = /** @type {any} */ (await worker.rewrite([GH]));
  assert.deepEqual(hubsOf(down), ['uni-binder']);
  assert.deepEqual(down.results[0].fallback, ['fallbackDown'], 'why not uni-hub (the string\'s key: this fake has no strings)');
  // A browser restart empties storage.session: the record still says down; the check finds
  // the hub not checked, and links go to it again.
  state.data.session = {};
  const restarted = await startWorker(state);
  await restarted.rewrite([GH]);
  await until(() => restarted.toTabs.length === 2, 'the tabs told');
  assert.deepEqual(hubsOf(await restarted.rewrite([GH])), ['uni-hub']);
});

test('a storage event before the first answer: the state is read with its sources, and the record is not checked twice', async () => {
  const state = browserState();
  await settled(state);
  const {browser, toTabs, rewrite} = await startWorker(state);
  const changed = {...SETTINGS, hubs: [SETTINGS.hubs[1], SETTINGS.hubs[0]]};
  await browser.storage.sync.set({'settings.v2': changed});
  assert.deepEqual(hubsOf(await rewrite([GH])), ['uni-binder']);
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(toTabs, [[1, 'background:refresh'], [2, 'background:refresh']], 'told once, by the storage event');
});

test('the record of an older version (wake.v1, without routes) is removed once the current one is stored', async () => {
  const state = browserState();
  state.data.local['wake.v1'] = {source: '[]', settings: SETTINGS, target: null, hub: null};
  const worker = await startWorker(state);
  const [answer] = /** @type {any} */ (await worker.rewrite([GH])).results;
  assert.equal(answer.status, 'rewritten');
  await until(() => 'wake.v2' in state.data.local && !('wake.v1' in state.data.local), 'wake.v1 replaced by wake.v2');
});
