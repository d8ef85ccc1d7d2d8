// extension/settings.js over a storage.sync in memory, with the real core (Wasm): what is read,
// what is written, and what is never overwritten (issue 9: newer versions on other devices,
// imports, settings too large to store).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {extensionModules, fakeSync} from './ext-modules.mjs';

const HUB = {url: 'https://hub.example.edu/', name: 'hub.example.edu', kind: 'jupyterhub', version: '5.2.1', cors: false};
const V1 = {version: 1, hubs: [HUB], activeHub: HUB.url, interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: ['off.example.org']};
// What a newer version of the extension might store on another synced device.
const V2 = {version: 2, profiles: [{hubs: [HUB], name: 'work'}], somethingNew: true};

/** settings.js with `browser.storage.sync` = `sync` (each test its own copy of the modules: api.js reads `browser` once). */
async function settingsWith(sync) {
  /** @type {any} */ (globalThis).browser = {storage: {sync}};
  return (await extensionModules())('settings.js');
}

test('settings of a newer version (another device) are kept untouched; this device keeps using its valid settings.v1', async () => {
  const sync = fakeSync({'settings.v1': V1, 'settings.v2': V2});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.deepEqual(state.settings, V1, 'this device\'s own settings, not the defaults');
  assert.equal(state.newer, 2);
  // A change saves settings.v1 only; settings.v2 stays exactly as the newer version wrote it.
  await settings.updateSettings((s) => {
    s.mode = 'private';
    return s;
  });
  const stored = sync.all();
  assert.deepEqual(stored['settings.v2'], V2);
  assert.deepEqual(stored['settings.v1'], {...V1, mode: 'private'});
});

test('with only a newer version stored, the defaults are used and saving never touches it', async () => {
  const sync = fakeSync({'settings.v2': V2});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.deepEqual([state.settings.hubs, state.newer], [[], 2]);
  await settings.updateSettings((s) => s);
  assert.deepEqual(sync.all()['settings.v2'], V2);
});

test('stored settings that cannot be read are reported, not silently replaced', async () => {
  const sync = fakeSync({'settings.v1': {...V1, mode: 'loud'}});
  const settings = await settingsWith(sync);
  const state = await settings.loadState();
  assert.match(state.unreadable, /^settings\.v1: invalid settings: unknown variant `loud`/);
  assert.deepEqual(sync.all()['settings.v1'].mode, 'loud', 'still stored as it was');
});

test('an import previews its changes and refusals, and applying it keeps everything else', async () => {
  const sync = fakeSync({'settings.v1': V1});
  const settings = await settingsWith(sync);
  // Not settings at all: refused whole, nothing to apply.
  await assert.rejects(settings.previewImport({hubs: []}), /not byob settings: no version, and no hub as version 0 had/);
  await assert.rejects(settings.previewImport({version: null}), /not byob settings/);
  await assert.rejects(settings.previewImport(V2), /version 2 is newer than this extension understands \(1\); update the extension/);
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
  assert.deepEqual(sync.all()['settings.v1'], V1, 'a preview stores nothing');
  const saved = await settings.applyImport(file);
  assert.deepEqual(saved.hubs.map((h) => h.url), ['https://other.example.edu/', HUB.url], 'the hub in use is kept');
  assert.equal(saved.activeHub, HUB.url);
  assert.deepEqual(sync.all()['settings.v1'], saved);
});

test('settings too large for storage.sync are refused before saving, saying why', async () => {
  const sync = fakeSync({'settings.v1': V1});
  const settings = await settingsWith(sync);
  const sites = Array.from({length: 300}, (_, i) => `site-${String(i).padStart(3, '0')}.books.example.org`);
  await assert.rejects(
    settings.updateSettings((s) => {
      s.disabledSites = sites;
      return s;
    }),
    /too large to store: \d+ bytes, and the browser's sync storage allows 8192 per item; disabledSites \(300 sites\) take 8701 bytes/,
  );
  assert.deepEqual(sync.all()['settings.v1'], V1);
});
