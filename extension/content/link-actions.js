// @ts-check
/**
 * What a converted link does for the reader, shared by the features (a plain script: it
 * defines `globalThis[Symbol.for('byob.linkActions')]` for links.js and myst-button.js): its
 * tooltip, opening the original (Alt-click), and private mode's click, which the background
 * opens so the page never learns the reader's hub.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const KEY = Symbol.for('byob.linkActions');
  const session = g[Symbol.for('byob.session')];
  if (g[KEY] || !session) return;

  /**
   * The tooltip of a converted link: the hub it goes to, where it came from, why it goes to a
   * fallback hub, its warnings, Alt-click; or why it was left alone. Built when first needed
   * (hover or focus), not for every link up front.
   * @param {string} original
   * @param {import('./session.js').Result} result
   */
  function tooltip(original, result) {
    const hub = result.hub ?? session.page.hub ?? '';
    if (result.status === 'refused') return session.msg('titleRefused', [hub, result.reason ?? '']);
    const lines = [session.msg('titleRewritten', [hub, original])];
    // Why it goes to this hub and not to one before it (down, or cannot launch it).
    for (const why of result.fallback ?? []) lines.push(session.msg('titleFallback', [why]));
    for (const w of result.warnings ?? []) lines.push(session.msg('titleWarning', [w]));
    lines.push(session.msg('titleAltClick'));
    return lines.join('\n');
  }

  /**
   * Open `href` as a plain link would (Alt-click, or private mode's fallback).
   * @param {string} href
   * @param {boolean} newTab
   */
  function follow(href, newTab) {
    if (newTab) window.open(href, '_blank', 'noopener');
    else location.assign(href);
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
    session.api.runtime.sendMessage({type: 'content:open', href, newTab}).then(
      (/** @type {any} */ reply) => {
        if (reply?.opened) return;
        if (fallBack) follow(href, newTab);
        else console.warn(`byob: your hub cannot open this page's launch (${reply?.error ?? 'not convertible'})`);
      },
      (/** @type {unknown} */ err) => {
        console.error('byob: the background did not open the link', err);
        if (fallBack) follow(href, newTab);
      },
    );
  }

  g[KEY] = Object.freeze({tooltip, follow, openPrivately});
})();
