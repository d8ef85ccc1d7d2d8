// Helpers for the unit tests: a jsdom window with the extension's classic content scripts
// evaluated in it, as the browser would run them.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {JSDOM} from 'jsdom';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturePages = path.join(root, 'tests', 'fixtures', 'pages');

const LAUNCH_LINKS = fs.readFileSync(path.join(root, 'extension', 'content', 'launch-links.js'), 'utf8');
const MYST_DATA = fs.readFileSync(path.join(root, 'extension', 'content', 'myst-data.js'), 'utf8');
const CONTENT = fs.readFileSync(path.join(root, 'extension', 'content', 'content.js'), 'utf8');

/**
 * A window for `html` at `url`, with launch-links.js and myst-data.js loaded.
 * @param {string} html
 * @param {string} url
 */
export function pageWindow(html, url) {
  const dom = new JSDOM(html, {url, runScripts: 'outside-only', pretendToBeVisual: true});
  dom.window.eval(LAUNCH_LINKS);
  dom.window.eval(MYST_DATA);
  return dom.window;
}

/**
 * Run content.js in `window` with a fake extension runtime whose background answers with
 * `answer(message)`. Returns the messages the script sent.
 * @param {any} window
 * @param {(message: any) => any} answer
 */
export function runContentScript(window, answer) {
  const sent = [];
  const listeners = [];
  window.chrome = {
    runtime: {
      sendMessage: async (message) => {
        sent.push(structuredClone(message));
        return answer(message);
      },
      onMessage: {addListener: (fn) => listeners.push(fn)},
    },
    i18n: {getMessage: (key, subs) => [key, ...[].concat(subs ?? [])].join('|')},
  };
  window.eval(CONTENT);
  return {
    sent,
    /** deliver a message from the background to the content script */
    deliver: (message) => listeners.forEach((fn) => fn(message, {id: 'ext'}, () => {})),
  };
}

/** @param {string} rel path under the shared fixture pages */
export function fixture(rel) {
  return fs.readFileSync(path.join(fixturePages, rel), 'utf8');
}
