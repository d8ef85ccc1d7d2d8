// @ts-check
// What a reader does in the launch flows, in one browser: open a course page, see the link
// converted, click, log in, wait for the spawn, nbgitpuller's clone and the notebook in JupyterLab;
// stop their server and log out when done. The walkers by hub kind (jupyterhub.mjs,
// jupyter-server.mjs, binderhub.mjs, private.mjs) are made of these steps.
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {sleep} from '../lib/driver.mjs';
import {checkSize, image} from '../store/images.mjs';
import {closeTab} from './flow.mjs';

/** @typedef {import('./flow.mjs').Flow} Flow */
/** @typedef {import('../lib/driver.mjs').Page} Page */

const SPAWN_MS = 90_000;
const CLONE_MS = 60_000;
const RENDER_MS = 60_000;

/**
 * What the core makes of a link for a hub, from the CLI (the same Rust core as the extension's
 * Wasm): the converted URL (null when it cannot be converted), the warnings, the reason.
 * @param {string} byob
 * @param {string} hub
 * @param {string} kind
 * @param {string} link
 * @param {string | null} [envRepo]
 */
export function cliRewrite(byob, hub, kind, link, envRepo = null) {
  const args = ['rewrite', '-v', '--hub', hub, '--kind', kind, ...(envRepo ? ['--env-repo', envRepo] : []), link];
  const r = spawnSync(byob, args, {encoding: 'utf8'});
  // exit 1: a link it cannot convert (printed unchanged, the reason on stderr)
  if (r.status !== 0 && !(r.status === 1 && r.stderr.startsWith(`byob: ${link}: `))) throw new Error(`byob ${args.join(' ')} exited ${r.status}: ${r.stderr || r.error}`);
  /** @type {string[]} */
  const warnings = [];
  let reason = null;
  for (const line of r.stderr.split('\n')) {
    if (line.startsWith(`byob: warning: ${link}: `)) warnings.push(line.slice(`byob: warning: ${link}: `.length));
    else if (line.startsWith(`byob: ${link}: `)) reason = line.slice(`byob: ${link}: `.length);
  }
  const output = r.stdout.trim();
  return {output: reason ? null : output, warnings, reason};
}

/** @param {string} url */
export const host = (url) => new URL(url).host;
/** @param {string} url */
export const queryOf = (url) => url.slice(url.indexOf('?') + 1);

export class Reader {
  /**
   * @param {import('../lib/suite.mjs').Suite} suite the browser's suite: browser, ui, table, ports, pages, byob, runDir, root
   */
  constructor(suite) {
    this.suite = suite;
    this.browser = suite.browser;
    /** @type {import('../lib/extension-ui.mjs').ExtensionUi} */
    this.ui = suite.ui;
    /** @type {import('./table.mjs').Table} */
    this.table = suite.table;
    /** @type {Record<string, string>} */
    this.ports = suite.ports;
    this.who = suite.name; // user names: <browser>-<flow>
  }

  /**
   * What the core makes of the flow's link for `hub` (of `kind`), or the flow fails.
   * @param {Flow} f
   * @param {string} hub
   * @param {string} kind
   * @param {string} link
   * @param {string | null} [envRepo]
   */
  want(f, hub, kind, link, envRepo = null) {
    const r = cliRewrite(this.suite.byob, hub, kind, link, envRepo);
    if (!r.output) f.fail(`byob rewrite does not convert ${link}: ${r.reason}`);
    return r.output;
  }

  /**
   * Open a course page with launch links.
   * @param {Flow} f
   * @param {string} name
   * @param {import('./pages.mjs').Link[]} items
   */
  async openPage(f, name, items) {
    const url = this.suite.pages.add(`${this.who}-${name}`, `Chapter: ${name}`, items);
    const page = await this.browser.open(url);
    f.page = page;
    f.tabs.push(page);
    return page;
  }

