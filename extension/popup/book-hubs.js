// @ts-check
/**
 * The book's own hubs in the popup: the hubs the tab's launch links point at that the reader
 * has not saved (the core's `bookHubs`), each saved in one click and used on this site.
 */
import {ext} from '../api.js';
import * as core from '../core.js';
import {originPattern} from '../probe-runner.js';
import {PAGE_DETECT} from '../protocol.js';
import {errorMessage, updateSettings} from '../settings.js';
import {t} from '../ui/i18n.js';
import {$, button, el, showStatus} from '../ui/dom.js';
import {savedStatus} from '../ui/saved-hub.js';
import {setSiteHub} from './site-choice.js';

/** Hide the offer: the tab has no launch links. */
export function hideBookHubs() {
  $('book-hubs').hidden = true;
}

/**
 * The book's own hubs, each with "Save and use it here".
 * @param {{url: string, name: string, linksKind: string, links: number}[]} books
 * @param {string} host
 */
export function renderBookHubs(books, host) {
  const box = $('book-hubs');
  box.hidden = books.length === 0;
  box.replaceChildren(
    ...books.map((book) => {
      const row = el('div', '', 'book-hub');
      row.dataset.url = book.url;
      row.append(el('p', t('popupBookHub', [book.name, String(book.links)])));
      const save = button(t('popupSaveBookHub', [book.name, host]), () => onSaveBookHub(book, host));
      save.className = 'primary';
      row.append(save);
      return row;
    }),
  );
}

/**
 * Save the book's own hub, detected first as a typed hub is, and send this site's links there.
 * @param {{url: string, name: string}} book
 * @param {string} host
 */
function onSaveBookHub(book, host) {
  // First call of the click: the browser asks for this hub's origin only.
  const asked = ext.permissions.request({origins: [originPattern(book.url)]});
  const status = $('site-status');
  (async () => {
    const granted = await asked.catch((/** @type {unknown} */ err) => {
      console.warn('byob: the permission request failed', err);
      return false;
    });
    showStatus(status, t('detectChecking'), 'muted');
    const reply = await ext.runtime.sendMessage({type: PAGE_DETECT, input: book.url});
    if (!reply?.ok) throw new Error(reply?.error ?? 'no reply from the background');
    const hub = await core.savedHub(reply.detection, null);
    if (!hub) {
      showStatus(status, t('popupBookHubFailed', [book.name, reply.detection.message]), 'bad');
      return;
    }
    await updateSettings((s) => {
      if (!s.hubs.some((/** @type {any} */ h) => h.url === hub.url)) s.hubs.push(hub);
      setSiteHub(s, host, hub.url);
      return s;
    });
    const said = savedStatus({key: 'popupBookHubSaved', problemKey: 'popupBookHubSavedWithProblem', subs: [hub.name, host]}, hub, reply.detection, granted);
    showStatus(status, said.text, said.cls);
  })().catch((err) => showStatus(status, t('settingsInvalid', [errorMessage(err)]), 'bad'));
}
