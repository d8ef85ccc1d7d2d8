// Headless Firefox ESR driven over WebDriver BiDi (Node's built-in WebSocket: run node with
// --experimental-websocket on Node 20), implementing the browser interface of driver.mjs.
//
// Facts this relies on (docs/platform.md and found here):
//  - `webExtension.install {type: "path"}` installs the unpacked extension temporarily;
//  - `extensions.webextensions.uuids` in user.js fixes the moz-extension:// origin;
//  - `extensions.webextOptionalPermissionPrompts = false` grants permissions.request() with no
//    doorhanger, but the call must still come from a real user input handler: clicks are
//    `input.performActions` (a script's element.click() is refused);
//  - BiDi refuses to navigate a tab to moz-extension://: extension pages are opened by the
//    extension itself (it opens its options page on install; tabs.create from there).
import {spawn} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {BaseBrowser, BasePage, sleep} from './driver.mjs';

/** @typedef {import('./driver.mjs').Browser} Browser */
/** @typedef {import('./driver.mjs').Page} Page */

const ALT = '\uE00A';

/** @implements {Browser} */
export class FirefoxBrowser extends BaseBrowser {
  /** @type {'firefox'} */
  name = 'firefox';
  /** BiDi does not reach an event page: the suites skip what needs the background. */
  background = null;

