// Headless Chromium (Debian's, which still honours --load-extension) driven by playwright-core,
// behind the small browser interface the scenarios use (see firefox.mjs for the other one).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {chromium} from 'playwright-core';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export class ChromiumBrowser {
  name = 'chromium';

  /** @param {string} extDir the unpacked extension (dist/chrome) */
  async start(extDir) {
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-chromium-'));
    this.downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-downloads-'));
    this.context = await chromium.launchPersistentContext(this.profile, {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      headless: true,
      acceptDownloads: true,
      viewport: {width: 1100, height: 800},
      args: [`--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`, ...FLAGS],
    });
    this.logs = [];
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
   */
  async background(fn, arg) {
    const worker = this.context.serviceWorkers().find((w) => w.url().startsWith(this.origin)) ?? (await this.context.waitForEvent('serviceworker'));
    return worker.evaluate(fn, arg);
  }

  async stop() {
    await this.context?.close();
    fs.rmSync(this.profile, {recursive: true, force: true});
    fs.rmSync(this.downloads, {recursive: true, force: true});
  }

  /** Every open tab. */
  async pages() {
    return this.context.pages().map((p) => new ChromiumPage(p));
  }

  /**
   * Wait for a tab whose URL satisfies `match` (opened by the extension or by a click).
   * @param {(url: string) => boolean} match
   */
  async waitForPage(match, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      // A new tab shows about:blank for a moment: poll the URLs rather than wait for events.
      const page = this.context.pages().find((p) => match(p.url()));
      if (page) return new ChromiumPage(page);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no tab matching ${match} within ${timeout} ms; open: ${this.context.pages().map((p) => p.url()).join(', ')}`);
  }

  /** Open a web page in a new tab. @param {string} url */
  async open(url) {
    const p = await this.context.newPage();
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
    const page = await this.context.newPage();
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
    const [download] = await Promise.all([page.page.waitForEvent('download', {timeout: 10_000}), page.page.click(selector)]);
    const file = path.join(this.downloads, download.suggestedFilename());
    await download.saveAs(file);
    return file;
  }
}

export class ChromiumPage {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
  }

  url() {
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
   * Wait until `fn(...args)` returns something truthy in the page; return it.
   * @param {Function} fn
   * @param {any[]} args
   * @param {{timeout?: number, what?: string}} [options]
   */
  async waitFor(fn, args = [], {timeout = 10_000, what = fn.toString().slice(0, 120)} = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        last = await this.evaluate(fn, ...args);
        if (last) return last;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err); // navigating: try again
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
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
