// @ts-check
/**
 * Small DOM helpers for the extension's pages (options, popup): every string goes in as text.
 */

/** The element with this id (the pages' own markup: present by construction). @param {string} id */
export const $ = (id) => /** @type {any} */ (document.getElementById(id));

/**
 * An element with a class and text.
 * @param {string} tag
 * @param {string} text
 * @param {string} [cls]
 */
export function el(tag, text, cls) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/**
 * A button that runs `onClick`.
 * @param {string} text
 * @param {() => void} onClick
 */
export function button(text, onClick) {
  const b = /** @type {HTMLButtonElement} */ (el('button', text));
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/**
 * Show `text` in a status line, styled `cls` (ok, warn, bad, muted).
 * @param {HTMLElement} target
 * @param {string} text
 * @param {string} cls
 */
export function showStatus(target, text, cls) {
  target.textContent = text;
  target.className = cls;
  target.hidden = false;
}
