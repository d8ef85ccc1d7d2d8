// An institution's presets through the extension's own modules and the real core (Wasm):
// settings.js reads the browser's managed storage (presets.js) and lets the core merge it into
// the settings in use and say what a change stores; the options page shows the organisation's
// hubs as such and offers nothing the policy locks. The browsers themselves reading real
// policy files is the e2e tier's (docs/it-departments.md "How this is tested").
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {JSDOM} from 'jsdom';
import {root} from './dom.mjs';
import {MESSAGES, event, extensionModules, fakeSync, getMessage} from './ext-modules.mjs';

const UNI = 'https://jupyter.example.edu/';
const BINDER = 'https://binder.example.edu/';
const OWN = 'https://mybinder.org/';
const POLICY = {
  hubs: [
    {url: UNI, kind: 'jupyterhub', name: 'University JupyterHub'},
    {url: BINDER, kind: 'binderhub', name: 'University Binder'},
  ],
  defaultHub: UNI,
  locked: true,
};
/** The reader's own settings: mybinder.org, in private mode. */
const STORED = {
  version: 2,
  hubs: [{url: OWN, name: 'mybinder.org', kind: 'binderhub', version: null, cors: null}],
  fallback: true,
  siteHubs: [],
  interface: 'follow',
  envRepo: null,
  linkKinds: {binder: true, nbgitpuller: true, colab: true},
  mode: 'private',
  disabledSites: [],
};

/**
 * A fake `browser` whose managed storage is `managed`: an object (Chrome: `{}` when there is
 * no policy), a function (called, so it may throw as Firefox does), or undefined (Firefox for
 * Android: no managed storage). Returns the sync storage and fresh extension modules.
 * @param {{managed?: any, stored?: any}} p
 */
