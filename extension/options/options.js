// @ts-check
/**
 * The options page (opened on install): add and check hubs, pick the active one, grant
 * all-sites access, the relaunch preferences, export and import.
 *
 * Every change goes through the core (settings.js validates before storing). Permission
 * requests are the first call in their click handler: Firefox only allows
 * `permissions.request` while it is still handling the user's input.
 */
import {ext} from '../api.js';
import {hasContextMenus} from '../tabs.js';
import {originPattern} from '../detect.js';
import {ALL_SITES} from '../site-access.js';
import {applyImport, errorMessage, loadState, previewImport, settingsChanged, updateSettings} from '../settings.js';
import {localize, t} from '../ui/i18n.js';

/** @param {string} id */
const $ = (id) => /** @type {any} */ (document.getElementById(id));

/** The settings as last read or written. @type {any} */
let settings = null;
/** The latest detection for the text in the hub box. @type {{input: string, reply: any} | null} */
let lastDetect = null;
let detectSeq = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let detectTimer;

const KIND_NAMES = /** @type {Record<string, string>} */ ({
  binderhub: 'BinderHub',
  'binderhub-service': 'BinderHub service',
  jupyterhub: 'JupyterHub',
  'jupyter-server': 'Jupyter Server',
  unknown: '?',
});

main().catch((err) => {
  console.error('byob: the options page failed to start', err);
  showStatus($('load-error'), t('errorLoad', [errorMessage(err)]), 'bad');
});

async function main() {
  localize();
  wire();
  useState(await loadState());
  await renderAccess();
  ext.storage.onChanged.addListener((/** @type {Record<string, unknown>} */ changes, /** @type {string} */ area) => {
    if (!settingsChanged(changes, area)) return;
    loadState().then(
      (state) => useState(state),
      (err) => console.error('byob: reloading settings after a change failed', err),
    );
  });
  ext.permissions.onAdded.addListener(() => renderAccess());
  ext.permissions.onRemoved.addListener(() => renderAccess());
  document.body.dataset.ready = 'true';
}

function wire() {
  $('hub-input').addEventListener('input', () => {
    clearTimeout(detectTimer);
    const input = $('hub-input').value.trim();
    if (!input) {
      lastDetect = null;
      renderDetect(null);
      return;
    }
    // Short pause so typing does not fire a probe per key.
    detectTimer = setTimeout(() => runDetect(input), 250);
  });
  $('hub-form').addEventListener('submit', onSaveHub);
  $('allow-check').addEventListener('click', onAllowAndCheck);
  $('allow-all').addEventListener('click', onAllowAll);
  $('revoke-all').addEventListener('click', onRevokeAll);
  $('interface-select').addEventListener('change', () => changeSetting((s) => void (s.interface = $('interface-select').value)));
  for (const kind of ['binder', 'nbgitpuller', 'colab']) {
    $(`kind-${kind}`).addEventListener('change', () => changeSetting((s) => void (s.linkKinds[kind] = $(`kind-${kind}`).checked)));
  }
  for (const mode of ['rewrite', 'private']) {
    $(`mode-${mode}`).addEventListener('change', () => changeSetting((s) => void (s.mode = mode)));
  }
  $('env-repo-save').addEventListener('click', () =>
    changeSetting((s) => {
      const v = $('env-repo').value.trim();
      s.envRepo = v === '' ? null : v;
    }),
  );
  $('disabled-sites-save').addEventListener('click', () =>
    changeSetting((s) => {
      s.disabledSites = $('disabled-sites')
        .value.split(/[\s,]+/)
        .map((/** @type {string} */ x) => x.trim().toLowerCase())
        .filter(Boolean);
    }),
  );
  $('export').addEventListener('click', onExport);
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', onImport);
  $('import-apply').addEventListener('click', onImportApply);
  $('import-cancel').addEventListener('click', () => {
    closePreview();
    showStatus($('backup-status'), t('importCancelled'), 'muted');
  });
}

/**
 * Show the settings in use, and say so when the stored ones are a newer version's (kept
 * untouched: update the extension) or could not be read.
 * @param {import('../settings.js').SettingsState} state
 */
function useState(state) {
  settings = state.settings;
  render();
  const notice = $('settings-notice');
  const text = [state.newer !== null ? t('settingsNewer', [String(state.newer)]) : '', state.unreadable ? t('settingsUnreadable', [state.unreadable]) : ''].filter(Boolean).join(' ');
  notice.textContent = text;
  notice.hidden = text === '';
}

// ---------------------------------------------------------------------------------------
// Detection

/**
 * @param {string} input
 * @returns {Promise<any>} the background's reply
 */
