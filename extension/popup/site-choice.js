// @ts-check
/**
 * This site's own choice in the popup: its links left alone, or a hub of its own. The most
 * specific choice that covers the host is shown; a change is made for this host.
 */
import {siteRoute} from '../fallback.js';
import {isSiteDisabled} from '../protocol.js';
import {errorMessage, updateSettings} from '../settings.js';
import {healthLine} from '../ui/health-view.js';
import {t} from '../ui/i18n.js';
import {$, el, showStatus} from '../ui/dom.js';
import {setStatus} from './status.js';

/**
 * Wire the two controls for the tab's host.
 * @param {{url?: string} | null} tab
 */
export function wireSiteChoice(tab) {
  $('site-off').addEventListener('change', () => onToggleSite(tab));
  $('site-hub').addEventListener('change', () => onSiteHub(tab));
}

/** Hide the choice: the tab is not a web page. */
export function hideSiteChoice() {
  $('site-choice').hidden = true;
}

/**
 * @param {any} settings
 * @param {Record<string, any>} health
 * @param {{url: string, name: string}[]} views
 * @param {string} host
 */
export function renderSiteChoice(settings, health, views, host) {
  const rule = siteRoute({default: {steps: []}, sites: siteRules(settings)}, host);
  $('site-choice').hidden = false;
  $('site-off').checked = rule.off;
  $('site-off-label').textContent = t('popupSiteOff', [host]);
  $('site-hub-label').textContent = t('popupSiteHub', [host]);
  const chosen = rule.off ? '' : (settings.siteHubs ?? []).find((/** @type {any} */ r) => r.site === rule.site)?.hub ?? '';
  const select = $('site-hub');
  select.replaceChildren(
    Object.assign(el('option', t('popupSiteHubDefault')), {value: '', selected: chosen === ''}),
    ...views.map((v) => Object.assign(el('option', [v.name, healthLine(health[v.url]).state === 'down' ? t('health_down') : ''].filter(Boolean).join(' · ')), {value: v.url, selected: v.url === chosen})),
  );
  select.disabled = rule.off || views.length === 0;
  $('site-hub-row').hidden = views.length < 2 && chosen === '';
}

/**
 * The site rules as the routes list them (for the host match only: routes are not needed).
 * @param {any} settings
 */
function siteRules(settings) {
  return [...(settings.siteHubs ?? []).map((/** @type {any} */ r) => ({site: r.site, off: false, route: null})), ...(settings.disabledSites ?? []).map((/** @type {string} */ site) => ({site, off: true, route: null}))];
}

/**
 * This host's links go to `url` ('' : the reader's order again). A host is in at most one of
 * `siteHubs` and `disabledSites`. (The book's own hub, once saved, is set here too.)
 * @param {any} s
 * @param {string} host
 * @param {string} url
 */
export function setSiteHub(s, host, url) {
  s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.site !== host);
  if (url) {
    s.siteHubs.push({site: host, hub: url});
    s.disabledSites = (s.disabledSites ?? []).filter((/** @type {string} */ site) => site !== host);
  }
}

/** @param {{url?: string} | null} tab */
function onToggleSite(tab) {
  const host = new URL(/** @type {string} */ (tab?.url)).hostname;
  const off = $('site-off').checked;
  updateSettings((s) => {
    const rest = (s.disabledSites ?? []).filter((/** @type {string} */ site) => !isSiteDisabled(host, [site]));
    s.disabledSites = off ? [...rest, host] : rest;
    // Left alone, the site has no hub of its own either.
    if (off) s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.site !== host);
    return s;
  }).catch((err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'));
}

/** @param {{url?: string} | null} tab */
function onSiteHub(tab) {
  const host = new URL(/** @type {string} */ (tab?.url)).hostname;
  const url = $('site-hub').value;
  updateSettings((s) => {
    setSiteHub(s, host, url);
    return s;
  }).then(
    () => showStatus($('site-status'), url ? t('popupSiteHubSet', [host, $('site-hub').selectedOptions[0]?.textContent ?? url]) : t('popupSiteHubCleared', [host]), 'ok'),
    (err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'),
  );
}
