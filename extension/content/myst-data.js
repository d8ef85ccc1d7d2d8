// @ts-check
/**
 * Reading the launch inputs of a Jupyter Book 2 (MyST) page as data (docs/protocols.md §5). A plain
 * script (no modules, no Wasm, no storage, no page code executed): it defines
 * `globalThis[Symbol.for('byob.myst')]` for content.js and the unit tests (a symbol: a page
 * can make names, never symbols, appear in the content script's world).
 *
 * Every string here comes from the page (its URL, its data), so no regex may backtrack over
 * it: trailing slashes and query strings are cut with loops and `indexOf`, never with
 * `/\/+$/`-style patterns, which take time quadratic in a run of slashes.
 *
 * A MyST site is a Remix single-page app. Its first page carries
 * `<script>window.__remixContext = {…};</script>`, valid JSON whose
 * `state.loaderData["routes/$"]` (`"routes/_index"` on the root page of some versions) holds
 * `project.thebe.binder = {url, provider, repo, ref}` and `page = {kind, slug, location,
 * frontmatter, …}`; `state.loaderData.root` holds the site `config` and `BASE_URL`. The
 * static site also serves `<base>/config.json` (the same site config) and one
 * `<base>/[<project>/]<slug>.json` per page (the same `page` object), which is what the site's
 * own router loads when the reader moves to another page without a reload.
 *
 * Nothing here fetches: content.js does, with the URLs these functions derive from the page's
 * own location (never a URL the page data names).
 */