async function runDetect(input) {
  const seq = ++detectSeq;
  renderDetect({pending: true});
  let reply;
  try {
    reply = await ext.runtime.sendMessage({type: 'page:detect', input});
  } catch (err) {
    reply = {ok: false, error: errorMessage(err)};
  }
  if (seq !== detectSeq) return reply; // a newer input is being checked
  lastDetect = {input, reply};
  renderDetect(reply);
  return reply;
}

/** @param {any} reply */
function renderDetect(reply) {
  const box = $('detect-result');
  box.replaceChildren();
  box.removeAttribute('data-kind');
  box.removeAttribute('data-version');
  box.removeAttribute('data-state');
  box.removeAttribute('data-failure');
  $('allow-check').hidden = true;
  if (!reply) return;
  if (reply.pending) {
    box.dataset.state = 'checking';
    box.append(span(t('detectChecking'), 'muted'));
    return;
  }
  if (!reply.ok) {
    box.dataset.state = 'error';
    box.append(span(t('detectError', [reply.error]), 'bad'));
    return;
  }
  const d = reply.detection;
  box.dataset.state = 'done';
  box.dataset.kind = d.kind;
  if (d.version) box.dataset.version = d.version;
  if (d.kind === 'unknown') {
    if (reply.answersWithoutAccess) {
      box.dataset.state = 'needs-access';
      box.append(span(t('detectNeedsAccess', [reply.access.pattern]), 'warn'));
      $('allow-check').hidden = false;
    } else {
      // What went wrong, told apart (timeout, refused, certificate, redirect loop, HTTP error, not a hub).
      if (reply.failure) box.dataset.failure = reply.failure.kind;
      box.append(span(reply.failure?.message ?? (d.message || t('detectUnknown')), 'bad'));
    }
    return;
  }
  // The core's message already names the kind and version ("JupyterHub 5.2.1 — no CORS …").
  box.append(span(d.message, 'kind ok'));
}

/** @param {any} d a Detection or a saved hub */
function kindLabel(d) {
  return [KIND_NAMES[d.kind] ?? d.kind, d.version].filter(Boolean).join(' ');
}

/** "Allow access and check": grant this hub's origin, then detect again with full access. */
function onAllowAndCheck() {
  const input = $('hub-input').value.trim();
  const patterns = patternsFor(input);
  if (patterns.length === 0) return;
  ext.permissions.request({origins: patterns}).then(
    (/** @type {boolean} */ granted) => {
      if (!granted) showStatus($('save-status'), t('accessDenied', [patterns.join(', ')]), 'warn');
      return runDetect(input);
    },
    (/** @type {unknown} */ err) => showStatus($('save-status'), t('accessError', [errorMessage(err)]), 'bad'),
  );
}

/**
 * The origin patterns to ask for, computed without waiting (the permission request must be
 * the first call of the click): from the detection of this input when there is one, else
 * from the host the user typed (both schemes when none was typed).
 * @param {string} input
 */
