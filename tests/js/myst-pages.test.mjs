// Every Jupyter Book 2 (MyST) page that shows the rocket gets the reader's hub: the content
// script in jsdom on the real mystmd 1.7 pages (the notebook page and the root page, whose
// source is README.md), its messages answered by the real background module on the real core
// (Wasm), with a JupyterHub or a BinderHub saved. The hrefs expected are those myst-theme's own
// launch form builds for the same page and hub (packages/frontmatter/src/LaunchButton.tsx,
// docs/protocols.md §5), written out here by hand.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fixture, pageWindow, root, runContentScript} from './dom.mjs';
import {event, extensionModules, fakeSync, getMessage} from './ext-modules.mjs';

const DIR = 'jb2-mystmd-1.7-cookbook-template';
const ROOT_PAGE = 'https://projectpythia.org/cookbook-template/';
const NOTEBOOK_PAGE = 'https://projectpythia.org/cookbook-template/notebooks/notebook-template';
const JUPYTERHUB = 'https://hub.example.edu/';
const BINDERHUB = 'https://binder.example.org/';

/** The strings as the browser fills them in. */

/**
 * The real background module with `hub` saved and active (a fresh module instance and Wasm
 * each call). Returns what a content script's message gets back from it.
 * @param {{url: string, name: string, kind: string, version: string | null}} hub
 * @param {string} mode
 */
async function background(hub, mode = 'rewrite') {
  const onMessage = event();
  /** Tabs the background opened. @type {any[]} */
  const opened = [];
  const settings = {version: 1, hubs: [{...hub, cors: false}], activeHub: hub.url, interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode, disabledSites: []};
  /** @type {any} */ (globalThis).browser = {
    runtime: {id: 'ext', getURL: (/** @type {string} */ p) => `chrome-extension://ext/${p}`, onInstalled: event(), onStartup: event(), onMessage},
    permissions: {onAdded: event(), onRemoved: event(), contains: async () => true},
    storage: {sync: fakeSync({'settings.v1': settings}), onChanged: event()},
    scripting: {getRegisteredContentScripts: async () => [], registerContentScripts: async () => {}, unregisterContentScripts: async () => {}},
    tabs: {query: async () => [], create: async (/** @type {any} */ props) => opened.push(props)},
    i18n: {getMessage, getUILanguage: () => 'en'},
  };
  await (await extensionModules())('background.js');
  const answer = (/** @type {any} */ message, /** @type {string} */ pageUrl) =>
    new Promise((resolve) => onMessage.listeners[0](structuredClone(message), {id: 'ext', url: pageUrl, tab: {id: 7, index: 2, url: pageUrl}}, resolve));
  return Object.assign(answer, {opened});
}

/**
 * The content script on `html` at `url`, talking to `answer`: our controls once settled.
 * @param {string} html
 * @param {string} url
 * @param {(message: any, pageUrl: string) => Promise<any>} answer
 */
async function run(html, url, answer) {
  const w = pageWindow(html, url);
  w.fetch = async (/** @type {string} */ u) => ({ok: false, status: 404, body: null, url: u});
  const {sent} = runContentScript(w, (m) => answer(m, url));
  w.chrome.i18n.getMessage = getMessage;
  await w[Symbol.for('byob.content')].settled();
  await new Promise((r) => setTimeout(r, 50));
  const list = await w[Symbol.for('byob.content')].settled();
  const controls = [];
  for (const el of w.document.querySelectorAll('*')) if (el.shadowRoot) controls.push(...el.shadowRoot.querySelectorAll('.byob-myst-launch'));
  controls.push(...w.document.querySelectorAll('.byob-myst-launch'));
  return {w, sent, list, controls};
}

/** Open the page's rocket popover with myst-theme's URL field in it (as Radix renders it). */
function openForm(w) {
  const rocket = w.document.querySelector('button[aria-label="Launch in external computing interface"]');
  rocket.setAttribute('aria-expanded', 'true');
  const wrapper = w.document.createElement('div');
  wrapper.setAttribute('data-radix-popper-content-wrapper', '');
  wrapper.innerHTML = `<div role="dialog" id="${rocket.getAttribute('aria-controls')}"><form><input class="myst-fm-launch-input" type="url" required></form></div>`;
  w.document.body.append(wrapper);
  return /** @type {HTMLInputElement} */ (wrapper.querySelector('input'));
}

