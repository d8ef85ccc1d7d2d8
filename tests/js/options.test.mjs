// The options page as a reader uses it, in jsdom, with the real background module and the real
// core (Wasm) behind it: the page's messages go to the background's listener, whose probe
// runner fetches a small hub on 127.0.0.1. What is saved for a hub is the core's decision (an
// API-only BinderHub service: the JupyterHub in front of it, with the JupyterHub's version);
// the kinds offered are the core's; the preferences are bound from their table.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {JSDOM} from 'jsdom';
import {root} from './dom.mjs';
import {MESSAGES, event, extensionModules, fakeSync, getMessage, until} from './ext-modules.mjs';

const BINDERHUB = '0.2.0+1763.gfaafab2';

/** A JupyterHub 5.2.1 (no CORS) with an API-only BinderHub service at services/binder/, as the binderhub-service chart runs. */
function hubWithApiOnlyService() {
  return http.createServer((req, res) => {
    const headers = {'x-jupyterhub-version': '5.2.1'};
    if (req.url === '/hub/api/') {
      res.writeHead(200, {...headers, 'content-type': 'application/json'});
      res.end('{"version": "5.2.1"}');
    } else if (req.url === '/services/binder/versions') {
      res.writeHead(200, {'content-type': 'application/json'});
      res.end(`{"builder_info": {"build_image": "quay.io/jupyterhub/repo2docker:2024.07.0"}, "binderhub": "${BINDERHUB}"}`);
    } else {
      res.writeHead(404, {...headers, 'content-type': 'text/html'});
      res.end('<html><body>404 Not Found</body></html>');
    }
  });
}

let server;
let hub;
/** @type {any} */
let w;
/** @type {any} */
let sync;

