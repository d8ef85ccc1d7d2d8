// @ts-check
// Headless Chromium (Debian's, which still honours --load-extension) driven by playwright-core,
// implementing the browser interface of driver.mjs. `context` (the Playwright browser context)
// and a page's `page` stay reachable for what only Chromium measures (tests/e2e/bench.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';
import {BaseBrowser, BasePage} from './driver.mjs';

/** @typedef {import('./driver.mjs').Browser} Browser */
/** @typedef {import('./driver.mjs').Page} Page */

/** What a background call that got no answer in time resolves to (`background`). */
const LATE = Symbol('late');

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** @implements {Browser} */
export class ChromiumBrowser extends BaseBrowser {
  /** @type {'chromium'} */
  name = 'chromium';
  origin = '';
  closed = false;
  /** @type {import('playwright-core').BrowserContext | null} */
  context = null;

  /**
   * @param {string} extDir the unpacked extension (dist/chrome)
   * @param {{args?: string[]}} [options] more switches (the store pictures' --host-resolver-rules: tests/e2e/store.test.mjs)
   */
  async start(extDir, {args = []} = {}) {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-chromium-'));
    this.downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-downloads-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      acceptDownloads: true,
      viewport: {width: 1100, height: 800},
      args: [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...FLAGS, ...args],
    });
    this.context.on('close', () => (this.closed = true));
    const worker = this.context.serviceWorkers()[0] ?? (await this.context.waitForEvent('serviceworker', {timeout: 20_000}));
    this.worker = worker;
    worker.on('console', (m) => this.logs.push(`[background] ${m.type()}: ${m.text()}`));
    this.context.on('page', (p) => p.on('console', (m) => this.logs.push(`[${p.url()}] ${m.type()}: ${m.text()}`)));
    this.id = new URL(worker.url()).host;
    this.origin = `chrome-extension://${this.id}`;
  }

  /**
   * Run `fn(arg)` in the background (service worker). The worker may have been stopped and
   * restarted since: take the current one.
   * @param {Function} fn
   * @param {any} [arg]
   */
  background = async (fn, arg) => {
    const ctx = this.ctx();
    for (let attempt = 1; ; attempt++) {
      const worker = ctx.serviceWorkers().find((w) => w.url().startsWith(this.origin)) ?? (await ctx.waitForEvent('serviceworker', {timeout: 20_000}));
      // A handle to a worker Chrome has just stopped can leave `evaluate` unanswered: give it a
      // deadline, then take the worker that is current now, once, if it is another one (never
      // run `fn` twice in the same worker).
      /** @type {NodeJS.Timeout | undefined} */
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve(LATE), 15_000);
      });
      const result = await Promise.race([worker.evaluate(/** @type {any} */ (fn), arg), late]).finally(() => clearTimeout(timer));
      if (result !== LATE) return result;
      const now = ctx.serviceWorkers().find((w) => w.url().startsWith(this.origin));
      if (attempt === 2 || now === worker) throw new Error(`the background did not answer within 15 s (workers: ${ctx.serviceWorkers().map((w) => w.url()).join(', ') || 'none'})`);
    }
  };

  /** The started context (a driver method called before start() is a bug of the test). */
  ctx() {
    if (!this.context) throw new Error('chromium: not started');
    return this.context;
  }

  gone() {
    return this.closed ? 'chromium closed' : null;
  }

  async stop() {
    await this.context?.close();
    for (const dir of [this.profile, this.downloads]) if (dir) fs.rmSync(dir, {recursive: true, force: true});
  }

  async tabs() {
    return this.ctx()
      .pages()
      .map((p) => ({page: new ChromiumPage(p), url: p.url()}));
  }

  /** Open a web page in a new tab. @param {string} url */
  async open(url) {
    const p = await this.ctx().newPage();
    await p.goto(url);
    return new ChromiumPage(p);
  }

  /**
   * What a user answering "Allow" to Chrome's permission prompt does. Headless Chromium's
   * prompt cannot be answered, so the test grants the hosts the way chrome://extensions'
   * "Site access" does; the extension's own permissions.request() then resolves true at once.
   * @param {string[]} patterns
   */
  async preApprove(patterns) {
    const page = await this.ctx().newPage();
    try {
      await page.goto('chrome://extensions');
      await page.evaluate(
        async ({id, patterns}) => {
          for (const p of patterns) await /** @type {any} */ (globalThis).chrome.developerPrivate.addHostPermission(id, p);
        },
        {id: this.id, patterns},
      );
    } finally {
      await page.close();
    }
  }

  /**
   * Click `selector` in `page` and return the path of the file it downloads.
   * @param {ChromiumPage} page
   * @param {string} selector
   */
  async download(page, selector) {
    const p = /** @type {ChromiumPage} */ (page).page;
    const [download] = await Promise.all([p.waitForEvent('download', {timeout: 10_000}), p.click(selector)]);
    const file = path.join(/** @type {string} */ (this.downloads), download.suggestedFilename());
    await download.saveAs(file);
    return file;
  }
}

/** @implements {Page} */
export class ChromiumPage extends BasePage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    super();
    this.page = page;
  }

  async url() {
    return this.page.url();
  }

  /** @param {string} url */
  async goto(url) {
    await this.page.goto(url);
  }

  /**
   * Run `fn(...args)` in the page (its main world) and return the JSON result.
   * @param {Function} fn
   */
  async evaluate(fn, ...args) {
    return this.page.evaluate(({src, args}) => (0, eval)(`(${src})`)(...args), {src: fn.toString(), args});
  }

  /**
   * @param {string} selector
   * @param {{alt?: boolean}} [options]
   */
  async click(selector, {alt = false} = {}) {
    await this.page.click(selector, {modifiers: alt ? ['Alt'] : []});
  }

  /** Press one key (a Playwright key name: Tab, Enter, …) in the focused element. */
  async press(key) {
    await this.page.keyboard.press(key);
  }

  /** Type into a text field like a user (replacing its content). */
  async fill(selector, text) {
    await this.page.fill(selector, '');
    await this.page.type(selector, text);
  }

  async setFiles(selector, files) {
    await this.page.setInputFiles(selector, files);
  }

  async bringToFront() {
    await this.page.bringToFront();
  }

  /**
   * @param {string} file
   * @param {{width?: number, height?: number, colorScheme?: 'light' | 'dark'}} [options]
   */
  async screenshot(file, {width, height, colorScheme} = {}) {
    if (width && height) await this.page.setViewportSize({width, height});
    if (colorScheme) await this.page.emulateMedia({colorScheme});
    await this.page.screenshot({path: file, fullPage: true});
    if (colorScheme) await this.page.emulateMedia({colorScheme: null});
  }

  /** Screenshot of one element (Playwright's selectors search open shadow roots too). */
  async screenshotElement(selector, file) {
    await this.page.locator(selector).first().screenshot({path: file});
  }

  async close() {
    await this.page.close();
  }
}
