// A small runner for the launch flows: a flow is a list of named steps (convert, click, login,
// spawn, clone, redirect, render; launch, recorded on a BinderHub; …). The first step that fails
// ends the flow and is named, with where the browser was, what the page said, and the tail of
// the logs of the servers that step involves. Cleanups a flow registers (stop the user's
// server, log out) run whatever happens, so the next flow starts clean.
import fs from 'node:fs';
import path from 'node:path';

export class FlowFailure extends Error {}

/**
 * Close a tab that may already be gone (closed by the flow, or navigated away by the page):
 * nothing to report then. Bounded, so a hung browser cannot hold the run.
 * @param {any} tab
 */
export async function closeTab(tab) {
  const closed = tab.close().then(
    () => true,
    () => false, // already closed: fine
  );
  await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
}

export class Flow {
  /**
   * @param {string} name
   * @param {string} runDir tests/servers/run
   */
  constructor(name, runDir) {
    this.name = name;
    this.runDir = runDir;
    /** @type {{name: string, what: string, logs: string[], t0: number} | null} */
    this.current = null;
    /** @type {{name: string, ms: number}[]} */
    this.timings = [];
    /** @type {(() => Promise<void>)[]} */
    this.cleanups = [];
    /** @type {any} the tab to describe on failure */
    this.page = null;
    /** @type {string[]} the URLs the tab went through */
    this.trail = [];
    /** @type {string[]} */
    this.notes = [];
    /** @type {any[]} tabs to close after the flow, before the cleanups run */
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
    if (process.env.BYOB_E2E_VERBOSE) console.log(`    … ${this.name}: ${name}: ${what}`);
  }

  /** Close the current step (its time counts in the summary line). */
  done() {
    if (this.current) this.timings.push({name: this.current.name, ms: Date.now() - this.current.t0});
    this.current = null;
  }

  /** @param {() => Promise<void>} fn run after the flow, pass or fail (last registered first) */
  onCleanup(fn) {
    this.cleanups.unshift(fn);
  }

  /** @param {string} text shown under the flow's ok line */
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
    if (!fs.existsSync(p)) return `     (no ${p})`;
    const text = fs.readFileSync(p, 'utf8').split('\n');
    while (text.length && text[text.length - 1] === '') text.pop();
    return [`     --- last ${lines} lines of ${path.relative(process.cwd(), p)}`, ...text.slice(-lines).map((l) => `     | ${l.slice(0, 300)}`)].join('\n');
  }
}

export class Runner {
  /**
   * @param {string} prefix the browser's name
   * @param {{runDir: string, failDir: string}} dirs
   */
  constructor(prefix, {runDir, failDir}) {
    this.prefix = prefix;
    this.runDir = runDir;
    this.failDir = failDir;
    this.passed = 0;
    this.failed = 0;
    /** @type {string[]} */
    this.failures = [];
    /** @type {{name: string, ms: number, ok: boolean}[]} */
    this.results = [];
    /** @type {(() => string | null) | null} why the browser can no longer be driven, if so */
    this.gone = null;
  }

  /**
   * @param {string} name
   * @param {string} title
   * @param {(f: Flow) => Promise<void>} fn
   */
  async flow(name, title, fn) {
    const f = new Flow(name, this.runDir);
    const t0 = Date.now();
    let error = null;
    try {
      if (this.gone?.()) f.fail(`the browser is gone: ${this.gone()}`);
      await fn(f);
      f.done();
    } catch (err) {
      error = err;
    }
    const failedStep = f.current;
    let details = '';
    if (error) {
      // where things stood when the step failed, before the cleanups add to the logs
      details = await this.describe(f, error);
      for (const log of failedStep?.logs ?? []) details += `\n${f.logTail(log)}`;
    }
    const tc = Date.now();
    // Close the flow's tabs first (a JupyterLab tab keeps talking to its server), then undo.
    for (const tab of f.tabs) await closeTab(tab);
    for (const cleanup of f.cleanups) {
      try {
        await cleanup();
      } catch (err) {
        console.log(`     (cleanup after ${this.prefix} ${name} failed: ${err instanceof Error ? err.message : err})`);
      }
    }
    f.timings.push({name: 'cleanup', ms: Date.now() - tc});
    const s = ((Date.now() - t0) / 1000).toFixed(1);
    this.results.push({name, ms: Date.now() - t0, ok: !error});
    if (!error) {
      this.passed++;
      const steps = f.timings.filter((x) => x.ms >= 300).map((x) => `${x.name} ${(x.ms / 1000).toFixed(1)} s`);
      console.log(`ok   ${this.prefix} ${name}: ${title} (${s} s${steps.length ? `; ${steps.join(', ')}` : ''})`);
      for (const n of f.notes) console.log(`     ${n}`);
      return true;
    }
    this.failed++;
    const step = failedStep ? `step ${failedStep.name}` : 'before the first step';
    const message = error instanceof Error ? error.message : String(error);
    this.failures.push(`${this.prefix} ${name} at ${step}: ${message.split('\n')[0]}`);
    console.log(`FAIL ${this.prefix} ${name}: ${title} (${s} s)`);
    console.log(`     ${step}${failedStep ? `: ${failedStep.what}` : ''}`);
    console.log(`     ${message.split('\n').join('\n     ')}`);
    if (!(error instanceof FlowFailure) && error instanceof Error && error.stack) console.log(`     ${error.stack.split('\n').slice(1, 4).join('\n     ')}`);
    if (details) console.log(details);
    return false;
  }

  /**
   * Where the browser was when the flow failed: the tab's URL, the URLs it went through, its
   * text, and a screenshot.
   * @param {Flow} f
   * @param {unknown} _error
   */
  async describe(f, _error) {
    const lines = [];
    if (f.trail.length) lines.push(`     the tab went through: ${f.trail.map((u) => u.slice(0, 160)).join('\n       → ')}`);
    if (!f.page) return lines.join('\n');
    try {
      const url = await f.page.url();
      lines.push(`     the tab is at ${url}`);
      const text = await Promise.race([f.page.evaluate(() => document.body?.innerText ?? ''), new Promise((r) => setTimeout(() => r('(no answer)'), 3000))]);
      lines.push(`     its text: ${String(text).replace(/\s+/g, ' ').slice(0, 600)}`);
      fs.mkdirSync(this.failDir, {recursive: true});
      const shot = path.join(this.failDir, `FAIL-${this.prefix}-${f.name}.png`);
      await Promise.race([f.page.screenshot(shot), new Promise((r) => setTimeout(r, 5000))]);
      if (fs.existsSync(shot)) lines.push(`     screenshot: ${path.relative(process.cwd(), shot)}`);
    } catch (err) {
      lines.push(`     (could not read the tab: ${err instanceof Error ? err.message : err})`);
    }
    return lines.join('\n');
  }
}
