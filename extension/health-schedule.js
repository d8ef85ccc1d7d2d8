// @ts-check
/**
 * When the background checks the saved hubs (health.js performs a check): when the browser
 * starts, when the popup or the options page opens, and while pages with launch links are
 * open, by an alarm (a worker that sleeps keeps no timer): set when a page's links are answered,
 * cleared when it rings and no open tab has launch links left. What a check finds arrives as a
 * storage change, which the background follows.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {checkHubs, readHealth} from './health.js';
import {BACKGROUND_COUNT} from './protocol.js';

/** @typedef {import('./wake.js').Wake} Current */

/** The alarm that checks the hubs while pages with launch links are open. */
export const HEALTH_ALARM = 'byob-health';

/**
 * Check the hubs due for `why`, in the background of whatever asked (a check ends within its
 * deadline; what it finds arrives as a storage change, `followHealth`).
 * @param {() => Promise<Current>} current the background's state
 * @param {'startup' | 'opened' | 'pages'} why
 */
export function checkNow(current, why) {
  return current()
    .then((now) => checkHubs(now.settings, why))
    .catch((err) => {
      console.error(`byob: checking the hubs (${why}) failed`, err);
      return null;
    });
}

/** The alarm rang: check the hubs while a tab has launch links; else stop ringing. @param {() => Promise<Current>} current */
export async function onHealthAlarm(current) {
  if ((await launchLinksOpen()) === 0) {
    await ext.alarms?.clear(HEALTH_ALARM);
    return;
  }
  await checkNow(current, 'pages');
}

/** When this worker last looked at the hubs for a page with launch links (ms). */
let pagesLookedAt = -Infinity;

/**
 * A page with launch links is open: keep the hubs checked while it is (the alarm). When the
 * alarm was not set (no page had launch links: a page opened after a long idle), set it and
 * check now the hubs whose last check is older than its period. Looked at once a minute at
 * most: pages send many batches. While the alarm is set, a worker woken by a page leaves the
 * checks to it, so its first answers need nothing of the cold module (wake.js).
 * @param {() => Promise<Current>} current
 */
export function pageWithLinks(current) {
  if (Date.now() - pagesLookedAt < 60_000) return;
  pagesLookedAt = Date.now();
  keepChecking().then(
    (set) => {
      if (set) checkNow(current, 'pages');
    },
    (err) => console.warn('byob: setting the hub check alarm failed', err),
  );
}

/**
 * Set the alarm unless it is set.
 * @returns {Promise<boolean>} whether it was set now (or there are no alarms: check anyway)
 */
async function keepChecking() {
  if (!ext.alarms) return true;
  if (await ext.alarms.get(HEALTH_ALARM)) return false;
  const {checkEveryMinutes} = await core.healthPolicy();
  await ext.alarms.create(HEALTH_ALARM, {delayInMinutes: checkEveryMinutes, periodInMinutes: checkEveryMinutes});
  return true;
}

/** How many launch links the open tabs' content scripts have (tabs without one count none). */
async function launchLinksOpen() {
  const tabs = await ext.tabs.query({});
  const counts = await Promise.all(
    tabs.map((/** @type {{id?: number}} */ tab) =>
      typeof tab.id === 'number'
        ? ext.tabs.sendMessage(tab.id, {type: BACKGROUND_COUNT}).then(
            (/** @type {any} */ reply) => (typeof reply?.links === 'number' ? reply.links : 0),
            () => 0, // no content script in this tab (no access, or not a web page)
          )
        : 0,
    ),
  );
  return counts.reduce((a, b) => a + b, 0);
}

/**
 * The hubs' health, checked first when the popup or the options page asks: those due (not
 * checked in the last few seconds), or, for a re-check the reader asked for, every hub.
 * @param {() => Promise<Current>} current
 * @param {boolean} check
 * @param {boolean} [all]
 */
export async function healthFor(current, check, all = false) {
  const health = check ? await checkNow(current, all ? 'startup' : 'opened') : null;
  return {ok: true, health: health ?? (await readHealth())};
}