async function setUp({managed, stored = STORED}) {
  const sync = fakeSync({'settings.v2': stored});
  /** @type {any} */
  const storage = {sync, onChanged: event()};
  if (managed !== undefined) storage.managed = {get: async () => (typeof managed === 'function' ? managed() : structuredClone(managed))};
  /** @type {any} */ (globalThis).browser = {
    runtime: {id: 'ext', getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`, onInstalled: event(), onStartup: event(), onMessage: event()},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => true, request: async () => true},
    storage,
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    tabs: {query: async () => []},
    i18n: {getMessage, getUILanguage: () => 'en'},
  };
  const load = await extensionModules();
  return {sync, load, settings: await load('settings.js')};
}

const urls = (/** @type {any} */ s) => s.hubs.map((/** @type {any} */ h) => h.url);

test('no policy: Firefox for Android (no managed storage), Firefox without one (a rejection), Chrome without one ({}): the reader\'s settings as stored', async () => {
  const warned = [];
  const warn = console.warn;
  console.warn = (...args) => warned.push(args.join(' '));
  try {
    for (const managed of [undefined, () => Promise.reject(new Error('Managed storage manifest not found')), {}]) {
      const {settings} = await setUp({managed});
      const state = await settings.loadState();
      assert.equal(state.policy, null);
      assert.deepEqual(state.settings, state.stored);
      assert.deepEqual(urls(state.settings), [OWN]);
    }
    assert.deepEqual(warned, [], 'no policy is not worth a warning');
    // Another failure is said, and still is no policy.
    const {settings} = await setUp({managed: () => Promise.reject(new Error('the policy engine failed'))});
    assert.equal((await settings.loadState()).policy, null);
    assert.match(warned.join('\n'), /the organisation's policy could not be read \(the policy engine failed\)/);
  } finally {
    console.warn = warn;
  }
});

test('a locked policy: its hubs first, the default first; a change stores only what is the reader\'s; removing its hub is refused', async () => {
  const {sync, settings} = await setUp({managed: POLICY});
  const state = await settings.loadState();
  assert.deepEqual(urls(state.settings), [UNI, BINDER, OWN]);
  assert.deepEqual(urls(state.stored), [OWN]);
  const views = await settings.hubViews(state.settings);
  assert.deepEqual(views.map((/** @type {any} */ v) => [v.name, v.managed ?? null, v.active]), [
    ['University JupyterHub', 'locked', true],
    ['University Binder', 'locked', false],
    ['mybinder.org', null, false],
  ]);
  // A preference: stored, and nothing of the organisation's with it.
  const after = await settings.updateSettings((/** @type {any} */ s) => void (s.mode = 'rewrite'));
  assert.deepEqual(urls(after), [UNI, BINDER, OWN], 'the settings in use come back merged');
  assert.equal(sync.all()['settings.v2'].mode, 'rewrite');
  assert.deepEqual(urls(sync.all()['settings.v2']), [OWN]);
  assert.deepEqual(sync.all()['presets.v1'], {removed: []});
  // Removing the organisation's hub: refused, with the reason, nothing stored.
  const before = sync.all();
  await assert.rejects(
    settings.updateSettings((/** @type {any} */ s) => void (s.hubs = s.hubs.filter((/** @type {any} */ h) => h.url !== BINDER))),
    /hubs: https:\/\/binder\.example\.edu\/ is set by your organisation and cannot be removed/,
  );
  assert.deepEqual(sync.all(), before);
  // Choosing the reader's own hub (the popup's switch): it stays after the organisation's.
  const chosen = await settings.updateSettings((/** @type {any} */ s) => settings.useFirst(s, OWN));
  assert.deepEqual(urls(chosen), [UNI, BINDER, OWN]);
  // Export: the reader's own settings only.
  assert.deepEqual(urls(await settings.exportableSettings()), [OWN]);
  // An import over the reader's own settings, merged again.
  const imported = await settings.applyImport({version: 2, hubs: [{url: 'https://lab.example.org/', name: 'lab', kind: 'jupyter-server'}]});
  assert.deepEqual(urls(imported), [UNI, BINDER, 'https://lab.example.org/', OWN]);
  assert.deepEqual(urls(sync.all()['settings.v2']), ['https://lab.example.org/', OWN]);
});

test('presets (not locked): first until the reader removes one, which then stays away; a change of the policy is a change of the settings', async () => {
  const {sync, settings} = await setUp({managed: {...POLICY, locked: false}});
  assert.deepEqual(urls((await settings.loadState()).settings), [UNI, BINDER, OWN]);
  await settings.updateSettings((/** @type {any} */ s) => void (s.hubs = s.hubs.filter((/** @type {any} */ h) => h.url !== BINDER)));
  assert.deepEqual(sync.all()['presets.v1'], {removed: [BINDER]});
  assert.deepEqual(urls(sync.all()['settings.v2']), [UNI, OWN], 'the preset kept is the reader\'s now');
  assert.deepEqual(urls((await settings.loadState()).settings), [UNI, OWN]);
  assert.equal(settings.settingsChanged({}, 'managed'), true);
  assert.equal(settings.settingsChanged({'presets.v1': {}}, 'sync'), true);
  assert.equal(settings.settingsChanged({other: 1}, 'sync'), false);
});

test('a policy with bad parts: the rest is used, and the reader\'s settings are untouched', async () => {
  const {sync, settings} = await setUp({managed: {hubs: [{url: 'ftp://x', kind: 'jupyterhub'}, POLICY.hubs[1]], locked: 'yes', colour: 'red'}});
  const state = await settings.loadState();
  assert.deepEqual(urls(state.settings), [BINDER, OWN]);
  assert.deepEqual(sync.all()['settings.v2'], STORED);
});

test('the options page: the organisation\'s hubs marked, the choice of hub and their removal not offered, its policy and what was left out of it said', async () => {
  const managed = {...POLICY, hubs: [...POLICY.hubs, {url: 'ftp://old.example.edu/', kind: 'jupyterhub'}]};
  const dom = new JSDOM(fs.readFileSync(path.join(root, 'extension', 'options', 'options.html'), 'utf8'), {url: 'chrome-extension://ext/options/options.html', pretendToBeVisual: true});
  const w = dom.window;
  for (const name of ['window', 'document', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLButtonElement', 'Node', 'Event']) /** @type {any} */ (globalThis)[name] = w[name];
  const {load} = await setUp({managed});
  const onMessage = /** @type {any} */ (globalThis).browser.runtime.onMessage;
  /** @type {any} */ (globalThis).browser.runtime.sendMessage = (/** @type {any} */ message) =>
    new Promise((resolve) => onMessage.listeners[0](structuredClone(message), {id: 'ext', url: 'chrome-extension://ext/options/options.html'}, resolve));
  await load('background.js');
  await load('options/options.js');
  const $ = (/** @type {string} */ id) => w.document.getElementById(id);
  for (let i = 0; i < 500 && !(w.document.body.dataset.ready === 'true' && $('hub-list').children.length === 3 && !$('policy-notice').hidden); i++) await new Promise((r) => setTimeout(r, 10));
  const items = [...$('hub-list').children].map((li) => ({
    url: li.dataset.url,
    managed: li.dataset.managed ?? null,
    info: li.querySelector('.hub-info').textContent,
    radio: li.querySelector('input[type=radio]').disabled,
    remove: [...li.querySelectorAll('button')].find((b) => b.textContent === MESSAGES.remove.message).disabled,
    moves: [...li.querySelectorAll('button[data-move]')].map((b) => `${b.dataset.move}:${b.disabled ? 'off' : 'on'}`).join(' '),
  }));
  const locked = MESSAGES.managedLocked.message;
  assert.deepEqual(items, [
    {url: UNI, managed: 'locked', info: `JupyterHub · ${MESSAGES.activeHub.message} · ${locked}`, radio: true, remove: true, moves: 'up:off down:off'},
    {url: BINDER, managed: 'locked', info: `BinderHub · ${getMessage('fallbackPlace', ['1'])} · ${locked}`, radio: true, remove: true, moves: 'up:off down:off'},
    {url: OWN, managed: null, info: `BinderHub · ${getMessage('fallbackPlace', ['2'])}`, radio: true, remove: false, moves: 'up:off down:off'},
  ]);
  const notice = $('policy-notice');
  assert.equal(notice.dataset.locked, 'true');
  assert.match(notice.textContent, /Your organisation provides these hubs: University JupyterHub, University Binder\. Launch links open on them first/);
  assert.match(notice.textContent, /hubs\[2\]: url: invalid hub url: 'ftp:\/\/old\.example\.edu\/': only http and https hubs are supported/);
});
