// @ts-check
/**
 * "Saved hubs" on the options page, in the reader's order: links go to the first, and (with
 * fallback on) to the next that is up and can launch them. Each hub as the core shows it
 * (`hubViews`: name, kind label, version, notes such as CORS), with its health (up, slow,
 * down with why, or not checked, and when it was last checked), a radio to use it first,
 * "Move up" and "Move down" (buttons: the keyboard reorders as the mouse does), "Check again"
 * (detected again; what to keep is the core's `savedHub` for the hub's own kind) and "Remove".
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {readHealth} from '../health.js';
import {originPattern} from '../probe-runner.js';
import {PAGE_HEALTH} from '../protocol.js';
import {errorMessage, hubViews, useFirst} from '../settings.js';
import {healthLine} from '../ui/health-view.js';
import {t} from '../ui/i18n.js';
import {$, button, el, showStatus} from '../ui/dom.js';
import {launchProblem} from '../ui/saved-hub.js';

/**
 * @typedef {{change: (fn: (s: any) => void, status?: HTMLElement) => Promise<boolean>, use: (settings: any) => Promise<void>, settings: () => any, kinds: {kind: string, label: string}[]}} Page
 * @typedef {{url: string, name: string, kind: string, label: string, version: string | null, notes: string[], active: boolean, managed?: 'locked' | 'preset'}} HubView
 */

/**
 * A hub the reader's organisation sets: marked as such. When it locks its hubs (they are the
 * first `lockedCount`), what the lock forbids is not offered (the core refuses it anyway): the
 * choice of the hub in use, removing or moving one of its hubs, moving another before them.
 * @param {HTMLElement} li
 * @param {HubView} hub
 * @param {{radio: HTMLInputElement, remove: HTMLButtonElement, up: HTMLButtonElement, down: HTMLButtonElement}} controls
 * @param {number} i the hub's place in the order
 * @param {number} lockedCount
 */
function managedItem(li, hub, controls, i, lockedCount) {
  if (hub.managed) li.dataset.managed = hub.managed;
  if (lockedCount === 0) return;
  controls.radio.disabled = true;
  controls.radio.title = t('managedLockedChoice');
  if (hub.managed === 'locked') {
    for (const b of [controls.remove, controls.up, controls.down]) {
      b.disabled = true;
      b.title = t('managedLockedRemove');
    }
  } else if (i === lockedCount) {
    controls.up.disabled = true;
  }
}

/**
 * The saved hubs' list of the options page. A factory, longer than a function should be, on
 * purpose: its small inner functions (an item, its controls, the focus kept across renders,
 * the health line) share the page and the list's state, as a module's functions would.
 * @param {Page} page
 * @returns {{render: (settings: any) => Promise<void>, renderHealth: () => Promise<void>}}
 */
