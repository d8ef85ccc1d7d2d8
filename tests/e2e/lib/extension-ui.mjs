// @ts-check
// The extension as a reader drives it, for every e2e suite: its options page (the one it opens
// on install), the settings it stored, its popup, and what its content script says about a tab.
import {sleep} from './driver.mjs';

/** @typedef {{state: string, kind: string | null, version: string | null, text: string, style: string | null, ms: number}} Detection */

export class ExtensionUi {
  /** @param {import('./driver.mjs').Browser} browser */
  constructor(browser) {
    this.browser = browser;
    /** @type {import('./driver.mjs').Page | null} */
    this.page = null;
  }

  /** The options page the extension opened on install, once it is ready. */
  async options() {
    if (!this.page) {
      const origin = this.browser.origin;
      const page = await this.browser.waitForPage((u) => u.startsWith(origin) && u.includes('/options/options.html'), 20_000);
      await page.waitFor(() => document.body.dataset.ready === 'true', [], {what: 'the options page to be ready'});
      this.page = page;
    }
    return this.page;
  }

  /**
   * Run `fn(x, ...args)` in the options page, `x` the extension API (browser or chrome).
   * @param {Function} fn
   * @param {...any} args
   */
  async ext(fn, ...args) {
    const page = await this.options();
    return page.evaluate(`async (...a) => { const x = globalThis.browser ?? globalThis.chrome; return (${fn.toString()})(x, ...a); }`, ...args);
  }

  /** The stored settings (settings.v2: the first hub is the one in use), or {}. */
  async settings() {
    return (await this.ext(async (/** @type {any} */ x) => (await x.storage.sync.get('settings.v2'))['settings.v2'])) ?? {};
  }

  /**
   * Wait until the stored settings satisfy `pred(settings, arg)`.
   * @param {(s: any, arg: any) => boolean} pred
   * @param {any} arg
   * @param {string} what
   */
  async waitSettings(pred, arg, what) {
    const deadline = Date.now() + 10_000;
    let s;
    while (Date.now() < deadline) {
      s = await this.settings();
      if (pred(s, arg)) return s;
      await sleep(50);
    }
    throw new Error(`the settings never had ${what}: ${JSON.stringify(s)}`);
  }

  /**
   * Type `input` into the hub box and wait for the detection to finish.
   * @param {string} input
   * @param {number} [timeout]
   * @returns {Promise<Detection>}
   */
  async detect(input, timeout = 10_000) {
    const page = await this.options();
    await page.bringToFront();
    await page.fill('#hub-input', input);
    const t0 = Date.now();
    const result = await page.waitFor(
      (/** @type {string} */ input) => {
        const box = /** @type {HTMLElement} */ (document.getElementById('detect-result'));
        const state = box.dataset.state;
        return /** @type {HTMLInputElement} */ (document.getElementById('hub-input')).value === input && state && state !== 'checking'
          ? {state, kind: box.dataset.kind ?? null, version: box.dataset.version ?? null, text: box.textContent, style: box.querySelector('span')?.className ?? null}
          : null;
      },
      [input],
      {timeout, what: `the detection of ${input}`},
    );
    return {...result, ms: Date.now() - t0};
  }

  /** Click "Save hub" after a detection; wait until it is stored; the URL it was saved as (the hub in use: the first). */
  async saveHub() {
    const page = await this.options();
    const before = (await this.settings()).hubs?.length ?? 0;
    await page.click('#save-hub');
    await page.waitFor(() => /Saved/.test(document.getElementById('save-status')?.textContent ?? ''), [], {what: 'the "Saved" status'});
    const s = await this.waitSettings((s, n) => (s.hubs?.length ?? 0) === n, before + 1, `${before + 1} hubs`);
    return /** @type {string} */ (s.hubs[0].url);
  }

  /** Make `url` the hub in use: the first (the radio button of its row). @param {string} url */
  async useHub(url) {
    if ((await this.settings()).hubs?.[0]?.url === url) return;
    const page = await this.options();
    await page.bringToFront();
    await page.click(`#hub-list li[data-url="${url}"] input[type=radio]`);
    await this.waitSettings((s, url) => s.hubs?.[0]?.url === url, url, `hub in use ${url}`);
  }

