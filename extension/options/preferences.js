// @ts-check
/**
 * The options page's preferences, bound from one table: each row names its settings key, the
 * control that shows it and the control's strings (message keys). The page is built from the
 * table, every change is saved through the core's validation (`page.change`), and new
 * settings are shown as they arrive. Adding a setting is one row here, its strings in
 * `_locales/*\/messages.json`, and the field in the core's `Settings` (which validates it).
 */
import {t} from '../ui/i18n.js';
import {$, el} from '../ui/dom.js';

/**
 * @typedef {{key: string, control: keyof typeof CONTROLS, id: string, label: string, choices?: Record<string, string>, placeholder?: string, help?: string}} Row
 *   `choices`: value → message key (select, switches, radios); `id`: the control's id, or for
 *   a group the prefix of its inputs' ids (`kind-binder`)
 */

/** @type {Row[]} */
export const PREFERENCES = [
  {key: 'fallback', control: 'checkbox', id: 'fallback', label: 'fallbackLabel', help: 'fallbackHelp'},
  {key: 'interface', control: 'select', id: 'interface-select', label: 'interfaceLabel', choices: {follow: 'interfaceFollow', lab: 'interfaceLab', notebook: 'interfaceNotebook'}},
  {key: 'linkKinds', control: 'switches', id: 'kind', label: 'linkKindsLabel', choices: {binder: 'linkKindBinder', nbgitpuller: 'linkKindNbgitpuller', colab: 'linkKindColab'}},
  {key: 'mode', control: 'radios', id: 'mode', label: 'modeLabel', choices: {rewrite: 'modeRewrite', private: 'modePrivate'}},
  {key: 'envRepo', control: 'text', id: 'env-repo', label: 'envRepoLabel', placeholder: 'envRepoPlaceholder', help: 'envRepoHelp'},
  {key: 'disabledSites', control: 'lines', id: 'disabled-sites', label: 'disabledSitesLabel', help: 'disabledSitesHelp'},
];

/**
 * How each kind of control is built, read and shown. `build` returns the field and calls
 * `save()` when the reader changed the value (text fields: on their Apply button); `read` is
 * the value the reader set (switches: theirs, merged into the setting's object).
 * @type {Record<string, {build: (row: Row, save: () => void) => HTMLElement, read: (row: Row) => any, show: (row: Row, value: any) => void}>}
 */
const CONTROLS = {
  checkbox: {
    build(row, save) {
      const input = /** @type {HTMLInputElement} */ (el('input', ''));
      Object.assign(input, {type: 'checkbox', id: row.id});
      input.setAttribute('aria-describedby', `${row.id}-help`);
      input.addEventListener('change', save);
      const label = /** @type {HTMLLabelElement} */ (el('label', ''));
      label.append(input, ' ', el('span', t(row.label)));
      return field('div', label, help('p', row));
    },
    read: (row) => $(row.id).checked,
    show: (row, value) => void ($(row.id).checked = value === true),
  },
  select: {
    build(row, save) {
      const select = /** @type {HTMLSelectElement} */ (el('select', ''));
      select.id = row.id;
      for (const [value, label] of Object.entries(row.choices ?? {})) select.append(Object.assign(el('option', t(label)), {value}));
      select.addEventListener('change', save);
      return field('div', labelFor(row), select);
    },
    read: (row) => $(row.id).value,
    show: (row, value) => void ($(row.id).value = value),
  },
  switches: {
    build(row, save) {
      const boxes = Object.entries(row.choices ?? {}).map(([value, label]) => choice('checkbox', row, value, label, save));
      return field('fieldset', el('legend', t(row.label)), ...boxes);
    },
    read: (row) => Object.fromEntries(Object.keys(row.choices ?? {}).map((v) => [v, $(`${row.id}-${v}`).checked])),
    show: (row, value) => Object.keys(row.choices ?? {}).forEach((v) => ($(`${row.id}-${v}`).checked = value?.[v] !== false)),
  },
  radios: {
    build(row, save) {
      const radios = Object.entries(row.choices ?? {}).map(([value, label]) => choice('radio', row, value, label, save));
      return field('fieldset', el('legend', t(row.label)), ...radios);
    },
    read: (row) => Object.keys(row.choices ?? {}).find((v) => $(`${row.id}-${v}`).checked),
    show: (row, value) => {
      const checked = $(`${row.id}-${value}`) ?? $(`${row.id}-${Object.keys(row.choices ?? {})[0]}`);
      checked.checked = true;
    },
  },
  text: {
    build(row, save) {
      const input = /** @type {HTMLInputElement} */ (el('input', ''));
      Object.assign(input, {id: row.id, type: 'text', spellcheck: false, placeholder: row.placeholder ? t(row.placeholder) : ''});
      input.setAttribute('aria-describedby', `${row.id}-help`);
      return field('div', labelFor(row), rowOf(input, applyButton(row, save)), help('p', row));
    },
    read: (row) => $(row.id).value.trim() || null,
    show: (row, value) => unlessEditing(row, value ?? ''),
  },
  lines: {
    build(row, save) {
      const area = /** @type {HTMLTextAreaElement} */ (el('textarea', ''));
      Object.assign(area, {id: row.id, rows: 3, spellcheck: false});
      area.setAttribute('aria-describedby', `${row.id}-help`);
      return field('div', labelFor(row), area, rowOf(applyButton(row, save), help('span', row)));
    },
    read: (row) =>
      $(row.id)
        .value.split(/[\s,]+/)
        .map((/** @type {string} */ x) => x.trim().toLowerCase())
        .filter(Boolean),
    show: (row, value) => unlessEditing(row, (value ?? []).join('\n')),
  },
};

