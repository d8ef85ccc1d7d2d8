// @ts-check
/**
 * The options page (opened on install): its entry. The sections are modules of their own —
 * your hub (`hub-form.js`), saved hubs (`hub-list.js`), preferences (`preferences.js`, one
 * table), back up and restore (`backup.js`) — over one `page`: the settings in use, the hub
 * kinds as the core lists them, `change` (apply a change, stored once the core validates it)
 * and `use` (show new settings everywhere). Site access is here.
 *
 * Permission requests are the first call in their click handler: Firefox only allows
 * `permissions.request` while it is still handling the reader's input.
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {hasContextMenus} from '../tabs.js';
import {ALL_SITES} from '../site-access.js';
import {healthChanged} from '../health.js';
import {errorMessage, loadState, settingsChanged, updateSettings} from '../settings.js';
import {localize, t} from '../ui/i18n.js';
import {$, showStatus} from '../ui/dom.js';
import {backup} from './backup.js';
import {hubForm} from './hub-form.js';
import {hubList} from './hub-list.js';
import {preferences} from './preferences.js';
import {renderPolicy} from './policy.js';
import {siteHubs} from './site-hubs.js';

main().catch((err) => {
  console.error('byob: the options page failed to start', err);
  showStatus($('load-error'), t('errorLoad', [errorMessage(err)]), 'bad');
});

async function main() {
  localize();
  const {page, list} = await createPage();
  hubForm(page);
  backup(page);
  const state = await loadState();
  await page.use(state.settings);
  notice(state);
  await renderAccess();
  // The saved hubs' health: checked now where it is not fresh (and a hub just saved, never
  // checked, when the settings change); what a check finds is shown as it arrives.
  checkHubs();
  ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (healthChanged(changes, area)) list.renderHealth().catch((err) => console.error('byob: showing the hubs\' health failed', err));
    if (!settingsChanged(changes, area)) return;
    checkHubs();
    loadState().then(
      async (s) => {
        await page.use(s.settings);
        notice(s);
      },
      (err) => console.error('byob: reloading settings after a change failed', err),
    );
  });
  ext.permissions.onAdded.addListener(() => renderAccess());
  ext.permissions.onRemoved.addListener(() => renderAccess());
  $('allow-all').addEventListener('click', onAllowAll);
  $('revoke-all').addEventListener('click', onRevokeAll);
  document.body.dataset.ready = 'true';
}

/** Ask the background to check the hubs not checked in the last few seconds. */
function checkHubs() {
  ext.runtime.sendMessage({type: 'page:health', check: true}).then(
    (/** @type {any} */ reply) => {
      if (!reply?.ok) console.warn('byob: checking the hubs failed', reply?.error);
    },
    (/** @type {unknown} */ err) => console.warn('byob: checking the hubs failed', err),
  );
}

/** The page's shared state and the two ways to change what it shows; the saved hubs' section. */
async function createPage() {
  /** The settings as last read or written. @type {any} */
  let settings = null;
  /** @type {{render: (settings: any) => void | Promise<void>}[]} */
  const sections = [];
  /** Changes are stored one after another: each applies to what the one before stored. */
  let changes = Promise.resolve(true);
  /** Changes not stored yet: "Saved" is said once the last is. */
  let queued = 0;
  const page = {
    kinds: await core.hubKinds(),
    settings: () => settings,
    /** Show `next` (the settings just read or stored) in every section. @param {any} next */
    async use(next) {
      settings = next;
      await Promise.all(sections.map((s) => s.render(next)));
    },
    /**
     * Apply `change` to a copy of the stored settings; store it if the core accepts it, else
     * say why and show the stored settings again. Changes made in quick succession (a hub
     * chosen, then a preference) are stored in turn, none lost; the status says "Saved" only
     * once this one is.
     * @param {(s: any) => void} change
     * @param {HTMLElement} [status]
     * @returns {Promise<boolean>}
     */
    change(change, status = $('prefs-status')) {
      status.hidden = true;
      status.textContent = '';
      queued++;
      changes = changes.then(() => store(change, status)).finally(() => queued--);
      return changes;
    },
  };
  /**
   * @param {(s: any) => void} change
   * @param {HTMLElement} status
   */
  async function store(change, status) {
    try {
      await page.use(
        await updateSettings((s) => {
          change(s);
          return s;
        }),
      );
      if (queued === 1) showStatus(status, t('settingsSaved'), 'ok');
      return true;
    } catch (err) {
      showStatus(status, t('settingsInvalid', [errorMessage(err)]), 'bad');
      if (settings) await page.use(settings).catch((e) => console.error('byob: showing the stored settings again failed', e));
      return false;
    }
  }
  const list = hubList(page);
  sections.push(list, siteHubs(page), preferences(page));
  return {page, list};
}

/**
 * Say so when the stored settings are a newer version's (kept untouched: update the
 * extension) or could not be read.
 * @param {import('../settings.js').SettingsState} state
 */
function notice(state) {
  renderPolicy(state.policy).catch((err) => console.error('byob: showing the organisation\'s policy failed', err));
  const box = $('settings-notice');
  const text = [state.newer !== null ? t('settingsNewer', [String(state.newer)]) : '', state.unreadable ? t('settingsUnreadable', [state.unreadable]) : ''].filter(Boolean).join(' ');
  box.textContent = text;
  box.hidden = text === '';
}

async function renderAccess() {
  const reply = await ext.runtime.sendMessage({type: 'page:sync-access'}).catch((/** @type {unknown} */ err) => ({ok: false, error: errorMessage(err)}));
  const status = $('access-status');
  const automatic = reply?.ok && reply.automatic;
  status.dataset.automatic = String(!!automatic);
  showStatus(status, automatic ? t('accessOn') : t(hasContextMenus() ? 'accessOff' : 'accessOffNoMenu'), automatic ? 'ok' : 'muted');
  $('allow-all').hidden = !!automatic;
  $('revoke-all').hidden = !automatic;
}

function onAllowAll() {
  // First call of the handler: one prompt for all sites.
  ext.permissions.request(ALL_SITES).then(
    () => renderAccess(),
    (/** @type {unknown} */ err) => showStatus($('access-status'), t('accessError', [errorMessage(err)]), 'bad'),
  );
}

function onRevokeAll() {
  ext.permissions.remove(ALL_SITES).then(
    () => renderAccess(),
    (/** @type {unknown} */ err) => showStatus($('access-status'), t('accessError', [errorMessage(err)]), 'bad'),
  );
}
