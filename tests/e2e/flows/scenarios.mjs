// The launch flows of issue 5, in one browser with the built extension: a reader sets their
// hub in the options page, clicks a launch link on a course page, logs in, and ends on the
// notebook in JupyterLab; on a BinderHub, the launch reaches the hub as BinderHub needs it;
// warnings reach the tooltip and the popup; private mode never shows the hub to the page.
//
// Order matters for cookies only: every server is on 127.0.0.1 and cookies ignore ports, so
// the plain `jupyter lab` (whose cookies have path /, hence reach the hubs' /user/… pages too)
// runs last, after the hubs.
import {execFileSync, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {binderhubFlows} from './binderhub.mjs';
import {closeTab} from './runner.mjs';

/**
 * @typedef {import('./runner.mjs').Flow} Flow
 * @typedef {import('./runner.mjs').Runner} Runner
 * @typedef {{
 *   root: string, runDir: string, ports: Record<string, string>, links: ReturnType<typeof import('./pages.mjs').launchLinks>,
 *   commits: {book: string, env: string}, pages: Awaited<ReturnType<typeof import('./pages.mjs').servePages>>,
 *   byob: string, screenshot: string | null, only: RegExp | null,
 * }} Env
 */

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
const queryOf = (url) => url.slice(url.indexOf('?') + 1);
/** @param {string} url */
const host = (url) => new URL(url).host;
/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {Runner} run
 * @param {any} browser a started ChromiumBrowser or FirefoxBrowser (tests/e2e/lib)
 * @param {Env} env
 */
export async function runFlows(run, browser, env) {
  const {ports, links, pages, runDir, commits} = env;
  const HUB6 = ports.HUB6_URL;
  const HUB52 = ports.HUB52_URL;
  const LAB = ports.LAB_URL;
  const BINDER = ports.BINDER_URL;
  const who = browser.name; // user names: <browser>-<flow>
  const enc = encodeURIComponent;
  /** @type {any} */
  let options = null;
  /** the hub URLs as the options page saved them */
  const saved = {hub6: HUB6, hub52: HUB52, lab: LAB, binder: BINDER, binderService: ports.HUB52_SERVICE_URL};

  const wanted = (/** @type {string} */ name) => !env.only || name.startsWith('options-') || env.only.test(name);
  /**
   * @param {string} name
   * @param {string} title
   * @param {(f: Flow) => Promise<void>} fn
   */
  const flow = (name, title, fn) => (wanted(name) ? run.flow(name, title, fn) : Promise.resolve(null));

  // ---------------------------------------------------------------------------------------
  // The options page, as a user drives it

  /** Evaluate in the options page with the extension API as `x`. */
  const ext = (/** @type {Function} */ fn, /** @type {any[]} */ ...args) =>
    options.evaluate(`async (...a) => { const x = globalThis.browser ?? globalThis.chrome; return (${fn.toString()})(x, ...a); }`, ...args);
  const stored = async () => (await ext(async (/** @type {any} */ x) => (await x.storage.sync.get('settings.v1'))['settings.v1'])) ?? {};

  /**
   * Type a hub into the options page and wait for the detection.
   * @param {string} input
   */
  async function detect(input) {
    await options.bringToFront();
    await options.fill('#hub-input', input);
    return options.waitFor(
      (/** @type {string} */ input) => {
        const box = document.getElementById('detect-result');
        const state = box?.dataset.state;
        return /** @type {HTMLInputElement} */ (document.getElementById('hub-input')).value === input && state && state !== 'checking'
          ? {state, kind: box.dataset.kind ?? null, version: box.dataset.version ?? null, text: box.textContent}
          : null;
      },
      [input],
      {timeout: 10_000, what: `the detection of ${input}`},
    );
  }

  /** Click "Save hub" and wait until it is listed; return the URL it was saved as. */
  async function save() {
    const before = (await stored()).hubs?.length ?? 0;
    await options.click('#save-hub');
    await options.waitFor(() => /Saved/.test(document.getElementById('save-status')?.textContent ?? ''), [], {what: 'the "Saved" status'});
    const s = await stored();
    if ((s.hubs?.length ?? 0) !== before + 1) throw new Error(`saved hubs: ${JSON.stringify(s.hubs)}`);
    return s.activeHub;
  }

  /** Make `url` the active hub (the radio button of its row). @param {string} url */
  async function useHub(url) {
    if ((await stored()).activeHub === url) return;
    await options.bringToFront();
    await options.click(`#hub-list li[data-url="${url}"] input[type=radio]`);
    await waitStored((s, url) => s.activeHub === url, url, `active hub ${url}`);
  }

  /** @param {'rewrite' | 'private'} mode */
  async function setMode(mode) {
    if (((await stored()).mode ?? 'rewrite') === mode) return;
    await options.bringToFront();
    await options.click(`#mode-${mode}`);
    await waitStored((s, mode) => s.mode === mode, mode, `mode ${mode}`);
  }

  /** The environment repository box ("" clears it). @param {string} value */
  async function setEnvRepo(value) {
    if (((await stored()).envRepo ?? '') === value) return;
    await options.bringToFront();
    await options.fill('#env-repo', value);
    await options.click('#env-repo-save');
    await waitStored((s, v) => (s.envRepo ?? '') === v, value, `envRepo ${JSON.stringify(value)}`);
  }

  /**
   * @param {(s: any, arg: any) => boolean} pred
   * @param {any} arg
   * @param {string} what
   */
  async function waitStored(pred, arg, what) {
    const deadline = Date.now() + 10_000;
    let s;
    while (Date.now() < deadline) {
      s = await stored();
      if (pred(s, arg)) return s;
      await sleep(50);
    }
    throw new Error(`the settings never had ${what}: ${JSON.stringify(s)}`);
  }

  // ---------------------------------------------------------------------------------------
  // Browser steps

  /**
   * Poll the tab's URL (recording each new one in the flow's trail) until `pred` holds.
   * @param {Flow} f
   * @param {any} page
   * @param {(url: string) => boolean} pred
   * @param {number} timeout
   * @param {string} what
   */
  async function waitUrl(f, page, pred, timeout, what) {
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
    f.fail(`timed out after ${timeout / 1000} s waiting for ${what}; the tab is at ${url}`);
  }

  /**
   * Open a course page with launch links; wait until the content script has answered them.
   * @param {Flow} f
   * @param {string} name
   * @param {{id: string, href: string, text: string, target?: string}[]} items
   */
  async function openPage(f, name, items) {
    const url = pages.add(`${who}-${name}`, `Chapter: ${name}`, items);
    const page = await browser.open(url);
    f.page = page;
    f.tabs.push(page);
    return page;
  }

  /**
   * Wait for the link to be converted in the page and check it against the CLI.
   * @param {Flow} f
   * @param {any} page
   * @param {string} id
   * @param {string} original
   * @param {string} want
   */
  async function expectConverted(f, page, id, original, want) {
    // Wait for the href the core makes (a page opened the instant a setting changed may show
    // the previous answer until the background's refresh reaches it), then check the rest.
    /** @type {any} */
    let got = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      got = await page.evaluate(
        (/** @type {string} */ id) => {
          const a = document.getElementById(id);
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
   * The JupyterHub login form: the reader types a user name and the password.
   * @param {Flow} f
   * @param {any} page
   * @param {string} hub
   * @param {string} user
   * @param {string} server
   */
  async function login(f, page, hub, user, server) {
    await page.waitFor(() => !!document.getElementById('username_input') && !!document.getElementById('login_submit'), [], {timeout: 15_000, what: 'the login form (#username_input)'});
    f.step('login', `log in as ${user} (#username_input, #password_input, #login_submit)`, [server]);
    await page.fill('#username_input', user);
    await page.fill('#password_input', ports.HUB_PASSWORD);
    await page.click('#login_submit');
    await waitUrl(f, page, (u) => !u.startsWith(`${hub}hub/login`), 20_000, 'the hub to accept the login');
    // From here on the reader is logged in: stop their server and log out after the flow, so
    // the next flow's reader meets the login form.
    f.onCleanup(() => stopAndLogOut(hub, user));
  }

  /**
   * What a reader does when done: stop the server ("Stop My Server": DELETE of the hub's API
   * from the hub's own page, with its xsrf token), then log out.
   * @param {string} hub
   * @param {string} user
   */
  async function stopAndLogOut(hub, user) {
    const tab = await browser.open(`${hub}hub/home`);
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
   * @param {any} page
   * @param {{server: string, base: string, home: string, pull: string, urlpath: string, file: string, text: string}} o
   *   base: the user's server (…/user/<name>/ or the lab's root); pull: the git-pull URL expected
   */
  async function pullToNotebook(f, page, o) {
    // a page of the reader's server itself (a plain jupyter lab's login form is not one)
    const inServer = (/** @type {string} */ u) => u.startsWith(o.base) && !/^log(in|out)\b/.test(u.slice(o.base.length));
    f.step('spawn', `the tab reaches nbgitpuller's page ${o.pull.split('?')[0]}?<the link's query>`, [o.server]);
    await waitUrl(f, page, inServer, SPAWN_MS, `the tab to reach ${o.base}`);
    f.step('clone', `nbgitpuller's page clones demo-book into ${path.relative(env.root, o.home)}/demo-book, then moves on`, [o.server, 'git']);
    const left = await waitUrl(f, page, (u) => inServer(u) && !u.startsWith(`${o.base}git-pull`), CLONE_MS, "the tab to leave nbgitpuller's page");
    if (!f.trail.includes(o.pull)) f.fail(`the tab never showed ${o.pull} (the link's query, intact through login and OAuth)`);
    checkClone(f, path.join(o.home, 'demo-book'));
    f.step('redirect', `the tab lands on ${o.base}${o.urlpath}`, [o.server]);
    // (JupyterLab may later move the URL along with its file browser: the landing is in the trail)
    const want = `${o.base}${o.urlpath}`;
    if (left !== want) await waitUrl(f, page, () => f.trail.includes(want), 5000, want);
    await renderNotebook(f, page, o);
  }

  /**
   * The notebook open in JupyterLab: a rendered markdown cell holds `o.text`, and the kernel
   * JupyterLab starts for it goes idle.
   * @param {Flow} f
   * @param {any} page
   * @param {{server: string, base: string, urlpath: string, file: string, text: string}} o
   */
  async function renderNotebook(f, page, o) {
    f.step('render', `JupyterLab renders ${o.file} in the page: "${o.text}"`, [o.server]);
    const shown = await page
      .waitFor(
        (/** @type {string} */ text) => {
          const cells = [...document.querySelectorAll('.jp-Notebook .jp-RenderedMarkdown')];
          const hit = cells.find((c) => c.textContent?.includes(text));
          return hit ? hit.textContent.trim() : null;
        },
        [o.text],
        {timeout: RENDER_MS, what: `"${o.text}" in a rendered markdown cell of the notebook`},
      )
      .catch((/** @type {Error} */ err) => f.fail(err.message));
    // The kernel JupyterLab starts for the notebook: Idle in the status bar. (Firefox on the test
    // hubs is the exception: its kernel stays "Unknown" there, behind the PyPI proxy and behind
    // the Node one alike. See flows/README.md.)
    const strict = !(browser.name === 'firefox' && o.server !== 'lab');
    f.step('kernel', "the notebook's kernel starts (JupyterLab's status bar says Idle)", [o.server]);
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
    if (!/Idle$/.test(status)) f.note(`${who}: kernel "${status}" (not checked: Firefox on the hubs, see flows/README.md)`);
    f.note(`${who}: ${o.base}${o.urlpath} shows "${shown}"`);
  }

  /**
   * The clone nbgitpuller made: a shallow clone of demo-book at its commit, both notebooks.
   * @param {Flow} f
   * @param {string} dir
   */
  function checkClone(f, dir) {
    const missing = ['intro.ipynb', 'chapters/two.ipynb', '.git/shallow'].filter((p) => !fs.existsSync(path.join(dir, p)));
    if (missing.length) f.fail(`the clone ${dir} lacks ${missing.join(', ')}: ${fs.existsSync(dir) ? fs.readdirSync(dir).join(' ') : 'no such directory'}`);
    const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {encoding: 'utf8'}).trim();
    if (head !== commits.book) f.fail(`the clone ${dir} is at ${head}, not demo-book's ${commits.book}`);
  }

  /**
   * A reader on a JupyterHub: convert, click, login form, spawn, clone, redirect, render.
   * @param {Flow} f
   * @param {{server: 'hub6' | 'hub52', user: string, link: string, urlpath: string, file: string, text: string, shot?: string | null}} o
   */
  async function hubFlow(f, o) {
    const hub = saved[o.server];
    await setMode('rewrite');
    await useHub(hub);
    const home = path.join(runDir, o.server, 'home', o.user);
    fs.rmSync(path.join(home, 'demo-book'), {recursive: true, force: true});
    fs.rmSync(path.join(home, 'demo-env'), {recursive: true, force: true});
    f.step('convert', `the page's link becomes what \`byob rewrite --kind jupyterhub\` makes for ${hub}`);
    const want = cliRewrite(env.byob, hub, 'jupyterhub', o.link).output;
    if (!want) f.fail(`byob rewrite does not convert ${o.link}`);
    const page = await openPage(f, f.name, [{id: 'launch', href: o.link, text: 'Launch the notebook'}]);
    await expectConverted(f, page, 'launch', o.link, want);
    f.step('click', "a click on the converted link opens the hub's login form (next = the link's git-pull)", [o.server]);
    await page.click('#launch');
    const at = await waitUrl(f, page, (u) => u.startsWith(`${hub}hub/login`), 15_000, "the hub's login form");
    const next = new URL(at).searchParams.get('next');
    if (next !== `/hub/user-redirect/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
    await login(f, page, hub, o.user, o.server);
    await pullToNotebook(f, page, {
      server: o.server,
      base: `${hub}user/${o.user}/`,
      home,
      pull: `${hub}user/${o.user}/git-pull?${queryOf(want)}`,
      urlpath: o.urlpath,
      file: o.file,
      text: o.text,
    });
    if (fs.existsSync(path.join(home, 'demo-env'))) f.fail('the environment repository demo-env was cloned too');
    if (o.shot) await notebookScreenshot(f, page, o.shot);
  }

  /**
   * The picture for the README: the notebook as JupyterLab shows it, news popup dismissed,
   * kernel idle (at most a few seconds' wait for either).
   * @param {Flow} f
   * @param {any} page
   * @param {string} file
   */
  async function notebookScreenshot(f, page, file) {
    f.step('screenshot', `the notebook into ${path.relative(env.root, file)}`);
    // dismiss JupyterLab's "get notified about Jupyter news?" toast
    await page.evaluate(() => {
      const no = [...document.querySelectorAll('.jp-toast-button, button')].find((b) => b.textContent?.trim() === 'No');
      if (no) /** @type {HTMLElement} */ (no).click();
    });
    await sleep(300);
    fs.mkdirSync(path.dirname(file), {recursive: true});
    await page.screenshot(file);
    f.note(`screenshot: ${path.relative(env.root, file)}`);
  }

  // ---------------------------------------------------------------------------------------
  // Setup: the reader's hubs, saved in the options page as a user would

  await flow('options-hub52', 'JupyterHub 5.2.1 (no CORS): the page cannot read its API; the options page detects it with its own request once allowed', async (f) => {
    f.step('options', 'the options page opened on install is ready');
    options = await browser.waitForPage((/** @type {string} */ u) => u.startsWith(browser.origin) && u.includes('/options/options.html'), 20_000);
    await options.waitFor(() => document.body.dataset.ready === 'true', [], {what: 'the options page to be ready'});
    f.step('no-cors', `a page on ${pages.url} cannot read ${HUB52}hub/api/ (no CORS), but can read ${HUB6}hub/api/`, ['hub52']);
    const page = await openPage(f, 'cors', []);
    const reads = await page.evaluate(
      async (/** @type {string[]} */ urls) =>
        Promise.all(
          urls.map((u) =>
            fetch(`${u}hub/api/`).then(
              async (r) => `read ${(await r.json()).version}`,
              (e) => `refused (${e.name})`,
            ),
          ),
        ),
      [HUB52, HUB6],
    );
    if (!/^refused/.test(reads[0]) || reads[1] !== 'read 6.1.1') f.fail(`the page's own fetch: hub52 ${reads[0]}, hub6 ${reads[1]}`);
    f.step('detect', `type ${HUB52}: it answers but cannot be read without access`, ['hub52']);
    const before = await detect(HUB52);
    if (before.state !== 'needs-access') f.fail(`before access: ${JSON.stringify(before)}`);
    f.step('allow', 'click "Allow access and check": JupyterHub 5.2.1, no CORS', ['hub52']);
    await browser.preApprove(['http://127.0.0.1/*']);
    await options.click('#allow-check');
    const after = await options.waitFor(
      () => {
        const box = document.getElementById('detect-result');
        return box?.dataset.state === 'done' ? {kind: box.dataset.kind, version: box.dataset.version, text: box.textContent} : null;
      },
      [],
      {what: 'the detection with access'},
    );
    if (after.kind !== 'jupyterhub' || after.version !== '5.2.1' || !/no CORS/.test(after.text)) f.fail(`with access: ${JSON.stringify(after)}`);
    f.step('save', 'save it');
    saved.hub52 = await save();
    f.note(`${who}: options says "${after.text.trim()}"; the page's own fetch of hub52: ${reads[0]}`);
  });

  await flow('options-hubs', "save the Jupyter Server, the BinderHub, hub52's full BinderHub service (at its own URL) and, through hub6's API-only service, JupyterHub 6.1.1 (active); allow on all sites", async (f) => {
    if (!options) f.fail('no options page (the previous flow failed before finding it)');
    // [key, typed, detected kind, the hub saved: URL and kind]
    for (const [key, url, kind, savedUrl, savedKind] of /** @type {const} */ ([
      ['lab', LAB, 'jupyter-server', LAB, 'jupyter-server'],
      ['binder', BINDER, 'binderhub', BINDER, 'binderhub'],
      // issue 13: a full BinderHub service is a launch target at its own URL ...
      ['binderService', ports.HUB52_SERVICE_URL, 'binderhub', ports.HUB52_SERVICE_URL, 'binderhub'],
      // ... and an API-only one is not: the JupyterHub in front of it is saved
      ['hub6', ports.HUB6_SERVICE_URL, 'binderhub-service', HUB6, 'jupyterhub'],
    ])) {
      f.step('detect', `type ${url}: ${kind}`, [key === 'binderService' ? 'hub52' : key]);
      const d = await detect(url);
      if (d.state !== 'done' || d.kind !== kind) f.fail(`detection of ${url}: ${JSON.stringify(d)}`);
      f.step('save', `save ${url}: the hub saved is ${savedKind} ${savedUrl}`);
      saved[key] = await save();
      const hub = (await stored()).hubs.find((/** @type {any} */ h) => h.url === saved[key]);
      if (saved[key] !== savedUrl || hub?.kind !== savedKind) f.fail(`saved ${JSON.stringify(hub)}; want ${savedKind} at ${savedUrl}`);
    }
    const s = await stored();
    const kinds = s.hubs.map((/** @type {any} */ h) => `${h.url} ${h.kind}${h.version ? ` ${h.version}` : ''}`);
    if (s.activeHub !== saved.hub6) f.fail(`active hub ${s.activeHub}`);
    f.step('allow-all', 'click "Allow on all sites"');
    await browser.preApprove(['http://*/*', 'https://*/*']);
    await options.bringToFront();
    await options.click('#allow-all');
    await options.waitFor(() => document.getElementById('access-status')?.dataset.automatic === 'true', [], {what: 'automatic mode on'});
    f.note(`${who}: saved ${kinds.join(', ')}`);
  });

  // ---------------------------------------------------------------------------------------
  // 1, 2: JupyterHub 6.1.1 and 5.2.1

  const hubCases = [
    {id: 'a', link: links.binder, what: 'Binder link v2/git/<demo-book>/main', urlpath: 'lab/tree/demo-book/intro.ipynb', file: 'intro.ipynb', text: 'BYOB demo notebook 42'},
    {id: 'b', link: links.nbgitpuller, what: 'nbgitpuller link to other.example.edu', urlpath: 'lab/tree/demo-book/chapters/two.ipynb', file: 'chapters/two.ipynb', text: 'BYOB demo chapter two 7'},
    {id: 'c', link: links.binderEnv, what: 'Binder + nbgitpuller link (environment demo-env, content demo-book)', urlpath: 'lab/tree/demo-book/intro.ipynb', file: 'intro.ipynb', text: 'BYOB demo notebook 42'},
  ];
  for (const [server, label] of /** @type {const} */ ([
    ['hub6', 'JupyterHub 6.1.1'],
    ['hub52', 'JupyterHub 5.2.1'],
  ])) {
    for (const c of hubCases) {
      const name = `${server}-${c.id}`;
      const shot = server === 'hub6' && c.id === 'a' ? env.screenshot : null;
      await flow(name, `${label} ← ${c.what}: login, spawn, clone, ${c.file} rendered`, (f) => hubFlow(f, {server, user: `${who}-${name}`, ...c, shot}));
    }
    if (server === 'hub6') {
      // 5: warnings, on the hub whose conversion has them
      await flow('warnings', 'JupyterHub 6.1.1 ← a pinned-commit Binder link (converted, warned) and a Zenodo link (left, with the reason): tooltip and popup; the pinned link still opens the notebook', (f) =>
        warnings(f, `${who}-warnings`),
      );
    }
  }

  /**
   * @param {Flow} f
   * @param {string} user
   */
  async function warnings(f, user) {
    const hub = saved.hub6;
    await setMode('rewrite');
    await useHub(hub);
    const home = path.join(runDir, 'hub6', 'home', user);
    fs.rmSync(path.join(home, 'demo-book'), {recursive: true, force: true});
    f.step('convert', 'the core warns about the pinned commit and refuses the Zenodo link (byob rewrite -v)');
    const pinned = cliRewrite(env.byob, hub, 'jupyterhub', links.pinned);
    const zenodo = cliRewrite(env.byob, hub, 'jupyterhub', links.zenodo);
    if (!pinned.output || !pinned.warnings.some((w) => /pinned commit/.test(w))) f.fail(`byob rewrite -v of the pinned link: ${JSON.stringify(pinned)}`);
    if (zenodo.output || !/zenodo/i.test(zenodo.reason ?? '')) f.fail(`byob rewrite -v of the Zenodo link: ${JSON.stringify(zenodo)}`);
    const page = await openPage(f, 'warnings', [
      {id: 'pinned', href: links.pinned, text: 'Launch this exact version'},
      {id: 'zenodo', href: links.zenodo, text: 'The archived data on Zenodo'},
    ]);
    f.step('tooltip', "the pinned link's tooltip carries each warning; the Zenodo link is left as it was, its tooltip says why");
    const got = await expectConverted(f, page, 'pinned', links.pinned, pinned.output);
    const missing = pinned.warnings.filter((w) => !got.title.includes(`Note: ${w}`));
    if (missing.length) f.fail(`the tooltip lacks ${JSON.stringify(missing)}: ${JSON.stringify(got.title)}`);
    const z = await page.waitFor(() => {
      const a = document.getElementById('zenodo');
      return a?.hasAttribute('data-byob-refused') ? {href: a.getAttribute('href'), title: a.getAttribute('title'), refused: a.getAttribute('data-byob-refused')} : null;
    });
    const wantTitle = `Cannot open on ${host(hub)}: ${zenodo.reason}`;
    if (z.href !== links.zenodo || z.refused !== zenodo.reason || z.title !== wantTitle) f.fail(`the Zenodo link: ${JSON.stringify(z)}; want its href kept and the title ${JSON.stringify(wantTitle)}`);
    f.step('popup', 'the popup lists both links: the warnings under the pinned one, the reason under the Zenodo one');
    const pageUrl = await page.url();
    const tabId = await ext(async (/** @type {any} */ x, /** @type {string} */ url) => (await x.tabs.query({})).find((/** @type {any} */ t) => t.url === url)?.id, pageUrl);
    await ext((/** @type {any} */ x, /** @type {number} */ id) => x.tabs.create({url: `/popup/popup.html?tab=${id}`}), tabId);
    const popup = await browser.waitForPage((/** @type {string} */ u) => u.startsWith(browser.origin) && u.includes(`/popup/popup.html?tab=${tabId}`));
    f.tabs.push(popup);
    const items = await popup.waitFor(
      () =>
        document.body.dataset.links
          ? [...document.querySelectorAll('#links li')].map((li) => ({
              status: /** @type {HTMLElement} */ (li).dataset.status,
              from: li.querySelector('.from')?.textContent,
              to: li.querySelector('.to')?.textContent ?? null,
              notes: [...li.querySelectorAll('.note')].map((n) => n.textContent),
            }))
          : null,
      [],
      {what: 'the popup list'},
    );
    const p = items.find((/** @type {any} */ i) => i.from === links.pinned);
    const zi = items.find((/** @type {any} */ i) => i.from === links.zenodo);
    if (!p || p.status !== 'rewritten' || p.to !== pinned.output || !pinned.warnings.every((w) => p.notes.includes(`Note: ${w}`))) f.fail(`the popup's pinned link: ${JSON.stringify(p)}`);
    if (!zi || zi.status !== 'refused' || !zi.notes.includes(`Cannot open on your hub: ${zenodo.reason}`)) f.fail(`the popup's Zenodo link: ${JSON.stringify(zi)}`);
    f.note(`${who}: tooltip: ${JSON.stringify(got.title)}`);
    f.note(`${who}: Zenodo: ${JSON.stringify(z.title)}`);
    await closeTab(popup);
    f.step('click', 'the pinned link, clicked: the login form (the default branch is pulled instead of the commit)', ['hub6']);
    await page.bringToFront();
    await page.click('#pinned');
    await waitUrl(f, page, (u) => u.startsWith(`${hub}hub/login`), 15_000, "the hub's login form");
    await login(f, page, hub, user, 'hub6');
    await pullToNotebook(f, page, {
      server: 'hub6',
      base: `${hub}user/${user}/`,
      home,
      pull: `${hub}user/${user}/git-pull?${queryOf(pinned.output)}`,
      urlpath: 'lab/tree/demo-book/intro.ipynb',
      file: 'intro.ipynb',
      text: 'BYOB demo notebook 42',
    });
  }

  // ---------------------------------------------------------------------------------------
  // 4: BinderHub: the root stand-in, and a full BinderHub service behind JupyterHub 5.2.1,
  // each followed past the launch page (flows/binderhub.mjs)

  const binderhub = await binderhubFlows({
    flow, browser, env, who, saved, links, setMode, useHub, setEnvRepo, openPage, expectConverted, privateChecks, waitUrl, cliRewrite, pullToNotebook, renderNotebook,
  });

  // ---------------------------------------------------------------------------------------
  // 6: private mode: the page keeps its links, never contains the hub; a click opens the hub

  /**
   * Check the page's DOM (every attribute and text, shadow roots included) names nothing of
   * the hub; run `click`; check again, and that the page stayed where it was.
   * @param {Flow} f
   * @param {any} page
   * @param {string} hub
   * @param {() => Promise<void>} click
   */
  async function privateChecks(f, page, hub, click) {
    const h = host(hub);
    const needles = [h, enc(h), h.replace(/\./g, '%2E'), hub.replace(/\/$/, '')];
    f.step('private-dom', "the content script answered the page's links (private mode) and the DOM names nothing of the hub");
    const pageUrl = await page.url();
    const tabId = await ext(async (/** @type {any} */ x, /** @type {string} */ url) => (await x.tabs.query({})).find((/** @type {any} */ t) => t.url === url)?.id, pageUrl);
    // every launch link answered, none with a URL (a refused one, like Zenodo on a JupyterHub, has none anyway)
    const privateAnswered = (/** @type {any} */ state) =>
      state?.active === true &&
      state.mode === 'private' &&
      state.links.some((/** @type {any} */ l) => l.status === 'rewritten') &&
      state.links.every((/** @type {any} */ l) => ['rewritten', 'refused'].includes(l.status) && l.output === null);
    /** @type {any} */
    let state = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !privateAnswered(state)) {
      state = await ext(
        async (/** @type {any} */ x, /** @type {number} */ id) => (await x.scripting.executeScript({target: {tabId: id}, func: () => /** @type {any} */ (globalThis)[Symbol.for('byob.content')]?.settled()}))[0].result,
        tabId,
      );
      if (!privateAnswered(state)) await sleep(100);
    }
    if (!privateAnswered(state)) f.fail(`the content script's state: ${JSON.stringify(state)}`);
    const leaks = async () =>
      page.evaluate((/** @type {string[]} */ needles) => {
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
        const text = document.documentElement.outerHTML + document.title + (document.body?.innerText ?? '');
        const n = has(text);
        if (n) found.push(`the page's text/markup contains ${n}`);
        return found;
      }, needles);
    const before = await leaks();
    if (before.length) f.fail(`before the click, the page contains the hub: ${before.join('; ')}`);
    f.step('private-click', 'a click on the (unchanged) link: the extension opens the hub in a new tab');
    await click();
    f.step('private-dom', 'after the click, the page is where it was and its DOM still names nothing of the hub');
    const after = await leaks();
    if (after.length) f.fail(`after the click, the page contains the hub: ${after.join('; ')}`);
    if ((await page.url()) !== pageUrl) f.fail(`the page moved to ${await page.url()}`);
  }

  /**
   * Private mode on a JupyterHub: one reader, the three links on one page, each opened in a new
   * tab by the extension: the first logs in and spawns, the others go straight to the pull.
   * @param {Flow} f
   * @param {string} user
   */
  async function privateHub(f, user) {
    const hub = saved.hub6;
    await setEnvRepo('');
    await setMode('private');
    await useHub(hub);
    const home = path.join(runDir, 'hub6', 'home', user);
    // the three links, and a Zenodo link (refused on a JupyterHub: in rewrite mode its tooltip
    // names the hub; in private mode nothing may)
    const page = await openPage(f, 'private-hub6', [
      ...hubCases.map((c) => ({id: c.id, href: c.link, text: `Launch (${c.id})`, target: '_blank'})),
      {id: 'zenodo', href: links.zenodo, text: 'The archived data on Zenodo', target: '_blank'},
    ]);
    const pageFlow = f.page;
    let first = true;
    for (const c of hubCases) {
      f.page = pageFlow;
      fs.rmSync(path.join(home, 'demo-book'), {recursive: true, force: true});
      const want = cliRewrite(env.byob, hub, 'jupyterhub', c.link).output;
      /** @type {any} */
      let tab = null;
      await privateChecks(f, page, hub, async () => {
        await page.bringToFront();
        await page.click(`#${c.id}`);
        tab = await browser.waitForPage((/** @type {string} */ u) => u.startsWith(hub), 15_000);
      });
      f.page = tab;
      f.trail = [];
      f.tabs.push(tab);
      if (first) {
        f.step('click', `link ${c.id}: the new tab shows the hub's login form`, ['hub6']);
        const at = await waitUrl(f, tab, (u) => u.startsWith(`${hub}hub/login`), 15_000, "the hub's login form");
        const next = new URL(at).searchParams.get('next');
        if (next !== `/hub/user-redirect/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
        await login(f, tab, hub, user, 'hub6');
        first = false;
      }
      await pullToNotebook(f, tab, {server: 'hub6', base: `${hub}user/${user}/`, home, pull: `${hub}user/${user}/git-pull?${queryOf(want)}`, urlpath: c.urlpath, file: c.file, text: c.text});
      await closeTab(tab);
    }
  }

  await flow('private-hub6', 'private mode, JupyterHub 6.1.1 ← links a, b, c: the page never contains the hub; each click opens the notebook', (f) => privateHub(f, `${who}-private`));
  await flow('private-binder', 'private mode, BinderHub stand-in ← a mybinder.org v2/git link: the page never contains the hub; the launch is recorded', (f) =>
    binderhub.binderFlow(f, {...binderhub.binderCases[0], id: 'private-binder'}, 'private'),
  );

  // ---------------------------------------------------------------------------------------
  // 3: Jupyter Server (`jupyter lab`, token): last, because of its cookies (see the top)

  /** The lab's kernels, from its API with the token. */
  const kernels = async () => {
    const r = await fetch(`${LAB}api/kernels`, {headers: {Authorization: `token ${ports.LAB_TOKEN}`}});
    return /** @type {{id: string}[]} */ (await r.json()).map((k) => k.id);
  };

  /**
   * @param {Flow} f
   * @param {{link: string, urlpath: string, file: string, text: string, auth: 'url-token' | 'login-form' | 'private'}} o
   */
  async function labFlow(f, o) {
    const hub = saved.lab;
    await setEnvRepo('');
    await setMode(o.auth === 'private' ? 'private' : 'rewrite');
    await useHub(hub);
    const home = path.join(runDir, 'lab', 'home');
    fs.rmSync(path.join(home, 'demo-book'), {recursive: true, force: true});
    const known = new Set(await kernels());
    f.onCleanup(async () => {
      // the kernels this flow's notebook started, then the reader logs out
      for (const id of await kernels()) {
        if (!known.has(id)) await fetch(`${LAB}api/kernels/${id}`, {method: 'DELETE', headers: {Authorization: `token ${ports.LAB_TOKEN}`}});
      }
      const tab = await browser.open(`${hub}logout`);
      await closeTab(tab);
    });
    f.step('convert', `the link becomes what \`byob rewrite --kind jupyter-server\` makes for ${hub}`);
    const want = cliRewrite(env.byob, hub, 'jupyter-server', o.link).output;
    if (!want) f.fail(`byob rewrite does not convert ${o.link}`);
    if (o.auth !== 'login-form') {
      f.step('login', `the reader opens ${hub}lab?token=… once (the URL \`jupyter lab\` printed)`, ['lab']);
      const tab = await browser.open(`${hub}lab?token=${ports.LAB_TOKEN}`);
      f.page = tab;
      await tab.waitFor(() => !!document.querySelector('.jp-LabShell, #jp-main-dock-panel'), [], {timeout: RENDER_MS, what: 'JupyterLab'});
      await tab.close();
    }
    const page = await openPage(f, `lab-${o.auth}`, [{id: 'launch', href: o.link, text: 'Launch the notebook', target: o.auth === 'private' ? '_blank' : undefined}]);
    let tab = page;
    if (o.auth === 'private') {
      await privateChecks(f, page, hub, async () => {
        await page.click('#launch');
        tab = await browser.waitForPage((/** @type {string} */ u) => u.startsWith(hub), 15_000);
      });
      f.page = tab;
      f.tabs.push(tab);
    } else {
      await expectConverted(f, page, 'launch', o.link, want);
      f.step('click', 'a click on the converted link', ['lab']);
      await page.click('#launch');
    }
    if (o.auth === 'login-form') {
      f.step('login', "logged out, the link lands on the server's login form (next = the git-pull link); the reader types the token", ['lab']);
      const at = await waitUrl(f, tab, (u) => u.startsWith(`${hub}login`), 15_000, "the server's login form");
      const next = new URL(at).searchParams.get('next');
      if (next !== `/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
      await tab.waitFor(() => !!document.getElementById('password_input'), [], {what: 'the login form (#password_input)'});
      await tab.fill('#password_input', ports.LAB_TOKEN);
      await tab.click('#login_submit');
    }
    await pullToNotebook(f, tab, {server: 'lab', base: hub, home, pull: want, urlpath: o.urlpath, file: o.file, text: o.text});
  }

  await flow('lab-a', 'Jupyter Server ← Binder link: ?token= once, then the converted git-pull link lands on the notebook', (f) => labFlow(f, {...hubCases[0], auth: 'url-token'}));
  await flow('lab-b', 'Jupyter Server ← nbgitpuller link, logged out: the login form, the token typed in, then the notebook', (f) => labFlow(f, {...hubCases[1], auth: 'login-form'}));
  await flow('private-lab', 'private mode, Jupyter Server ← Binder link: the page never contains the server; the click opens the notebook', (f) => labFlow(f, {...hubCases[0], auth: 'private'}));

}
