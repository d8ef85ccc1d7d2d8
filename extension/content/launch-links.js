// @ts-check
/**
 * Finding launch-link candidates in a page. A plain script (no modules, no Wasm, no storage):
 * it runs as the first content script file and defines
 * `globalThis[Symbol.for('byob.launchLinks')]` for content.js and the unit tests. The key is a
 * symbol because a page can make any *name* appear as a global in the content script's world
 * (Chromium exposes an element's `id` there: `<a id="byobLaunchLinks">`), never a symbol.
 *
 * It only *finds candidates*; the Rust core (in the background) decides what each link is.
 * Two sources:
 *  - the launch menus of Jupyter Book 1 (sphinx-book-theme), whose links are always sent,
 *    whatever host the book's author configured;
 *  - any other link whose raw href looks like a launch link (a cheap test on the attribute
 *    text, so a page of 10,000 ordinary links costs one regex test each).
 * Links are matched by href and markup, never by (translatable) title or label text.
 */
(() => {
  'use strict';
  const KEY = Symbol.for('byob.launchLinks');
  if (/** @type {any} */ (globalThis)[KEY]) return;

  /**
   * The three generations of Jupyter Book 1 launch menus (docs/protocols.md §5), each with an
   * example of the markup it matches.
   */
  const LAUNCH_MENUS = [
    // sphinx-book-theme >= 1.0:
    // <div class="dropdown dropdown-launch-buttons"><ul class="dropdown-menu"><li><a href="…/v2/gh/…" class="btn btn-sm dropdown-item">
    '.dropdown-launch-buttons a[href]',
    // sphinx-book-theme 0.3.x:
    // <div class="menu-dropdown menu-dropdown-launch-buttons"><div class="menu-dropdown__content"><ul><li><a href="…/hub/user-redirect/git-pull?…" class="headerbtn">
    '.menu-dropdown-launch-buttons a[href]',
    // sphinx-book-theme <= 0.2 and sphinx-pythia-theme until 2024:
    // <div class="dropdown-buttons"><a class="binder-button" href="…/v2/gh/…"><button>…
    '.dropdown-buttons > a.binder-button[href], .dropdown-buttons > a.jupyterhub-button[href], .dropdown-buttons > a.colab-button[href]',
  ].join(', ');

  /**
   * Raw href text that may be a launch link:
   *   https://mybinder.org/v2/gh/org/repo/HEAD            (BinderHub launch, any host)
   *   https://hub.example.edu/hub/user-redirect/git-pull?repo=…   (nbgitpuller)
   *   https://colab.research.google.com/github/org/repo/blob/main/x.ipynb
   *   https://mybinder.org/repo/org/repo                  (legacy Binder)
   *   https://hub.example.edu/hub/lti/launch?next=…       (Canvas/LTI wrapper around git-pull)
   *   https://hub.example.edu/interact?account=…&repo=…   (legacy nbgitpuller)
   * False positives are cheap (the core answers "none" and the answer is cached); a missed
   * launch link is not.
   */
  const CANDIDATE_HREF = /\/v2\/|git-pull|colab\.research\.google\.com\/(?:github|gist)\/|\/repo\/[^/?#]+\/[^/?#]+|\/interact\?|\/lti\/launch/i;

  /** @param {string} raw */
  function looksLikeLaunch(raw) {
    return CANDIDATE_HREF.test(raw);
  }

  /**
   * @typedef {{link: HTMLAnchorElement, href: string, source: 'launch-menu' | 'content'}} Candidate
   */

  /** The menu containers alone: a class lookup, much cheaper than LAUNCH_MENUS over every link. */
  const MENU_CONTAINERS = '.dropdown-launch-buttons, .menu-dropdown-launch-buttons, .dropdown-buttons';

  /**
   * Candidate launch links in `root` (a document or an element, itself included).
   * @param {ParentNode} root
   * @returns {Candidate[]}
   */
  function findCandidates(root) {
    /** @type {Candidate[]} */
    const out = [];
    /** @type {Set<Element>} */
    const menu = new Set();
    const self = /** @type {any} */ (root);
    const inside = self.nodeType === 1 && self.closest(MENU_CONTAINERS) !== null;
    if (inside || root.querySelector(MENU_CONTAINERS) !== null) {
      for (const link of root.querySelectorAll(LAUNCH_MENUS)) menu.add(link);
    }
    if (self.nodeType === 1 && self.matches('a[href]')) {
      pushIfCandidate(out, self, self.matches(LAUNCH_MENUS));
    }
    for (const link of root.querySelectorAll('a[href]')) {
      pushIfCandidate(out, /** @type {HTMLAnchorElement} */ (link), menu.has(link));
    }
    return out;
  }

  /**
   * @param {Candidate[]} out
   * @param {HTMLAnchorElement} link
   * @param {boolean} inMenu
   */
  function pushIfCandidate(out, link, inMenu) {
    const raw = link.getAttribute('href') ?? '';
    if (!inMenu && !looksLikeLaunch(raw)) return;
    const href = link.href; // resolved against the document's base URL
    if (!/^https?:/i.test(href)) return;
    out.push({link, href, source: inMenu ? 'launch-menu' : 'content'});
  }

  /**
   * Is this link inside a Jupyter Book 1 launch menu?
   * @param {Element} link
   */
  function inLaunchMenu(link) {
    return link.matches(LAUNCH_MENUS);
  }

  /** @type {any} */ (globalThis)[KEY] = Object.freeze({findCandidates, looksLikeLaunch, inLaunchMenu, LAUNCH_MENUS, CANDIDATE_HREF});
})();
