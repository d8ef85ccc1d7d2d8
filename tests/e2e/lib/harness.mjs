import {isDeepStrictEqual} from 'node:util';

// A small sequential test runner for the e2e tier: each test is a list of named steps; a
// failure reports the test and the step that failed, and the run ends with the plain
// "N passed, N failed" line.

export class Harness {
  constructor(prefix) {
    this.prefix = prefix;
    this.passed = 0;
    this.failed = 0;
    this.failures = [];
    this.currentStep = null;
  }

  /** Record a step (what the test is doing now) so a failure can say where it happened. */
  step(text) {
    this.currentStep = text;
    if (process.env.BYOB_E2E_VERBOSE) console.log(`    … ${text}`);
  }

  /**
   * Run one test. Later tests still run after a failure (each starts from the state the
   * previous ones left; a test that depends on an earlier one says so in its first step).
   * @param {string} name
   * @param {() => Promise<void>} fn
   */
  async test(name, fn) {
    this.currentStep = null;
    const t0 = Date.now();
    try {
      await fn();
      this.passed++;
      console.log(`ok   ${this.prefix} ${name} (${Date.now() - t0} ms)`);
    } catch (err) {
      this.failed++;
      const where = this.currentStep ? ` at step "${this.currentStep}"` : '';
      const message = err instanceof Error ? err.message : String(err);
      this.failures.push(`${this.prefix} ${name}${where}: ${message}`);
      console.log(`FAIL ${this.prefix} ${name}${where} (${Date.now() - t0} ms)\n     ${message.split('\n').join('\n     ')}`);
    }
  }
}

/** Assertion helpers with messages that say what was expected. */
export function expect(cond, message) {
  if (!cond) throw new Error(message);
}

/** Deep equality (object key order does not matter). */
export function expectEqual(actual, expected, what) {
  if (!isDeepStrictEqual(actual, expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