  /**
   * Wait for the link to be converted in the page and check it against the CLI.
   * @param {Flow} f
   * @param {Page} page
   * @param {string} id
   * @param {string} original
   * @param {string} want
   */
  async expectConverted(f, page, id, original, want) {
    // Wait for the href the core makes (a page opened the instant a setting changed may show
    // the previous answer until the background's refresh reaches it), then check the rest.
    /** @type {any} */
    let got = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      got = await page.evaluate(
        (/** @type {string} */ id) => {
          const a = document.getElementById(id);
          a?.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); // tooltips are written on first hover
          return {href: a?.getAttribute('href') ?? null, original: a?.dataset.byobOriginal ?? null, title: a?.getAttribute('title') ?? ''};
        },
        id,
      );
      if (got.href === want) break;
      await sleep(50);
    }
    if (got.href !== want) f.fail(`the extension made\n  ${got.href}\nthe core (byob rewrite) makes\n  ${want}`);
    if (got.original !== original) f.fail(`data-byob-original is ${got.original}, not the page's link ${original}`);
    if (!got.title.includes(original)) f.fail(`the tooltip does not name the original link: ${JSON.stringify(got.title)}`);
    return got;
  }

  /**
   * Poll the tab's URL (recording each new one in the flow's trail) until `pred` holds.
   * @param {Flow} f
   * @param {Page} page
   * @param {(url: string) => boolean} pred
   * @param {number} timeout
   * @param {string} what
   */
  async waitUrl(f, page, pred, timeout, what) {
    const deadline = Date.now() + timeout;
    let url = '';
    while (Date.now() < deadline) {
      try {
        url = await page.url();
      } catch {
        url = '(navigating)';
      }
      if (url !== f.trail[f.trail.length - 1]) f.trail.push(url);
      if (pred(url)) return url;
      await sleep(100);
    }
    return f.fail(`timed out after ${timeout / 1000} s waiting for ${what}; the tab is at ${url}`);
  }

  /**
   * The JupyterHub login form: the reader types a user name and the password.
   * @param {Flow} f
   * @param {Page} page
   * @param {string} hub
   * @param {string} user
   * @param {string} server
   */
  async login(f, page, hub, user, server) {
    await page.waitFor(() => !!document.getElementById('username_input') && !!document.getElementById('login_submit'), [], {timeout: 15_000, what: 'the login form (#username_input)'});
    f.step('login', `log in as ${user} (#username_input, #password_input, #login_submit)`, [server]);
    await page.fill('#username_input', user);
    await page.fill('#password_input', this.ports.HUB_PASSWORD);
    await page.click('#login_submit');
    await this.waitUrl(f, page, (u) => !u.startsWith(`${hub}hub/login`), 20_000, 'the hub to accept the login');
    // From here on the reader is logged in: stop their server and log out after the flow, so
    // the next flow's reader meets the login form.
    f.onCleanup(() => this.stopAndLogOut(hub, user));
  }

  /**
   * What a reader does when done: stop the server ("Stop My Server": DELETE of the hub's API
   * from the hub's own page, with its xsrf token), then log out.
   * @param {string} hub
   * @param {string} user
   */
  async stopAndLogOut(hub, user) {
    const tab = await this.browser.open(`${hub}hub/home`);
    try {
      const status = await tab.evaluate(async (/** @type {string} */ user) => {
        const jh = /** @type {any} */ (window).jhdata;
        if (!jh || jh.user !== user) return `not logged in as ${user} (${jh?.user})`;
        const r = await fetch(`${jh.base_url}api/users/${encodeURIComponent(user)}/server`, {method: 'DELETE', headers: {'X-XSRFToken': jh.xsrf_token}});
        return r.status;
      }, user);
      if (status !== 202 && status !== 204) console.log(`     (stopping ${user}'s server on ${hub}: ${status})`);
      await tab.goto(`${hub}hub/logout`);
    } finally {
      await closeTab(tab);
    }
  }

  /**
   * From the converted link's click to the rendered notebook, on a JupyterHub or a Jupyter
   * Server: (login and spawn done by the caller) nbgitpuller's page, the clone on disk, the
   * redirect to JupyterLab, the notebook rendered.
   * @param {Flow} f
   * @param {Page} page
   * @param {{server: string, base: string, home: string, pull: string, urlpath: string, clone: string, notebook: string}} o
   *   base: the user's server (…/user/<name>/ or the lab's root); pull: the git-pull URL expected
   */
  async pullToNotebook(f, page, o) {
    // a page of the reader's server itself (a plain jupyter lab's login form is not one)
    const inServer = (/** @type {string} */ u) => u.startsWith(o.base) && !/^log(in|out)\b/.test(u.slice(o.base.length));
    f.step('spawn', `the tab reaches nbgitpuller's page ${o.pull.split('?')[0]}?<the link's query>`, [o.server]);
    await this.waitUrl(f, page, inServer, SPAWN_MS, `the tab to reach ${o.base}`);
    f.step('clone', `nbgitpuller's page clones demo-book into ${path.relative(this.suite.root, o.home)}/${o.clone}, then moves on`, [o.server, 'git']);
    const left = await this.waitUrl(f, page, (u) => inServer(u) && !u.startsWith(`${o.base}git-pull`), CLONE_MS, "the tab to leave nbgitpuller's page");
    if (!f.trail.includes(o.pull)) f.fail(`the tab never showed ${o.pull} (the link's query, intact through login and OAuth)`);
    this.checkClone(f, path.join(o.home, o.clone));
    f.step('redirect', `the tab lands on ${o.base}${o.urlpath}`, [o.server]);
    // (JupyterLab may later move the URL along with its file browser: the landing is in the trail)
    const want = `${o.base}${o.urlpath}`;
    if (left !== want) await this.waitUrl(f, page, () => f.trail.includes(want), 5000, want);
    await this.renderNotebook(f, page, o);
  }

  /**
   * The clone nbgitpuller made: a shallow clone of demo-book at its commit, both notebooks.
   * @param {Flow} f
   * @param {string} dir
   */
  checkClone(f, dir) {
    const missing = ['intro.ipynb', 'chapters/two.ipynb', '.git/shallow'].filter((p) => !fs.existsSync(path.join(dir, p)));
    if (missing.length) f.fail(`the clone ${dir} lacks ${missing.join(', ')}: ${fs.existsSync(dir) ? fs.readdirSync(dir).join(' ') : 'no such directory'}`);
    const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {encoding: 'utf8'}).trim();
    if (head !== this.suite.bookCommit) f.fail(`the clone ${dir} is at ${head}, not demo-book's ${this.suite.bookCommit}`);
  }

  /**
   * The notebook open in JupyterLab: a rendered markdown cell holds the notebook's text, and the
   * kernel JupyterLab starts for it goes idle.
   * @param {Flow} f
   * @param {Page} page
   * @param {{server: string, base: string, urlpath: string, notebook: string}} o
   */
  async renderNotebook(f, page, o) {
    const nb = this.table.notebooks[o.notebook];
    f.step('render', `JupyterLab renders ${nb.file} in the page: "${nb.text}"`, [o.server]);
    const shown = await page
      .waitFor(
        (/** @type {string} */ text) => {
          const cells = [...document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown')];
          const hit = cells.find((c) => c.textContent?.includes(text));
          return hit ? hit.textContent?.trim() : null;
        },
        [nb.text],
        {timeout: RENDER_MS, what: `"${nb.text}" in a rendered markdown cell of the notebook`},
      )
      .catch((/** @type {Error} */ err) => f.fail(err.message));
    await this.kernelIdle(f, page, o.server);
    f.note(`${this.who}: ${o.base}${o.urlpath} shows "${shown}"`);
  }

  /**
   * The kernel JupyterLab starts for the notebook: Idle in the status bar. (Firefox on the test
   * hubs is the exception: its kernel stays "Unknown" there, behind the PyPI proxy and behind the
   * Node one alike. See flows/README.md.)
   * @param {Flow} f
   * @param {Page} page
   * @param {string} server
   */
  async kernelIdle(f, page, server) {
    const strict = !(this.browser.name === 'firefox' && server !== 'lab');
    f.step('kernel', "the notebook's kernel starts (JupyterLab's status bar says Idle)", [server]);
    const status = await page
      .waitFor(
        (/** @type {boolean} */ strict) => {
          const item = [...document.querySelectorAll('.jp-StatusBar-TextItem')].find((e) => /\|\s*\w+\s*$/.test(e.textContent ?? ''));
          const text = item?.textContent?.trim() ?? '';
          return (strict ? /\|\s*Idle$/ : /\|\s*(Idle|Unknown)$/).test(text) ? text : null;
        },
        [strict],
        {timeout: strict ? 30_000 : 10_000, what: 'the kernel to be idle'},
      )
      .catch(async (/** @type {Error} */ err) => {
        if (strict) f.fail(err.message);
        return page.evaluate(() => [...document.querySelectorAll('.jp-StatusBar-TextItem')].map((e) => e.textContent?.trim()).find((t) => t?.includes('|')) ?? '?');
      });
    if (!/Idle$/.test(status)) f.note(`${this.who}: kernel "${status}" (not checked: Firefox on the hubs, see flows/README.md)`);
  }

  /**
   * The picture for the README: the notebook as JupyterLab shows it, news popup dismissed; and
   * the store listing's (`suite.storeScreenshot`, 1280×800: store/images.mjs), checked for its size.
   * @param {Flow} f
   * @param {Page} page
   * @param {string} file
   */
  async notebookScreenshot(f, page, file) {
    f.step('screenshot', `the notebook into ${path.relative(this.suite.root, file)}`);
    // dismiss JupyterLab's "get notified about Jupyter news?" toast
    await page.evaluate(() => {
      const no = [...document.querySelectorAll('.jp-toast-button, button')].find((b) => b.textContent?.trim() === 'No');
      if (no) /** @type {HTMLElement} */ (no).click();
    });
    await sleep(300);
    fs.mkdirSync(path.dirname(file), {recursive: true});
    await page.screenshot(file);
    f.note(`screenshot: ${path.relative(this.suite.root, file)}`);
    const store = this.suite.storeScreenshot;
    if (!store) return;
    f.step('screenshot', `the notebook at the store listing's 1280×800 into ${path.relative(this.suite.root, store)}`);
    fs.mkdirSync(path.dirname(store), {recursive: true});
    // The first picture resizes the tab; the second is taken once JupyterLab has laid itself out again.
    await page.screenshot(store, {width: 1280, height: 800});
    await sleep(500);
    await page.screenshot(store);
    checkSize(store, image('4-notebook.png'));
    f.note(`screenshot: ${path.relative(this.suite.root, store)}`);
  }
}
