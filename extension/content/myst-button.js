// @ts-check
/**
 * Our "Launch on <hub>" control on a Jupyter Book 2 (MyST) page, beside the page's rocket
 * button (a plain script: it defines `globalThis[Symbol.for('byob.mystButton')]` for myst.js).
 *
 * It lives in a shadow root on the rocket's row, so the page's React never sees a node it did
 * not render (an extra node before hydration makes React 18 throw the server HTML away); where
 * the row cannot have one, it goes right after the rocket. Inline styles only: no stylesheet for
 * the page's CSP to block.
 */
(() => {
  'use strict';
  /** @type {any} */
  const g = globalThis;
  const KEY = Symbol.for('byob.mystButton');
  const session = g[Symbol.for('byob.session')];
  const mystData = g[Symbol.for('byob.myst')];
  const actions = g[Symbol.for('byob.linkActions')];
  if (g[KEY] || !session || !mystData || !actions) return;
  /** A page that keeps dropping our control gets it back this often per page at most. */
  const MAX_PLACE = 20;
  /** What the control is shown for: a link the reader's hub opens. */
  const SHOWN = new Set(['rewritten', 'unchanged']);
  const STYLE =
    'display:inline-flex;align-items:center;gap:.35em;margin:0 0 0 .5rem;padding:0 .5em;height:1.5rem;box-sizing:border-box;border:1px solid currentColor;border-radius:.25rem;font:inherit;font-size:.8125rem;line-height:1;color:inherit;background:transparent;text-decoration:none;white-space:nowrap;cursor:pointer';
  /** The page's rocket turns this colour on hover; so does our control. */
  const HOT = '#E18435';

  /**
   * @typedef {import('./session.js').Result} Result
   * @typedef {{link: string, result: Result | null, notebook: boolean, file: string, prefill: {url: string, tab: string} | null}} MystLaunch
   *   notebook: the page is a notebook (our wording says "notebook"), else it names `file`, the source file the launch opens
   * @typedef {{active: boolean, hidden: boolean, hub: string | null}} Page  hidden: private mode
   */

  /** @type {HTMLElement | null} */
  let node = null;
  let placed = 0;
  /** Rows that carry our shadow root. @type {WeakMap<Element, ShadowRoot>} */
  const hosts = new WeakMap();

  /**
   * Put our control beside the page's launch button, or take it away when it should not be there.
   * @param {MystLaunch | null} cur the launch of the page shown
   * @param {Page} page
   */
  function place(cur, page) {
    const rocket = cur && page.active && SHOWN.has(cur.result?.status ?? '') ? mystData.launchButton(document) : null;
    if (!cur || !rocket) {
      drop();
      return;
    }
    const control = node ?? create(cur, page);
    const host = rocket.parentElement;
    if (!host) return;
    const shadow = hosts.get(host);
    const inPlace = control.isConnected && (shadow ? control.getRootNode() === shadow : control.previousElementSibling === rocket);
    if (inPlace || placed >= MAX_PLACE) return;
    placed++;
    const root = rocket.nextElementSibling === null ? shadowOf(host) : null;
    if (root) root.append(control);
    else rocket.insertAdjacentElement('afterend', control);
  }

  /**
   * A shadow root on the launch button's row whose slot shows the row as it was, our control
   * after it. Null when the row cannot have one (it has its own, or its element type cannot host one).
   * @param {Element} host
   */
  function shadowOf(host) {
    const known = hosts.get(host);
    if (known) return known;
    if (host.shadowRoot) return null;
    try {
      const root = host.attachShadow({mode: 'open'});
      root.append(document.createElement('slot'));
      hosts.set(host, root);
      return root;
    } catch {
      // This element type cannot host a shadow root: the control goes after the rocket instead.
      return null;
    }
  }

  /**
   * Our strings, by what the page is: a notebook page's say "notebook"; any other page's name
   * the source file the launch opens (its README.md, its MyST Markdown), as the page's own
   * form opens it. The file name is the last substitution of the page's string.
   */
  const WORDING = {
    aria: {notebook: 'mystLaunchAria', file: 'mystLaunchAriaFile'},
    private: {notebook: 'mystTitlePrivate', file: 'mystTitlePrivateFile'},
    same: {notebook: 'mystTitleSame', file: 'mystTitleSameFile'},
  };

  /**
   * @param {MystLaunch} cur
   * @param {keyof typeof WORDING} what
   * @param {string[]} subs
   */
  function say(cur, what, subs) {
    return cur.notebook ? session.msg(WORDING[what].notebook, subs) : session.msg(WORDING[what].file, [...subs, cur.file]);
  }

  /**
   * Rewrite mode: a link to the rewritten URL (on the reader's hub: whatever happens to the
   * click, that is where it goes); Alt-click opens the page's own Binder link. Private mode: a
   * button with no URL at all, whose click asks the background to open the hub (Alt-click:
   * the page's own Binder link, opened from here). It is not a link to the page's own Binder
   * URL (built from the page's data: any host the page chose), because a page can stop the
   * click before our listener sees it (at window capture) and the link's default action would
   * then open that URL.
   * @param {MystLaunch} cur
   * @param {Page} page
   */
  function create(cur, page) {
    const hub = page.hidden ? session.msg('mystYourHub') : page.hub ?? '';
    const el = document.createElement(page.hidden ? 'button' : 'a');
    el.className = 'byob-myst-launch';
    const link = cur.link;
    const result = cur.result;
    if (el instanceof HTMLButtonElement) {
      el.type = 'button';
      el.title = say(cur, 'private', []);
      const open = (/** @type {MouseEvent} */ event) => {
        if (event.type === 'auxclick' && event.button !== 1) return;
        event.preventDefault();
        event.stopPropagation();
        if (event.type === 'click' && event.altKey) actions.follow(link, true);
        else actions.openPrivately(link, true, false);
      };
      el.addEventListener('click', open);
      el.addEventListener('auxclick', open);
    } else if (el instanceof HTMLAnchorElement) {
      const rewritten = result?.status === 'rewritten' && result.output ? result.output : null;
      el.setAttribute('href', rewritten ?? link);
      el.target = '_blank';
      el.rel = 'noopener';
      if (rewritten && result) {
        el.setAttribute('data-byob-original', link);
        el.title = actions.tooltip(link, result);
        el.addEventListener('click', (event) => {
          if (!event.altKey || event.button !== 0) return;
          event.preventDefault();
          event.stopPropagation();
          actions.follow(link, true);
        });
      } else {
        el.title = say(cur, 'same', [page.hub ?? '']);
      }
    }
    el.setAttribute('aria-label', say(cur, 'aria', [hub]));
    const icon = mystData.launchButton(document)?.querySelector('svg')?.cloneNode(true);
    if (icon instanceof Element) {
      icon.setAttribute('aria-hidden', 'true');
      icon.removeAttribute('class');
      /** @type {any} */ (icon).style.cssText = 'width:15px;height:15px;flex:none';
      el.append(icon);
    }
    const text = document.createElement('span');
    text.textContent = session.msg('mystLaunchOn', [hub]);
    el.append(text);
    el.style.cssText = STYLE;
    const hot = () => void (el.style.color = HOT);
    const cold = () => void (el.style.color = 'inherit');
    el.addEventListener('mouseenter', hot);
    el.addEventListener('mouseleave', cold);
    el.addEventListener('focus', hot);
    el.addEventListener('blur', cold);
    node = el;
    return el;
  }

  /** Take the control away (it is made again, within MAX_PLACE, when it should be back). */
  function drop() {
    node?.remove();
    node = null;
  }

  g[KEY] = Object.freeze({
    place,
    /** Take the control away and start counting placements afresh (another page, new settings). */
    reset: () => {
      drop();
      placed = 0;
    },
    /** The control's text while it is on the page, for the popup. */
    text: () => (node?.isConnected ? (node.textContent ?? '').trim().slice(0, 80) : ''),
  });
})();