function patternsFor(input) {
  const reply = lastDetect && lastDetect.input === input ? lastDetect.reply : null;
  if (reply?.ok && reply.access?.pattern) return [reply.access.pattern];
  const m = /^(?:(https?):\/\/)?([^/?#:\s]+)/i.exec(input);
  if (!m) return [];
  const host = m[2].toLowerCase();
  return m[1] ? [`${m[1].toLowerCase()}://${host}/*`] : [`https://${host}/*`, `http://${host}/*`];
}

// ---------------------------------------------------------------------------------------
// Saving and managing hubs

/** @param {SubmitEvent} event */
function onSaveHub(event) {
  event.preventDefault();
  const input = $('hub-input').value.trim();
  const status = $('save-status');
  if (!input) {
    showStatus(status, t('saveNeedsInput'), 'bad');
    $('hub-input').focus();
    return;
  }
  const patterns = patternsFor(input);
  // First call of the handler: the browser asks the user for this hub's origin only.
  const asked = patterns.length ? ext.permissions.request({origins: patterns}) : Promise.resolve(false);
  saveHub(input, asked).catch((err) => {
    console.error('byob: saving the hub failed', err);
    showStatus(status, t('saveFailed', [errorMessage(err)]), 'bad');
  });
}

/**
 * @param {string} input
 * @param {Promise<boolean>} asked the pending permission request
 */
async function saveHub(input, asked) {
  const status = $('save-status');
  let granted = false;
  try {
    granted = await asked;
  } catch (err) {
    console.warn('byob: the permission request failed', err);
  }
  showStatus(status, t('detectChecking'), 'muted');
  let reply = lastDetect && lastDetect.input === input ? lastDetect.reply : null;
  // Detect again when there is no answer yet, or when access was just granted to a hub that
  // could not be read without it.
  if (!reply || !reply.ok || (granted && reply.detection?.kind === 'unknown')) reply = await runDetect(input);
  if (!reply.ok) {
    showStatus(status, t('detectError', [reply.error]), 'bad');
    return;
  }
  const d = reply.detection;
  const override = $('kind-select').value;
  const kind = override !== 'auto' ? override : d.kind === 'binderhub-service' ? 'jupyterhub' : d.kind;
  if (!['binderhub', 'jupyterhub', 'jupyter-server'].includes(kind)) {
    showStatus(status, t('saveNeedsKind'), 'bad');
    $('kind-select').focus();
    return;
  }
  const url = d.launchUrl ?? d.url;
  const entry = {url, name: hubDisplayName(url), kind, version: d.version ?? null, cors: d.cors ?? null};
  const saved = await updateSettings((s) => {
    s.hubs = (s.hubs ?? []).filter((/** @type {any} */ h) => h.url !== url);
    s.hubs.push(entry);
    s.activeHub = url;
    return s;
  });
  settings = saved;
  render();
  const warn = granted ? '' : ' ' + t('savedWithoutAccess');
  showStatus(status, t('savedHub', [entry.name]) + warn, granted ? 'ok' : 'warn');
  $('hub-input').value = '';
  lastDetect = null;
  renderDetect(null);
}

/** @param {string} url */
function hubDisplayName(url) {
  const u = new URL(url);
  const path = u.pathname.replace(/\/$/, '');
  return u.host + path;
}

function render() {
  if (!settings) return;
  const list = $('hub-list');
  list.replaceChildren();
  const hubs = settings.hubs ?? [];
  $('no-hubs').hidden = hubs.length > 0;
  for (const hub of hubs) list.append(hubItem(hub));
  $('interface-select').value = settings.interface;
  for (const kind of ['binder', 'nbgitpuller', 'colab']) $(`kind-${kind}`).checked = settings.linkKinds?.[kind] !== false;
  $(`mode-${settings.mode === 'private' ? 'private' : 'rewrite'}`).checked = true;
  if (document.activeElement !== $('env-repo')) $('env-repo').value = settings.envRepo ?? '';
  if (document.activeElement !== $('disabled-sites')) $('disabled-sites').value = (settings.disabledSites ?? []).join('\n');
}

/** @param {any} hub */
function hubItem(hub) {
  const li = document.createElement('li');
  li.dataset.url = hub.url;
  const radio = document.createElement('input');
  radio.type = 'radio';
  radio.name = 'active-hub';
  radio.checked = hub.url === settings.activeHub;
  radio.setAttribute('aria-label', t('makeActive', [hub.name]));
  radio.addEventListener('change', () => changeSetting((s) => void (s.activeHub = hub.url), $('hub-list-status')));
  const main = document.createElement('span');
  main.className = 'hub-main';
  const info = [kindLabel(hub)];
  if (hub.kind === 'jupyterhub' && hub.cors === false) info.push(t('noCors'));
  if (hub.kind === 'jupyterhub' && hub.cors === true) info.push(t('hasCors'));
  if (hub.url === settings.activeHub) info.push(t('activeHub'));
  main.append(span(hub.name, 'hub-name'), span(info.join(' · '), 'hub-info'), span(hub.url, 'url muted'));
  const recheck = button(t('recheck'), () => onRecheck(hub));
  recheck.setAttribute('aria-label', t('recheckHub', [hub.name]));
  const remove = button(t('remove'), () => onRemove(hub));
  remove.setAttribute('aria-label', t('removeHub', [hub.name]));
  li.append(radio, main, recheck, remove);
  return li;
}

/** @param {any} hub */
function onRecheck(hub) {
  const status = $('hub-list-status');
  const pattern = originPattern(hub.url);
  const asked = ext.permissions.request({origins: [pattern]});
  (async () => {
    await asked.catch((/** @type {unknown} */ err) => console.warn('byob: the permission request failed', err));
    showStatus(status, t('detectChecking'), 'muted');
    const reply = await ext.runtime.sendMessage({type: 'page:detect', input: hub.url});
    if (!reply?.ok) {
      showStatus(status, t('detectError', [reply?.error ?? '?']), 'bad');
      return;
    }
    const d = reply.detection;
    if (d.kind === 'unknown') {
      showStatus(status, t('recheckUnreachable', [hub.name, reply.failure?.message ?? d.message ?? '']), 'bad');
      return;
    }
    settings = await updateSettings((s) => {
      const h = s.hubs.find((/** @type {any} */ x) => x.url === hub.url);
      if (h) {
        h.version = d.version ?? null;
        h.cors = d.cors ?? null;
      }
      return s;
    });
    render();
    showStatus(status, t('recheckDone', [hub.name, kindLabel(d)]), 'ok');
  })().catch((err) => showStatus(status, t('detectError', [errorMessage(err)]), 'bad'));
}

/** @param {any} hub */
function onRemove(hub) {
  changeSetting((s) => {
    s.hubs = s.hubs.filter((/** @type {any} */ h) => h.url !== hub.url);
    if (s.activeHub === hub.url) s.activeHub = s.hubs[0]?.url ?? null;
  }, $('hub-list-status')).then((ok) => {
    if (ok) showStatus($('hub-list-status'), t('removedHub', [hub.name]), 'ok');
  });
}

/**
 * Apply a change to a copy of the settings; store it if the core accepts it, else say why
 * and show the stored settings again.
 * @param {(s: any) => void} change
 * @param {HTMLElement} [status]
 * @returns {Promise<boolean>}
 */
async function changeSetting(change, status = $('prefs-status')) {
  try {
    settings = await updateSettings((s) => {
      change(s);
      return s;
    });
    render();
    showStatus(status, t('settingsSaved'), 'ok');
    return true;
  } catch (err) {
    showStatus(status, t('settingsInvalid', [errorMessage(err)]), 'bad');
    render();
    return false;
  }
}

// ---------------------------------------------------------------------------------------
// Site access

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

// ---------------------------------------------------------------------------------------
// Export and import

function onExport() {
  const blob = new Blob([JSON.stringify(settings, null, 2) + '\n'], {type: 'application/json'});
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = 'byob-settings.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  showStatus($('backup-status'), t('exported'), 'ok');
}

/** The file being previewed: its name, parsed content and how many changes it makes. @type {{name: string, value: unknown, changes: number} | null} */
let importing = null;

/**
 * Read the chosen file and show what importing it would change and what it would leave out
 * (the core decides, field by field); nothing is stored until the reader confirms.
 */
async function onImport() {
  const input = $('import-file');
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  const status = $('backup-status');
  closePreview();
  let value;
  try {
    value = JSON.parse(await file.text());
  } catch (err) {
    showStatus(status, t('importNotJson', [file.name, errorMessage(err)]), 'bad');
    return;
  }
  let preview;
  try {
    preview = await previewImport(value);
  } catch (err) {
    showStatus(status, t('importInvalid', [file.name, errorMessage(err)]), 'bad');
    return;
  }
  importing = {name: file.name, value, changes: preview.changes.length};
  $('backup-status').hidden = true;
  const box = $('import-preview');
  box.hidden = false;
  box.dataset.changes = String(preview.changes.length);
  box.dataset.refused = String(preview.refused.length);
  $('import-title').textContent = preview.changes.length ? t('importPreviewTitle', [file.name]) : t('importNothing', [file.name]);
  $('import-changes').replaceChildren(...preview.changes.map((/** @type {any} */ c) => item(`${c.field}: ${c.from === 'null' ? t('importAdded') : c.from} → ${c.to}`, '')));
  $('import-refused').replaceChildren(...preview.refused.map((/** @type {any} */ r) => item(`${r.field}: ${r.reason}`, 'warn')));
  $('import-changes').previousElementSibling.hidden = preview.changes.length === 0;
  $('import-refused').previousElementSibling.hidden = preview.refused.length === 0;
  $('import-apply').disabled = preview.changes.length === 0;
  (preview.changes.length ? $('import-apply') : $('import-cancel')).focus();
}

/** The reader confirmed: import (computed again over the settings now in use) and store. */
async function onImportApply() {
  if (!importing) return;
  const {name, value, changes} = importing;
  const status = $('backup-status');
  try {
    settings = await applyImport(value);
    render();
    closePreview();
    showStatus(status, t('imported', [name, String(changes)]), 'ok');
  } catch (err) {
    closePreview();
    showStatus(status, t('importInvalid', [name, errorMessage(err)]), 'bad');
  }
}

function closePreview() {
  importing = null;
  $('import-preview').hidden = true;
}

/**
 * @param {string} text
 * @param {string} cls
 */
function item(text, cls) {
  const li = document.createElement('li');
  li.textContent = text;
  if (cls) li.className = cls;
  return li;
}

// ---------------------------------------------------------------------------------------
// Small DOM helpers

/**
 * @param {HTMLElement} el
 * @param {string} text
 * @param {string} cls
 */
function showStatus(el, text, cls) {
  el.textContent = text;
  el.className = cls;
  el.hidden = false;
}

/**
 * @param {string} text
 * @param {string} cls
 */
function span(text, cls) {
  const s = document.createElement('span');
  s.textContent = text;
  if (cls) s.className = cls;
  return s;
}

/**
 * @param {string} text
 * @param {() => void} onClick
 */
function button(text, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
