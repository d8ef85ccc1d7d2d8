// @ts-check
/**
 * Fill an extension page's text from `_locales/<lang>/messages.json`:
 *   data-i18n="<key>"            → textContent
 *   data-i18n-placeholder="<key>" → placeholder
 *   data-i18n-title="<key>"       → title
 *   data-i18n-aria-label="<key>"  → aria-label
 */
import {ext} from '../api.js';

/**
 * @param {string} key
 * @param {string | string[]} [substitutions]
 */
export function t(key, substitutions) {
  const text = ext.i18n.getMessage(key, substitutions);
  if (!text) console.warn(`byob: missing message ${key}`);
  return text || key;
}

/** @param {ParentNode} [root] */
export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(/** @type {string} */ (el.getAttribute('data-i18n')));
  for (const attr of ['placeholder', 'title', 'aria-label']) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) el.setAttribute(attr, t(/** @type {string} */ (el.getAttribute(`data-i18n-${attr}`))));
  }
  document.documentElement.lang = ext.i18n.getUILanguage?.() ?? 'en';
}
