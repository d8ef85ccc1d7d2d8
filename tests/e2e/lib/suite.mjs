// @ts-check
// The e2e suites on node:test (tests/e2e/README.md): one `describe` per browser, in turn, with
// the browser started in its `before` hook and stopped in its `after` hook; tests made of named
// steps, so that a failure says where it happened; the run's shared setup (servers, sites) once
// per file, undone however the run ends (servers.mjs).
import {after, before, describe, test} from 'node:test';
import {isDeepStrictEqual} from 'node:util';
import {launch} from './driver.mjs';
import {cleanUp, root} from './servers.mjs';

const BROWSERS = /** @type {const} */ (['chromium', 'firefox']);

/**
 * The browsers to run: BROWSER=chromium, BROWSER=firefox or both (the default).
 * @returns {('chromium' | 'firefox')[]}
 */
export function browserNames() {
  const wanted = (process.env.BROWSER ?? '').split(/[\s,]+/).filter(Boolean);
  for (const name of wanted) if (!BROWSERS.includes(/** @type {any} */ (name))) throw new Error(`BROWSER=${name}: unknown browser (chromium, firefox)`);
  return wanted.length ? /** @type {any} */ (wanted) : [...BROWSERS];
}

/**
 * The longest one e2e test may take (the slowest passes in under a minute on a loaded 2-core
 * machine). A test still running then fails, naming the step it was at, instead of holding the
 * whole run until CI's own limit: a browser call that never answers (a stopped worker's handle,
 * a page that hung) must be a failure that says where.
 */
export const TEST_DEADLINE_MS = 180_000;

/**
 * `work`, or an error when it has not settled within `ms`.
 * @template T
 * @param {Promise<T>} work @param {number} ms @param {Steps} s
 * @returns {Promise<T>}
 */
export function withDeadline(work, ms, s) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${ms / 1000} s (the step never finished)`)), ms);
  });
  return /** @type {Promise<T>} */ (Promise.race([work, late])).finally(() => clearTimeout(timer));
}

/** What a test is doing now, so that a failure can say where it happened. */
export class Steps {
  /** @type {string | null} */
  current = null;

  /** @param {string} text */
  step(text) {
    this.current = text;
    if (process.env.BYOB_E2E_VERBOSE) console.log(`    … ${text}`);
  }

  /**
   * The error, naming the step it happened at.
   * @param {unknown} err
   */
  explain(err) {
    const e = err instanceof Error ? err : new Error(String(err));
    if (this.current) e.message = `at step "${this.current}": ${e.message}`;
    return e;
  }
}

/**
 * One browser's suite: what its tests share. Filled in by the `before` hooks: read it inside a
 * test, not when registering one.
 * @typedef {{
 *   name: 'chromium' | 'firefox',
 *   browser: import('./driver.mjs').Browser,
 *   failed: number,
 *   check: (title: string, fn: (s: Steps) => Promise<void>, options?: {skip?: string}) => void,
 *   [key: string]: any,
 * }} Suite
 */

/**
 * For each browser, a `describe` whose tests `body` registers. `setup` runs once for the file
 * before any browser starts; what it returns is merged into every browser's suite.
 * @param {() => Promise<Record<string, any>>} setup
 * @param {(suite: Suite) => void} body
 */
export function eachBrowser(setup, body) {
  /** @type {Record<string, any>} */
  let shared = {};
  before(async () => {
    shared = await setup();
  });
  after(cleanUp);
  for (const name of browserNames()) {
    describe(name, () => {
      /** @type {Suite} */
      const suite = /** @type {any} */ ({name, failed: 0, browser: null});
      // `skip`: why the test cannot run here (node:test reports it skipped, with the reason: never passed)
      suite.check = (title, fn, {skip} = {}) =>
        test(title, {skip}, async () => {
          const s = new Steps();
          try {
            // once the browser died, the remaining tests fail at once instead of timing out one by one
            const gone = suite.browser?.gone();
            if (gone) throw new Error(`the browser is gone: ${gone}`);
            await withDeadline(fn(s), TEST_DEADLINE_MS, s);
          } catch (err) {
            suite.failed++;
            throw s.explain(err);
          }
        });
      before(async () => {
        Object.assign(suite, shared);
        suite.browser = await launch(name, root);
      });
      after(async () => {
        const b = suite.browser;
        if (!b) return;
        if (suite.failed && b.logs.length) console.log(`--- ${name} console (last 40 lines) ---\n${b.logs.slice(-40).join('\n')}`);
        if (suite.failed && b.stderr) console.log(`--- ${name} stderr (last 30 lines) ---\n${b.stderr.split('\n').slice(-30).join('\n')}`);
        await b.stop().catch((err) => console.log(`${name}: stopping the browser failed: ${err}`));
      });
      body(suite);
    });
  }
}

/**
 * @param {unknown} cond
 * @param {string} message what was expected
 * @returns {asserts cond}
 */
export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/**
 * Deep equality (object key order does not matter).
 * @param {unknown} actual
 * @param {unknown} expected
 * @param {string} what
 */
export function expectEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