const jupyterhub = {url: JUPYTERHUB, name: 'hub.example.edu', kind: 'jupyterhub', version: '5.2.1'};
const binderhub = {url: BINDERHUB, name: 'binder.example.org', kind: 'binderhub', version: null};

// What myst-theme's form opens for each page on each hub (its JupyterHub link has no branch;
// its BinderHub link writes the urlpath `/lab/tree//README.md`, encoded, which BinderHub opens
// as lab/tree/README.md: ours is the same launch without the double slash).
const PAGES = [
  {
    what: 'the root page (an Article, source README.md)',
    file: `${DIR}/index.html`,
    url: ROOT_PAGE,
    location: '/README.md',
    original: 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md',
    onJupyterHub: `${JUPYTERHUB}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fprojectpythia%2Fcookbook-template&urlpath=lab%2Ftree%2Fcookbook-template%2FREADME.md`,
    onBinderHub: `${BINDERHUB}v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/README.md`,
    aria: "Launch on hub.example.edu: open this page's source, README.md, there, in a new tab",
  },
  {
    what: 'the notebook page',
    file: `${DIR}/notebooks/notebook-template/index.html`,
    url: NOTEBOOK_PAGE,
    location: '/notebooks/notebook-template.ipynb',
    original: 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb',
    onJupyterHub: `${JUPYTERHUB}hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fprojectpythia%2Fcookbook-template&urlpath=lab%2Ftree%2Fcookbook-template%2Fnotebooks%2Fnotebook-template.ipynb`,
    onBinderHub: `${BINDERHUB}v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb`,
    aria: "Launch on hub.example.edu: open this page's notebook there, in a new tab",
  },
];

for (const page of PAGES) {
  test(`MyST, ${page.what}, on a JupyterHub (real background and core): our link opens what the page's form opens; the form is filled`, async () => {
    const answer = await background(jupyterhub);
    const {w, sent, list, controls} = await run(fixture(page.file), page.url, answer);
    assert.equal(sent.find((m) => m.type === 'content:myst')?.location, page.location);
    assert.equal(controls.length, 1, 'one control');
    const [link] = controls;
    assert.equal(link.getAttribute('href'), page.onJupyterHub);
    assert.equal(link.getAttribute('data-byob-original'), page.original);
    assert.equal(link.textContent, 'Launch on hub.example.edu');
    assert.equal(link.getAttribute('aria-label'), page.aria);
    assert.deepEqual(
      Array.from(list.links.filter((l) => l.source === 'myst'), (l) => [l.href, l.status, l.output]),
      [[page.original, 'rewritten', page.onJupyterHub]],
    );
    const input = openForm(w);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(input.value, JUPYTERHUB);
  });

  test(`MyST, ${page.what}, on a BinderHub (real background and core): our link opens the page's launch on it`, async () => {
    const answer = await background(binderhub);
    const {w, controls} = await run(fixture(page.file), page.url, answer);
    assert.deepEqual(
      controls.map((c) => c.getAttribute('href')),
      [page.onBinderHub],
    );
    const input = openForm(w);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(input.value, BINDERHUB);
  });
}

test('MyST, the root page in private mode (real background and core): a button without a URL, named by the file, opened by the background', async () => {
  const answer = await background(jupyterhub, 'private');
  const {w, controls} = await run(fixture(`${DIR}/index.html`), ROOT_PAGE, answer);
  const [button] = controls;
  assert.equal(button.localName, 'button');
  assert.equal(button.hasAttribute('href'), false);
  assert.equal(button.getAttribute('aria-label'), "Launch on your hub: open this page's source, README.md, there, in a new tab");
  assert.match(button.title, /^Opens this page's source, README\.md, on your hub/);
  assert.equal(openForm(w).value, '', 'private mode never fills the page\'s form');
  button.dispatchEvent(new w.MouseEvent('click', {bubbles: true, composed: true, cancelable: true, button: 0}));
  await w[Symbol.for('byob.content')].settled();
  for (let i = 0; i < 50 && answer.opened.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(answer.opened, [{url: PAGES[0].onJupyterHub, openerTabId: 7, index: 3}], 'the background opened the README on the hub, beside the page');
});
