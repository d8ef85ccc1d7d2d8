#!/usr/bin/env node
// `make bench-firefox`: how Firefox's event page wakes for a page, in headless Firefox ESR. Not
// a row of issue 11's table (that table is Chromium's, tests/e2e/bench.mjs): Firefox's numbers,
// measured the same way each time, for the changes that touch how the background loads.
//
// Each wake: the event page is suspended (the profile's idle timeout is 1 s, and the next page
// opens 3 s after the last answer), the test book's page opens, its content script's first
// batch wakes the background, and once the launch links are rewritten the options page reads
// the background's own clock (`byobBackground.wake()` through `runtime.getBackgroundPage()`:
// ms after the event page started, when its module scripts were evaluated, the hot module was
// ready, the wake record read, the first message received and answered) and the content
// script's (`stats()`: script start → first answer, → answers applied). The options page stays
// open throughout (it reads the clocks; an extension page open, in Chrome's terms). A wake is
// not timed, and taken again, when its event page started before the page did (not cold), when
// the event page read is not the one that answered, or when the first answer needed the cold
// module (`notTimed`).
//
//   node --experimental-websocket tests/e2e/bench-firefox.mjs [unpacked …]
//
// With several unpacked builds (default: dist/firefox), they take turns, one browser each per
// round, so that two builds meet the same load. ROUNDS (3) rounds of WAKES (7) timed wakes,
// after one untimed wake per browser.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {sleep} from './lib/driver.mjs';
import {ExtensionUi} from './lib/extension-ui.mjs';
import {FirefoxBrowser} from './lib/firefox.mjs';
import {file, serve} from './lib/serve.mjs';
import {buildBook} from './lib/site.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HUB = 'https://hub.example.edu/';
const IDLE_MS = 1000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const WAKES = Number(process.env.WAKES ?? 7);
const STEPS = ['evaluated', 'hot', 'settings', 'message', 'answered'];

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wakes not timed (see `notTimed`) retried in a browser's run before it stops. */
const MAX_RETRIES = 5;

/**
 * Why a wake cannot be timed, or null: the event page that answered started before the page
 * that was to wake it (something else woke it: not cold); it has no message or answer on its
 * clock (the page read afterwards woke a new one: the one that answered was suspended
 * already); it answered the page's first batch with the cold module (a stale or missing wake
 * record: the wake would be timed slower than a reader's).
 * @param {{wake: Record<string, number>, core: {firstCold: {what: string, at: number} | null}, started: number}} seen
 * @param {number} pageStart
 */
function notTimed(seen, pageStart) {
  if (!(seen.started > pageStart)) return `the event page started ${(pageStart - seen.started).toFixed(0)} ms before the page that was to wake it: not a cold start`;
  if (typeof seen.wake.message !== 'number' || typeof seen.wake.answered !== 'number') return 'the event page read has no first message or answer on its clock: not the one that answered';
  const cold = seen.core.firstCold;
  if (cold && cold.at <= seen.wake.answered) return `the first answer needed the cold module (${cold.what} at ${cold.at.toFixed(0)} ms)`;
  return null;
}

/**
 * One browser with the build at `extDir`: set up as a reader would (a hub, all sites allowed),
 * then `WAKES` timed cold wakes.
 * @param {string} extDir
 * @param {string} bookUrl
 */
