// @ts-check
/**
 * "Your hub" on the options page: what the reader types is detected as they type (the
 * background runs the core's probes), "Allow access and check" grants the hub's origin and
 * detects again, and "Save hub" saves what the core says to save for that detection (its
 * launch target: an API-only BinderHub service is saved as the JupyterHub in front of it), or
 * a hub of the kind the reader chose.
 *
 * Permission requests are the first call in their click handler: Firefox only allows
 * `permissions.request` while it is still handling the reader's input.
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {PAGE_HEALTH} from '../protocol.js';
import {errorMessage, updateSettings} from '../settings.js';
import {t} from '../ui/i18n.js';
import {$, el, showStatus} from '../ui/dom.js';
import {savedStatus} from '../ui/saved-hub.js';

/** A short pause after the last key, so typing does not fire a probe per key. */
const TYPING_MS = 250;

/**
 * @typedef {{use: (settings: any) => Promise<void>, kinds: {kind: string, label: string, target: boolean}[]}} Page
 * @typedef {{page: Page, last: {input: string, reply: any} | null, seq: number, typing: ReturnType<typeof setTimeout> | undefined}} Form
 *   `last`: the latest detection for the text in the hub box; `seq`: the latest detection asked for
 */

/** @param {Page} page */
export function hubForm(page) {
  /** @type {Form} */
  const form = {page, last: null, seq: 0, typing: undefined};
  // The kinds a reader may choose instead of the detected one: the core's, labelled.
  for (const k of page.kinds.filter((k) => k.target)) $('kind-select').append(Object.assign(el('option', t(k.label)), {value: k.kind}));
  $('hub-input').addEventListener('input', () => onType(form));
  $('hub-form').addEventListener('submit', (/** @type {SubmitEvent} */ event) => onSave(form, event));
  $('allow-check').addEventListener('click', () => onAllowAndCheck(form));
}

/** @param {Form} form */
function onType(form) {
  clearTimeout(form.typing);
  const typed = $('hub-input').value.trim();
  if (!typed) {
    form.last = null;
    render(null);
    return;
  }
  form.typing = setTimeout(() => detect(form, typed), TYPING_MS);
}

/**
 * @param {Form} form
 * @param {string} typed
 * @returns {Promise<any>} the background's reply
 */
async function detect(form, typed) {
  const mine = ++form.seq;
  render({pending: true});
  let reply;
  try {
    reply = await ext.runtime.sendMessage({type: 'page:detect', input: typed});
  } catch (err) {
    reply = {ok: false, error: errorMessage(err)};
  }
  if (mine !== form.seq) return reply; // a newer input is being checked
  form.last = {input: typed, reply};
  render(reply);
  return reply;
}

/** @param {any} reply */
function render(reply) {
  const box = $('detect-result');
  box.replaceChildren();
  for (const a of ['data-kind', 'data-version', 'data-state']) box.removeAttribute(a);
  $('allow-check').hidden = true;
  if (!reply) return;
  if (reply.pending) {
    box.dataset.state = 'checking';
    box.append(el('span', t('detectChecking'), 'muted'));
    return;
  }
  if (!reply.ok) {
    box.dataset.state = 'error';
    box.append(el('span', t('detectError', [reply.error]), 'bad'));
    return;
  }
  const d = reply.detection;
  box.dataset.state = 'done';
  box.dataset.kind = d.kind;
  if (d.version) box.dataset.version = d.version;
  if (reply.answersWithoutAccess) {
    box.dataset.state = 'needs-access';
    box.append(el('span', t('detectNeedsAccess', [reply.access.pattern]), 'warn'));
    $('allow-check').hidden = false;
    return;
  }
  // The core's sentence: what the hub is ("JupyterHub 5.2.1 — no CORS …"), or why it could
  // not be recognised (refused, timeout, certificate, redirect loop, server error, not a hub).
  // A hub whose launches would fail (a Jupyter Server without nbgitpuller) is a warning.
  box.append(el('span', d.message || t('detectUnknown'), !d.launchUrl ? 'bad' : d.launchProblem ? 'kind warn' : 'kind ok'));
}

/**
 * The origin patterns to ask for, computed without waiting (the permission request must be
 * the first call of the click): from the detection of this input when there is one, else
 * from the host the reader typed (both schemes when none was typed).
 * @param {Form} form
 * @param {string} typed
 */
