// @ts-check
/**
 * The popup's status line about the page (`#page-status`): what was found on the tab, or why a
 * change could not be saved. Every part of the popup writes it through here.
 */
import {$} from '../ui/dom.js';

/**
 * @param {string} text
 * @param {string} cls ok, warn, bad or muted
 */
export function setStatus(text, cls) {
  const line = $('page-status');
  line.textContent = text;
  line.className = cls;
}
