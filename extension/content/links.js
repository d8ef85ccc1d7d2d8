// @ts-check
/**
 * The links feature (a plain script, registered on the session): the page's launch links,
 * found by launch-links.js, rewritten as the background answers.
 *
 *  - rewrite mode: the href becomes the converted URL (so hovering shows the user's hub),
 *    `data-byob-original` keeps the original, Alt-click (Option-click) opens the original, and
 *    on first hover or focus the title names the original and any warning;
 *  - private mode: the DOM is not touched; a click on a convertible link is cancelled and the
 *    background opens the converted URL, so the page never sees the user's hub.
 *
 * The links found when the script starts are sent at once; a MutationObserver picks up links
 * added or re-rendered later, coalesced over a short settle delay (framework re-renders come
 * in bursts). Our own href writes are recognised (the link's href equals what we wrote) so
 * they never feed back. Work per link is bounded: a link whose href keeps changing is let go,
 * and one the page keeps resetting is left alone after a few rounds.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const session = g[Symbol.for('byob.session')];
  const finder = g[Symbol.for('byob.launchLinks')];
  const actions = g[Symbol.for('byob.linkActions')];
  if (!session || session.has('links')) return;
  if (!finder || !actions) {
    console.error('byob: launch links cannot be relaunched: the link finder or the link actions are missing');
    return;
  }
  /** Href changes of one link looked at; past this the link is let go (a page rewriting it every frame). */
  const MAX_CHANGES = 10;
  /** A page that keeps resetting one link's href is left alone after this. */
  const MAX_REAPPLY = 5;
  /** Coalesce bursts of DOM changes (framework re-renders) into one batch. */
  const SETTLE_MS = 30;
  /** Links listed at most before those the page removed are forgotten. */
  const MAX_FOUND = 20_000;

  /**
   * What we did to a link. `saved`: its own title attributes, kept when our tooltip was first
   * written (null until then); `tip`: the result the tooltip now shows.
   * @typedef {import('./session.js').Result} Result
   * @typedef {{original: string, applied: string | null, result: Result, count: number, saved: {title: string | null, bs: string | null} | null, tip: Result | null}} LinkState
   */

  /** @type {WeakMap<Element, LinkState>} */
  let links = new WeakMap();
  /** Links we changed in the DOM (to undo on refresh). @type {Set<HTMLAnchorElement>} */
  const changed = new Set();
  /** Links found but not yet asked about, with their href. @type {Map<HTMLAnchorElement, string>} */
  const pending = new Map();
  /** Found candidates with their source, for the popup. @type {Map<HTMLAnchorElement, string>} */
  const found = new Map();
  /** How often each link was collected again after an href change. @type {WeakMap<Element, number>} */
  const changes = new WeakMap();
  /** Links the page kept changing, let go: their mutations are not even looked at. @type {WeakSet<Element>} */
  const letGo = new WeakSet();
  const observer = new MutationObserver((records) => session.timed(() => onMutations(records)));
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let listening = false;

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
          letGo.add(c.link);
          continue;
        }
      }
      found.set(c.link, c.source);
      pending.set(c.link, c.href);
    }
    if (found.size > MAX_FOUND) {
      // A page that keeps making and dropping links must not fill memory.
      for (const link of found.keys()) if (!link.isConnected) found.delete(link);
      for (const link of changed) if (!link.isConnected) changed.delete(link);
    }
  }

  function schedule() {
    if (timer !== null || pending.size === 0) return;
    timer = session.later(() => {
      timer = null;
      flush();
    }, SETTLE_MS);
  }

  /** Ask about every pending link; each batch is applied as it is answered. */
  function flush() {
    if (timer !== null) session.cancel(timer);
    timer = null;
    if (pending.size === 0) return;
    /** @type {Map<string, HTMLAnchorElement[]>} */
    const byHref = new Map();
    for (const [link, href] of pending) {
      const same = byHref.get(href);
      if (same) same.push(link);
      else byHref.set(href, [link]);
    }
    pending.clear();
    session.rewrite([...byHref.keys()], (/** @type {Map<string, Result>} */ answered) => {
      // Our own writes would come back as mutation records: keep the page's, then write unobserved.
      const theirs = observer.takeRecords();
      observer.disconnect();
      try {
        for (const [href, result] of answered) {
          for (const link of byHref.get(href) ?? []) {
            try {
              apply(link, href, result);
            } catch (err) {
              console.error(`byob: could not apply the answer for ${href.slice(0, 200)}`, err);
            }
          }
        }
      } finally {
        observe();
        if (theirs.length) onMutations(theirs);
      }
    });
  }

  /**
   * @param {HTMLAnchorElement} link
   * @param {string} original
   * @param {Result} result
   */
  function apply(link, original, result) {
    if (!link.isConnected) return;
    const prev = links.get(link);
    const count = (prev?.count ?? 0) + 1;
    if (count > MAX_REAPPLY) return;
    /** @type {LinkState} */
    const s = {original, applied: null, result, count, saved: prev?.saved ?? null, tip: null};
    links.set(link, s);
    if (session.page.mode === 'private') return; // the DOM keeps the original; clicks go through the background
    if (result.status === 'rewritten' && result.output) {
      s.applied = result.output;
      link.setAttribute('data-byob-original', original);
      link.setAttribute('href', result.output);
      changed.add(link);
    } else if (result.status === 'refused') {
      link.setAttribute('data-byob-refused', result.reason ?? '');
      changed.add(link);
    }
  }

  /**
   * The tooltip, written when first needed: the pointer entered the link, or it got focus.
   * @param {Event} event
   */
  function onHover(event) {
    const el = /** @type {any} */ (event.target);
    const link = el instanceof Element ? el.closest('a[href]') : null;
    const s = link ? links.get(link) : undefined;
    if (!link || !s || s.tip === s.result || !changed.has(/** @type {HTMLAnchorElement} */ (link))) return;
    session.timed(() => {
      s.saved ??= {title: link.getAttribute('title'), bs: link.getAttribute('data-bs-original-title')};
      s.tip = s.result;
      const text = actions.tooltip(s.original, s.result);
      link.setAttribute('title', text);
      // Bootstrap (sphinx-book-theme >= 1) moves the title into data-bs-original-title on load
      // and shows that one in its own tooltip.
      if (link.hasAttribute('data-bs-original-title')) link.setAttribute('data-bs-original-title', text);
    });
  }

  /**
   * Alt-click opens the original; in private mode a plain click is sent to the background.
   * @param {MouseEvent} event
   */
  function onClick(event) {
    if (event.defaultPrevented || (event.type === 'click' && event.button !== 0) || (event.type === 'auxclick' && event.button !== 1)) return;
    const el = /** @type {any} */ (event.target);
    const link = el instanceof Element ? el.closest('a[href]') : null;
    const s = link ? links.get(link) : undefined;
    if (!link || !s || s.result.status !== 'rewritten' || session.page.active !== true) return;
    const newTab = event.type === 'auxclick' || event.ctrlKey || event.metaKey || event.shiftKey || /** @type {HTMLAnchorElement} */ (link).target === '_blank';
    const hidden = session.page.mode === 'private';
    if (event.altKey && hidden) return; // the href already is the original
    if (!event.altKey && !hidden) return; // the href itself is the converted URL
    event.preventDefault();
    event.stopImmediatePropagation();
    if (event.altKey) actions.follow(s.original, newTab);
    else actions.openPrivately(s.original, newTab, true);
  }

  /** @param {MutationRecord[]} records */
  function onMutations(records) {
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
    schedule();
  }

  function observe() {
    observer.observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['href']});
  }

  function start() {
    if (!listening) {
      listening = true;
      document.addEventListener('click', onClick, true);
      document.addEventListener('auxclick', onClick, true);
      document.addEventListener('mouseover', onHover, {capture: true, passive: true});
      document.addEventListener('focusin', onHover, {capture: true, passive: true});
    }
    observe();
    collect(document);
    flush(); // the first batch goes at once: no settle delay before the page's links change
  }

  function stop() {
    observer.disconnect();
    pending.clear();
    if (timer !== null) session.cancel(timer);
    timer = null;
  }

  /** Undo every change and forget what was found (settings changed, or the site was turned off). */
  function restore() {
    for (const link of changed) {
      const s = links.get(link);
      if (!s) continue;
      if (s.applied !== null && link.getAttribute('href') === s.applied) link.setAttribute('href', s.original);
      link.removeAttribute('data-byob-original');
      link.removeAttribute('data-byob-refused');
      if (s.saved) {
        setOrRemove(link, 'title', s.saved.title);
        setOrRemove(link, 'data-bs-original-title', s.saved.bs);
      }
    }
    changed.clear();
    pending.clear();
    found.clear();
    links = new WeakMap(); // every link is looked at afresh, under the new settings
  }

  /** @param {Element} el @param {string} name @param {string | null} value */
  function setOrRemove(el, name, value) {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }

  /** Every candidate still on the page and what became of it. */
  function entries() {
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
    return out;
  }

  session.register({name: 'links', start, stop, restore, entries});
})();
