// @ts-check
/**
 * "Saved hubs" on the options page: each hub as the core shows it (`hubViews`: its name, kind
 * label, version, notes such as CORS, whether it is the active one), with a radio to make it
 * active, "Check again" (detected again; what to keep is the core's `savedHub` for the hub's
 * own kind) and "Remove".
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {originPattern} from '../probe-runner.js';
import {errorMessage, hubViews, useFirst} from '../settings.js';
import {t} from '../ui/i18n.js';
import {$, button, el, showStatus} from '../ui/dom.js';

/**
 * @typedef {{change: (fn: (s: any) => void, status?: HTMLElement) => Promise<boolean>, use: (settings: any) => Promise<void>, kinds: {kind: string, label: string}[]}} Page
 * @typedef {{url: string, name: string, kind: string, label: string, version: string | null, notes: string[], active: boolean, managed?: 'locked' | 'preset'}} HubView
 */

/**
 * A hub the reader's organisation sets: marked as such; when it locks its hubs, the choice of
 * the hub in use is not offered, nor removing one of its hubs (the core refuses both anyway).
 * @param {HTMLElement} li
 * @param {HubView} hub
 * @param {boolean} locked
 * @param {HTMLInputElement} radio
 * @param {HTMLButtonElement} remove
 */
function managedItem(li, hub, locked, radio, remove) {
  if (hub.managed) li.dataset.managed = hub.managed;
  if (locked) {
    radio.disabled = true;
    radio.title = t('managedLockedChoice');
  }
  if (hub.managed === 'locked') {
    remove.disabled = true;
    remove.title = t('managedLockedRemove');
  }
}

/**
 * @param {Page} page
 * @returns {{render: (settings: any) => Promise<void>}}
 */
export function hubList(page) {
  const status = () => $('hub-list-status');

  /**
   * @param {HubView} hub
   * @param {boolean} locked the organisation decides which hub is in use
   */
  function item(hub, locked) {
    const li = el('li', '');
    li.dataset.url = hub.url;
    const radio = /** @type {HTMLInputElement} */ (el('input', ''));
    Object.assign(radio, {type: 'radio', name: 'active-hub', checked: hub.active});
    radio.setAttribute('aria-label', t('makeActive', [hub.name]));
    radio.addEventListener('change', () => page.change((s) => useFirst(s, hub.url), status()));
    const main = el('span', '', 'hub-main');
    const info = [[t(hub.label), hub.version].filter(Boolean).join(' '), ...hub.notes.map((n) => t(n))];
    if (hub.active) info.push(t('activeHub'));
    if (hub.managed) info.push(t(hub.managed === 'locked' ? 'managedLocked' : 'managedBy'));
    main.append(el('span', hub.name, 'hub-name'), el('span', info.join(' · '), 'hub-info'), el('span', hub.url, 'url muted'));
    const recheck = button(t('recheck'), () => onRecheck(hub));
    recheck.setAttribute('aria-label', t('recheckHub', [hub.name]));
    const remove = button(t('remove'), () => onRemove(hub));
    remove.setAttribute('aria-label', t('removeHub', [hub.name]));
    li.append(radio, main, recheck, remove);
    managedItem(li, hub, locked, radio, remove);
    return li;
  }

  /** @param {HubView} hub */
  function onRecheck(hub) {
    // First call of the click: the browser asks for this hub's origin, if not granted yet.
    const asked = ext.permissions.request({origins: [originPattern(hub.url)]});
    (async () => {
      await asked.catch((/** @type {unknown} */ err) => console.warn('byob: the permission request failed', err));
      showStatus(status(), t('detectChecking'), 'muted');
      const reply = await ext.runtime.sendMessage({type: 'page:detect', input: hub.url});
      if (!reply?.ok) {
        showStatus(status(), t('detectError', [reply?.error ?? '?']), 'bad');
        return;
      }
      const d = reply.detection;
      const found = await core.savedHub(d, hub.kind);
      if (!found || !d.launchUrl) {
        showStatus(status(), t('recheckUnreachable', [hub.name, d.message ?? '']), 'bad');
        return;
      }
      const ok = await page.change((s) => {
        const h = s.hubs.find((/** @type {any} */ x) => x.url === hub.url);
        if (h && found.url === h.url) Object.assign(h, {version: found.version, cors: found.cors});
      }, status());
      const label = page.kinds.find((k) => k.kind === d.kind)?.label;
      if (ok) showStatus(status(), t('recheckDone', [hub.name, [label ? t(label) : d.kind, d.version].filter(Boolean).join(' ')]), 'ok');
    })().catch((err) => showStatus(status(), t('detectError', [errorMessage(err)]), 'bad'));
  }

  /** @param {HubView} hub */
  function onRemove(hub) {
    page
      .change((s) => {
        s.hubs = s.hubs.filter((/** @type {any} */ h) => h.url !== hub.url);
        // A site sent to this hub goes back to the reader's order.
        s.siteHubs = (s.siteHubs ?? []).filter((/** @type {any} */ r) => r.hub !== hub.url);
      }, status())
      .then((ok) => {
        if (ok) showStatus(status(), t('removedHub', [hub.name]), 'ok');
      });
  }

  return {
    async render(settings) {
      const hubs = /** @type {HubView[]} */ (await hubViews(settings));
      const locked = hubs.some((h) => h.managed === 'locked');
      $('hub-list').replaceChildren(...hubs.map((h) => item(h, locked)));
      $('no-hubs').hidden = hubs.length > 0;
    },
  };
}

