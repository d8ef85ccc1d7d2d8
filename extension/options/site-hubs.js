// @ts-check
/**
 * "Per-site choices" on the options page: every site with a choice of its own, listed and
 * editable — a hub its links go to first (`siteHubs`, "on this site, use <hub>", set from the
 * popup or here) or its links left alone (`disabledSites`, also the preference's text field).
 * Each row's choice can be changed or removed; a site can be added. A site is a host name and
 * covers its subdomains; it is in at most one of the two lists (the core refuses otherwise).
 */
import {t} from '../ui/i18n.js';
import {$, button, el, showStatus} from '../ui/dom.js';

/** The choice value of "leave its links alone". */
const OFF = 'off';

/**
 * @typedef {{change: (fn: (s: any) => void, status?: HTMLElement) => Promise<boolean>}} Page
 */

/**
 * Put `site`'s choice (a hub's URL, or `OFF`) into the settings, out of the other list.
 * @param {any} s settings, changed in place
 * @param {string} site
 * @param {string} choice
 */
export function setChoice(s, site, choice) {
  s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.site !== site);
  s.disabledSites = (s.disabledSites ?? []).filter((/** @type {string} */ x) => x !== site);
  if (choice === OFF) s.disabledSites.push(site);
  else if (choice) s.siteHubs.push({site, hub: choice});
}

/**
 * The host name in what the reader typed (`https://Books.Example.org/x`: `books.example.org`),
 * so that a site already listed is found; the core checks and normalises it again when saving.
 * @param {string} typed
 */
function hostOf(typed) {
  try {
    return new URL(typed.includes('://') ? typed : `https://${typed}`).hostname;
  } catch {
    return typed; // not a host name: the core says why
  }
}

/**
 * @param {Page} page
 * @returns {{render: (settings: any) => void}}
 */
export function siteHubs(page) {
  const status = () => $('site-hubs-status');
  $('site-hub-form').addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    const site = hostOf($('site-hub-site').value.trim());
    const choice = $('site-hub-choice').value;
    if (!site) {
      showStatus(status(), t('siteHubNeedsSite'), 'bad');
      $('site-hub-site').focus();
      return;
    }
    // The core normalises the site (`https://Books.Example.org/x` is `books.example.org`) and
    // says what is wrong with it.
    void page
      .change((s) => setChoice(s, site, choice), status())
      .then((ok) => {
        if (ok) $('site-hub-site').value = '';
      });
  });

  /**
   * The choices a row offers: each saved hub, and leaving the links alone.
   * @param {any[]} hubs
   * @param {string} selected
   */
  function options(hubs, selected) {
    return [
      ...hubs.map((h) => Object.assign(el('option', t('siteUseHub', [h.name])), {value: h.url, selected: h.url === selected})),
      Object.assign(el('option', t('siteLeaveAlone')), {value: OFF, selected: selected === OFF}),
    ];
  }

  /**
   * @param {string} site
   * @param {string} choice a hub's URL, or OFF
   * @param {any[]} hubs
   */
  function row(site, choice, hubs) {
    const li = el('li', '');
    Object.assign(li.dataset, {site, choice});
    const select = /** @type {HTMLSelectElement} */ (el('select', ''));
    select.setAttribute('aria-label', t('siteChoiceFor', [site]));
    select.append(...options(hubs, choice));
    select.addEventListener('change', () => void page.change((s) => setChoice(s, site, select.value), status()));
    const remove = button(t('remove'), () => void page.change((s) => setChoice(s, site, ''), status()));
    remove.setAttribute('aria-label', t('siteRemoveFor', [site]));
    li.append(el('span', site, 'hub-name site'), select, remove);
    return li;
  }

  return {
    render(settings) {
      const hubs = settings.hubs ?? [];
      const rows = [
        ...(settings.siteHubs ?? []).map((/** @type {any} */ r) => [r.site, r.hub]),
        ...(settings.disabledSites ?? []).map((/** @type {string} */ site) => [site, OFF]),
      ].sort((a, b) => a[0].localeCompare(b[0]));
      $('site-hub-list').replaceChildren(...rows.map(([site, choice]) => row(site, choice, hubs)));
      $('no-site-hubs').hidden = rows.length > 0;
      const choice = $('site-hub-choice');
      const kept = choice.value;
      choice.replaceChildren(...options(hubs, kept || (hubs[0]?.url ?? OFF)));
    },
  };
}
