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
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  if (g.byobContent) {
    // Injected again (toolbar button after an earlier run): look for new links only.
    g.byobContent.rescan();
    return;
  }
  const api = g.browser ?? g.chrome;
  const finder = g.byobLaunchLinks;
  const MAX_BATCH = 1000; // messages.js MAX_BATCH
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
      found.set(c.link, c.source);
      pending.set(c.link, {href: c.href, source: c.source});
    }
    schedule();
  }

  function schedule() {
    if (state.timer !== null || pending.size === 0) return;
    state.timer = setTimeout(() => {
      state.timer = null;
      state.flushing = flush();
    }, SETTLE_MS);
  }

  async function flush() {
    const generation = state.generation;
    const t0 = performance.now();
    const batch = [...pending];
    pending.clear();
    const unknown = [...new Set(batch.map(([, p]) => p.href).filter((h) => !answers.has(h)))];
    stats.busyMs += performance.now() - t0;
    try {
      for (let i = 0; i < unknown.length; i += MAX_BATCH) {
        const hrefs = unknown.slice(i, i + MAX_BATCH);
        const asked = timed(() => api.runtime.sendMessage({type: 'content:rewrite', hrefs}));
        stats.batches++;
        const sentAt = performance.now();
        const reply = await asked;
        stats.lastReplyMs = performance.now() - sentAt;
        stats.firstReplyMs ??= stats.lastReplyMs;
        if (generation !== state.generation) return; // settings changed meanwhile; a rescan follows
        if (!reply || reply.ok !== true) throw new Error(reply?.error ?? 'no reply from the background');
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
      if (unknown.length === 0 && state.active === null) return; // nothing to ask yet
      if (state.active === false) return;
      timed(() => {
        for (const [link, p] of batch) {
          const result = answers.get(p.href);
          if (result && link.isConnected) apply(link, p.href, result);
        }
      });
    } catch (err) {
      // Leave the links as they are: untouched is better than broken.
      console.error('byob: could not relaunch the launch links on this page', err);
    }
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

  /** Our "Launch on <hub>" link on a MyST page, and how often the page removed it. */
  const myst = {node: /** @type {HTMLAnchorElement | null} */ (null), anchor: /** @type {Element | null} */ (null), reinserted: 0, url: ''};

  async function addMystLaunch() {
    const info = finder.readMystLaunch(document);
    if (!info || !info.button) return;
    const generation = state.generation;
    let reply;
    try {
      reply = await api.runtime.sendMessage({type: 'content:myst', binder: info.binder, location: info.location});
    } catch (err) {
      console.error('byob: could not build the launch link of this Jupyter Book 2 page', err);
      return;
    }
    if (generation !== state.generation || !reply?.ok || !reply.active || reply.result?.status !== 'rewritten') return;
    state.active = true;
    state.mode = reply.mode;
    state.hub = reply.hub;
    timed(() => {
      answers.set(reply.link, reply.result);
      const a = document.createElement('a');
      a.className = 'byob-myst-launch';
      a.setAttribute('href', reply.link); // the observer finds it and applies the answer like any link
      a.target = '_blank';
      a.rel = 'noopener';
      a.textContent = msg('mystLaunchOn', [reply.hub ?? '']);
      a.style.cssText = 'display:inline-flex;align-items:center;margin-left:.5em;padding:0 .5em;border:1px solid currentColor;border-radius:4px;font-size:.8rem;line-height:1.6;text-decoration:none;white-space:nowrap';
      myst.node = a;
      myst.anchor = info.button;
      myst.url = location.href;
      info.button.insertAdjacentElement('afterend', a);
    });
  }

  /**
   * A framework re-render (hydration) may drop our link: put it back, a few times at most.
   * MyST sites are single-page apps: after moving to another page the link (built from the
   * first page's data) would be wrong, so it is removed instead.
   */
  function keepMystLaunch() {
    if (myst.node && location.href !== myst.url) {
      myst.node.remove();
      myst.node = null;
      return;
    }
    const {node, anchor} = myst;
    if (!node || node.isConnected || myst.reinserted >= MAX_REAPPLY) return;
    const button = anchor?.isConnected ? anchor : document.querySelector('button.myst-fm-launch-button, button[aria-label="Launch in external computing interface"]');
    if (!button) return;
    myst.reinserted++;
    myst.anchor = button;
    button.insertAdjacentElement('afterend', node);
  }

  /** Undo every change, forget every answer (settings changed, or the site was turned off). */
  function restore() {
    myst.node?.remove();
    myst.node = null;
    myst.reinserted = 0;
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
    if (myst.node && (!myst.node.isConnected || location.href !== myst.url)) keepMystLaunch();
    for (const r of records) {
      if (r.type === 'attributes') {
        const link = /** @type {HTMLAnchorElement} */ (r.target);
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
    addMystLaunch();
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
    const link = /** @type {Element | null} */ (event.target instanceof Element ? event.target.closest('a[href]') : null);
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
    api.runtime.sendMessage({type: 'content:open', href: s.original, newTab}).then(
      (/** @type {any} */ reply) => {
        if (!reply?.opened) followOriginal(s.original, newTab);
      },
      (/** @type {unknown} */ err) => {
        console.error('byob: the background did not open the link; following the original', err);
        followOriginal(s.original, newTab);
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
    return {active: state.active, reason: state.reason, mode: state.mode, hub: state.hub, links: out};
  }

  document.addEventListener('click', onClick, true);
  document.addEventListener('auxclick', onClick, true);
  api.runtime.onMessage.addListener((/** @type {any} */ message) => {
    if (message && message.type === 'background:refresh') timed(refresh);
    return false;
  });

  g.byobContent = Object.freeze({
    rescan: () => timed(() => (state.active === false ? refresh() : collect(document))),
    list,
    stats: () => ({...stats}),
    /** Resolves with `list()` once every link found so far has been answered (popup, tests). */
    settled: async () => {
      for (;;) {
        await state.flushing;
        if (state.timer === null && pending.size === 0) return list();
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    },
  });

  timed(start);
})();