export function hubList(page) {
  const status = () => $('hub-list-status');

  /**
   * @param {HubView} hub
   * @param {number} i its place in the order
   * @param {number} count how many hubs there are
   * @param {any} settings
   * @param {number} lockedCount how many hubs an organisation locks in front (0: none)
   */
  function item(hub, i, count, settings, lockedCount) {
    const li = el('li', '');
    li.dataset.url = hub.url;
    const radio = /** @type {HTMLInputElement} */ (el('input', ''));
    Object.assign(radio, {type: 'radio', name: 'active-hub', checked: hub.active});
    radio.setAttribute('aria-label', t('makeActive', [hub.name]));
    radio.dataset.control = 'use';
    radio.addEventListener('change', () => page.change((s) => useFirst(s, hub.url), status()));
    const main = el('span', '', 'hub-main');
    const info = [[t(hub.label), hub.version].filter(Boolean).join(' '), ...hub.notes.map((n) => t(n))];
    if (hub.active) info.push(t('activeHub'));
    else if (settings.fallback) info.push(t('fallbackPlace', [String(i)]));
    if (hub.managed) info.push(t(hub.managed === 'locked' ? 'managedLocked' : 'managedBy'));
    main.append(el('span', hub.name, 'hub-name'), el('span', info.join(' · '), 'hub-info'), el('span', hub.url, 'url muted'), el('span', '', 'health muted'));
    const up = button(t('moveUp'), () => move(hub, -1));
    up.setAttribute('aria-label', t('moveUpHub', [hub.name]));
    up.disabled = i === 0;
    up.dataset.move = 'up';
    up.dataset.control = 'up';
    const down = button(t('moveDown'), () => move(hub, 1));
    down.setAttribute('aria-label', t('moveDownHub', [hub.name]));
    down.disabled = i === count - 1;
    down.dataset.move = 'down';
    down.dataset.control = 'down';
    const recheck = button(t('recheck'), () => onRecheck(hub));
    recheck.setAttribute('aria-label', t('recheckHub', [hub.name]));
    recheck.dataset.control = 'recheck';
    const remove = button(t('remove'), () => onRemove(hub));
    remove.setAttribute('aria-label', t('removeHub', [hub.name]));
    li.append(radio, main, up, down, recheck, remove);
    managedItem(li, hub, {radio, remove, up, down}, i, lockedCount);
    return li;
  }

  /**
   * Move a hub one place up (-1) or down (+1). The focus stays on the button that moved it
   * (`render` keeps it on the same control of the same hub).
   * @param {HubView} hub
   * @param {-1 | 1} by
   */
  function move(hub, by) {
    page
      .change((s) => {
        const at = s.hubs.findIndex((/** @type {any} */ h) => h.url === hub.url);
        const to = at + by;
        if (at < 0 || to < 0 || to >= s.hubs.length) return;
        [s.hubs[at], s.hubs[to]] = [s.hubs[to], s.hubs[at]];
      }, status())
      .then((ok) => {
        if (ok) showStatus(status(), t(by < 0 ? 'movedUp' : 'movedDown', [hub.name]), 'ok');
      });
  }

  /**
   * The focused control of the list, as something that outlives a render: its hub and which
   * control it is (`data-control`), or null.
   */
  function focused() {
    const active = /** @type {HTMLElement | null} */ (document.activeElement);
    const li = active?.closest?.('#hub-list li');
    return li && active?.dataset.control ? {url: /** @type {HTMLElement} */ (li).dataset.url, control: active.dataset.control} : null;
  }

  /**
   * Focus that control again, in the list just rendered: a keyboard reader who moved a hub
   * keeps moving it. A move button now disabled (the hub reached an end) hands the focus to
   * the other one.
   * @param {{url: string | undefined, control: string} | null} was
   */
  function refocus(was) {
    if (!was) return;
    const li = [...$('hub-list').children].find((x) => x.dataset.url === was.url);
    const same = li?.querySelector(`[data-control="${was.control}"]`);
    const target = same && !same.disabled ? same : li?.querySelector('button[data-move]:not(:disabled)');
    target?.focus();
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
      const what = [label ? t(label) : d.kind, d.version].filter(Boolean).join(' ');
      // It answered, but its launches would fail (a Jupyter Server without nbgitpuller): say why.
      const problem = launchProblem(found, d);
      if (ok) showStatus(status(), problem ? t('recheckDoneWithProblem', [hub.name, what, problem]) : t('recheckDone', [hub.name, what]), problem ? 'warn' : 'ok');
      // Its health line too (and the others'): what fallback acts on, not only what is shown.
      await ext.runtime.sendMessage({type: PAGE_HEALTH, check: true, all: true});
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

  /** Each listed hub's health line, from what is stored. */
  async function renderHealth() {
    const health = await readHealth().catch((err) => {
      console.warn('byob: the hubs\' health could not be read', err);
      return {};
    });
    for (const li of $('hub-list').children) {
      const line = healthLine(health[li.dataset.url]);
      li.dataset.state = line.state;
      const span = li.querySelector('.health');
      span.textContent = line.text;
      span.className = `health ${line.cls}`;
    }
  }

  return {
    async render(settings) {
      const hubs = /** @type {HubView[]} */ (await hubViews(settings));
      const lockedCount = hubs.filter((h) => h.managed === 'locked').length;
      const was = focused();
      $('hub-list').replaceChildren(...hubs.map((h, i) => item(h, i, hubs.length, settings, lockedCount)));
      refocus(was);
      $('no-hubs').hidden = hubs.length > 0;
      await renderHealth();
    },
    renderHealth,
  };
}