  /**
   * @param {string} extDir the unpacked extension (dist/firefox)
   * @param {{prefs?: Record<string, string | number | boolean>}} [options] more prefs for the
   *   profile (bench-firefox.mjs: a short event page idle timeout)
   */
  async start(extDir, {prefs: more = {}} = {}) {
    const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.json'), 'utf8'));
    const geckoId = manifest.browser_specific_settings.gecko.id;
    const uuid = '6b7d1f0e-5a0c-4c1e-9f4a-b10b0b0e2e01';
    this.origin = `moz-extension://${uuid}`;
    this.profile = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-firefox-'));
    this.downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-e2e-downloads-'));
    const prefs = {
      'extensions.webextensions.uuids': JSON.stringify({[geckoId]: uuid}),
      'extensions.webextOptionalPermissionPrompts': false,
      'browser.download.dir': this.downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.panel.shown': true,
      'browser.shell.checkDefaultBrowser': false,
      'browser.startup.homepage_override.mstone': 'ignore',
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.reportingpolicy.firstRun': false,
      'app.update.disabledForTesting': true,
      'browser.aboutwelcome.enabled': false,
      // No network here: send every non-local request to a closed local port so it fails at
      // once (a real page's CDN stylesheets otherwise hold its load event for seconds).
      'network.proxy.type': 1,
      'network.proxy.http': '127.0.0.1',
      'network.proxy.http_port': 9,
      'network.proxy.ssl': '127.0.0.1',
      'network.proxy.ssl_port': 9,
      'network.proxy.no_proxies_on': 'localhost, 127.0.0.1',
      'network.proxy.allow_hijacking_localhost': false,
      ...more,
    };
    fs.writeFileSync(path.join(this.profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n') + '\n');
    const port = 19300 + Math.floor(Math.random() * 600);
    this.proc = spawn(process.env.FIREFOX ?? 'firefox-esr', ['--headless', '--no-remote', '--profile', this.profile, `--remote-debugging-port=${port}`, '--width=1100', '--height=800'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.stderr = '';
    this.proc.stderr.on('data', (d) => (this.stderr = (this.stderr + d).slice(-20_000)));
    this.ws = await connect(`ws://127.0.0.1:${port}/session`, 30_000, () => this.proc.exitCode !== null);
    this.nextId = 0;
    this.pending = new Map();
    this.ws.onmessage = (m) => {
      const msg = JSON.parse(String(m.data));
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const {resolve, reject, method} = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.type === 'error') reject(new Error(`${method}: ${msg.error}: ${msg.message}`));
        else resolve(msg.result);
      }
    };
    this.ws.onclose = () => {
      for (const {reject, method} of this.pending.values()) reject(new Error(`${method}: the WebDriver BiDi connection closed (firefox exited?)`));
      this.pending.clear();
    };
    await this.send('session.new', {capabilities: {alwaysMatch: {acceptInsecureCerts: false, unhandledPromptBehavior: {default: 'ignore'}}}});
    const installed = await this.send('webExtension.install', {extensionData: {type: 'path', path: extDir}});
    this.id = installed.extension;
  }

  gone() {
    if (!this.proc || (this.proc.exitCode === null && this.proc.signalCode === null)) return null;
    return `firefox exited (${this.proc.exitCode ?? this.proc.signalCode})`;
  }

  async stop() {
    try {
      if (this.ws && this.ws.readyState === 1) await Promise.race([this.send('session.end', {}), new Promise((r) => setTimeout(r, 2000))]);
    } catch (err) {
      console.warn('firefox: session.end failed', err instanceof Error ? err.message : err);
    }
    this.ws?.close();
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      await new Promise((r) => {
        const timer = setTimeout(() => {
          this.proc.kill('SIGKILL');
          r(null);
        }, 5000);
        this.proc.once('exit', () => {
          clearTimeout(timer);
          r(null);
        });
      });
    }
    for (const dir of [this.profile, this.downloads]) if (dir) fs.rmSync(dir, {recursive: true, force: true});
  }

  /** @param {string} method @param {object} params */
  send(method, params = {}, timeout = 30_000) {
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no answer from firefox within ${timeout} ms`));
      }, timeout);
      const done = (fn) => (value) => {
        clearTimeout(timer);
        fn(value);
      };
      this.pending.set(id, {resolve: done(resolve), reject: done(reject), method});
      this.ws.send(JSON.stringify({id, method, params}));
    });
  }

  async contexts() {
    const tree = await this.send('browsingContext.getTree', {maxDepth: 0});
    return tree.contexts;
  }

  async tabs() {
    return (await this.contexts()).map((/** @type {any} */ c) => ({page: new FirefoxPage(this, c.context), url: c.url}));
  }

  /** @param {string} url */
  async open(url) {
    const {context} = await this.send('browsingContext.create', {type: 'tab'});
    const page = new FirefoxPage(this, context);
    await page.goto(url);
    return page;
  }

  /** Firefox grants optional permissions without a prompt under the test pref. */
  async preApprove() {}

  /**
   * @param {FirefoxPage} page
   * @param {string} selector
   */
  async download(page, selector) {
    const before = new Set(fs.readdirSync(this.downloads));
    await page.click(selector);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const done = fs.readdirSync(this.downloads).filter((f) => !before.has(f) && !f.endsWith('.part'));
      if (done.length) {
        const file = path.join(this.downloads, done[0]);
        if (fs.statSync(file).size > 0) return file;
      }
      await sleep(50);
    }
    throw new Error(`no download in ${this.downloads} within 10 s`);
  }
}

/** @implements {Page} */
export class FirefoxPage extends BasePage {
  /**
   * @param {FirefoxBrowser} browser
   * @param {string} context
   */
  constructor(browser, context) {
    super();
    this.browser = browser;
    this.context = context;
  }

  async url() {
    const tree = await this.browser.send('browsingContext.getTree', {root: this.context, maxDepth: 0});
    return tree.contexts[0].url;
  }

  async goto(url) {
    await this.browser.send('browsingContext.navigate', {context: this.context, url, wait: 'complete'});
  }

  /**
   * Run `fn(...args)` in the page and return the JSON result.
   * @param {Function} fn
   */
  async evaluate(fn, ...args) {
    const expression = `(async () => { const r = await (${fn.toString()})(...${JSON.stringify(args)}); return r === undefined ? '__undefined__' : JSON.stringify(r); })()`;
    const res = await this.browser.send('script.evaluate', {expression, target: {context: this.context}, awaitPromise: true});
    if (res.type === 'exception') throw new Error(`in page: ${res.exceptionDetails.text}`);
    const v = res.result.value;
    return v === '__undefined__' ? undefined : JSON.parse(v);
  }

  /** @param {string} selector */
  async element(selector) {
    const res = await this.browser.send('script.evaluate', {
      // Open shadow roots too (the extension's MyST link lives in one), as Playwright's selectors do.
      expression: `(() => { const sel = ${JSON.stringify(selector)}; let el = document.querySelector(sel); if (!el) for (const host of document.querySelectorAll('*')) { el = host.shadowRoot?.querySelector(sel); if (el) break; } if (el) el.scrollIntoView({block: 'center'}); return el ?? null; })()`,
      target: {context: this.context},
      awaitPromise: false,
    });
    if (res.type === 'exception' || res.result.type === 'null') throw new Error(`no element ${selector}`);
    return {sharedId: res.result.sharedId};
  }

  /**
   * A real click (input.performActions), optionally with Alt held.
   * @param {string} selector
   * @param {{alt?: boolean}} [options]
   */
  async click(selector, {alt = false} = {}) {
    // A page that renders again (a storage event, a health check) replaces the element between
    // finding and clicking it: find it again, a few times, as a reader's second look would.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.clickOnce(selector, alt);
      } catch (err) {
        const replaced = /is not displayed|stale|no such (element|node)/i.test(err instanceof Error ? err.message : String(err));
        if (!replaced || attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** @param {string} selector @param {boolean} alt */
  async clickOnce(selector, alt) {
    const element = await this.element(selector);
    const pointer = {
      type: 'pointer',
      id: 'mouse',
      parameters: {pointerType: 'mouse'},
      actions: [{type: 'pointerMove', x: 0, y: 0, origin: {type: 'element', element}}, {type: 'pointerDown', button: 0}, {type: 'pointerUp', button: 0}, {type: 'pause', duration: 0}],
    };
    const actions = [pointer];
    if (alt) {
      actions.unshift({type: 'key', id: 'keyboard', actions: [{type: 'keyDown', value: ALT}, {type: 'pause', duration: 0}, {type: 'pause', duration: 0}, {type: 'keyUp', value: ALT}]});
    }
    await this.browser.send('input.performActions', {context: this.context, actions});
    await this.browser.send('input.releaseActions', {context: this.context});
  }

  /** Press one key (Tab, Enter, or a character) in the focused element. */
  async press(key) {
    const value = {Tab: '\uE004', Enter: '\uE007', Escape: '\uE00C'}[key] ?? key;
    await this.browser.send('input.performActions', {context: this.context, actions: [{type: 'key', id: 'keyboard', actions: [{type: 'keyDown', value}, {type: 'keyUp', value}]}]});
    await this.browser.send('input.releaseActions', {context: this.context});
  }

  /** Type into a text field like a user (replacing its content). */
  async fill(selector, text) {
    await this.evaluate((sel) => {
      const el = /** @type {HTMLInputElement} */ (document.querySelector(sel));
      el.focus();
      el.select();
    }, selector);
    const keys = [];
    keys.push({type: 'keyDown', value: '\uE017'}, {type: 'keyUp', value: '\uE017'}); // Delete the selection
    for (const ch of text) keys.push({type: 'keyDown', value: ch}, {type: 'keyUp', value: ch});
    await this.browser.send('input.performActions', {context: this.context, actions: [{type: 'key', id: 'keyboard', actions: keys}]});
    await this.browser.send('input.releaseActions', {context: this.context});
  }

  async setFiles(selector, files) {
    const element = await this.element(selector);
    await this.browser.send('input.setFiles', {context: this.context, element, files});
  }

  async bringToFront() {
    await this.browser.send('browsingContext.activate', {context: this.context});
  }

  /** (No colour-scheme emulation over BiDi here: Firefox shots use the profile's theme.) */
  async screenshot(file, {width, height} = {}) {
    if (width && height) await this.browser.send('browsingContext.setViewport', {context: this.context, viewport: {width, height}});
    const shot = await this.browser.send('browsingContext.captureScreenshot', {context: this.context, origin: 'document'});
    fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  }

  /** Screenshot of one element (open shadow roots searched too). */
  async screenshotElement(selector, file) {
    const element = await this.element(selector);
    const shot = await this.browser.send('browsingContext.captureScreenshot', {context: this.context, clip: {type: 'element', element}});
    fs.writeFileSync(file, Buffer.from(shot.data, 'base64'));
  }

  async close() {
    await this.browser.send('browsingContext.close', {context: this.context});
  }
}

/**
 * @param {string} url
 * @param {number} timeout
 * @param {() => boolean} dead
 */
async function connect(url, timeout, dead) {
  const deadline = Date.now() + timeout;
  let lastError;
  while (Date.now() < deadline) {
    if (dead()) throw new Error('firefox exited before WebDriver BiDi was ready');
    try {
      const ws = new WebSocket(url);
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = (e) => reject(new Error(String(e.message ?? 'websocket error')));
      });
      return ws;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`could not connect to ${url}: ${lastError}`);
}
