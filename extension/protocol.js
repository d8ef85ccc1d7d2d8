// @ts-check
/**
 * The message protocol: messages between the extension's contexts, named by direction, and the
 * guards the background applies to every message before acting on it (sender first, then
 * shape). (The reader's strings are elsewhere: `_locales/<lang>/messages.json`, `ui/i18n.js`.)
 *
 *   content:rewrite   content script -> background   {hrefs: string[]}   (each href checked on its own)
 *   content:open      content script -> background   {href: string, newTab: boolean}  (private mode click)
 *   content:myst      content script -> background   {binder: {url?, provider?, repo, ref?}, location: string | null}
 *   page:detect       options/popup  -> background   {input: string}
 *   page:sync-access  options/popup  -> background   {}
 *   page:health       options/popup  -> background   {check: boolean}   (the hubs' health; check those due first)
 *   page:rewrite      popup          -> background   {hrefs: string[], url: string}   (what a tab's links become there)
 *   background:refresh background    -> content      {}   (settings or a hub's state changed: rescan)
 *   background:count  background     -> content      {}   (how many launch links this page has)
 *
 * This module is pure (no browser APIs) so `node --test` checks it directly.
 */

/** Most hrefs one `content:rewrite` message may carry; the content script splits larger batches. */
export const MAX_BATCH = 1000;
/**
 * Longest href read; real launch links are far shorter, and a page could send megabytes. A
 * longer href is answered on its own as invalid (`hrefRefusal`): the rest of its batch is
 * still rewritten.
 */
export const MAX_HREF = 8192;
/** Longest hub input the options page may send. */
export const MAX_INPUT = 2048;

export const CONTENT_REWRITE = 'content:rewrite';
export const CONTENT_OPEN = 'content:open';
export const CONTENT_MYST = 'content:myst';
export const PAGE_DETECT = 'page:detect';
export const PAGE_SYNC_ACCESS = 'page:sync-access';
export const PAGE_HEALTH = 'page:health';
export const PAGE_REWRITE = 'page:rewrite';
export const BACKGROUND_REFRESH = 'background:refresh';
export const BACKGROUND_COUNT = 'background:count';

/**
 * @typedef {{id?: string, url?: string, origin?: string, tab?: {id?: number, url?: string}, frameId?: number}} Sender
 * @typedef {{ok: true, kind: 'content' | 'page', message: any} | {ok: false, error: string}} Checked
 */

/**
 * Check a message received by the background.
 * @param {unknown} message what `runtime.onMessage` delivered
 * @param {Sender} sender who sent it
 * @param {{id: string, origin: string}} self this extension's id and its page origin
 *   (`runtime.getURL('')` without the trailing slash)
 * @returns {Checked}
 */
export function checkMessage(message, sender, self) {
  if (!sender || sender.id !== self.id) return fail('sender is not this extension');
  if (!isPlainObject(message)) return fail('message is not an object');
  const type = /** @type {any} */ (message).type;
  if (typeof type !== 'string') return fail('message has no type');
  const from = senderKind(sender, self.origin);
  if (type.startsWith('content:')) {
    if (from !== 'content') return fail(`${type} must come from a content script in a web page`);
    return checkContent(/** @type {Record<string, unknown>} */ (message));
  }
  if (type.startsWith('page:')) {
    if (from !== 'page') return fail(`${type} must come from an extension page`);
    return checkPage(/** @type {Record<string, unknown>} */ (message));
  }
  return fail(`unknown message type ${JSON.stringify(type.slice(0, 40))}`);
}

/**
 * Where a message came from: one of this extension's own pages, a content script in a web
 * page (http, https or file), or something else.
 * @param {Sender} sender
 * @param {string} extensionOrigin
 * @returns {'page' | 'content' | 'other'}
 */
export function senderKind(sender, extensionOrigin) {
  const url = typeof sender.url === 'string' ? sender.url : '';
  let origin;
  try {
    origin = new URL(url).origin;
  } catch {
    return 'other';
  }
  // Firefox reports the origin of moz-extension:// URLs as "null"; compare the prefix instead.
  if (url.startsWith(extensionOrigin + '/') || origin === extensionOrigin) return 'page';
  if (!sender.tab || typeof sender.tab.id !== 'number') return 'other';
  return /^(https?|file):/.test(url) ? 'content' : 'other';
}

