// @ts-check
/**
 * The tab's launch links in the popup: running the content script in the tab (which relaunches
 * them on the reader's hub) and collecting what it found from every frame; then each link with
 * what it becomes (on which hub, a fallback and why, warnings, or why it is not converted) and a
 * button to copy the converted link.
 */
import {ext} from '../api.js';
import {CONTENT_SCRIPT_FILES} from '../site-access.js';
import {errorMessage} from '../settings.js';
import {t} from '../ui/i18n.js';
import {$, el} from '../ui/dom.js';

/** How long to wait for the page's links to be answered before showing what is known. */
const SETTLE_TIMEOUT_MS = 4000;

/**
 * Run the content script in the tab (relaunching its links) and collect what it found, from
 * every frame.
 * @param {number} tabId
 * @returns {Promise<{href: string, source: string, text: string}[]>}
 */
export async function linksInTab(tabId) {
  // Absolute paths: Firefox resolves relative ones against this page (popup/), not the root.
  await ext.scripting.executeScript({target: {tabId, allFrames: true}, files: CONTENT_SCRIPT_FILES.map((f) => `/${f}`)});
  const frames = await ext.scripting.executeScript({target: {tabId, allFrames: true}, func: collectInPage, args: [SETTLE_TIMEOUT_MS]});
  /** @type {Map<string, {href: string, source: string, text: string}>} */
  const byHref = new Map();
  for (const frame of frames ?? []) {
    for (const link of frame?.result?.links ?? []) {
      if (!byHref.has(link.href) || link.source !== 'content') byHref.set(link.href, link);
    }
  }
  return [...byHref.values()];
}

/**
 * Runs in the page (isolated world, next to the content script).
 * @param {number} timeoutMs
 */
function collectInPage(timeoutMs) {
  /** @type {any} */
  const content = /** @type {any} */ (globalThis)[Symbol.for('byob.content')];
  if (!content) return {links: []};
  return Promise.race([content.settled(), new Promise((resolve) => setTimeout(() => resolve(content.list()), timeoutMs))]);
}

/**
 * List the links, each beside its rewrite (`rewrites[i]` is `found[i]`'s; none: nothing is known yet).
 * @param {{href: string, source: string, text: string}[]} found
 * @param {any[]} rewrites
 */
export function renderLinks(found, rewrites) {
  $('links').replaceChildren(...found.map((link, i) => linkItem(link, rewrites[i])));
}

/** Empty the list: the tab is not a page, or has no launch links. */
export function clearLinks() {
  $('links').replaceChildren();
}

/**
 * @param {{href: string, source: string, text: string}} link
 * @param {any} rewrite
 */
function linkItem(link, rewrite) {
  const li = el('li', '');
  li.dataset.status = rewrite?.status ?? 'unknown';
  li.dataset.source = link.source;
  if (rewrite?.hub) li.dataset.hub = rewrite.hub;
  const source = link.source === 'launch-menu' ? 'popupSourceMenu' : link.source === 'myst' ? 'popupSourceMyst' : 'popupSourcePage';
  li.append(el('span', [link.text, t(source)].filter(Boolean).join(' · '), 'label'));
  const from = el('span', link.href, 'from url');
  from.title = link.text || link.href;
  li.append(from);
  if (!rewrite) return li;
  if (rewrite.status === 'rewritten') {
    li.append(el('span', rewrite.output, 'to url'));
  } else {
    li.append(el('span', t(`status_${rewrite.status}`) + (rewrite.reason ? `: ${rewrite.reason}` : ''), `note ${rewrite.status === 'unchanged' ? 'muted' : 'warn'}`));
  }
  // A fallback hub: which, and why not the hubs before it.
  if (rewrite.fallback?.length && (rewrite.status === 'rewritten' || rewrite.status === 'unchanged')) {
    const note = el('span', t('popupFallback', [rewrite.hub ?? '', rewrite.fallback.join('; ')]), 'note warn fallback');
    li.append(note);
  }
  for (const w of rewrite.warnings ?? []) li.append(el('span', t('titleWarning', [w]), 'note warn'));
  if (rewrite.status === 'rewritten') li.append(copyButton(link.href, rewrite.output));
  return li;
}

/**
 * Copies the converted link; says so (or why not) in the footer.
 * @param {string} href the link as the page has it (for the button's accessible name)
 * @param {string} output the converted link
 */
function copyButton(href, output) {
  const copy = /** @type {HTMLButtonElement} */ (el('button', t('popupCopy')));
  copy.type = 'button';
  copy.setAttribute('aria-label', t('popupCopyLink', [href]));
  copy.addEventListener('click', () =>
    navigator.clipboard.writeText(output).then(
      () => ($('copy-status').textContent = t('noticeCopied')),
      (err) => ($('copy-status').textContent = t('popupCopyFailed', [errorMessage(err)])),
    ),
  );
  return copy;
}
