// @ts-check
/**
 * The Jupyter Book 2 (MyST) feature (a plain script, registered on the session): the page has a
 * launch button but no link; add one, and fill the page's own launch form with the reader's hub.
 *
 * The page's launch inputs are read as data (myst-data.js): the first page's inline Remix data,
 * and after a single-page navigation the new page's JSON, which the site serves for its own
 * router. The background builds the Binder link the page means (core: mystLink) and rewrites it
 * like any launch link; a "Launch on <hub>" control (myst-button.js) then sits beside the page's
 * rocket button. When the reader opens the rocket's own form, its URL field gets the active hub
 * (rewrite mode only: private mode never shows the page the hub).
 *
 * Every page with launch inputs gets this, notebook or not: myst-theme shows its rocket on a
 * page with a location in a project with launch settings (whenever the page's header row shows:
 * on a notebook always, on another page when it has a badge such as its license), and its form
 * opens that page's source file (`lab/tree/<location>`: a README.md, a MyST Markdown file)
 * just as it opens a notebook (docs/protocols.md §5). Our control only ever sits beside the page's rocket, and
 * the prefill only in the rocket's form, so a page without a rocket gets neither; the popup
 * lists the page's launch either way.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const session = g[Symbol.for('byob.session')];
  const mystData = g[Symbol.for('byob.myst')];
  const scan = g[Symbol.for('byob.textScan')];
  const button = g[Symbol.for('byob.mystButton')];
  if (!session || session.has('myst')) return;
  if (!mystData || !scan || !button) {
    console.error('byob: Jupyter Book 2 pages cannot get a launch button: the MyST reader is missing');
    return;
  }
  /** How much of a page JSON is read: its leading members (kind, location, frontmatter) come before the mdast. */
  const PAGE_CAP = 512 * 1024;
  const CONFIG_CAP = 8 * 1024 * 1024;
  /** Page JSON kept, by URL (a site's own router loads the same pages again and again). */
  const MAX_PAGES = 50;
  /** A navigation may land a moment after the DOM changes it causes: look again this much later. */
  const RECHECK_MS = 200;

  /**
   * @typedef {import('./myst-button.js').MystLaunch} MystLaunch
   */
  const myst = {
    enabled: false,
    /** @type {Promise<any> | null} the site (base path, config), resolved once per page load */
    site: null,
    /** @type {string | null} the path the current launch is for */
    path: null,
    token: 0,
    /** @type {MystLaunch | null} the launch of the page now shown */
    current: null,
    /** page JSON by URL @type {Map<string, Promise<any>>} */
    pages: new Map(),
    /** form fields we filled, form tabs we chose (once each) @type {WeakSet<Element>} */
    touched: new WeakSet(),
    /** @type {ReturnType<typeof setTimeout> | null} */
    recheck: null,
  };
  // Any DOM change may be the page's router rendering another page, or React dropping our
  // control, or the reader opening the launch form.
  const observer = new MutationObserver(() =>
    session.timed(() => {
      check();
      recheckSoon();
    }),
  );

  function start() {
    if (!myst.enabled) {
      if (!mystData.isMystPage(document)) return;
      myst.enabled = true;
      // Single-page navigation: back and forward, and where the browser has it, every history change.
      window.addEventListener('popstate', () => session.timed(check));
      // (Checked to be the real Navigation object: a page element named `navigation` is not.)
      if (typeof g.Navigation === 'function' && g.navigation instanceof g.Navigation) g.navigation.addEventListener('currententrychange', () => session.timed(check));
    }
    observer.observe(document, {subtree: true, childList: true});
    check();
  }

  function stop() {
    observer.disconnect();
    if (myst.recheck !== null) clearTimeout(myst.recheck);
    myst.recheck = null;
  }

  /** Cheap, run on every DOM change and navigation event: follow the page, keep our control, fill the form. */
  function check() {
    if (!myst.enabled || session.page.active === false) return;
    if (location.pathname !== myst.path) {
      myst.path = location.pathname;
      session.track(load(myst.path));
      return;
    }
    show();
    prefill();
  }

  function recheckSoon() {
    if (myst.recheck !== null) clearTimeout(myst.recheck);
    myst.recheck = setTimeout(() => {
      myst.recheck = null;
      session.timed(check);
    }, RECHECK_MS);
  }

  function show() {
    const page = session.page;
    button.place(myst.current, {active: page.active === true, hidden: page.mode === 'private', hub: page.hub});
  }

  /** @param {string} path */
  async function load(path) {
    const token = ++myst.token;
    const generation = session.page.generation;
    button.reset();
    myst.current = null;
    const stale = () => token !== myst.token || generation !== session.page.generation;
    let launch;
    try {
      myst.site ??= site();
      const s = await myst.site;
      if (!s || stale()) return;
      const key = mystData.pageKey(path, s.base);
      const {page, project} = await pageData(s, key);
      launch = mystData.launchFor(project, page);
    } catch (err) {
      console.warn('byob: could not read the launch settings of this Jupyter Book 2 page', err);
      return;
    }
    if (!launch || stale()) return; // no launch settings or no location: the page's own rocket is not shown either
    let reply;
    try {
      reply = await session.api.runtime.sendMessage({type: 'content:myst', binder: launch.binder, location: launch.location});
    } catch (err) {
      console.error('byob: could not build the launch link of this Jupyter Book 2 page', err);
      return;
    }
    if (stale()) return;
    if (!reply?.ok) {
      console.warn(`byob: this Jupyter Book 2 page's launch settings cannot be used: ${reply?.error}`);
      return;
    }
    myst.current = {link: reply.link, result: reply.active ? reply.result : null, notebook: launch.notebook, file: mystData.fileName(launch.location), prefill: reply.prefill ?? null};
    if (!session.timed(() => session.heard(reply))) return;
    session.remember(reply.link, reply.result);
    session.timed(() => {
      show();
      prefill();
    });
  }

  /**
   * The site: from the first page's inline data, or else from its `config.json` (nearest the
   * origin's root first).
   * @returns {Promise<any>}
   */
  async function site() {
    const ctx = mystData.readRemixContext(document);
    const s = ctx ? mystData.siteFromContext(ctx, location.pathname) : null;
    if (s && (s.config || s.routeProject)) return s;
    for (const url of mystData.configUrls(location.pathname, location.origin)) {
      const config = await fetchJson(url, CONFIG_CAP).catch(() => null);
      if (config && Array.isArray(config.projects)) {
        const base = new URL(url).pathname.replace(/\/config\.json$/, '');
        return {base, config, index: config.projects[0]?.index ?? 'index', routeProject: null, first: null};
      }
    }
    return null;
  }

  /**
   * A page's data: the inline data when it is the page shown, else its JSON.
   * @param {any} s the site
   * @param {string} key
   */
  async function pageData(s, key) {
    const project = mystData.projectFor(s, key);
    if (s.first && s.first.key === key) return {page: s.first.page, project: s.first.project ?? project};
    const url = mystData.pageJsonUrl(s, key, location.origin);
    let loading = myst.pages.get(url);
    if (!loading) {
      loading = fetchJson(url, PAGE_CAP);
      loading.catch(() => myst.pages.delete(url)); // a failed fetch is tried again next time
      if (myst.pages.size > MAX_PAGES) myst.pages.delete(myst.pages.keys().next().value);
      myst.pages.set(url, loading);
    }
    return {page: await loading, project};
  }

  /**
   * GET a same-site JSON file, reading at most `cap` characters: past that, the object's
   * complete leading members.
   * @param {string} url
   * @param {number} cap
   */
  async function fetchJson(url, cap) {
    const res = await fetch(url, {credentials: 'same-origin', headers: {accept: 'application/json'}});
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    if (!res.body) return JSON.parse(await res.text());
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    for (;;) {
      const {done, value} = await reader.read();
      if (done) return JSON.parse(text + decoder.decode());
      text += decoder.decode(value, {stream: true});
      if (text.length > cap) {
        reader.cancel().catch(() => {
          // The rest of the body is not wanted; a stream that cannot be cancelled changes nothing.
        });
        return scan.leadingMembers(text);
      }
    }
  }

  /**
   * The reader opened the page's own launch form: put their hub in its URL field, the way
   * React notices (the native value setter, then input and change events), so the form's own
   * hub detection and Launch button work. Once per field; a field the reader typed in is left
   * alone. Older forms with a Binder and a JupyterHub tab get the tab for the hub's kind first.
   */
  function prefill() {
    const hub = myst.current?.prefill;
    if (!hub || session.page.active !== true || session.page.mode === 'private') return;
    const input = mystData.openFormInput(document, mystData.launchButton(document));
    if (!input || myst.touched.has(input)) return;
    const tab = mystData.formTab(input, hub.tab);
    if (tab && !tab.selected) {
      if (myst.touched.has(tab.tab)) return; // the reader went back to the other tab
      myst.touched.add(tab.tab);
      // Radix tabs switch on mousedown (primary button, no Ctrl); the new tab's field then appears.
      tab.tab.dispatchEvent(new MouseEvent('mousedown', {bubbles: true, cancelable: true, button: 0}));
      return;
    }
    myst.touched.add(input);
    if (input.value !== '') return;
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
    if (setter) setter.call(input, hub.url);
    else input.value = hub.url;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
  }

  /** Take our control away and forget the launch (settings changed, or the site was turned off). */
  function restore() {
    button.reset();
    myst.current = null;
    myst.path = null;
    myst.token++;
  }

  /** The page's launch, for the popup: the Binder link it means and what it becomes. */
  function entries() {
    const cur = myst.current;
    if (!cur) return [];
    const r = cur.result;
    return [{href: cur.link, source: 'myst', status: r?.status ?? 'pending', output: r?.output ?? null, reason: r?.reason ?? null, warnings: r?.warnings ?? [], text: button.text()}];
  }

  session.register({name: 'myst', start, stop, restore, entries});
})();
