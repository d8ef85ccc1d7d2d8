// @ts-check
// The one browser interface the e2e suites drive (tests/e2e/README.md): headless Chromium through
// playwright-core (chromium.mjs) and headless Firefox ESR over WebDriver BiDi (firefox.mjs), each
// implementing it the same way. The shared behaviour (waiting for a page, for a tab, for the
// browser to be gone) lives here, once.

/**
 * One tab. Every method is async in both browsers.
 * @typedef {object} Page
 * @property {() => Promise<string>} url the tab's URL now
 * @property {(url: string) => Promise<void>} goto navigate, and wait for the load
 * @property {(fn: Function | string, ...args: any[]) => Promise<any>} evaluate run `fn(...args)` in the page's
 *   main world (a function, or a function's source); the JSON of its (awaited) result
 * @property {(fn: Function | string, args?: any[], options?: {timeout?: number, what?: string}) => Promise<any>} waitFor
 *   evaluate `fn` until it returns something truthy (navigations tolerated); that value
 * @property {(selector: string, options?: {alt?: boolean}) => Promise<void>} click a real pointer click
 *   (open shadow roots searched), optionally with Alt held
 * @property {(key: string) => Promise<void>} press one key in the focused element (Tab, Enter, Escape, a character)
 * @property {(selector: string, text: string) => Promise<void>} fill type into a field like a user, replacing its content
 * @property {(selector: string, files: string[]) => Promise<void>} setFiles choose files in a file input
 * @property {() => Promise<void>} bringToFront make it the active tab (background tabs' timers are throttled)
 * @property {(file: string, options?: {width?: number, height?: number, colorScheme?: 'light' | 'dark'}) => Promise<void>} screenshot
 *   the full page (colour schemes: Chromium only, Firefox shots use the profile's theme)
 * @property {(selector: string, file: string) => Promise<void>} screenshotElement one element (open shadow roots searched)
 * @property {() => Promise<void>} close
 */

/**
 * One browser with the built extension installed, and no site access granted.
 * @typedef {object} Browser
 * @property {'chromium' | 'firefox'} name
 * @property {string} origin the extension's origin (chrome-extension://…, moz-extension://…)
 * @property {string[]} logs console lines of the extension's pages (and Chromium's service worker)
 * @property {string} stderr the browser's own error output (its tail)
 * @property {(extDir: string) => Promise<void>} start launch with the unpacked extension `extDir`
 * @property {() => Promise<void>} stop close it and delete its profile
 * @property {() => Promise<{page: Page, url: string}[]>} tabs every open tab with its URL
 * @property {(match: (url: string) => boolean, timeout?: number) => Promise<Page>} waitForPage
 *   a tab whose URL satisfies `match` (opened by the extension or a click)
 * @property {(url: string) => Promise<Page>} open a new tab at `url`
 * @property {(patterns: string[]) => Promise<void>} preApprove what a user answering "Allow" to the permission
 *   prompt does (headless prompts cannot be answered); the extension's permissions.request() then resolves true
 * @property {(page: Page, selector: string) => Promise<string>} download click `selector` and return the file it saves
 * @property {() => string | null} gone why the browser can no longer be driven (it exited, it closed), or null
 * @property {((fn: Function, arg?: any) => Promise<any>) | null} background run `fn(arg)` in the extension's
 *   background; null where the driver cannot reach it (Firefox: BiDi does not reach an event page)
 */

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** What both drivers' tabs share. */
export class BasePage {
  /**
   * @param {Function | string} _fn
   * @param {any[]} _args
   * @returns {Promise<any>}
   */
  async evaluate(_fn, ..._args) {
    throw new Error('a driver implements evaluate');
  }

  /**
   * @param {Function | string} fn
   * @param {any[]} [args]
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
      await sleep(50);
    }
    throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
  }
}

/** What both drivers share. */
export class BaseBrowser {
  /** @type {string[]} */
  logs = [];
  stderr = '';

  /** @returns {Promise<{page: Page, url: string}[]>} */
  async tabs() {
    throw new Error('a driver implements tabs');
  }

  /**
   * @param {(url: string) => boolean} match
   * @param {number} [timeout]
   */
  async waitForPage(match, timeout = 10_000) {
    const deadline = Date.now() + timeout;
    /** @type {string[]} */
    let urls = [];
    while (Date.now() < deadline) {
      // A new tab shows about:blank for a moment: poll the URLs rather than wait for events.
      const tabs = await this.tabs();
      urls = tabs.map((t) => t.url);
      const hit = tabs.find((t) => match(t.url));
      if (hit) return hit.page;
      await sleep(50);
    }
    throw new Error(`no tab matching ${match} within ${timeout} ms; open: ${urls.join(', ')}`);
  }
}

/**
 * A started browser with the built extension of `root`'s dist/.
 * @param {'chromium' | 'firefox'} name
 * @param {string} root the repository
 * @returns {Promise<Browser>}
 */
export async function launch(name, root) {
  const {ChromiumBrowser} = await import('./chromium.mjs');
  const {FirefoxBrowser} = await import('./firefox.mjs');
  /** @type {Browser} */
  const browser = name === 'chromium' ? new ChromiumBrowser() : new FirefoxBrowser();
  try {
    await browser.start(`${root}/dist/${name === 'chromium' ? 'chrome' : 'firefox'}`);
  } catch (err) {
    await browser.stop().catch(() => {}); // its profile and process, whatever started
    throw err;
  }
  return browser;
}
