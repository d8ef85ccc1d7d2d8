// The background's fallback and health, on the real core, with two small hubs on 127.0.0.1 (a
// JupyterHub and a BinderHub) and a fake browser whose storage fires `onChanged` as a browser's
// does: a page's links go to the first hub; when the popup's check finds it down, every tab is
// told, the page's links go to the next hub with the reason; the alarm keeps checking only while
// a tab has launch links; a site's own hub and a turned-off site are answered as the settings say.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {area, event, extensionModules, getMessage, until} from './ext-modules.mjs';

const GH = 'https://mybinder.org/v2/gh/o/book/main?urlpath=lab/tree/intro.ipynb';
const ZENODO = 'https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/';

/** A hub on 127.0.0.1 that can be stopped and started again on the same port. */
async function hub(handler) {
  let server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise((r) => server.close(r)),
    start: async () => {
      server = http.createServer(handler);
      await new Promise((r) => server.listen(port, '127.0.0.1', r));
    },
  };
}

let jupyterhub;
let binderhub;
let browser;
/** Messages the background sent to tabs. */
const toTabs = [];
/** What each tab's content script says it has, by tab id. */
const linksIn = new Map();

before(async () => {
  jupyterhub = await hub((req, res) => {
    res.writeHead(req.url === '/hub/api/' ? 200 : 404, {'content-type': 'application/json'});
    res.end(req.url === '/hub/api/' ? '{"version": "5.2.1"}' : '{}');
  });
  binderhub = await hub((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, {'content-type': 'application/json'});
    res.end(req.url === '/health' ? '{"ok": true, "checks": []}' : '{}');
  });
  const onChanged = event();
  const alarms = new Map();
  const settings = {
    version: 2,
    hubs: [
      {url: jupyterhub.url, name: 'uni-hub', kind: 'jupyterhub'},
      {url: binderhub.url, name: 'uni-binder', kind: 'binderhub'},
    ],
    fallback: true, siteHubs: [{site: 'course.example.org', hub: binderhub.url}], interface: 'follow', envRepo: null,
    linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: ['off.example.org'],
  };
  browser = {
    runtime: {id: 'ext', getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`, onInstalled: event(), onStartup: event(), onMessage: event(), openOptionsPage: async () => {}},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => true},
    storage: {onChanged, sync: area('sync', onChanged, {'settings.v2': settings}), session: area('session', onChanged)},
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    alarms: {
      onAlarm: event(),
      get: async (/** @type {string} */ name) => alarms.get(name),
      create: async (/** @type {string} */ name, /** @type {any} */ info) => void alarms.set(name, {name, ...info}),
      clear: async (/** @type {string} */ name) => alarms.delete(name),
      all: alarms,
    },
    tabs: {
      query: async () => [{id: 1}, {id: 2}],
      sendMessage: async (/** @type {number} */ id, /** @type {any} */ message) => {
        toTabs.push([id, message.type]);
        if (message.type === 'background:count') {
          const n = linksIn.get(id) ?? 0;
          if (n === 0) throw new Error('Could not establish connection. Receiving end does not exist.');
          return {links: n};
        }
        return undefined;
      },
    },
    i18n: {getMessage, getUILanguage: () => 'en'},
  };
  /** @type {any} */ (globalThis).browser = browser;
  await (await extensionModules())('background.js');
});

after(async () => {
  await jupyterhub.stop().catch(() => {});
  await binderhub.stop().catch(() => {});
});

/** A message from the content script of a page on `host` (tab 1), or from the options page. */
function send(message, from = 'https://books.example.org/intro.html') {
  const sender = from.startsWith('chrome-extension:') ? {id: 'ext', url: from} : {id: 'ext', url: from, tab: {id: 1, index: 0, url: from}, frameId: 0};
  return new Promise((resolve) => browser.runtime.onMessage.listeners[0](message, sender, resolve));
}

const OPTIONS = 'chrome-extension://ext/options/options.html';

test('a page\'s links go to the first hub; a Zenodo link to the BinderHub, saying why; the alarm is set', async () => {
  const reply = await send({type: 'content:rewrite', hrefs: [GH, ZENODO]});
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.hub, 'uni-hub');
  assert.deepEqual(reply.results.map((r) => [r.status, r.hub]), [['rewritten', 'uni-hub'], ['rewritten', 'uni-binder']]);
  assert.ok(reply.results[0].output.startsWith(`${jupyterhub.url}hub/user-redirect/git-pull?`));
  assert.deepEqual(reply.results[1].fallback, ['uni-hub cannot launch it: zenodo content cannot be pulled with nbgitpuller: only a BinderHub can launch it']);
  await until(() => browser.alarms.all.has('byob-health'), 'the alarm');
  assert.deepEqual(browser.alarms.all.get('byob-health'), {name: 'byob-health', delayInMinutes: 3, periodInMinutes: 3});
  // The alarm set, the hubs are checked: both up. That check is then forgotten (as a browser
  // restart forgets `storage.session`), so that the popup's check below probes again instead of
  // finding it fresh: the next test no longer depends on that check not having ended yet.
  await until(async () => {
    const health = (await browser.storage.session.get('health.v1'))['health.v1'];
    return health?.[jupyterhub.url]?.state === 'up' && health?.[binderhub.url]?.state === 'up';
  }, 'the pages\' check of both hubs');
  await browser.storage.session.remove('health.v1');
});

test('the first hub stops: the popup\'s check finds it down, every tab is told, and the page\'s links go to the next hub with the reason', async () => {
  await jupyterhub.stop();
  toTabs.length = 0;
  const reply = await send({type: 'page:health', check: true}, OPTIONS);
  assert.equal(reply.ok, true, JSON.stringify(reply));
  assert.equal(reply.health[jupyterhub.url].state, 'down');
  assert.equal(reply.health[binderhub.url].state, 'up');
  await until(() => toTabs.some(([, type]) => type === 'background:refresh'), 'the tabs told');
  assert.deepEqual(toTabs.filter(([, type]) => type === 'background:refresh').map(([id]) => id), [1, 2]);
  const again = await send({type: 'content:rewrite', hrefs: [GH]});
  assert.equal(again.hub, 'uni-binder');
  assert.equal(again.results[0].hub, 'uni-binder');
  assert.ok(again.results[0].output.startsWith(`${binderhub.url}v2/gh/o/book/main`), again.results[0].output);
  assert.equal(again.results[0].fallback.length, 1);
  assert.match(again.results[0].fallback[0], /^uni-hub is down: /);
});

test('the hub comes back: the next check finds it up and the links return to it', async () => {
  await jupyterhub.start();
  toTabs.length = 0;
  // Checked a moment ago: the popup opening again does not check; the browser starting does.
  assert.equal((await send({type: 'page:health', check: true}, OPTIONS)).health[jupyterhub.url].state, 'down');
  browser.runtime.onStartup.listeners[0]();
  await until(async () => (await browser.storage.session.get('health.v1'))['health.v1']?.[jupyterhub.url]?.state === 'up', 'the hub up again');
  await until(() => toTabs.some(([, type]) => type === 'background:refresh'), 'the tabs told');
  const reply = await send({type: 'content:rewrite', hrefs: [GH]});
  assert.deepEqual([reply.hub, reply.results[0].hub, reply.results[0].fallback], ['uni-hub', 'uni-hub', []]);
});

test('a site\'s own hub comes first there; a turned-off site is left alone; private mode hides hubs and outputs', async () => {
  const course = await send({type: 'content:rewrite', hrefs: [GH]}, 'https://www.course.example.org/week1.html');
  assert.deepEqual([course.hub, course.results[0].hub], ['uni-binder', 'uni-binder']);
  const off = await send({type: 'content:rewrite', hrefs: [GH]}, 'https://off.example.org/x.html');
  assert.deepEqual(off, {ok: true, active: false, reason: 'site-off'});
  // The popup still lists what the links of a turned-off site would become.
  const listed = await send({type: 'page:rewrite', hrefs: [GH], url: 'https://off.example.org/x.html'}, 'chrome-extension://ext/popup/popup.html');
  assert.deepEqual([listed.active, listed.off, listed.site, listed.results[0].status], [true, true, 'off.example.org', 'rewritten']);
  // Private mode: the page learns neither the output nor the hub a link goes to.
  const s = (await browser.storage.sync.get('settings.v2'))['settings.v2'];
  await browser.storage.sync.set({'settings.v2': {...s, mode: 'private'}});
  const hidden = await send({type: 'content:rewrite', hrefs: [GH, ZENODO]});
  assert.deepEqual(hidden.results, [
    {status: 'rewritten', output: null, reason: null, warnings: ['runs in the hub\'s environment, not the one the repository specifies'], fallback: []},
    {status: 'rewritten', output: null, reason: null, warnings: [], fallback: []},
  ]);
  await browser.storage.sync.set({'settings.v2': s});
});

test('the alarm checks while a tab has launch links, and stops when none has', async () => {
  const [onAlarm] = browser.alarms.onAlarm.listeners;
  linksIn.set(2, 3);
  toTabs.length = 0;
  onAlarm({name: 'byob-health'});
  await until(() => toTabs.filter(([, type]) => type === 'background:count').length === 2, 'the tabs asked');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(browser.alarms.all.has('byob-health'), 'tab 2 has launch links: the alarm stays');
  linksIn.clear();
  onAlarm({name: 'byob-health'});
  await until(() => !browser.alarms.all.has('byob-health'), 'the alarm cleared');
});
