// @ts-check
// Private mode: the page keeps its links and never contains the hub; a click goes to the
// extension, which opens the hub in a new tab. `privateClick` checks the page around one click;
// `walkPrivateHub` clicks, on one JupyterHub page, the links of the flows it walks (the reader
// logs in once); the BinderHub and Jupyter Server walkers use `privateClick` for their private flows.
import fs from 'node:fs';
import path from 'node:path';
import {sleep} from '../lib/driver.mjs';
import {closeTab} from './flow.mjs';
import {host, queryOf} from './reader.mjs';

/**
 * Every launch link answered, none with a URL (a refused one, like Zenodo on a JupyterHub, has none anyway).
 * @param {any} state the content script's account of the tab
 */
const privateAnswered = (state) =>
  state?.active === true &&
  state.mode === 'private' &&
  state.links.some((/** @type {any} */ l) => l.status === 'rewritten') &&
  state.links.every((/** @type {any} */ l) => ['rewritten', 'refused'].includes(l.status) && l.output === null);

/**
 * What of the hub the page holds: every attribute and text, shadow roots included. Runs in the page.
 * @param {string[]} needles the hub's host and URL, as they could be written
 */
function leaks(needles) {
  /** @type {string[]} */
  const found = [];
  const has = (/** @type {string} */ s) => needles.find((n) => s.includes(n));
  /** @param {Document | ShadowRoot} root */
  const visit = (root) => {
    for (const el of root.querySelectorAll('*')) {
      for (const a of el.attributes) if (has(a.value)) found.push(`<${el.localName}> ${a.name}="${a.value}"`);
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  for (const a of document.links) if (has(a.href) || has(a.title)) found.push(`link ${a.id}: href ${a.href} title ${a.title}`);
  const n = has(document.documentElement.outerHTML + document.title + (document.body?.innerText ?? ''));
  if (n) found.push(`the page's text/markup contains ${n}`);
  return found;
}

/**
 * Check the page names nothing of the hub once the content script answered it; click `selector`;
 * check again, and that the page stayed where it was. The tab the extension opened on the hub.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {import('../lib/driver.mjs').Page} page
 * @param {string} hub
 * @param {string} selector
 */
export async function privateClick(r, f, page, hub, selector) {
  const h = host(hub);
  const needles = [h, encodeURIComponent(h), h.replace(/\./g, '%2E'), hub.replace(/\/$/, '')];
  f.step('private-dom', "the content script answered the page's links (private mode) and the DOM names nothing of the hub");
  const pageUrl = await page.url();
  /** @type {any} */
  let state = null;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !privateAnswered(state)) {
    state = await r.ui.contentState(pageUrl);
    if (!privateAnswered(state)) await sleep(100);
  }
  if (!privateAnswered(state)) f.fail(`the content script's state: ${JSON.stringify(state)}`);
  const before = await page.evaluate(leaks, needles);
  if (before.length) f.fail(`before the click, the page contains the hub: ${before.join('; ')}`);
  f.step('private-click', 'a click on the (unchanged) link: the extension opens the hub in a new tab');
  await page.bringToFront();
  await page.click(selector);
  const tab = await r.browser.waitForPage((u) => u.startsWith(hub), 15_000);
  f.tabs.push(tab);
  f.step('private-dom', 'after the click, the page is where it was and its DOM still names nothing of the hub');
  const after = await page.evaluate(leaks, needles);
  if (after.length) f.fail(`after the click, the page contains the hub: ${after.join('; ')}`);
  if ((await page.url()) !== pageUrl) f.fail(`the page moved to ${await page.url()}`);
  return tab;
}

/**
 * Private mode on a JupyterHub: one reader, the links of the flows it walks on one page (and the
 * refused link: in rewrite mode its tooltip names the hub; in private mode nothing may), each
 * opened in a new tab by the extension: the first logs in and spawns, the others go straight to
 * the pull.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow
 * @param {any[]} walks the expanded flows whose links are clicked
 */
export async function walkPrivateHub(r, f, flow, walks) {
  const hub = flow.hub.url;
  const server = flow.hub.server;
  const user = `${r.who}-${flow.id}`;
  await r.ui.setEnvRepo('');
  await r.ui.setMode('private');
  await r.ui.useHub(hub);
  const home = path.join(r.suite.runDir, server, 'home', user);
  const page = await r.openPage(f, flow.id, [
    ...walks.map((w) => ({id: w.name, href: w.href, text: `Launch (${w.name})`, target: '_blank'})),
    ...(flow.refused ? [{id: 'refused', href: r.table.resolve(flow.refused.link), text: 'The archived data', target: '_blank'}] : []),
  ]);
  let first = true;
  for (const w of walks) {
    f.page = page;
    const clone = w.clone ?? 'demo-book';
    fs.rmSync(path.join(home, clone), {recursive: true, force: true});
    const want = r.want(f, hub, 'jupyterhub', w.href);
    const tab = await privateClick(r, f, page, hub, `#${w.name}`);
    f.page = tab;
    f.trail = [];
    if (first) {
      f.step('click', `link ${w.name}: the new tab shows the hub's login form`, [server]);
      const at = await r.waitUrl(f, tab, (u) => u.startsWith(`${hub}hub/login`), 15_000, "the hub's login form");
      const next = new URL(at).searchParams.get('next');
      if (next !== `/hub/user-redirect/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
      await r.login(f, tab, hub, user, server);
      first = false;
    }
    await r.pullToNotebook(f, tab, {server, base: `${hub}user/${user}/`, home, pull: `${hub}user/${user}/git-pull?${queryOf(want)}`, urlpath: w.pull.urlpath, clone, notebook: w.notebook});
    await closeTab(tab);
  }
}
