// @ts-check
/**
 * The content script's session (a plain script: no Wasm, no storage). It owns what the page's
 * features share: what the background said about this page (active, mode, hub), the answer
 * cache, batching of `content:rewrite` requests, the popup's listing, and the features'
 * lifecycle. Each feature (`links.js`: launch links in the page; `myst.js`: the Jupyter Book 2
 * button) registers the same small interface and is driven from here:
 *
 *   {name, start(), stop(), restore(), entries()}
 *     start    begin (or, when already running, look again): at load and on rescans
 *     stop     stop watching the page (the background said this page is not for us)
 *     restore  undo every change made to the page, forget what was found (settings changed)
 *     entries  what the popup lists: [{href, source, status, output, reason, warnings, text}]
 *
 * The files load in the order of site-access.js CONTENT_SCRIPT_FILES; start.js, the last,
 * starts the session (injected again by the toolbar button: looks again). The page is hostile:
 * state is reached only through symbol-keyed globals, which no element id can produce
 * (Chromium exposes `<a id="x">` as the global `x` in this world); hrefs longer than
 * `MAX_HREF` are answered here without being sent; a batch that fails is logged and the next
 * one still goes; one feature failing never stops another.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const KEY = Symbol.for('byob.session');
  if (g[KEY]) return;
  const startedAt = performance.now();
  // The extension API: the first namespace that really is one (a page element named `browser`
  // is not; Chromium before 148 has no `browser` of its own to hide it).
  const api = [g.browser, g.chrome].find((x) => x && typeof x === 'object' && typeof x.runtime?.sendMessage === 'function');
  if (!api) {
    console.error('byob: the content script cannot start: no extension API');
    return;
  }
  const MAX_BATCH = 1000; // protocol.js MAX_BATCH
  const MAX_HREF = 8192; // protocol.js MAX_HREF: longer hrefs are answered here, never sent
  /** Answers kept at most (a cache: a page inventing hrefs forever must not grow it forever). */
  const MAX_ANSWERS = 20_000;
  /** How long `settled()` waits between looks while work is pending. */
  const SETTLE_MS = 30;

  /**
   * @typedef {{status: string, output: string | null, reason: string | null, warnings: string[], hub?: string, fallback?: string[]}} Result
   *   `hub`: the hub the link goes to; `fallback`: why it goes past the hubs before it (the
   *   background's words: "A is down: connection refused")
   * @typedef {{href: string, source: string, status: string, output: string | null, reason: string | null, warnings: string[], text: string}} Entry
   * @typedef {{name: string, start: () => void, stop: () => void, restore: () => void, entries: () => Entry[]}} Feature
   */

  /** What the background said about this page. `active` is null until it answered once. */
  const state = {active: /** @type {boolean | null} */ (null), mode: 'rewrite', hub: /** @type {string | null} */ (null), reason: /** @type {string | null} */ (null), generation: 0};
  /** This script's own main-thread time, its round trips, and script start → first answers applied (`appliedMs`), for `make bench-ext`. */
  const stats = {busyMs: 0, batches: 0, firstReplyMs: /** @type {number | null} */ (null), lastReplyMs: /** @type {number | null} */ (null), appliedMs: /** @type {number | null} */ (null)};
  /** Answers by href, so re-rendered links cost no message. @type {Map<string, Result>} */
  const answers = new Map();
  /** @type {Feature[]} */
  const features = [];
  /** Work under way (batches, page data): `settled()` waits for it. @type {Set<Promise<unknown>>} */
  const inFlight = new Set();
  /** Timers a feature set to do work later (a settle delay): `settled()` waits for them too. */
  const timers = new Set();
  let started = false;

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

  /** @param {string} key @param {string[]} [subs] */
  function msg(key, subs) {
    return api.i18n.getMessage(key, subs) || key;
  }

  /** @template T @param {Promise<T>} promise @returns {Promise<T>} */
  function track(promise) {
    inFlight.add(promise);
    const done = () => inFlight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** Run `fn` (timed) after `ms`, unless cancelled; `settled()` waits for it. @param {() => void} fn @param {number} ms */
  function later(fn, ms) {
    const t = setTimeout(() => {
      timers.delete(t);
      timed(fn);
    }, ms);
    timers.add(t);
    return t;
  }

  /** @param {ReturnType<typeof setTimeout>} t */
  function cancel(t) {
    clearTimeout(t);
    timers.delete(t);
  }

  /**
   * Take what a reply (`content:rewrite`, `content:myst`) says about this page. Inactive here
   * (no hub, site turned off): every feature stops. Returns whether the page is active.
   * @param {{active: boolean, reason?: string | null, mode?: string, hub?: string | null}} reply
   */
  function heard(reply) {
    state.active = reply.active === true;
    state.reason = reply.reason ?? null;
    if (!state.active) {
      each('stop');
      return false;
    }
    state.mode = reply.mode === 'private' ? 'private' : 'rewrite';
    state.hub = reply.hub ?? null;
    return true;
  }

  /**
   * What an href too long to send becomes: left as it is, with the reason (the popup lists it).
   * @param {string} href
   * @returns {Result}
   */
  function tooLong(href) {
    return {status: 'invalid', output: null, reason: `link of ${href.length} characters: longer than ${MAX_HREF}, not read`, warnings: []};
  }

  /**
   * Ask what each href becomes. Every batch is sent at once (at most MAX_BATCH hrefs each) and
   * `onAnswered(answers)` is called for each as it is answered, once the page is known to be
   * active (hrefs already in the cache or too long to send come with the first). Never
   * throws: a batch that fails is logged, its links stay as they are, the others still go.
   * @param {string[]} hrefs
   * @param {(answered: Map<string, Result>) => void} onAnswered
   * @returns {Promise<unknown>}
   */
  function rewrite(hrefs, onAnswered) {
    const generation = state.generation;
    if (answers.size > MAX_ANSWERS) answers.clear();
    /** Answers already known (cached, or too long to send). @type {Map<string, Result>} */
    const known = new Map();
    /** @type {string[]} */
    const unknown = [];
    for (const h of new Set(hrefs)) {
      const cached = answers.get(h) ?? (h.length > MAX_HREF ? tooLong(h) : undefined);
      if (cached) known.set(h, cached);
      else unknown.push(h);
    }
    const deliver = (/** @type {Map<string, Result>} */ answered) => {
      if (generation !== state.generation || state.active !== true || answered.size === 0) return;
      timed(() => onAnswered(answered));
      stats.appliedMs ??= performance.now() - startedAt;
    };
    let knownDelivered = false;
    const deliverKnown = () => {
      if (knownDelivered || state.active !== true) return;
      knownDelivered = true;
      deliver(known);
    };
    deliverKnown();
    const sends = [];
    for (let i = 0; i < unknown.length; i += MAX_BATCH) {
      sends.push(
        send(unknown.slice(i, i + MAX_BATCH), generation).then((answered) => {
          if (!answered) return;
          deliverKnown();
          deliver(answered);
        }),
      );
    }
    return track(Promise.all(sends));
  }

  /**
   * One `content:rewrite` round trip: its answers (also kept in the cache), or null when none came.
   * @param {string[]} hrefs
   * @param {number} generation
   * @returns {Promise<Map<string, Result> | null>}
   */
  async function send(hrefs, generation) {
    let reply;
    try {
      const sending = timed(() => api.runtime.sendMessage({type: 'content:rewrite', hrefs}));
      stats.batches++;
      const sentAt = performance.now();
      reply = await sending;
      stats.lastReplyMs = performance.now() - sentAt;
      stats.firstReplyMs ??= stats.lastReplyMs;
      if (generation !== state.generation) return null; // settings changed meanwhile; a rescan follows
      if (!reply || reply.ok !== true) throw new Error(reply?.error ?? 'no reply from the background');
      if (reply.active && (!Array.isArray(reply.results) || reply.results.length !== hrefs.length)) throw new Error('the reply does not answer every link');
    } catch (err) {
      // Leave these links as they are (untouched is better than broken); the next batch still goes.
      console.error(`byob: could not relaunch a batch of ${hrefs.length} launch links on this page`, err);
      return null;
    }
    if (!timed(() => heard(reply))) return null;
    /** @type {Map<string, Result>} */
    const answered = new Map();
    hrefs.forEach((h, k) => {
      answers.set(h, reply.results[k]);
      answered.set(h, reply.results[k]);
    });
    return answered;
  }

  /**
   * Call `method` on every feature; one that throws is logged and the others still run.
   * @param {'start' | 'stop' | 'restore' | 'entries'} method
   * @returns {any[]} what each returned
   */
  function each(method) {
    const out = [];
    for (const f of features) {
      try {
        out.push(f[method]());
      } catch (err) {
        console.error(`byob: ${f.name}: ${method} failed`, err);
      }
    }
    return out;
  }

  /** Settings changed (or the site was turned on again): undo, forget, start over. */
  function refresh() {
    state.generation++;
    each('stop');
    each('restore');
    answers.clear();
    state.active = null;
    each('start');
  }

  /** What the popup shows: every candidate on this page and what became of it. */
  function list() {
    /** @type {Entry[]} */
    const links = each('entries').flat();
    return {active: state.active, reason: state.reason, mode: state.mode, hub: state.hub, links};
  }

  /** How many launch links (or candidates not answered yet) this frame has. */
  function launchLinks() {
    return each('entries')
      .flat()
      .filter((/** @type {Entry} */ e) => e.status !== 'none' && e.status !== 'invalid').length;
  }

  /** Resolves with `list()` once every link found so far has been answered (popup, tests). */
  async function settled() {
    for (;;) {
      await Promise.all([...inFlight]);
      if (inFlight.size === 0 && timers.size === 0) return list();
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    }
  }

  /** Start every feature; on a second injection (toolbar button), look again. */
  function start() {
    if (started) {
      timed(() => (state.active === false ? refresh() : each('start')));
      return;
    }
    started = true;
    api.runtime.onMessage.addListener((/** @type {any} */ message, /** @type {any} */ _sender, /** @type {(r: any) => void} */ sendResponse) => {
      if (message && message.type === 'background:refresh') timed(refresh);
      else if (message && message.type === 'background:count') {
        // The background keeps checking the hubs while a page has launch links. Only a frame
        // that has some answers: the first answer of a tab's frames is the one it gets.
        const links = launchLinks();
        if (links > 0) sendResponse({links});
      }
      return false;
    });
    g[Symbol.for('byob.content')] = Object.freeze({rescan: start, list, stats: () => ({...stats}), settled});
    timed(() => each('start'));
  }

  g[KEY] = Object.freeze({
    api,
    msg,
    timed,
    track,
    later,
    cancel,
    heard,
    rewrite,
    remember: (/** @type {string} */ href, /** @type {Result} */ result) => void answers.set(href, result),
    /** What the background said (read-only): active (null until it answered), mode, hub; generation counts refreshes. */
    page: Object.freeze({
      get active() {
        return state.active;
      },
      get mode() {
        return state.mode;
      },
      get hub() {
        return state.hub;
      },
      get generation() {
        return state.generation;
      },
    }),
    /** @param {Feature} feature */
    register: (feature) => {
      if (!features.some((f) => f.name === feature.name)) features.push(feature);
    },
    has: (/** @type {string} */ name) => features.some((f) => f.name === name),
    start,
  });
})();