(() => {
  'use strict';
  const KEY = Symbol.for('byob.myst');
  if (/** @type {any} */ (globalThis)[KEY]) return;

  /** The launch control (a button opening a form, not a link), newer and older markup. */
  const LAUNCH_BUTTON = 'button.myst-fm-launch-button[aria-haspopup], button[aria-label="Launch in external computing interface"]';

  /**
   * @typedef {{url?: string, provider?: string, repo: string, ref?: string}} Binder
   * @typedef {{kind?: string, slug?: string, location?: string, frontmatter?: any}} Page
   * @typedef {{base: string, config: any, index: string, routeProject: any, first: {key: string, page: Page | null, project: any} | null}} Site
   * @typedef {{binder: Binder, location: string, notebook: boolean, kind: string | null}} Launch
   */

  /**
   * Is this a MyST page? The generator meta tag (every mystmd version), or, where a site
   * dropped it, the launch button together with the Remix page data.
   * @param {Document} doc
   */
  function isMystPage(doc) {
    const generator = doc.querySelector('meta[name="generator"]')?.getAttribute('content') ?? '';
    if (/^mystmd\b/i.test(generator.trim())) return true;
    return doc.querySelector(LAUNCH_BUTTON) !== null && remixScript(doc) !== null;
  }

  /** @param {Document} doc */
  function remixScript(doc) {
    for (const script of doc.querySelectorAll('script:not([src])')) {
      const text = script.textContent ?? '';
      const at = text.indexOf('window.__remixContext');
      if (at >= 0) return {text, at};
    }
    return null;
  }

  /**
   * The inline `window.__remixContext = {…};` as data: the object literal is JSON. Other
   * statements may follow it in the same script (newer Remix versions add some): the object is
   * cut out by matching its braces. Null when there is none or it does not parse.
   * @param {Document} doc
   * @returns {any}
   */
  function readRemixContext(doc) {
    const found = remixScript(doc);
    if (!found) return null;
    const {text, at} = found;
    const start = text.indexOf('{', text.indexOf('=', at));
    if (start < 0) return null;
    const end = valueEnd(text, start);
    if (end < 0) return null;
    try {
      return JSON.parse(text.slice(start, end));
    } catch (err) {
      console.warn("byob: this MyST page's __remixContext is not JSON", err);
      return null;
    }
  }

  /**
   * Index just past the JSON value starting at `i` (whitespace first is skipped), or -1 when
   * the text ends before the value does. Strings are skipped whole, so braces inside them
   * do not count.
   * @param {string} t
   * @param {number} i
   */
  function valueEnd(t, i) {
    const n = t.length;
    while (i < n && /\s/.test(t[i])) i++;
    if (i >= n) return -1;
    const c = t.charCodeAt(i);
    if (c === 34) return stringEnd(t, i);
    if (c === 123 || c === 91) {
      let depth = 0;
      while (i < n) {
        const d = t.charCodeAt(i);
        if (d === 34) {
          i = stringEnd(t, i);
          if (i < 0) return -1;
          continue;
        }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) {
          depth--;
          if (depth === 0) return i + 1;
        }
        i++;
      }
      return -1;
    }
    const m = /^[^,}\]\s]+/.exec(t.slice(i, i + 64));
    if (!m || i + m[0].length >= n) return -1; // a number may go on in the next chunk
    return i + m[0].length;
  }

  /** @param {string} t @param {number} i at the opening quote */
  function stringEnd(t, i) {
    const n = t.length;
    for (i++; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 34) return i + 1;
    }
    return -1;
  }

  /**
   * The members of a JSON object whose text may be cut short (a page JSON read up to a size
   * cap): every top-level member that is complete, in order, and none after the first
   * incomplete one. MyST page JSON starts with `version, kind, sha256, slug, location,
   * dependencies, frontmatter` before the (possibly huge) `mdast`.
   * @param {string} text
   * @returns {Record<string, any>}
   */
  function leadingMembers(text) {
    /** @type {Record<string, any>} */
    const out = {};
    let i = text.indexOf('{');
    if (i < 0) return out;
    i++;
    const n = text.length;
    const ws = () => {
      while (i < n && /\s/.test(text[i])) i++;
    };
    for (;;) {
      ws();
      if (text[i] !== '"') return out;
      const keyEnd = stringEnd(text, i);
      if (keyEnd < 0) return out;
      const key = JSON.parse(text.slice(i, keyEnd));
      i = keyEnd;
      ws();
      if (text[i] !== ':') return out;
      i++;
      ws();
      const end = valueEnd(text, i);
      if (end < 0) return out;
      try {
        out[key] = JSON.parse(text.slice(i, end));
      } catch {
        return out;
      }
      i = end;
      ws();
      if (text[i] !== ',') return out;
      i++;
    }
  }

  /** `s` without the slashes it ends with (a loop: `/\/+$/` is quadratic in a run of slashes). @param {string} s */
  function trimSlashesEnd(s) {
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
    return end === s.length ? s : s.slice(0, end);
  }

  /** `s` without the slashes it starts with. @param {string} s */
  function trimSlashesStart(s) {
    let start = 0;
    while (start < s.length && s.charCodeAt(start) === 47) start++;
    return start === 0 ? s : s.slice(start);
  }

  /** `s` up to its first `?` or `#` (`/[?#].*$/` would be quadratic in a run of them). @param {string} s */
  function withoutQuery(s) {
    const q = s.indexOf('?');
    const h = s.indexOf('#');
    const cut = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return cut < 0 ? s : s.slice(0, cut);
  }

  /**
   * A path without its `index.html` and trailing slashes: `/a/b/` and `/a/b/index.html` are `/a/b`,
   * `/` is ``.
   * @param {string} pathname
   */
  function normalPath(pathname) {
    let p = trimSlashesEnd(pathname.replace(/\/index\.html?$/i, ''));
    try {
      p = decodeURI(p);
    } catch {
      // keep it encoded
    }
    return p;
  }

  /**
   * Where the site lives (`` or `/prefix`, no trailing slash). A site may be served under
   * another prefix than the one it was built for (`BASE_URL`), so the path the page data was
   * rendered for (`__remixContext.url`: `/notebooks/intro`; `/index` or `/` on the root page)
   * is matched against the end of the page's own path first; `BASE_URL` counts when it is a
   * prefix of that path; the root page's own path is the base. (Not covered: a site served
   * off its built base whose root page was left for another one before this ran.)
   * @param {{pathname: string, baseUrl?: unknown, url?: unknown, index?: string}} p
   * @returns {string}
   */
  function baseFor({pathname, baseUrl, url, index = 'index'}) {
    const path = normalPath(pathname);
    const root = `/${index}`;
    const u = typeof url === 'string' ? normalPath(withoutQuery(url)) : null;
    /** @type {string | null} */
    let derived = null;
    if (u && u !== root && path.endsWith(u)) derived = path.slice(0, path.length - u.length);
    const b = typeof baseUrl === 'string' ? trimSlashesEnd(baseUrl) : null;
    if (b !== null && (b === '' || path === b || path.startsWith(b + '/'))) return derived ?? b;
    if (derived !== null) return derived;
    if (u === '' || u === root) return path.endsWith(root) ? path.slice(0, path.length - root.length) : path;
    return '';
  }

  /**
   * The page key: the path below the base, without slashes around it (`notebooks/intro`;
   * `` on the root page).
   * @param {string} pathname
   * @param {string} base
   */
  function pageKey(pathname, base) {
    const path = normalPath(pathname);
    const rel = base && (path === base || path.startsWith(base + '/')) ? path.slice(base.length) : path;
    return trimSlashesStart(trimSlashesEnd(rel));
  }

  /**
   * The site as the first page describes it: base path, site config, and that page's own data
   * when it is the page now shown (`first`). Null when the page has no usable Remix data.
   * @param {any} ctx the parsed __remixContext
   * @param {string} pathname location.pathname
   * @returns {Site | null}
   */
  function siteFromContext(ctx, pathname) {
    // Remix 2 (`state.loaderData`), or Remix 1 as older mystmd versions shipped it (`routeData`).
    const loader = ctx?.state?.loaderData ?? ctx?.routeData;
    if (!loader || typeof loader !== 'object') return null;
    const root = loader.root ?? {};
    const routeKey = ['routes/$', 'routes/_index'].find((k) => loader[k]) ?? Object.keys(loader).find((k) => k.startsWith('routes/') && loader[k]?.page);
    const route = routeKey ? loader[routeKey] : null;
    const config = root.config ?? route?.config ?? null;
    const index = route?.project?.index ?? config?.projects?.[0]?.index ?? 'index';
    let url = typeof ctx.url === 'string' ? withoutQuery(ctx.url) : null;
    const slug = route?.page?.slug;
    if (url === null && typeof slug === 'string' && slug) {
      // No URL in the data (Remix 1): the page's slug says where it is (`a.b` is /a/b).
      url = slug === index ? `/${index}` : `/${slug.split('.').join('/')}`;
    }
    const base = baseFor({pathname, baseUrl: root.BASE_URL, url, index});
    /** @type {Site} */
    const site = {base, config, index, routeProject: route?.project ?? null, first: null};
    if (route?.page && url !== null) {
      const key = pageKey(url, '');
      const here = pageKey(pathname, base);
      const same = key === here || ((key === '' || key === index) && (here === '' || here === index));
      if (same) site.first = {key: here, page: route.page, project: route.project ?? projectFor(site, here)};
    }
    return site;
  }

  /**
   * The project a page belongs to: on a site of several projects the first path segment names
   * it; otherwise the only one.
   * @param {Site} site
   * @param {string} key
   */
  function projectFor(site, key) {
    const projects = Array.isArray(site.config?.projects) ? site.config.projects : [];
    const first = key.split('/')[0];
    return projects.find((p) => p && p.slug && p.slug === first) ?? projects.find((p) => p && !p.slug) ?? projects[0] ?? site.routeProject ?? null;
  }

  /**
   * The URL of a page's JSON, as the static site serves it: `<base>/[<project>/]<slug>.json`,
   * the slug being the path's segments joined with dots (`notebooks/intro` → `notebooks.intro`)
   * and the project's index page on its root.
   * @param {Site} site
   * @param {string} key
   * @param {string} origin
   */
  function pageJsonUrl(site, key, origin) {
    const project = projectFor(site, key);
    let parts = key ? key.split('/') : [];
    let prefix = '';
    if (project?.slug && parts[0] === project.slug) {
      prefix = `/${project.slug}`;
      parts = parts.slice(1);
    }
    const slug = parts.length ? parts.join('.') : (project?.index ?? site.index ?? 'index');
    return `${origin}${site.base}${prefix}/${slug.split('/').map(encodeURIComponent).join('/')}.json`;
  }

  /**
   * The `config.json` URLs a site without usable inline data may have, nearest the origin's
   * root first: `/config.json`, then one per leading path segment (at most `max`).
   * @param {string} pathname
   * @param {string} origin
   */
  function configUrls(pathname, origin, max = 3) {
    const segments = normalPath(pathname).split('/').filter(Boolean);
    const out = [`${origin}/config.json`];
    for (let k = 1; k <= Math.min(max, segments.length); k++) out.push(`${origin}/${segments.slice(0, k).map(encodeURIComponent).join('/')}/config.json`);
    return out;
  }

  /**
   * What a page launches: the project's Binder config and the page's source location, and
   * whether the page is a notebook (a Jupyter notebook, or MyST Markdown with a kernel).
   * Null when the project has no Binder config or the page no location (the page's own rocket
   * button is then not shown either).
   * @param {any} project
   * @param {Page | null} page
   * @returns {Launch | null}
   */
  function launchFor(project, page) {
    const binder = project?.thebe?.binder;
    if (!binder || typeof binder !== 'object' || typeof binder.repo !== 'string' || binder.repo.trim() === '') return null;
    if (!page || typeof page.location !== 'string' || page.location === '') return null;
    /** @type {Binder} */
    const clean = {repo: binder.repo};
    for (const key of /** @type {const} */ (['url', 'provider', 'ref'])) if (typeof binder[key] === 'string') clean[key] = binder[key];
    const kind = typeof page.kind === 'string' ? page.kind : null;
    const notebook = kind === 'Notebook' || /\.ipynb$/i.test(page.location) || !!page.frontmatter?.kernelspec;
    return {binder: clean, location: page.location, notebook, kind};
  }

  /**
   * The page's launch button (the first one: the frontmatter block's).
   * @param {ParentNode} root
   * @returns {HTMLButtonElement | null}
   */
  function launchButton(root) {
    return root.querySelector(LAUNCH_BUTTON);
  }

  /**
   * The URL field of the launch form a launch button opened, if it is open: the popover whose
   * id the button's `aria-controls` names (Radix), newer markup's `input.myst-fm-launch-input`
   * or any URL input in it (older markup).
   * @param {Document} doc
   * @param {Element | null} button
   * @returns {HTMLInputElement | null}
   */
  function openFormInput(doc, button) {
    if (!button || button.getAttribute('aria-expanded') !== 'true') return null;
    const id = button.getAttribute('aria-controls');
    const popover = (id && doc.getElementById(id)) || doc.querySelector('.myst-fm-launch-modal');
    if (!popover) return null;
    return popover.querySelector('input.myst-fm-launch-input[type=url]') ?? popover.querySelector('input[type=url]');
  }

  /**
   * Older markup (myst-theme < 1.0) has a Binder tab and a JupyterHub tab, each with its own
   * form. The tab for a hub of `kind`, if the form has tabs (Radix ids end in
   * `-trigger-binder` / `-trigger-jupyterhub`).
   * @param {Element} input
   * @param {string} kind binderhub | jupyterhub
   * @returns {{tab: HTMLElement, selected: boolean} | null}
   */
  function formTab(input, kind) {
    const tablist = input.closest('[role=dialog], [data-radix-popper-content-wrapper], .myst-fm-launch-modal')?.querySelector('[role=tablist]');
    if (!tablist) return null;
    const value = kind === 'binderhub' ? 'binder' : 'jupyterhub';
    const tab = /** @type {HTMLElement | null} */ (tablist.querySelector(`[role=tab][id$="-trigger-${value}"]`));
    return tab ? {tab, selected: tab.getAttribute('aria-selected') === 'true'} : null;
  }

  /**
   * The first page's launch inputs and button, from its inline data only (tests, popup).
   * @param {Document} doc
   * @param {string} [pathname]
   */
  function readMystLaunch(doc, pathname = doc.location?.pathname ?? '/') {
    if (!isMystPage(doc)) return null;
    const site = siteFromContext(readRemixContext(doc), pathname);
    if (!site?.first) return null;
    const launch = launchFor(site.first.project, site.first.page);
    return launch ? {...launch, button: launchButton(doc), site} : null;
  }

  /** @type {any} */ (globalThis)[KEY] = Object.freeze({
    LAUNCH_BUTTON,
    isMystPage,
    readRemixContext,
    leadingMembers,
    valueEnd,
    normalPath,
    baseFor,
    pageKey,
    siteFromContext,
    projectFor,
    pageJsonUrl,
    configUrls,
    launchFor,
    launchButton,
    openFormInput,
    formTab,
    readMystLaunch,
  });
})();