function patternsFor(form, typed) {
  const reply = form.last && form.last.input === typed ? form.last.reply : null;
  if (reply?.ok && reply.access?.pattern) return [reply.access.pattern];
  const m = /^(?:(https?):\/\/)?([^/?#:\s]+)/i.exec(typed);
  if (!m) return [];
  const host = m[2].toLowerCase();
  return m[1] ? [`${m[1].toLowerCase()}://${host}/*`] : [`https://${host}/*`, `http://${host}/*`];
}

/** "Allow access and check": grant this hub's origin, then detect again with full access. @param {Form} form */
function onAllowAndCheck(form) {
  const typed = $('hub-input').value.trim();
  const patterns = patternsFor(form, typed);
  if (patterns.length === 0) return;
  ext.permissions.request({origins: patterns}).then(
    (/** @type {boolean} */ granted) => {
      if (!granted) showStatus($('save-status'), t('accessDenied', [patterns.join(', ')]), 'warn');
      return detect(form, typed);
    },
    (/** @type {unknown} */ err) => showStatus($('save-status'), t('accessError', [errorMessage(err)]), 'bad'),
  );
}

/** @param {Form} form @param {SubmitEvent} event */
function onSave(form, event) {
  event.preventDefault();
  const typed = $('hub-input').value.trim();
  const status = $('save-status');
  if (!typed) {
    showStatus(status, t('saveNeedsInput'), 'bad');
    $('hub-input').focus();
    return;
  }
  const patterns = patternsFor(form, typed);
  // First call of the handler: the browser asks the reader for this hub's origin only.
  const asked = patterns.length ? ext.permissions.request({origins: patterns}) : Promise.resolve(false);
  save(form, typed, asked).catch((err) => {
    console.error('byob: saving the hub failed', err);
    showStatus(status, t('saveFailed', [errorMessage(err)]), 'bad');
  });
}

/**
 * @param {Form} form
 * @param {string} typed
 * @param {Promise<boolean>} asked the pending permission request
 */
async function save(form, typed, asked) {
  const status = $('save-status');
  let granted = false;
  try {
    granted = await asked;
  } catch (err) {
    console.warn('byob: the permission request failed', err);
  }
  showStatus(status, t('detectChecking'), 'muted');
  let reply = form.last && form.last.input === typed ? form.last.reply : null;
  // Detect again when there is no answer yet, or when access was just granted to a hub that
  // could not be read without it.
  if (!reply || !reply.ok || (granted && !reply.detection?.launchUrl)) reply = await detect(form, typed);
  if (!reply.ok) {
    showStatus(status, t('detectError', [reply.error]), 'bad');
    return;
  }
  const chosen = $('kind-select').value;
  const hub = await core.savedHub(reply.detection, chosen === 'auto' ? null : chosen);
  if (!hub) {
    showStatus(status, t('saveNeedsKind'), 'bad');
    $('kind-select').focus();
    return;
  }
  // The hub saved here is the one the reader wants to use: it comes first (in use); the others
  // keep their order behind it, as fallbacks.
  const saved = await updateSettings((s) => {
    s.hubs = [hub, ...(s.hubs ?? []).filter((/** @type {any} */ h) => h.url !== hub.url)];
    return s;
  });
  await form.page.use(saved);
  // An organisation that locks its hubs keeps them first (presets.js): say where it stands, and
  // where links open unless it has a launch problem (saved-hub.js). The form is cleared below,
  // and the detection's warning with it: the status says it again.
  const first = saved.hubs[0]?.url === hub.url;
  const said = savedStatus(first ? {key: 'savedHub', problemKey: 'savedHubWithProblem', subs: [hub.name]} : {key: 'savedHubAfterManaged', problemKey: 'savedHubAfterManagedWithProblem', subs: [hub.name]}, hub, reply.detection, granted);
  showStatus(status, said.text, said.cls);
  // Its health line, what fallback will act on: checked now, with every hub's (a hub checked
  // seconds ago at this URL may have been another kind).
  ext.runtime.sendMessage({type: PAGE_HEALTH, check: true, all: true}).catch((/** @type {unknown} */ err) => console.warn('byob: checking the saved hub failed', err));
  $('hub-input').value = '';
  form.last = null;
  render(null);
}
