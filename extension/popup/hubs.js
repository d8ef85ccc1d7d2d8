// @ts-check
/**
 * The popup's header: the hub in use (switched here), and every saved hub with its health.
 */
import {errorMessage, updateSettings, useFirst} from '../settings.js';
import {healthLine} from '../ui/health-view.js';
import {t} from '../ui/i18n.js';
import {$, el} from '../ui/dom.js';
import {setStatus} from './status.js';

/** Wire the hub switch: the hub chosen moves to the front of the reader's order. */
export function wireHubs() {
  $('hub-select').addEventListener('change', onSwitchHub);
}

/**
 * The saved hubs: the one in use to switch, and each with its health.
 * @param {{url: string, name: string, label: string, version: string | null, active: boolean, managed?: string}[]} hubs
 * @param {Record<string, any>} health
 */
export function renderHubs(hubs, health) {
  const select = $('hub-select');
  select.replaceChildren(...hubs.map((hub) => Object.assign(el('option', hub.name), {value: hub.url, selected: hub.active})));
  $('no-hub').hidden = hubs.length > 0;
  select.hidden = hubs.length === 0;
  const active = hubs.find((h) => h.active);
  $('hub-status').textContent = active ? [t(active.label), active.version, active.url, active.managed ? t('managedBy') : ''].filter(Boolean).join(' · ') : '';
  $('hub-health').replaceChildren(
    ...hubs.map((hub) => {
      const line = healthLine(health[hub.url]);
      const li = el('li', '');
      Object.assign(li.dataset, {url: hub.url, state: line.state});
      li.append(el('span', hub.name, 'hub-name'), el('span', line.text, `health ${line.cls}`));
      return li;
    }),
  );
  renderLock(hubs);
}

/**
 * An organisation that locks its hubs decides which one is in use: the switch is shown, not offered.
 * @param {{managed?: string}[]} hubs
 */
function renderLock(hubs) {
  const locked = hubs.some((h) => h.managed === 'locked');
  const select = $('hub-select');
  select.disabled = locked;
  select.title = locked ? t('managedLockedChoice') : '';
  document.body.dataset.managed = locked ? 'locked' : hubs.some((h) => h.managed) ? 'preset' : '';
}

function onSwitchHub() {
  const url = $('hub-select').value;
  updateSettings((s) => {
    useFirst(s, url);
    return s;
  }).catch((err) => setStatus(t('settingsInvalid', [errorMessage(err)]), 'bad'));
}
