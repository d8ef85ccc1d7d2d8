// The toolbar popup as a reader uses it, in jsdom, with the real background module and the real
// core (Wasm) behind it, against two small hubs on 127.0.0.1: the reader's JupyterHub and a
// book's own BinderHub. The popup shows each hub's health, what the tab's links become, offers
// to save the book's own hub (detected first) and use it on this site, and sets this site's
// choice (a hub of its own, or its links left alone).
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {JSDOM} from 'jsdom';
import {root} from './dom.mjs';
import {area, event, extensionModules, getMessage, until} from './ext-modules.mjs';

const PAGE = 'https://course.example.org/week1.html';
const GH = 'https://mybinder.org/v2/gh/o/book/main?urlpath=lab/tree/intro.ipynb';

let hubServer;
let bookServer;
let hub;
let book;
/** @type {any} */
let w;
/** @type {any} */
let browser;
const asked = [];

before(async () => {
  hubServer = http.createServer((req, res) => {
    const json = req.url === '/hub/api/';
    res.writeHead(json ? 200 : 404, {'content-type': json ? 'application/json' : 'text/html', 'x-jupyterhub-version': '5.2.1'});
    res.end(json ? '{"version": "5.2.1"}' : '<html>404</html>');
  });
  // A full BinderHub as docs/protocols.md §1 describes it: versions, health, a UI page.
  bookServer = http.createServer((req, res) => {
    if (req.url === '/versions') {
      res.writeHead(200, {'content-type': 'application/json', 'access-control-allow-origin': '*'});
      res.end('{"builder_info": {}, "binderhub": "1.0.0"}');
    } else if (req.url === '/health') {
      res.writeHead(200, {'content-type': 'application/json'});
      res.end('{"ok": true, "checks": []}');
    } else if (req.url === '/') {
      res.writeHead(200, {'content-type': 'text/html'});
      res.end('<html><script>window.pageConfig = {"baseUrl": "/"}</script></html>');
    } else {
      res.writeHead(404, {'content-type': 'text/html'});
      res.end('<html>404</html>');
    }
  });
  await new Promise((r) => hubServer.listen(0, '127.0.0.1', r));
  await new Promise((r) => bookServer.listen(0, '127.0.0.1', r));
  hub = `http://127.0.0.1:${hubServer.address().port}/`;
  book = `http://127.0.0.1:${bookServer.address().port}/`;
  const links = [
    {href: GH, source: 'launch-menu', text: 'Binder'},
    {href: `${book}v2/gh/o/book/main?urlpath=lab/tree/week1.ipynb`, source: 'content', text: 'Launch'},
  ];

  const dom = new JSDOM(fs.readFileSync(path.join(root, 'extension', 'popup', 'popup.html'), 'utf8'), {url: 'chrome-extension://ext/popup/popup.html', pretendToBeVisual: true});
  w = dom.window;
  for (const name of ['window', 'document', 'location', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLButtonElement', 'Node', 'Event']) globalThis[name] = w[name];
  const onChanged = event();
  const onMessage = event();
  const settings = {version: 2, hubs: [{url: hub, name: 'uni-hub', kind: 'jupyterhub', version: '5.2.1', cors: false}], fallback: true, siteHubs: [], interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: []};
  browser = {
    runtime: {
      id: 'ext',
      getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`,
      onInstalled: event(),
      onStartup: event(),
      onMessage,
      openOptionsPage: async () => {},
      sendMessage: (/** @type {any} */ message) => new Promise((resolve) => onMessage.listeners[0](structuredClone(message), {id: 'ext', url: 'chrome-extension://ext/popup/popup.html'}, resolve)),
    },
    permissions: {
      onAdded: event(),
      onRemoved: event(),
      contains: async () => true,
      request: async (/** @type {any} */ p) => {
        asked.push(p);
        return true;
      },
    },
    storage: {onChanged, sync: area('sync', onChanged, {'settings.v2': settings}), session: area('session', onChanged)},
    scripting: {
      getRegisteredContentScripts: async () => [],
      registerContentScripts: async () => {},
      unregisterContentScripts: async () => {},
      // The content script's files, then its list of the tab's links (one frame).
      executeScript: async (/** @type {any} */ what) => (what.files ? [] : [{result: {active: true, links}}]),
    },
    alarms: {onAlarm: event(), get: async () => ({}), create: async () => {}, clear: async () => {}},
    tabs: {query: async () => [{id: 7, url: PAGE}], get: async () => ({id: 7, url: PAGE}), sendMessage: async () => undefined},
    i18n: {getMessage, getUILanguage: () => 'en'},
  };
  /** @type {any} */ (globalThis).browser = browser;
  const load = await extensionModules();
  await load('background.js');
  await load('popup/popup.js');
  await until(() => w.document.body.dataset.ready === 'true', 'the popup to be ready');
});

after(() => {
  hubServer.close();
  bookServer.close();
});

const $ = (/** @type {string} */ id) => w.document.getElementById(id);
const stored = async () => (await browser.storage.sync.get('settings.v2'))['settings.v2'];
const items = () => [...$('links').children].map((li) => [li.dataset.status, li.dataset.hub ?? null, li.querySelector('.to')?.textContent ?? null]);

test('each saved hub with its health, checked as the popup opens', async () => {
  const li = await until(() => w.document.querySelector(`#hub-health li[data-url="${hub}"][data-state="up"]`), 'the hub checked');
  assert.match(li.textContent, /^uni-hub.*up · checked /);
  assert.equal((await browser.storage.session.get('health.v1'))['health.v1'][hub].state, 'up');
});

test('the tab\'s links and where they go; the book\'s own hub is offered, and saved in one click for this site', async () => {
  await until(() => $('links').children.length === 2, 'the links listed');
  assert.deepEqual(items().map(([status, name]) => [status, name]), [['rewritten', 'uni-hub'], ['rewritten', 'uni-hub']]);
  const offer = await until(() => w.document.querySelector(`#book-hubs .book-hub[data-url="${book}"]`), 'the offer');
  assert.match(offer.textContent, new RegExp(`its own hub, ${book.slice(7, -1).replace(/\./g, '\\.')} \\(1 link\\(s\\)\\)`));
  const save = offer.querySelector('button');
  assert.equal(save.textContent, `Save ${book.slice(7, -1)} and use it on course.example.org`);
  save.click();
  await until(() => /Saved/.test($('site-status').textContent), 'the book\'s hub saved');
  assert.equal($('site-status').className, 'ok', 'a hub that can launch, read with access: no warning');
  assert.doesNotMatch($('site-status').textContent, /Warning/);
  assert.deepEqual(asked.at(-1), {origins: ['http://127.0.0.1/*']}, 'access to that hub only, asked first');
  const s = await stored();
  assert.deepEqual(s.hubs.map((h) => [h.url, h.kind, h.version]), [[hub, 'jupyterhub', '5.2.1'], [book, 'binderhub', '1.0.0']], 'detected first, saved after the hub in use');
  assert.deepEqual(s.siteHubs, [{site: 'course.example.org', hub: book}]);
  // This site's links now go to the book's hub; the offer is gone (saved).
  await until(() => items()[0][1] === book.slice(7, -1), 'the links moved');
  assert.deepEqual(items().map(([status]) => status), ['rewritten', 'unchanged']);
  assert.ok(items()[0][2].startsWith(`${book}v2/gh/o/book/main`));
  assert.equal($('book-hubs').hidden, true);
  assert.equal($('site-hub').value, book);
});

test('this site\'s choice: back to the reader\'s order, then its links left alone', async () => {
  $('site-hub').value = '';
  $('site-hub').dispatchEvent(new w.Event('change'));
  await until(async () => (await stored()).siteHubs.length === 0, 'the site\'s hub removed');
  await until(() => items()[0][1] === 'uni-hub', 'the links back on the first hub');
  $('site-off').checked = true;
  $('site-off').dispatchEvent(new w.Event('change'));
  await until(async () => (await stored()).disabledSites.includes('course.example.org'), 'the site turned off');
  await until(() => /turned off on course\.example\.org/.test($('page-status').textContent), 'the popup says so');
  assert.equal($('site-hub').disabled, true);
});

test('the popup asks for its links again when the background says it read a change (a render on the storage event may have come first)', async () => {
  const before = Number(w.document.body.dataset.rendered);
  const popupListener = browser.runtime.onMessage.listeners.at(-1);
  popupListener({type: 'background:refresh'}, {id: 'another-extension'}, () => {});
  popupListener({type: 'content:rewrite'}, {id: 'ext'}, () => {});
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(Number(w.document.body.dataset.rendered), before, 'nothing else, and no other extension, makes it render');
  popupListener({type: 'background:refresh'}, {id: 'ext'}, () => {});
  await until(() => Number(w.document.body.dataset.rendered) > before, 'a render after the background said so');
});
