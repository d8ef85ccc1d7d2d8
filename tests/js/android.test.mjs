// The background on a browser without context menus, whose tabs.create refuses `openerTabId`
// (Firefox for Android, docs/firefox-android.md): it still registers its message listener and
// answers the content script, and a private-mode click meant for a new tab opens one.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {event, extensionModules, fakeSync} from './ext-modules.mjs';

const HUB = {url: 'https://hub.example.edu/', name: 'hub.example.edu', kind: 'jupyterhub', version: '5.2.1', cors: false};
const SETTINGS = {version: 2, hubs: [HUB], fallback: true, siteHubs: [], interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'private', disabledSites: []};
const LINK = 'https://mybinder.org/v2/gh/o/book/main?urlpath=lab/tree/intro.ipynb';

/** The `browser` namespace of Firefox for Android, as far as the background uses it. */
function androidBrowser() {
  const created = [];
  const browser = {
    runtime: {id: 'byob@byob.dev', getURL: (/** @type {string} */ p) => `moz-extension://uuid/${p}`, onInstalled: event(), onStartup: event(), onMessage: event(), openOptionsPage: async () => {}},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => false},
    storage: {sync: fakeSync({'settings.v2': SETTINGS}), onChanged: event()},
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    i18n: {getMessage: (/** @type {string} */ k) => k, getUILanguage: () => 'en'},
    tabs: {
      query: async () => [],
      update: async () => ({}),
      create: async (/** @type {any} */ props) => {
        if ('openerTabId' in props) throw new Error('Type error for parameter createProperties (Property "openerTabId" is unsupported by Firefox) for tabs.create.');
        created.push(props);
        return {id: 99, ...props};
      },
    },
  };
  return {browser, created};
}

/** Send a message to the background as the content script of a web page would. */
function send(browser, message) {
  const sender = {id: browser.runtime.id, url: 'https://book.example.org/intro.html', tab: {id: 5, index: 2, url: 'https://book.example.org/intro.html'}, frameId: 0};
  return new Promise((resolve) => {
    const [listener] = browser.runtime.onMessage.listeners;
    const sync = listener(message, sender, resolve);
    assert.equal(sync, true, 'an asynchronous reply');
  });
}

test('without context menus the background still answers, and opens new tabs without openerTabId', async () => {
  const {browser, created} = androidBrowser();
  /** @type {any} */ (globalThis).browser = browser;
  await (await extensionModules())('background.js');
  assert.equal(browser.runtime.onMessage.listeners.length, 1, 'the message listener is registered');

  const reply = /** @type {any} */ (await send(browser, {type: 'content:rewrite', hrefs: [LINK]}));
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.deepEqual([reply.active, reply.mode, reply.results[0].status], [true, 'private', 'rewritten']);

  const opened = /** @type {any} */ (await send(browser, {type: 'content:open', href: LINK, newTab: true}));
  assert.deepEqual(opened, {ok: true, opened: true});
  assert.equal(created.length, 1);
  assert.equal(created[0].index, 3, 'beside the page');
  assert.match(created[0].url, /^https:\/\/hub\.example\.edu\/hub\/user-redirect\/git-pull\?repo=/);
});