/**
 * Build the preferences into `#prefs`, saving each change with `change` (status in `#prefs-status`).
 * @param {{change: (fn: (s: any) => void, status?: HTMLElement) => Promise<boolean>}} page
 * @returns {{render: (settings: any) => void}}
 */
export function preferences(page) {
  const box = $('prefs');
  for (const row of PREFERENCES) {
    const control = CONTROLS[row.control];
    /** The value as the reader set it, read now (the page may show other settings before it is stored). */
    const save = () => {
      const value = control.read(row);
      void page.change((s) => void (s[row.key] = row.control === 'switches' ? {...s[row.key], ...value} : value));
    };
    box.append(control.build(row, save));
  }
  return {
    render(settings) {
      for (const row of PREFERENCES) CONTROLS[row.control].show(row, settings[row.key]);
    },
  };
}

/** @param {string} tag @param {...HTMLElement} children */
function field(tag, ...children) {
  const f = el(tag, '', 'field');
  f.append(...children);
  return f;
}

/** @param {Row} row */
function labelFor(row) {
  const label = /** @type {HTMLLabelElement} */ (el('label', t(row.label)));
  label.htmlFor = row.id;
  return label;
}

/** A text field's help, `<id>-help` (the field's aria-describedby). @param {string} tag @param {Row} row */
function help(tag, row) {
  const h = el(tag, row.help ? t(row.help) : '', 'muted');
  h.id = `${row.id}-help`;
  return h;
}

/** @param {...HTMLElement} children */
function rowOf(...children) {
  const r = el('div', '', 'row');
  r.append(...children);
  return r;
}

/** The Apply button of a text field (`<id>-save`). @param {Row} row @param {() => void} save */
function applyButton(row, save) {
  const b = /** @type {HTMLButtonElement} */ (el('button', t('apply')));
  Object.assign(b, {type: 'button', id: `${row.id}-save`});
  b.addEventListener('click', save);
  return b;
}

/**
 * A checkbox or radio of a group, `<id>-<value>`, with its label after it.
 * @param {'checkbox' | 'radio'} type @param {Row} row @param {string} value @param {string} label @param {() => void} save
 */
function choice(type, row, value, label, save) {
  const input = /** @type {HTMLInputElement} */ (el('input', ''));
  Object.assign(input, {type, id: `${row.id}-${value}`, name: row.key, value});
  input.addEventListener('change', save);
  const wrap = el('label', '');
  wrap.append(input, ' ', el('span', t(label)));
  return wrap;
}

/** Show a text field's value, unless the reader is typing in it. @param {Row} row @param {string} text */
function unlessEditing(row, text) {
  const input = $(row.id);
  if (document.activeElement !== input) input.value = text;
}
