// Helpers for the unit tests: a jsdom window with the extension's classic content scripts
// evaluated in it, as the browser would run them.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {JSDOM} from 'jsdom';
import {CONTENT_SCRIPT_FILES} from '../../extension/site-access.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixturePages = path.join(root, 'tests', 'fixtures', 'pages');

/** The content script's files as the extension injects them (site-access.js), read once. */
const FILES = CONTENT_SCRIPT_FILES.map((f) => ({file: f, text: fs.readFileSync(path.join(root, 'extension', f), 'utf8')}));
/** The readers: plain data from the page, no extension API. */
const READERS = FILES.filter((f) => /launch-links|text-scan|myst-data/.test(f.file));
/** The rest: the session, its features, start.js. */
const RUNTIME = FILES.filter((f) => !READERS.includes(f));

/**
 * A window for `html` at `url`, with the readers (launch-links.js, text-scan.js, myst-data.js) loaded.
 * @param {string} html
 * @param {string} url
 */
export function pageWindow(html, url) {
  const dom = new JSDOM(html, {url, runScripts: 'outside-only', pretendToBeVisual: true});
  for (const f of READERS) dom.window.eval(f.text);
  return dom.window;
}

/**
 * Run the rest of the content script (session, features, start) in `window`, as the browser
 * injects it, with a fake extension runtime whose background answers with `answer(message)`.
 * Returns the messages the script sent.
 * @param {any} window
 * @param {(message: any) => any} answer
 * @param {{beforeStart?: (session: any) => void}} [hooks] `beforeStart`: called with the session
 *   once every feature registered, before start.js runs
 */
export function runContentScript(window, answer, {beforeStart} = {}) {
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
  for (const f of RUNTIME) {
    if (beforeStart && f.file === 'content/start.js') beforeStart(window[Symbol.for('byob.session')]);
    window.eval(f.text);
  }
  return {
    sent,
    /** deliver a message from the background to the content script; what it answered */
    deliver: (message) => {
      const replies = [];
      listeners.forEach((fn) => fn(message, {id: 'ext'}, (reply) => replies.push(reply)));
      return replies;
    },
  };
}

/** @param {string} rel path under the shared fixture pages */
export function fixture(rel) {
  return fs.readFileSync(path.join(fixturePages, rel), 'utf8');
}