before(async () => {
  server = hubWithApiOnlyService();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  hub = `http://127.0.0.1:${server.address().port}/`;
  const dom = new JSDOM(fs.readFileSync(path.join(root, 'extension', 'options', 'options.html'), 'utf8'), {url: 'chrome-extension://ext/options/options.html', pretendToBeVisual: true});
  w = dom.window;
  for (const name of ['window', 'document', 'HTMLElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLButtonElement', 'Node', 'Event']) globalThis[name] = w[name];
  sync = fakeSync();
  const onMessage = event();
  /** @type {any} */ (globalThis).browser = {
    runtime: {
      id: 'ext',
      getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`,
      onInstalled: event(),
      onStartup: event(),
      onMessage,
      // The page's message, delivered to the background's listener as the browser would.
      sendMessage: (/** @type {any} */ message) =>
        new Promise((resolve) => onMessage.listeners[0](structuredClone(message), {id: 'ext', url: 'chrome-extension://ext/options/options.html'}, resolve)),
    },
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => true, request: async () => true},
    storage: {sync, session: fakeSync(), onChanged: event()},
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    tabs: {query: async () => []},
    i18n: {getMessage, getUILanguage: () => 'en'},
  };
  const load = await extensionModules();
  await load('background.js');
  await load('options/options.js');
  await until(() => w.document.body.dataset.ready === 'true', 'the options page to be ready');
});

after(() => {
  server.close();
});

const $ = (/** @type {string} */ id) => w.document.getElementById(id);
const stored = () => sync.all()['settings.v2'];

test('the kinds a reader may choose are the core\'s, labelled from the strings', () => {
  const options = [...$('kind-select').options].map((o) => [o.value, o.textContent]);
  assert.deepEqual(options, [
    ['auto', 'As detected'],
    ['binderhub', 'BinderHub'],
    ['jupyterhub', 'JupyterHub'],
    ['jupyter-server', 'Jupyter Server'],
  ]);
});

test('an API-only BinderHub service is saved as the JupyterHub in front of it, with the JupyterHub\'s own version', async () => {
  $('hub-input').value = `${hub}services/binder/`;
  $('hub-input').dispatchEvent(new w.Event('input'));
  const shown = await until(() => $('detect-result').dataset.state === 'done' && $('detect-result'), 'the detection');
  assert.equal(shown.dataset.kind, 'binderhub-service');
  assert.match(shown.textContent, /in API-only mode \(no launch pages\): launches go to the JupyterHub 5\.2\.1 in front of it/);
  $('hub-form').dispatchEvent(new w.Event('submit', {cancelable: true}));
  await until(() => /Saved/.test($('save-status').textContent), 'the hub saved');
  assert.equal($('save-status').className, 'ok', 'a hub that can launch, read with access: no warning');
  assert.doesNotMatch($('save-status').textContent, /Warning/);
  const s = stored();
  assert.deepEqual(s.hubs, [{url: hub, name: hub.slice(7, -1), kind: 'jupyterhub', version: '5.2.1', cors: false}]);
  // Shown as the core shows it: kind label, version, CORS note, active.
  const item = await until(() => w.document.querySelector(`#hub-list li[data-url="${hub}"]`), 'the saved hub listed');
  assert.equal(item.querySelector('.hub-info').textContent, `JupyterHub 5.2.1 · ${MESSAGES.noCors.message} · in use`);
});

test('every string the preferences table names exists', async () => {
  const {PREFERENCES} = await (await extensionModules())('options/preferences.js');
  const keys = PREFERENCES.flatMap((row) => [row.label, row.placeholder, row.help, ...Object.values(row.choices ?? {})]).filter(Boolean);
  assert.ok(keys.length > 10, `${keys.length} keys`);
  assert.deepEqual(keys.filter((k) => !MESSAGES[k]?.message), []);
});

test('preferences are bound from their table: each control saves its settings key', async () => {
  const ids = [...$('prefs').querySelectorAll('[id]')].map((e) => e.id);
  assert.deepEqual(ids, ['fallback', 'fallback-help', 'interface-select', 'kind-binder', 'kind-nbgitpuller', 'kind-colab', 'mode-rewrite', 'mode-private', 'env-repo', 'env-repo-save', 'env-repo-help', 'disabled-sites', 'disabled-sites-save', 'disabled-sites-help']);
  const saved = async (what) => {
    await until(() => /Saved/.test($('prefs-status').textContent), what);
    $('prefs-status').textContent = '';
    return stored();
  };
  $('fallback').click();
  assert.equal((await saved('fallback')).fallback, false);
  $('kind-colab').click();
  assert.deepEqual((await saved('link kinds')).linkKinds, {binder: true, nbgitpuller: true, colab: false});
  $('mode-private').click();
  assert.equal((await saved('mode')).mode, 'private');
  $('interface-select').value = 'lab';
  $('interface-select').dispatchEvent(new w.Event('change'));
  assert.equal((await saved('interface')).interface, 'lab');
  $('env-repo').value = ' gh/org/env/main ';
  $('env-repo-save').click();
  assert.equal((await saved('environment')).envRepo, 'gh/org/env/main');
  $('disabled-sites').value = 'Example.org, books.example.com\n';
  $('disabled-sites-save').click();
  assert.deepEqual((await saved('sites')).disabledSites, ['books.example.com', 'example.org']);
  // Two changes in quick succession are both stored: each applies to what the one before stored.
  $('kind-binder').click();
  $('mode-rewrite').click();
  const both = await saved('two changes at once');
  assert.deepEqual([both.linkKinds.binder, both.mode], [false, 'rewrite']);
  // A value the core refuses is not stored, and the page says why.
  $('env-repo').value = 'not a repository';
  $('env-repo-save').click();
  await until(() => /Not saved/.test($('prefs-status').textContent), 'the refusal');
  assert.equal(stored().envRepo, 'gh/org/env/main');
});

test('saved hubs are reordered from the keyboard; the focus stays on the moved hub through every render', async () => {
  const b = 'https://b.example.edu/';
  const s = structuredClone(stored());
  s.hubs = [s.hubs[0], {url: b, name: 'b.example.edu', kind: 'binderhub', version: null, cors: null}];
  await sync.set({'settings.v2': s});
  // The browser tells every page about the write; each listener renders what is stored.
  const changed = () => globalThis.browser.storage.onChanged.listeners.forEach((f) => f({'settings.v2': {}}, 'sync'));
  changed();
  const row = (url) => w.document.querySelector(`#hub-list li[data-url="${url}"]`);
  await until(() => row(b), 'the second hub listed');
  assert.deepEqual([...$('hub-list').children].map((li) => li.dataset.url), [hub, b]);
  assert.equal(row(hub).querySelector('[data-control="up"]').disabled, true, 'the first cannot move up');
  const down = row(hub).querySelector('[data-control="down"]');
  down.focus();
  down.click();
  await until(() => stored().hubs[0].url === b, 'the order stored');
  await until(() => /Moved .* down/.test($('hub-list-status').textContent), 'the move said');
  // The page rendered what it stored; the storage event renders it once more, later.
  changed();
  await new Promise((r) => setTimeout(r, 100));
  const focused = w.document.activeElement;
  assert.equal(focused.closest('li')?.dataset.url, hub, 'the focus is on the hub moved');
  // It is now last: its "Move down" is disabled, so "Move up" has the focus.
  assert.equal(focused.dataset.control, 'up');
  focused.click();
  await until(() => stored().hubs[0].url === hub, 'moved back up');
  changed();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(w.document.activeElement.closest('li')?.dataset.url, hub);
  assert.equal(w.document.activeElement.dataset.control, 'down', 'first again: "Move up" is disabled, "Move down" has the focus');
});

test('a Jupyter Server without nbgitpuller is detected, saved and re-checked with a warning that says why its launches fail', async () => {
  // jupyter_server's answers without nbgitpuller: `api` its version, `git-pull` its own 404
  // (its CSP header on every page).
  const csp = {'content-security-policy': "frame-ancestors 'self'; report-uri /api/security/csp-report"};
  const lab = http.createServer((req, res) => {
    if (req.url === '/api') {
      res.writeHead(200, {'content-type': 'application/json', ...csp});
      res.end('{"version": "2.21.1"}');
    } else {
      res.writeHead(404, {'content-type': 'text/html', ...csp});
      res.end('<html><body>404 : Not Found</body></html>');
    }
  });
  await new Promise((r) => lab.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${lab.address().port}/`;
    $('hub-input').value = url;
    $('hub-input').dispatchEvent(new w.Event('input'));
    const shown = await until(() => $('detect-result').dataset.state === 'done' && $('detect-result'), 'the detection');
    assert.equal(shown.dataset.kind, 'jupyter-server');
    const sentence = shown.querySelector('span');
    assert.match(sentence.textContent, /^Jupyter Server 2\.21\.1 — nbgitpuller is not installed or not enabled \(git-pull answers 404\), so launches on it fail until it is: pip install nbgitpuller/);
    assert.equal(sentence.className, 'kind warn');
    const save = async (/** @type {string} */ kind) => {
      $('kind-select').value = kind;
      $('save-status').textContent = ''; // the last save's "Saved …"
      $('hub-form').dispatchEvent(new w.Event('submit', {cancelable: true}));
      return until(() => /Saved/.test($('save-status').textContent) && $('save-status'), 'the hub saved');
    };
    // Saved as another kind (the reader's choice): another hub, of which detection said nothing.
    const asHub = await save('jupyterhub');
    assert.equal(asHub.className, 'ok', asHub.textContent);
    assert.equal(stored().hubs[0].kind, 'jupyterhub');
    $('hub-input').value = url;
    $('hub-input').dispatchEvent(new w.Event('input'));
    await until(() => $('detect-result').dataset.state === 'done', 'the detection again');
    const saved = await save('auto');
    assert.match(saved.textContent, /^Saved 127\.0\.0\.1:\d+\. Warning: nbgitpuller is not installed or not enabled .* then restart the server\.$/);
    assert.equal(saved.className, 'warn');
    assert.deepEqual([stored().hubs[0].url, stored().hubs[0].kind], [url, 'jupyter-server'], 'saved all the same, and in use');
    // Saving checks it: its health line says why it is down (fallback passes over it).
    const health = () => {
      // The browser tells the page each write of the health (this fake storage does not).
      globalThis.browser.storage.onChanged.listeners.forEach((f) => f({'health.v1': {}}, 'session'));
      return w.document.querySelector(`#hub-list li[data-url="${url}"] .health`)?.textContent ?? '';
    };
    await until(() => /^down · HTTP 404 on git-pull: nbgitpuller is not installed or not enabled · checked/.test(health()), 'its health checked');
    const row = await until(() => w.document.querySelector(`#hub-list li[data-url="${url}"]`), 'the saved hub listed');
    row.querySelector('[data-control="recheck"]').click();
    const rechecked = await until(() => /Jupyter Server 2\.21\.1\./.test($('hub-list-status').textContent) && $('hub-list-status'), 'the re-check');
    assert.match(rechecked.textContent, /^127\.0\.0\.1:\d+: Jupyter Server 2\.21\.1\. Warning: nbgitpuller is not installed or not enabled/);
    assert.equal(rechecked.className, 'warn');
  } finally {
    lab.close();
  }
});
