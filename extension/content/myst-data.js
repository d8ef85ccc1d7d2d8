// @ts-check
/**
 * Reading the launch inputs of a Jupyter Book 2 (MyST) page as data (docs/protocols.md §5). A plain
 * script (no modules, no Wasm, no storage, no page code executed): it defines
 * `globalThis[Symbol.for('byob.myst')]` for myst.js and the unit tests (a symbol: a page
 * can make names, never symbols, appear in the content script's world).
 *
 * Every string here comes from the page (its URL, its data), so no regex may backtrack over
 * it: trailing slashes and query strings are cut with text-scan.js's loops, never with
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
 * Nothing here fetches: myst.js does, with the URLs these functions derive from the page's
 * own location (never a URL the page data names).
 */
(() => {
  'use strict';
  const KEY = Symbol.for('byob.myst');
  const scan = /** @type {any} */ (globalThis)[Symbol.for('byob.textScan')];
  if (/** @type {any} */ (globalThis)[KEY] || !scan) return;

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
    const end = scan.valueEnd(text, start);
    if (end < 0) return null;
    try {
      return JSON.parse(text.slice(start, end));
    } catch (err) {
      console.warn("byob: this MyST page's __remixContext is not JSON", err);
      return null;
    }
  }

  /**
   * A path without its `index.html` and trailing slashes: `/a/b/` and `/a/b/index.html` are `/a/b`,
   * `/` is ``.
   * @param {string} pathname
   */
  function normalPath(pathname) {
    let p = scan.trimSlashesEnd(pathname.replace(/\/index\.html?$/i, ''));
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
    const u = typeof url === 'string' ? normalPath(scan.withoutQuery(url)) : null;
    /** @type {string | null} */
    let derived = null;
    if (u && u !== root && path.endsWith(u)) derived = path.slice(0, path.length - u.length);
    const b = typeof baseUrl === 'string' ? scan.trimSlashesEnd(baseUrl) : null;
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
    return scan.trimSlashesStart(scan.trimSlashesEnd(rel));
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
    let url = typeof ctx.url === 'string' ? scan.withoutQuery(ctx.url) : null;
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
   * whether the page is a notebook (a Jupyter notebook, or MyST Markdown with a kernel; only
   * the wording of our control depends on it: any page with a location launches its source
   * file, as the page's own form does). Null when the project has no Binder config or the page
   * no location (the page's own rocket button is then not shown either).
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

  /** The longest file name shown in our control's accessible name and tooltip. */
  const MAX_FILE_NAME = 80;

  /**
   * The file a launch opens, as the reader knows it: the last segment of the page's source
   * location (`/notebooks/intro.ipynb` → `intro.ipynb`), cut to MAX_FILE_NAME characters.
   * @param {string} location
   */
  function fileName(location) {
    const name = scan.trimSlashesEnd(location).split('/').at(-1) ?? '';
    return name.length > MAX_FILE_NAME ? `${name.slice(0, MAX_FILE_NAME - 1)}…` : name;
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
   * form. The tab named `name` (which one takes the reader's hub is the core's `mystTab`), if
   * the form has tabs (Radix ids end in `-trigger-<name>`).
   * @param {Element} input
   * @param {string} name the tab's value in the form's markup
   * @returns {{tab: HTMLElement, selected: boolean} | null}
   */
  function formTab(input, name) {
    const tablist = input.closest('[role=dialog], [data-radix-popper-content-wrapper], .myst-fm-launch-modal')?.querySelector('[role=tablist]');
    if (!tablist || !/^[a-z-]+$/.test(name)) return null;
    const tab = /** @type {HTMLElement | null} */ (tablist.querySelector(`[role=tab][id$="-trigger-${name}"]`));
    return tab ? {tab, selected: tab.getAttribute('aria-selected') === 'true'} : null;
  }

  /** @type {any} */ (globalThis)[KEY] = Object.freeze({
    LAUNCH_BUTTON,
    isMystPage,
    readRemixContext,
    normalPath,
    baseFor,
    pageKey,
    siteFromContext,
    projectFor,
    pageJsonUrl,
    configUrls,
    launchFor,
    fileName,
    launchButton,
    openFormInput,
    formTab,
  });
})();