async function wakes(extDir, bookUrl) {
  const browser = new FirefoxBrowser();
  await browser.start(extDir, {prefs: {'extensions.background.idle.timeout': IDLE_MS}});
  try {
    const ui = new ExtensionUi(browser);
    const options = await ui.options();
    await options.evaluate(async (/** @type {string} */ hub) => {
      const {saveSettings, loadSettings} = await import('../settings.js');
      const s = await loadSettings();
      s.hubs = [{url: hub, name: 'hub.example.edu', kind: 'jupyterhub', version: '6.1.1', cors: true}];
      s.fallback = false; // the hub does not answer (no such host): links go to it whatever its health
      await saveSettings(s);
    }, HUB);
    await ui.allowAllSites();
    const results = [];
    let retried = 0;
    for (let r = 0; r <= WAKES; r++) {
      for (const t of await browser.tabs()) if (!t.url.startsWith(browser.origin)) await t.page.close();
      await sleep(IDLE_MS + 2000);
      const page = await browser.open(bookUrl);
      await page.waitFor(
        (/** @type {string} */ hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => a.getAttribute('href')?.startsWith(hub)),
        [HUB],
        {timeout: 30_000, what: 'the launch links rewritten'},
      );
      const pageStart = await page.evaluate(() => performance.timeOrigin);
      const seen = await options.evaluate(async (/** @type {string} */ url) => {
        const x = /** @type {any} */ (globalThis).browser;
        const tab = (await x.tabs.query({})).find((/** @type {any} */ t) => t.url === url);
        const [frame] = await x.scripting.executeScript({target: {tabId: tab.id}, func: () => /** @type {any} */ (globalThis)[Symbol.for('byob.content')].stats()});
        const bg = await x.runtime.getBackgroundPage();
        return {stats: frame.result, wake: bg.byobBackground.wake(), core: bg.byobBackground.coreStatus(), started: bg.performance.timeOrigin};
      }, bookUrl);
      const why = notTimed(seen, pageStart);
      if (why) {
        // Retried (a wake is cheap), up to MAX_RETRIES in all, then the run stops.
        if (++retried > MAX_RETRIES) throw new Error(`wake ${r}: ${why} (${retried - 1} wakes retried already)`);
        console.warn(`bench-firefox: wake ${r} not timed, again: ${why}`);
        r--;
        continue;
      }
      if (r > 0) results.push({...seen.wake, first: seen.stats.firstReplyMs, applied: seen.stats.appliedMs});
    }
    return results;
  } finally {
    await browser.stop();
  }
}

async function main() {
  const builds = process.argv.slice(2).length ? process.argv.slice(2).map((d) => path.resolve(d)) : [path.join(root, 'dist', 'firefox')];
  for (const d of builds) if (!fs.existsSync(path.join(d, 'manifest.json'))) throw new Error(`${d}: no manifest.json (make extension builds dist/firefox)`);
  const bookDir = buildBook(root);
  const {url: site, close} = await serve((u) => (u.pathname.startsWith('/book/') ? file(bookDir, u.pathname.slice('/book/'.length)) : null));
  /** @type {Map<string, {wakes: any[], rounds: number[]}>} */
  const all = new Map(builds.map((b) => [b, {wakes: [], rounds: []}]));
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const b of builds) {
        const got = await wakes(b, `${site}book/analysis.html`);
        const kept = /** @type {{wakes: any[], rounds: number[]}} */ (all.get(b));
        kept.wakes.push(...got);
        kept.rounds.push(median(got.map((w) => w.answered)));
        console.log(`bench-firefox: round ${round}, ${path.relative(root, b) || b}: answered ${median(got.map((w) => w.answered))} ms after the event page started (median of ${got.length})`);
      }
    }
  } finally {
    await close();
  }
  const f = (/** @type {number} */ x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  console.log(`\nFirefox ESR, headless: the event page woken by a Jupyter Book page, ${ROUNDS} × ${WAKES} cold wakes a build (medians, ms; Firefox's timers step by 1 ms)\n`);
  console.log(`| build | ${STEPS.join(' | ')} | answered, each round | content script: first answer | answers applied |`);
  console.log(`|---|${STEPS.map(() => '---|').join('')}---|---|---|`);
  for (const [b, {wakes: ws, rounds}] of all) {
    const steps = STEPS.map((s) => f(median(ws.map((w) => w[s]).filter((x) => typeof x === 'number'))));
    console.log(`| ${path.relative(root, b) || b} | ${steps.join(' | ')} | ${rounds.map(f).join(', ')} | ${f(median(ws.map((w) => w.first)))} | ${f(median(ws.map((w) => w.applied)))} |`);
  }
  console.log('\nSteps on the event page\'s clock (ms after it started): its module scripts evaluated, the hot module ready, the wake record read, the first message, its answer; the content script\'s on its own (ms after it started).');
}

main().catch((err) => {
  console.error('bench-firefox:', err);
  process.exit(1);
});
