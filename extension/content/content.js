// @ts-check
/**
 * The content script runtime (plain JS: no Wasm, no storage). It finds launch-link
 * candidates (launch-links.js), asks the background what each becomes, in batches, and
 * applies the answers:
 *
 *  - rewrite mode: the href becomes the converted URL (so hovering shows the user's hub), the
 *    title names the original and any warning, `data-byob-original` keeps the original, and
 *    Alt-click (Option-click) opens the original;
 *  - private mode: the DOM is not touched; a click on a convertible link is cancelled and the
 *    background opens the converted URL, so the page never sees the user's hub.
 *
 * A MutationObserver picks up links added or re-rendered later. Our own href writes are
 * recognised (the link's href equals what we wrote) so they never feed back into the observer.
 * On sites the user turned off, or with no hub set, the background answers "inactive" and
 * nothing on the page changes.
 *
 * The page is hostile. Its hrefs may be megabytes long, its DOM may churn forever, its elements
 * may be named like our globals: this script's own state is reached only through symbol-keyed
 * globals (`Symbol.for('byob.content')`), which no element id can produce (Chromium exposes
 * `<a id="x">` as the global `x` in the content script's world), work per link is bounded (a
 * link whose href keeps changing is let go), hrefs longer than `MAX_HREF` are answered here
 * without being sent, and a batch that fails is logged while the next one still goes.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const KEY = Symbol.for('byob.content');
  if (g[KEY]) {
    // Injected again (toolbar button after an earlier run): look for new links only.
    g[KEY].rescan();
    return;
  }
  // The extension API: the first namespace that really is one (a page element named `browser`
  // is not; Chromium before 148 has no `browser` of its own to hide it).
  const api = [g.browser, g.chrome].find((x) => x && typeof x === 'object' && typeof x.runtime?.sendMessage === 'function');
  const finder = g[Symbol.for('byob.launchLinks')];
  if (!api || !finder) {
    console.error('byob: the content script cannot start: the extension API or the link finder is missing');
    return;
  }
  const MAX_BATCH = 1000; // messages.js MAX_BATCH
  const MAX_HREF = 8192; // messages.js MAX_HREF: longer hrefs are answered here, never sent
  /** Answers kept at most (a cache: a page inventing hrefs forever must not grow it forever). */
  const MAX_ANSWERS = 20_000;
  /** Href changes of one link looked at; past this the link is let go (a page rewriting it every frame). */
  const MAX_CHANGES = 10;
  const SETTLE_MS = 30; // coalesce bursts of DOM changes (framework re-renders) into one batch
  const MAX_REAPPLY = 5; // a page that keeps resetting one link's href is left alone after this

  /**
   * @typedef {{status: string, output: string | null, reason: string | null, warnings: string[]}} Result
   * @typedef {{original: string, applied: string | null, result: Result, count: number, title: string | null}} LinkState
   */

  /** Answers by original href, so re-rendered links cost no message. @type {Map<string, Result>} */
  const answers = new Map();
  /** What we did to each link. @type {WeakMap<HTMLAnchorElement, LinkState>} */
  const links = new WeakMap();
  /** Links we changed in the DOM (to undo on refresh). @type {Set<HTMLAnchorElement>} */
  const changed = new Set();
  /** Links found but not yet answered. @type {Map<HTMLAnchorElement, {href: string, source: string}>} */
  const pending = new Map();
  /** Found candidates with their source, for the popup. @type {Map<HTMLAnchorElement, string>} */
  const found = new Map();
  /** How often each link was collected again after an href change. @type {WeakMap<Element, number>} */
  const changes = new WeakMap();
  /** Links the page kept changing, let go: their mutations are not even looked at. @type {WeakSet<Element>} */
  const letGo = new WeakSet();

  const state = {
    /** null until the background answered once */
    active: /** @type {boolean | null} */ (null),
    mode: 'rewrite',
    hub: /** @type {string | null} */ (null),
    reason: /** @type {string | null} */ (null),
    timer: /** @type {ReturnType<typeof setTimeout> | null} */ (null),
    /** the batch being answered, if any */
    flushing: /** @type {Promise<void>} */ (Promise.resolve()),
    generation: 0,
  };

  /** Main-thread time spent in this script's own work, for `make bench-ext` and the popup. */
  const stats = {busyMs: 0, batches: 0, firstReplyMs: /** @type {number | null} */ (null), lastReplyMs: /** @type {number | null} */ (null)};

  /**
   * Run `fn`, adding its duration to stats.busyMs.
   * @template T
   * @param {() => T} fn
   * @returns {T}
   */
  function timed(fn) {
    const t = performance.now();
    try {
      return fn();
    } finally {
      stats.busyMs += performance.now() - t;
    }
  }

  /** Tooltip texts, built once per hub. */
  const titles = {hub: /** @type {string | null} */ (null), rewritten: '', altClick: ''};

  const observer = new MutationObserver(onMutations);

  /** @param {ParentNode} root */
  function collect(root) {
    for (const c of finder.findCandidates(root)) {
      const known = links.get(c.link);
      // Our own rewrite reads back as the applied URL: nothing new.
      if (known && known.applied !== null && c.href === known.applied) continue;
      if (known && known.applied === null && c.href === known.original) continue;
      if (known || found.has(c.link)) {
        const n = (changes.get(c.link) ?? 0) + 1;
        changes.set(c.link, n);
        if (n > MAX_CHANGES) {
          letGo.add(c.link); // a link the page keeps changing: let it go
          continue;
        }
      }
      found.set(c.link, c.source);
      pending.set(c.link, {href: c.href, source: c.source});
    }
    if (found.size > MAX_ANSWERS) forgetDetached();
    schedule();
  }

  /** Drop links the page removed (a page that keeps making and dropping links must not fill memory). */
  function forgetDetached() {
    for (const link of found.keys()) if (!link.isConnected) found.delete(link);
    for (const link of changed) if (!link.isConnected) changed.delete(link);
  }

  /**
   * What an href too long to send becomes: left as it is, with the reason (the popup lists it).
   * @param {string} href
   * @returns {Result}
   */
  function tooLong(href) {
    return {status: 'invalid', output: null, reason: `link of ${href.length} characters: longer than ${MAX_HREF}, not read`, warnings: []};
  }

  function schedule() {
    if (state.timer !== null || pending.size === 0) return;
    state.timer = setTimeout(() => {
      state.timer = null;
      state.flushing = flush();
    }, SETTLE_MS);
  }

  /**
   * Ask the background about every pending link not answered yet, in batches, then apply the
   * answers. Never throws: a batch that fails (no background, a bad reply) is logged, its links
   * stay as they are, and the next batch still goes.
   */
  async function flush() {
    const generation = state.generation;
    const t0 = performance.now();
    const batch = [...pending];
    pending.clear();
    if (answers.size > MAX_ANSWERS) answers.clear();
    /** @type {string[]} */
    const unknown = [];
    /** @type {Set<string>} */
    const asked = new Set();
    for (const [, p] of batch) {
      if (answers.has(p.href) || asked.has(p.href)) continue;
      asked.add(p.href);
      if (p.href.length > MAX_HREF) answers.set(p.href, tooLong(p.href));
      else unknown.push(p.href);
    }
    stats.busyMs += performance.now() - t0;
    for (let i = 0; i < unknown.length; i += MAX_BATCH) {
      const hrefs = unknown.slice(i, i + MAX_BATCH);
      let reply;
      try {
        const sending = timed(() => api.runtime.sendMessage({type: 'content:rewrite', hrefs}));
        stats.batches++;
        const sentAt = performance.now();
        reply = await sending;
        stats.lastReplyMs = performance.now() - sentAt;
        stats.firstReplyMs ??= stats.lastReplyMs;
        if (generation !== state.generation) return; // settings changed meanwhile; a rescan follows
        if (!reply || reply.ok !== true) throw new Error(reply?.error ?? 'no reply from the background');
        if (reply.active && (!Array.isArray(reply.results) || reply.results.length !== hrefs.length)) throw new Error('the reply does not answer every link');
      } catch (err) {
        // Leave these links as they are (untouched is better than broken); the next batch still goes.
        console.error(`byob: could not relaunch a batch of ${hrefs.length} launch links on this page`, err);
        continue;
      }
      state.active = reply.active;
      state.reason = reply.reason ?? null;
      if (!reply.active) {
        stop();
        return;
      }
      state.mode = reply.mode;
      state.hub = reply.hub;
      hrefs.forEach((h, k) => answers.set(h, reply.results[k]));
    }
    if (state.active !== true) return; // nothing answered yet, or inactive here
    timed(() => {
      for (const [link, p] of batch) {
        const result = answers.get(p.href);
        if (!result || !link.isConnected) continue;
        try {
          apply(link, p.href, result);
        } catch (err) {
          console.error(`byob: could not apply the answer for ${p.href.slice(0, 200)}`, err);
        }
      }
    });
  }

  /**
   * @param {HTMLAnchorElement} link
   * @param {string} original
   * @param {Result} result
   */
  function apply(link, original, result) {
    const prev = links.get(link);
    const count = (prev?.count ?? 0) + 1;
    if (count > MAX_REAPPLY) return;
    const title = prev ? prev.title : link.getAttribute('title');
    /** @type {LinkState} */
    const s = {original, applied: null, result, count, title};
    links.set(link, s);
    if (state.mode === 'private') return; // the DOM keeps the original; clicks go through the background
    if (result.status === 'rewritten' && result.output) {
      s.applied = result.output;
      link.setAttribute('data-byob-original', original);
      link.setAttribute('href', result.output);
      setTitle(link, describe(original, result));
      changed.add(link);
    } else if (result.status === 'refused') {
      link.setAttribute('data-byob-refused', result.reason ?? '');
      setTitle(link, msg('titleRefused', [state.hub ?? '', result.reason ?? '']));
      changed.add(link);
    }
  }

  /**
   * @param {HTMLAnchorElement} link
   * @param {string} text
   */
  function setTitle(link, text) {
    link.setAttribute('title', text);
    // Bootstrap (sphinx-book-theme >= 1) moves the title into data-bs-original-title on load
    // and shows that one in its own tooltip.
    if (link.hasAttribute('data-bs-original-title')) link.setAttribute('data-bs-original-title', text);
  }

  /**
   * @param {string} original
   * @param {Result} result
   */
  function describe(original, result) {
    // One message lookup per page, not per link: pages may have a thousand launch links.
    if (!titles.rewritten || titles.hub !== state.hub) {
      titles.hub = state.hub;
      titles.rewritten = msg('titleRewritten', [state.hub ?? '', '\u0001']);
      titles.altClick = msg('titleAltClick');
    }
    const lines = [titles.rewritten.replace('\u0001', original)];
    for (const w of result.warnings ?? []) lines.push(msg('titleWarning', [w]));
    lines.push(titles.altClick);
    return lines.join('\n');
  }

  /**
   * @param {string} key
   * @param {string[]} [subs]
   */
  function msg(key, subs) {
    return api.i18n.getMessage(key, subs) || key;
  }

  // ---- Jupyter Book 2 (MyST): the page has a launch button but no link; add one. ----
  //
  // The page's launch inputs are read as data (myst-data.js): the first page's inline Remix
  // data, and after a single-page navigation the new page's JSON, which the site serves for its
  // own router. The background builds the Binder link the page means (core: mystLink) and
  // rewrites it like any launch link; a "Launch on <hub>" link then sits beside the page's
  // rocket button. It lives in a shadow root on the button's row, so the page's React never
  // sees a node it did not render (an extra node before hydration makes React 18 throw the
  // server HTML away). When the reader opens the rocket's own form, its URL field gets the
  // active hub (rewrite mode only: private mode never shows the page the hub).

  const mystData = g[Symbol.for('byob.myst')] ?? null;
  /** How much of a page JSON is read: its leading members (kind, location, frontmatter) come before the mdast. */
  const MYST_PAGE_CAP = 512 * 1024;
  const MYST_CONFIG_CAP = 8 * 1024 * 1024;
  /** A page that keeps dropping our link gets it back this often per page at most. */
  const MYST_MAX_PLACE = 20;
  const MYST_SHOWN = new Set(['rewritten', 'unchanged']);

  /**
   * @typedef {{link: string, result: Result | null, notebook: boolean, prefill: {url: string, kind: string} | null}} MystLaunch
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
    /** @type {HTMLAnchorElement | null} */
    node: null,
    placed: 0,
    /** @type {Promise<void>} */
    loading: Promise.resolve(),
    /** page JSON by URL @type {Map<string, Promise<any>>} */
    pages: new Map(),
    /** rows that carry our shadow root @type {WeakMap<Element, ShadowRoot>} */
    hosts: new WeakMap(),
    /** form fields we filled, form tabs we chose (once each) @type {WeakSet<Element>} */
    touched: new WeakSet(),
    /** @type {ReturnType<typeof setTimeout> | null} */
    recheck: null,
  };

  function mystStart() {
    if (!mystData || !mystData.isMystPage(document)) return;
    myst.enabled = true;
    myst.path = null;
    mystCheck();
  }

  /** Cheap, run on every DOM change and navigation event: follow the page, keep our link, fill the form. */
  function mystCheck() {
    if (!myst.enabled || state.active === false) return;
    if (location.pathname !== myst.path) {
      myst.path = location.pathname;
      myst.loading = mystLoad(myst.path);
      return;
    }
    mystPlace();
    mystPrefill();
  }

  /** A navigation may land a moment after the DOM changes it causes: look again once things settle. */
  function mystRecheckSoon() {
    if (!myst.enabled) return;
    if (myst.recheck !== null) clearTimeout(myst.recheck);
    myst.recheck = setTimeout(() => {
      myst.recheck = null;
      timed(mystCheck);
    }, 200);
  }

  /** @param {string} path */
  async function mystLoad(path) {
    const token = ++myst.token;
    const generation = state.generation;
    mystRemove();
    myst.current = null;
    myst.placed = 0;
    const stale = () => token !== myst.token || generation !== state.generation;
    let launch;
    try {
      myst.site ??= mystSite();
      const site = await myst.site;
      if (!site || stale()) return;
      const key = mystData.pageKey(path, site.base);
      const {page, project} = await mystPage(site, key);
      launch = mystData.launchFor(project, page);
    } catch (err) {
      console.warn('byob: could not read the launch settings of this Jupyter Book 2 page', err);
      return;
    }
    if (!launch || !launch.notebook || stale()) return; // no launch, or no notebook on this page: no link
    let reply;
    try {
      reply = await api.runtime.sendMessage({type: 'content:myst', binder: launch.binder, location: launch.location});
    } catch (err) {
      console.error('byob: could not build the launch link of this Jupyter Book 2 page', err);
      return;
    }
    if (stale()) return;
    if (!reply?.ok) {
      console.warn(`byob: this Jupyter Book 2 page's launch settings cannot be used: ${reply?.error}`);
      return;
    }
    myst.current = {link: reply.link, result: reply.active ? reply.result : null, notebook: launch.notebook, prefill: reply.prefill ?? null};
    if (!reply.active) {
      state.active = false;
      state.reason = reply.reason ?? null;
      stop();
      return;
    }
    state.active = true;
    state.mode = reply.mode;
    state.hub = reply.hub;
    answers.set(reply.link, reply.result);
    timed(() => {
      mystPlace();
      mystPrefill();
    });
  }

  /**
   * The site: from the first page's inline data, or else from its `config.json` (nearest the
   * origin's root first).
   * @returns {Promise<any>}
   */
  async function mystSite() {
    const ctx = mystData.readRemixContext(document);
    const site = ctx ? mystData.siteFromContext(ctx, location.pathname) : null;
    if (site && (site.config || site.routeProject)) return site;
    for (const url of mystData.configUrls(location.pathname, location.origin)) {
      const config = await fetchJson(url, MYST_CONFIG_CAP).catch(() => null);
      if (config && Array.isArray(config.projects)) {
        const base = new URL(url).pathname.replace(/\/config\.json$/, '');
        return {base, config, index: config.projects[0]?.index ?? 'index', routeProject: null, first: null};
      }
    }
    return null;
  }

  /**
   * A page's data: the inline data when it is the page shown, else its JSON.
   * @param {any} site
   * @param {string} key
   */
  async function mystPage(site, key) {
    const project = mystData.projectFor(site, key);
    if (site.first && site.first.key === key) return {page: site.first.page, project: site.first.project ?? project};
    const url = mystData.pageJsonUrl(site, key, location.origin);
    let loading = myst.pages.get(url);
    if (!loading) {
      loading = fetchJson(url, MYST_PAGE_CAP);
      loading.catch(() => myst.pages.delete(url)); // a failed fetch is tried again next time
      if (myst.pages.size > 50) myst.pages.delete(myst.pages.keys().next().value);
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
        reader.cancel().catch(() => {});
        return mystData.leadingMembers(text);
      }
    }
  }

  /** Put our link beside the page's launch button, or take it away when it should not be there. */
  function mystPlace() {
    const cur = myst.current;
    const button = cur && cur.notebook && state.active && MYST_SHOWN.has(cur.result?.status ?? '') ? mystData.launchButton(document) : null;
    if (!cur || !button) {
      mystRemove();
      return;
    }
    const node = myst.node ?? mystCreate(cur);
    const host = button.parentElement;
    if (!host) return;
    const shadow = myst.hosts.get(host);
    const inPlace = node.isConnected && (shadow ? node.getRootNode() === shadow : node.previousElementSibling === button);
    if (inPlace || myst.placed >= MYST_MAX_PLACE) return;
    myst.placed++;
    const root = button.nextElementSibling === null ? mystShadow(host) : null;
    if (root) root.append(node);
    else button.insertAdjacentElement('afterend', node);
  }

  /**
   * A shadow root on the launch button's row whose slot shows the row as it was, our link after
   * it. Null when the row cannot have one (it has its own, or its element type cannot host one).
   * @param {Element} host
   */
  function mystShadow(host) {
    const known = myst.hosts.get(host);
    if (known) return known;
    if (host.shadowRoot) return null;
    try {
      const root = host.attachShadow({mode: 'open'});
      root.append(document.createElement('slot'));
      myst.hosts.set(host, root);
      return root;
    } catch {
      return null;
    }
  }

  /**
   * Our "Launch on <hub>" control. Rewrite mode: a link to the rewritten URL (on the reader's
   * hub: whatever happens to the click, that is where it goes). Private mode: a button with no
   * URL at all, whose click asks the background to open the hub. It is not a link to the page's
   * own Binder URL (built from the page's data: any host the page chose), because a page can
   * stop the click before our listener sees it (at window capture) and the link's default
   * action would then open that URL.
   * @param {MystLaunch} cur
   */
  function mystCreate(cur) {
    const hidden = state.mode === 'private';
    const hub = hidden ? msg('mystYourHub') : state.hub ?? '';
    const a = /** @type {HTMLAnchorElement} */ (document.createElement(hidden ? 'button' : 'a'));
    a.className = 'byob-myst-launch';
    if (hidden) {
      /** @type {any} */ (a).type = 'button';
      const link = cur.link;
      const open = (/** @type {MouseEvent} */ event) => {
        if (event.type === 'auxclick' && event.button !== 1) return;
        event.preventDefault();
        event.stopPropagation();
        openPrivately(link, true, false);
      };
      a.addEventListener('click', open);
      a.addEventListener('auxclick', open);
    } else {
      a.setAttribute('href', cur.link);
      a.target = '_blank';
      a.rel = 'noopener';
    }
    a.setAttribute('aria-label', msg('mystLaunchAria', [hub]));
    const icon = mystData.launchButton(document)?.querySelector('svg')?.cloneNode(true);
    if (icon instanceof Element) {
      icon.setAttribute('aria-hidden', 'true');
      icon.removeAttribute('class');
      /** @type {any} */ (icon).style.cssText = 'width:15px;height:15px;flex:none';
      a.append(icon);
    }
    const text = document.createElement('span');
    text.textContent = msg('mystLaunchOn', [hub]);
    a.append(text);
    const base = 'display:inline-flex;align-items:center;gap:.35em;margin:0 0 0 .5rem;padding:0 .5em;height:1.5rem;box-sizing:border-box;border:1px solid currentColor;border-radius:.25rem;font:inherit;font-size:.8125rem;line-height:1;color:inherit;background:transparent;text-decoration:none;white-space:nowrap;cursor:pointer';
    a.style.cssText = base;
    // The page's rocket turns orange on hover; so does this link (inline styles: no stylesheet to be blocked by the page's CSP).
    const hot = () => {
      a.style.color = '#E18435';
    };
    const cold = () => {
      a.style.color = 'inherit';
    };
    a.addEventListener('mouseenter', hot);
    a.addEventListener('mouseleave', cold);
    a.addEventListener('focus', hot);
    a.addEventListener('blur', cold);
    found.set(a, 'myst');
    if (cur.result) apply(a, cur.link, cur.result);
    if (hidden) a.setAttribute('title', msg('mystTitlePrivate'));
    else if (cur.result?.status === 'unchanged') a.setAttribute('title', msg('mystTitleSame', [state.hub ?? '']));
    myst.node = a;
    return a;
  }

  function mystRemove() {
    if (!myst.node) return;
    myst.node.remove();
    found.delete(myst.node);
    myst.node = null;
  }

  /**
   * The reader opened the page's own launch form: put their hub in its URL field, the way
   * React notices (the native value setter, then input and change events), so the form's own
   * hub detection and Launch button work. Once per field; a field the reader typed in is left
   * alone. Older forms with a Binder and a JupyterHub tab get the tab for the hub's kind first.
   */
  function mystPrefill() {
    const hub = myst.current?.prefill;
    if (!hub || !state.active || state.mode === 'private') return;
    const input = mystData.openFormInput(document, mystData.launchButton(document));
    if (!input || myst.touched.has(input)) return;
    const tab = mystData.formTab(input, hub.kind);
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

  /** Undo every change, forget every answer (settings changed, or the site was turned off). */
  function restore() {
    mystRemove();
    myst.current = null;
    myst.path = null;
    myst.token++;
    for (const link of changed) {
      const s = links.get(link);
      if (!s) continue;
      if (s.applied !== null && link.getAttribute('href') === s.applied) link.setAttribute('href', s.original);
      link.removeAttribute('data-byob-original');
      link.removeAttribute('data-byob-refused');
      if (s.title === null) link.removeAttribute('title');
      else link.setAttribute('title', s.title);
      if (link.hasAttribute('data-bs-original-title')) link.setAttribute('data-bs-original-title', s.title ?? '');
    }
    changed.clear();
    answers.clear();
    pending.clear();
    found.clear();
  }

  /** @param {MutationRecord[]} records */
  function onMutations(records) {
    timed(() => handleMutations(records));
  }

  /** @param {MutationRecord[]} records */
  function handleMutations(records) {
    if (myst.enabled) {
      mystCheck();
      mystRecheckSoon();
    }
    for (const r of records) {
      if (r.type === 'attributes') {
        const link = /** @type {HTMLAnchorElement} */ (r.target);
        if (letGo.has(link)) continue;
        const s = links.get(link);
        if (s && s.applied !== null && link.getAttribute('href') === s.applied) continue; // our own write
        if (s && s.applied === null && link.href === s.original) continue; // unchanged
        if (link.localName === 'a') collect(link);
      } else {
        for (const node of r.addedNodes) {
          if (node.nodeType === 1) collect(/** @type {Element} */ (node));
        }
      }
    }
  }

  function start() {
    observer.observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['href']});
    collect(document);
    mystStart();
  }

  function stop() {
    observer.disconnect();
    pending.clear();
    if (state.timer !== null) clearTimeout(state.timer);
    state.timer = null;
  }

  /** Settings changed: undo, then start over with fresh answers. */
  function refresh() {
    state.generation++;
    stop();
    restore();
    state.active = null;
    start();
  }

  /**
   * Alt-click opens the original; in private mode a plain click is sent to the background.
   * @param {MouseEvent} event
   */
  function onClick(event) {
    if (event.defaultPrevented || (event.type === 'click' && event.button !== 0) || (event.type === 'auxclick' && event.button !== 1)) return;
    // composedPath: a click on our MyST link (in a shadow root) reaches the document retargeted to its host.
    const from = /** @type {any} */ (event.composedPath?.()[0] ?? event.target);
    const el = from instanceof Element ? from : from?.parentElement ?? null;
    const link = /** @type {Element | null} */ (el ? el.closest('a[href]') : null);
    if (!link) return;
    const s = links.get(/** @type {HTMLAnchorElement} */ (link));
    if (!s || s.result.status !== 'rewritten' || !state.active) return;
    const newTab = event.type === 'auxclick' || event.ctrlKey || event.metaKey || event.shiftKey || /** @type {HTMLAnchorElement} */ (link).target === '_blank';
    if (event.altKey) {
      if (state.mode === 'private') return; // the href already is the original
      event.preventDefault();
      event.stopImmediatePropagation();
      if (newTab) window.open(s.original, '_blank', 'noopener');
      else location.assign(s.original);
      return;
    }
    if (state.mode !== 'private') return; // the href itself is the converted URL
    event.preventDefault();
    event.stopImmediatePropagation();
    openPrivately(s.original, newTab, true);
  }

  /**
   * Private mode: the background opens the converted URL (the page never sees it). When it
   * cannot, a page's own link is followed as the page meant it (`fallBack`); our MyST button
   * has nothing of its own to follow.
   * @param {string} href
   * @param {boolean} newTab
   * @param {boolean} fallBack
   */
  function openPrivately(href, newTab, fallBack) {
    api.runtime.sendMessage({type: 'content:open', href, newTab}).then(
      (/** @type {any} */ reply) => {
        if (reply?.opened) return;
        if (fallBack) followOriginal(href, newTab);
        else console.warn(`byob: your hub cannot open this page's launch (${reply?.error ?? 'not convertible'})`);
      },
      (/** @type {unknown} */ err) => {
        console.error('byob: the background did not open the link', err);
        if (fallBack) followOriginal(href, newTab);
      },
    );
  }

  /**
   * @param {string} href
   * @param {boolean} newTab
   */
  function followOriginal(href, newTab) {
    if (newTab) window.open(href, '_blank', 'noopener');
    else location.assign(href);
  }

  /** What the popup shows: every candidate on this page and what became of it. */
  function list() {
    /** @type {{href: string, source: string, status: string, output: string | null, reason: string | null, warnings: string[], text: string}[]} */
    const out = [];
    for (const [link, source] of found) {
      if (!link.isConnected) continue;
      const s = links.get(link);
      out.push({
        href: s ? s.original : link.href,
        source,
        status: s ? s.result.status : 'pending',
        output: s ? s.result.output : null,
        reason: s ? s.result.reason : null,
        warnings: s ? s.result.warnings : [],
        text: (link.textContent ?? '').trim().slice(0, 80),
      });
    }
    // A MyST page's launch when our link is not (or not yet) on the page: inactive here, say.
    const cur = myst.current;
    if (cur && cur.notebook && !(myst.node && myst.node.isConnected)) {
      out.push({href: cur.link, source: 'myst', status: cur.result?.status ?? 'pending', output: cur.result?.output ?? null, reason: cur.result?.reason ?? null, warnings: cur.result?.warnings ?? [], text: ''});
    }
    return {active: state.active, reason: state.reason, mode: state.mode, hub: state.hub, links: out};
  }

  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
  // Single-page navigation (MyST): back and forward, and where the browser has it, every history change.
  window.addEventListener('popstate', () => timed(mystCheck));
  // (Checked to be the real Navigation object: a page element named `navigation` is not.)
  if (typeof g.Navigation === 'function' && g.navigation instanceof g.Navigation) g.navigation.addEventListener('currententrychange', () => timed(mystCheck));
  api.runtime.onMessage.addListener((/** @type {any} */ message) => {
    if (message && message.type === 'background:refresh') timed(refresh);
    return false;
  });

  g[KEY] = Object.freeze({
    rescan: () =>
      timed(() => {
        if (state.active === false) refresh();
        else {
          collect(document);
          mystCheck();
        }
      }),
    list,
    stats: () => ({...stats}),
    /** Resolves with `list()` once every link found so far has been answered (popup, tests). */
    settled: async () => {
      for (;;) {
        await state.flushing;
        await myst.loading;
        if (state.timer === null && pending.size === 0) return list();
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    },
  });

  timed(start);
})();
