// extension/settings.js over a storage.sync in memory, with the real core (Wasm): what is read,
// what is written, and what is never overwritten (issue 9: newer versions on other devices,
// imports, settings too large to store; issue 12: version 2 read from release 0.1.0's version 1).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {root} from './dom.mjs';
import {extensionModules, fakeSync} from './ext-modules.mjs';

const HUB = {url: 'https://hub.example.edu/', name: 'hub.example.edu', kind: 'jupyterhub', version: '5.2.1', cors: false};
const BINDER = {url: 'https://binder.example.edu/', name: 'binder.example.edu', kind: 'binderhub', version: null, cors: null};
/** What this version stores: the hub in use first. */
const V2 = {version: 2, hubs: [HUB, BINDER], fallback: true, siteHubs: [], interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: ['off.example.org']};
/** The same settings as release 0.1.0 stored them (one active hub, no order). */
const V1 = {version: 1, hubs: [BINDER, HUB], activeHub: HUB.url, interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: ['off.example.org']};
// What a newer version of the extension might store on another synced device.
const V3 = {version: 3, profiles: [{hubs: [HUB], name: 'work'}], somethingNew: true};
/** A settings file exported by release 0.1.0's options page. */
const EXPORT_0_1_0 = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'fixtures', 'settings', 'v1-export-0.1.0.json'), 'utf8'));

/** settings.js with `browser.storage.sync` = `sync` (each test its own copy of the modules: api.js reads `browser` once). */
async function settingsWith(sync) {
  /** @type {any} */ (globalThis).browser = {storage: {sync}};
  return (await extensionModules())('settings.js');
}

test('release 0.1.0\'s settings.v1 is read as version 2 (the active hub first); a save writes settings.v2 and leaves settings.v1 as it was', async () => {
  const sync = fakeSync({'settings.v1': V1});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.deepEqual(state.settings, V2);
  assert.deepEqual([state.newer, state.unreadable], [null, null]);
  await settings.updateSettings((s) => {
    s.mode = 'private';
    return s;
  });
  assert.deepEqual(sync.all(), {'settings.v1': V1, 'settings.v2': {...V2, mode: 'private'}});
  // From now on settings.v2 is read: what settings.v1 holds no longer matters here.
  assert.equal((await settings.loadState()).settings.mode, 'private');
});

test('a settings file exported by release 0.1.0 imports with nothing lost', async () => {
  const sync = fakeSync();
  const settings = await settingsWith(sync);
  const preview = await settings.previewImport(EXPORT_0_1_0);
  assert.deepEqual(preview.refused, []);
  const saved = await settings.applyImport(EXPORT_0_1_0);
  // Every field of the file, as it was; its active hub first, the others in their order.
  const {activeHub, hubs, version, ...rest} = EXPORT_0_1_0;
  assert.equal(version, 1);
  assert.deepEqual(saved.hubs, [hubs.find((h) => h.url === activeHub), ...hubs.filter((h) => h.url !== activeHub)]);
  for (const [key, value] of Object.entries(rest)) assert.deepEqual(saved[key], value, key);
  assert.deepEqual([saved.version, saved.fallback, saved.siteHubs], [2, true, []]);
  assert.deepEqual(sync.all()['settings.v2'], saved);
});

test('settings of a newer version (another device) are kept untouched; this device keeps using its valid settings.v2', async () => {
  const sync = fakeSync({'settings.v2': V2, 'settings.v3': V3});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.deepEqual(state.settings, V2, 'this device\'s own settings, not the defaults');
  assert.equal(state.newer, 3);
  // A change saves settings.v2 only; settings.v3 stays exactly as the newer version wrote it.
  await settings.updateSettings((s) => {
    s.mode = 'private';
    return s;
  });
  const stored = sync.all();
  assert.deepEqual(stored['settings.v3'], V3);
  assert.deepEqual(stored['settings.v2'], {...V2, mode: 'private'});
});

test('with only a newer version stored, the defaults are used and saving never touches it', async () => {
  const sync = fakeSync({'settings.v3': V3});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.deepEqual([state.settings.hubs, state.newer], [[], 3]);
  await settings.updateSettings((s) => s);
  assert.deepEqual(sync.all()['settings.v3'], V3);
});

test('stored settings that cannot be read are reported, not silently replaced', async () => {
  const sync = fakeSync({'settings.v2': {...V2, mode: 'loud'}});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.match(state.unreadable, /^settings\.v2: invalid settings: mode: unknown variant `loud`, expected `rewrite` or `private`$/);
  assert.deepEqual(sync.all()['settings.v2'].mode, 'loud', 'still stored as it was');
});

test('the hub chosen to use moves first; the others keep their order', async () => {
  const settings = await settingsWith(fakeSync());
  const s = structuredClone(V2);
  s.hubs.push({url: 'https://c.example.edu/', name: 'c', kind: 'jupyterhub'});
  settings.useFirst(s, 'https://c.example.edu/');
  assert.deepEqual(s.hubs.map((h) => h.name), ['c', 'hub.example.edu', 'binder.example.edu']);
  settings.useFirst(s, 'https://gone.example.edu/');
  assert.deepEqual(s.hubs.map((h) => h.name), ['c', 'hub.example.edu', 'binder.example.edu'], 'a hub not saved changes nothing');
});

test('an import previews its changes and refusals, and applying it keeps everything else', async () => {
  const sync = fakeSync({'settings.v2': V2});
  const settings = await settingsWith(sync);
  // Not settings at all: refused whole, nothing to apply.
  await assert.rejects(settings.previewImport({hubs: []}), /not byob settings: no version, and no hub as version 0 had/);
  await assert.rejects(settings.previewImport({version: null}), /not byob settings/);
  await assert.rejects(settings.previewImport(V3), /version 3 is newer than this extension understands \(2\); update the extension/);
  const file = {version: 1, hubs: [{url: 'https://other.example.edu/', name: 'Other', kind: 'binderhub'}, {url: 'ftp://x', name: 'x', kind: 'jupyterhub'}], mode: 'private', extra: 1};
  const preview = await settings.previewImport(file);
  assert.deepEqual(
    preview.changes.map((c) => c.field),
    ['hubs[https://other.example.edu/]', 'mode'],
  );
  assert.deepEqual(
    preview.refused.map((r) => r.field),
    ['hubs[1]', 'extra'],
  );
  assert.deepEqual(sync.all()['settings.v2'], V2, 'a preview stores nothing');
  const saved = await settings.applyImport(file);
  assert.deepEqual(saved.hubs.map((h) => h.url), [HUB.url, 'https://other.example.edu/', BINDER.url], 'the hub in use is kept first');
  assert.deepEqual(sync.all()['settings.v2'], saved);
});

test('settings too large for storage.sync are refused before saving, saying why', async () => {
  const sync = fakeSync({'settings.v2': V2});
  const settings = await settingsWith(sync);
  const sites = Array.from({length: 300}, (_, i) => `site-${String(i).padStart(3, '0')}.books.example.org`);
  await assert.rejects(
    settings.updateSettings((s) => {
      s.disabledSites = sites;
      return s;
    }),
    /too large to store: \d+ bytes, and the browser's sync storage allows 8192 per item; disabledSites \(300 sites\) take 8701 bytes/,
  );
  assert.deepEqual(sync.all()['settings.v2'], V2);
});
