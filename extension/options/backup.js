// @ts-check
/**
 * "Back up and restore" on the options page: export the settings as a file; import one as a
 * preview of what it would change and what it would leave out (the core decides, field by
 * field), stored only when the reader confirms.
 */
import {applyImport, errorMessage, exportableSettings, previewImport} from '../settings.js';
import {t} from '../ui/i18n.js';
import {$, el, showStatus} from '../ui/dom.js';

/**
 * @typedef {{settings: () => any, use: (settings: any) => Promise<void>}} Page
 * @typedef {{page: Page, importing: {name: string, value: unknown, changes: number} | null}} Backup
 *   `importing`: the file being previewed, its parsed content and how many changes it makes
 */

/** @param {Page} page */
export function backup(page) {
  /** @type {Backup} */
  const b = {page, importing: null};
  $('export').addEventListener('click', () => onExport().catch((err) => showStatus($('backup-status'), t('errorLoad', [errorMessage(err)]), 'bad')));
  $('import').addEventListener('click', () => $('import-file').click());
  $('import-file').addEventListener('change', () => onImport(b));
  $('import-apply').addEventListener('click', () => onApply(b));
  $('import-cancel').addEventListener('click', () => {
    close(b);
    showStatus($('backup-status'), t('importCancelled'), 'muted');
  });
}

/** The reader's own settings (not the hubs an organisation sets), as a file. */
async function onExport() {
  const blob = new Blob([JSON.stringify(await exportableSettings(), null, 2) + '\n'], {type: 'application/json'});
  const a = /** @type {HTMLAnchorElement} */ (el('a', ''));
  a.href = URL.createObjectURL(blob);
  a.download = 'byob-settings.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  showStatus($('backup-status'), t('exported'), 'ok');
}

/** Read the chosen file and show what importing it would change; nothing is stored yet. @param {Backup} b */
async function onImport(b) {
  const input = $('import-file');
  const file = input.files?.[0];
  input.value = '';
  if (!file) return;
  close(b);
  const status = $('backup-status');
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
  b.importing = {name: file.name, value, changes: preview.changes.length};
  status.hidden = true;
  const box = $('import-preview');
  box.hidden = false;
  box.dataset.changes = String(preview.changes.length);
  box.dataset.refused = String(preview.refused.length);
  $('import-title').textContent = preview.changes.length ? t('importPreviewTitle', [file.name]) : t('importNothing', [file.name]);
  $('import-changes').replaceChildren(...preview.changes.map((/** @type {any} */ c) => el('li', `${c.field}: ${c.from === 'null' ? t('importAdded') : c.from} → ${c.to}`)));
  $('import-refused').replaceChildren(...preview.refused.map((/** @type {any} */ r) => el('li', `${r.field}: ${r.reason}`, 'warn')));
  $('import-changes').previousElementSibling.hidden = preview.changes.length === 0;
  $('import-refused').previousElementSibling.hidden = preview.refused.length === 0;
  $('import-apply').disabled = preview.changes.length === 0;
  (preview.changes.length ? $('import-apply') : $('import-cancel')).focus();
}

/** The reader confirmed: import (computed again over the settings now in use) and store. @param {Backup} b */
async function onApply(b) {
  if (!b.importing) return;
  const {name, value, changes} = b.importing;
  const status = $('backup-status');
  try {
    await b.page.use(await applyImport(value));
    close(b);
    showStatus(status, t('imported', [name, String(changes)]), 'ok');
  } catch (err) {
    close(b);
    showStatus(status, t('importInvalid', [name, errorMessage(err)]), 'bad');
  }
}

/** @param {Backup} b */
function close(b) {
  b.importing = null;
  $('import-preview').hidden = true;
}