  /** @param {'rewrite' | 'private'} mode */
  async setMode(mode) {
    if (((await this.settings()).mode ?? 'rewrite') === mode) return;
    const page = await this.options();
    await page.bringToFront();
    await page.click(`#mode-${mode}`);
    await this.waitSettings((s, mode) => s.mode === mode, mode, `mode ${mode}`);
  }

  /** Fallback to the next hub on or off (its checkbox). @param {boolean} on */
  async setFallback(on) {
    if (((await this.settings()).fallback ?? true) === on) return;
    const page = await this.options();
    await page.bringToFront();
    await page.click('#fallback');
    await this.waitSettings((s, on) => s.fallback === on, on, `fallback ${on ? 'on' : 'off'}`);
  }

  /** The environment repository box ("" clears it). @param {string} value */
  async setEnvRepo(value) {
    if (((await this.settings()).envRepo ?? '') === value) return;
    const page = await this.options();
    await page.bringToFront();
    await page.fill('#env-repo', value);
    await page.click('#env-repo-save');
    await this.waitSettings((s, v) => (s.envRepo ?? '') === v, value, `envRepo ${JSON.stringify(value)}`);
  }

  /** Click "Allow on all sites" unless automatic relaunch is on already. */
  async allowAllSites() {
    const page = await this.options();
    if (await page.evaluate(() => document.getElementById('access-status')?.dataset.automatic === 'true')) return;
    await this.browser.preApprove(['http://*/*', 'https://*/*']);
    await page.bringToFront();
    await page.click('#allow-all');
    // The grant, the registration and the injection into open tabs: slow on a loaded machine
    // (Firefox, a fresh profile: over 10 s once under a load average of 9).
    await page.waitFor(() => document.getElementById('access-status')?.dataset.automatic === 'true', [], {what: 'automatic mode on', timeout: 30_000});
  }

  /**
   * Save each hub typed as `input` that is not saved yet (as `url`), then make `active` the
   * hub in use (the first). What a suite needs when the tests that set it up were not run (a fast loop).
   * @param {{input: string, url: string}[]} hubs
   * @param {string} active
   */
  async ensureHubs(hubs, active) {
    for (const {input, url} of hubs) {
      if ((await this.settings()).hubs?.some((/** @type {any} */ h) => h.url === url)) continue;
      await this.browser.preApprove(['http://127.0.0.1/*']);
      const d = await this.detect(input);
      if (d.state === 'needs-access') await (await this.options()).click('#allow-check');
      await (await this.options()).waitFor(() => document.getElementById('detect-result')?.dataset.state === 'done', [], {what: `the detection of ${input}`});
      await this.saveHub();
    }
    await this.useHub(active);
  }

  /** The id of the tab at `url`. @param {string} url */
  async tabId(url) {
    const id = await this.ext(async (/** @type {any} */ x, /** @type {string} */ u) => (await x.tabs.query({})).find((/** @type {any} */ t) => t.url === u)?.id, url);
    if (typeof id !== 'number') throw new Error(`no tab at ${url}`);
    return id;
  }

  /**
   * The content script's own account of the tab at `url`, once it answered every link and the
   * MyST page data (its world: executeScript's isolated one).
   * @param {string} url
   */
  async contentState(url) {
    const id = await this.tabId(url);
    return this.ext(
      async (/** @type {any} */ x, /** @type {number} */ id) => (await x.scripting.executeScript({target: {tabId: id}, func: () => /** @type {any} */ (globalThis)[Symbol.for('byob.content')]?.settled()}))[0].result,
      id,
    );
  }

  /** The content script's own main-thread time in the tab at `url`, ms. @param {string} url */
  async contentBusyMs(url) {
    const id = await this.tabId(url);
    return this.ext(
      async (/** @type {any} */ x, /** @type {number} */ id) => (await x.scripting.executeScript({target: {tabId: id}, func: () => /** @type {any} */ (globalThis)[Symbol.for('byob.content')].stats().busyMs}))[0].result,
      id,
    );
  }

  /**
   * The popup, opened for the tab at `url` as its toolbar button would (an extension page with ?tab=).
   * @param {string} url
   */
  async popupFor(url) {
    const id = await this.tabId(url);
    await this.ext((/** @type {any} */ x, /** @type {number} */ id) => x.tabs.create({url: `/popup/popup.html?tab=${id}`}), id);
    const origin = this.browser.origin;
    return this.browser.waitForPage((u) => u.startsWith(origin) && u.includes(`/popup/popup.html?tab=${id}`));
  }
}
