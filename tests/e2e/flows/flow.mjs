// @ts-check
// A launch flow as a node:test test: a list of named steps (convert, click, login, spawn, clone,
// redirect, render, kernel; launch, recorded, build, ready on a BinderHub; tooltip, popup;
// private-dom, private-click). The first step that fails ends the flow, and the failure names it,
// with where the browser was, what the page said, a screenshot and the tail of the logs of the
// servers that step involves. Cleanups a flow registers (stop the user's server, log out) run
// whatever happens, so the next flow starts clean.
import fs from 'node:fs';
import path from 'node:path';
import {test} from 'node:test';
import {sleep} from '../lib/driver.mjs';

/** A step's own failure: its message says it all (no stack). */
export class FlowFailure extends Error {}

/**
 * Close a tab that may already be gone (closed by the flow, or navigated away by the page):
 * nothing to report then. Bounded, so a hung browser cannot hold the run.
 * @param {import('../lib/driver.mjs').Page} tab
 */
export async function closeTab(tab) {
  const closed = tab.close().then(
    () => true,
    () => false, // already closed: fine
  );
  await Promise.race([closed, sleep(5000)]);
}

export class Flow {
  /**
   * @param {string} id
   * @param {string} runDir tests/servers/run
   */
  constructor(id, runDir) {
    this.id = id;
    this.runDir = runDir;
    /** @type {{name: string, what: string, logs: string[], t0: number} | null} */
    this.current = null;
    /** @type {{name: string, ms: number}[]} */
    this.timings = [];
    /** @type {(() => Promise<void>)[]} */
    this.cleanups = [];
    /** @type {import('../lib/driver.mjs').Page | null} the tab to describe on failure */
    this.page = null;
    /** @type {string[]} the URLs the tab went through */
    this.trail = [];
    /** @type {string[]} */
    this.notes = [];
    /** @type {import('../lib/driver.mjs').Page[]} tabs to close after the flow, before the cleanups run */
    this.tabs = [];
  }

  /**
   * Start a step: `name` is what a failure is reported as, `what` what it checks, `logs` the
   * servers (run/<log>.log) whose log tail explains a failure.
   * @param {string} name
   * @param {string} what
   * @param {string[]} [logs]
   */
  step(name, what, logs = []) {
    this.done();
    this.current = {name, what, logs, t0: Date.now()};
    if (process.env.BYOB_E2E_VERBOSE) console.log(`    … ${this.id}: ${name}: ${what}`);
  }

  /** Close the current step (its time counts in the flow's summary). */
  done() {
    if (this.current) this.timings.push({name: this.current.name, ms: Date.now() - this.current.t0});
    this.current = null;
  }

  /** @param {() => Promise<void>} fn run after the flow, pass or fail (last registered first) */
  onCleanup(fn) {
    this.cleanups.unshift(fn);
  }

  /** @param {string} text reported with the flow's result */
  note(text) {
    this.notes.push(text);
  }

  /**
   * @param {string} message
   * @returns {never}
   */
  fail(message) {
    throw new FlowFailure(message);
  }

  /**
   * @param {string} file
   * @param {number} lines
   */
  logTail(file, lines = 25) {
    const p = path.join(this.runDir, `${file}.log`);
    if (!fs.existsSync(p)) return `(no ${p})`;
    const text = fs.readFileSync(p, 'utf8').split('\n');
    while (text.length && text[text.length - 1] === '') text.pop();
    return [`--- last ${lines} lines of ${path.relative(process.cwd(), p)}`, ...text.slice(-lines).map((l) => `| ${l.slice(0, 300)}`)].join('\n');
  }

  /**
   * Where the browser was when the flow failed: the URLs the tab went through, where it is, its
   * text, and a screenshot in `failDir`.
   * @param {string} failDir
   * @param {string} prefix the browser's name
   */
  async describe(failDir, prefix) {
    const lines = [];
    if (this.trail.length) lines.push(`the tab went through: ${this.trail.map((u) => u.slice(0, 160)).join('\n  → ')}`);
    if (!this.page) return lines;
    try {
      lines.push(`the tab is at ${await this.page.url()}`);
      const text = await Promise.race([this.page.evaluate(() => document.body?.innerText ?? ''), sleep(3000).then(() => '(no answer)')]);
      lines.push(`its text: ${String(text).replace(/\s+/g, ' ').slice(0, 600)}`);
      fs.mkdirSync(failDir, {recursive: true});
      const shot = path.join(failDir, `FAIL-${prefix}-${this.id}.png`);
      await Promise.race([this.page.screenshot(shot), sleep(5000)]);
      if (fs.existsSync(shot)) lines.push(`screenshot: ${path.relative(process.cwd(), shot)}`);
    } catch (err) {
      lines.push(`(could not read the tab: ${err instanceof Error ? err.message : err})`);
    }
    return lines;
  }
}

/**
 * Register flow `id` as a test of the current browser's suite. `fn` walks it; the error of a
 * failed step carries the step, the browser's state and the servers' log tails.
 * @param {import('../lib/suite.mjs').Suite} suite
 * @param {{id: string, title: string, runDir: string, failDir: string}} spec
 * @param {(f: Flow) => Promise<void>} fn
 */
export function flowTest(suite, {id, title, runDir, failDir}, fn) {
  test(`${id}: ${title}`, async (t) => {
    const f = new Flow(id, runDir);
    /** @type {unknown} */
    let error = null;
    try {
      const gone = suite.browser?.gone();
      if (gone) f.fail(`the browser is gone: ${gone}`);
      await fn(f);
      f.done();
    } catch (err) {
      error = err;
    }
    const failed = f.current;
    // where things stood when the step failed, before the cleanups add to the logs
    const details = error ? [...(await f.describe(failDir, suite.name)), ...(failed?.logs ?? []).map((log) => f.logTail(log))] : [];
    const tc = Date.now();
    // Close the flow's tabs first (a JupyterLab tab keeps talking to its server), then undo.
    for (const tab of f.tabs) await closeTab(tab);
    for (const cleanup of f.cleanups) {
      try {
        await cleanup();
      } catch (err) {
        t.diagnostic(`cleanup after ${id} failed: ${err instanceof Error ? err.message : err}`);
      }
    }
    f.timings.push({name: 'cleanup', ms: Date.now() - tc});
    const steps = f.timings.filter((x) => x.ms >= 300).map((x) => `${x.name} ${(x.ms / 1000).toFixed(1)} s`);
    if (steps.length) t.diagnostic(`steps: ${steps.join(', ')}`);
    for (const n of f.notes) t.diagnostic(n);
    if (!error) return;
    suite.failed++;
    const message = error instanceof Error ? error.message : String(error);
    const where = failed ? `step ${failed.name}: ${failed.what}` : 'before the first step';
    const stack = !(error instanceof FlowFailure) && error instanceof Error && error.stack ? `\n${error.stack.split('\n').slice(1, 4).join('\n')}` : '';
    throw new FlowFailure(`${where}\n${message}${stack}\n${details.join('\n')}`);
  });
}