/** @param {Record<string, unknown>} m @returns {Checked} */
function checkContent(m) {
  switch (m.type) {
    case CONTENT_REWRITE: {
      const hrefs = m.hrefs;
      if (!Array.isArray(hrefs)) return fail('content:rewrite needs hrefs: string[]');
      if (hrefs.length === 0 || hrefs.length > MAX_BATCH) return fail(`content:rewrite needs 1 to ${MAX_BATCH} hrefs, got ${hrefs.length}`);
      return ok('content', {type: m.type, ...eachHref(hrefs)});
    }
    case CONTENT_OPEN: {
      if (typeof m.href !== 'string' || m.href.length > MAX_HREF || !/^https?:\/\//i.test(m.href)) return fail('content:open needs an http(s) href');
      if (m.newTab !== undefined && typeof m.newTab !== 'boolean') return fail('content:open newTab must be a boolean');
      return ok('content', {type: m.type, href: m.href, newTab: m.newTab === true});
    }
    case CONTENT_MYST: {
      const b = m.binder;
      if (!isPlainObject(b) || typeof b.repo !== 'string' || b.repo.length === 0) return fail('content:myst needs binder.repo');
      /** @type {Record<string, string>} */
      const binder = {};
      for (const key of ['url', 'provider', 'repo', 'ref']) {
        const v = b[key];
        if (v === undefined || v === null) continue;
        if (typeof v !== 'string' || v.length > MAX_HREF) return fail(`content:myst binder.${key} must be a string`);
        binder[key] = v;
      }
      if (m.location !== null && m.location !== undefined && (typeof m.location !== 'string' || m.location.length > MAX_HREF)) return fail('content:myst location must be a string or null');
      return ok('content', {type: m.type, binder, location: m.location ?? null});
    }
    default:
      return fail(`unknown message type ${JSON.stringify(String(m.type).slice(0, 40))}`);
  }
}

/**
 * A batch's hrefs checked one by one. One bad href never costs the batch: it is refused on its
 * own (`refused[i]` says why) and an empty string takes its place in `hrefs`, so indexes still
 * match the answers.
 * @param {unknown[]} hrefs
 * @returns {{hrefs: string[], refused: Record<number, string>}}
 */
function eachHref(hrefs) {
  /** @type {Record<number, string>} */
  const refused = {};
  const checked = hrefs.map((h, i) => {
    const why = hrefRefusal(h);
    if (why === null) return /** @type {string} */ (h);
    refused[i] = why;
    return '';
  });
  return {hrefs: checked, refused};
}

/** @param {Record<string, unknown>} m @returns {Checked} */
function checkPage(m) {
  switch (m.type) {
    case PAGE_DETECT:
      if (typeof m.input !== 'string' || m.input.trim() === '' || m.input.length > MAX_INPUT) return fail('page:detect needs a non-empty input string');
      return ok('page', {type: m.type, input: m.input.trim()});
    case PAGE_SYNC_ACCESS:
      return ok('page', {type: m.type});
    case PAGE_HEALTH:
      if (m.check !== undefined && typeof m.check !== 'boolean') return fail('page:health check must be a boolean');
      if (m.all !== undefined && typeof m.all !== 'boolean') return fail('page:health all must be a boolean');
      return ok('page', {type: m.type, check: m.check === true, all: m.all === true});
    case PAGE_REWRITE: {
      const hrefs = m.hrefs;
      if (!Array.isArray(hrefs) || hrefs.length > MAX_BATCH) return fail(`page:rewrite needs 0 to ${MAX_BATCH} hrefs`);
      if (typeof m.url !== 'string' || m.url.length > MAX_HREF) return fail('page:rewrite needs the url of the page');
      return ok('page', {type: m.type, ...eachHref(hrefs), url: m.url});
    }
    default:
      return fail(`unknown message type ${JSON.stringify(String(m.type).slice(0, 40))}`);
  }
}

/**
 * Why an href a page supplied is not read at all, or null when it may be.
 * @param {unknown} href
 * @returns {string | null}
 */
export function hrefRefusal(href) {
  if (typeof href !== 'string') return `not a link: ${href === null ? 'null' : typeof href}`;
  if (href.length > MAX_HREF) return `link of ${href.length} characters: longer than ${MAX_HREF}, not read`;
  return null;
}

/**
 * Is `host` (a page's host name) one of the sites the user turned off? An entry matches the
 * host itself and its subdomains: "example.org" turns off example.org and www.example.org.
 * @param {string} host
 * @param {readonly string[]} disabledSites
 */
export function isSiteDisabled(host, disabledSites) {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h) return false;
  return disabledSites.some((site) => {
    const s = site.toLowerCase().trim().replace(/^\*\./, '').replace(/\.$/, '');
    return s !== '' && (h === s || h.endsWith('.' + s));
  });
}

/** @param {unknown} v @returns {v is Record<string, unknown>} */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {'content' | 'page'} kind @param {any} message @returns {Checked} */
function ok(kind, message) {
  return {ok: true, kind, message};
}

/** @param {string} error @returns {Checked} */
function fail(error) {
  return {ok: false, error};
}
