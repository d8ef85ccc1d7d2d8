#!/usr/bin/env node
// `web-ext lint` on dist/firefox (offline): print every finding, fail on any error or warning.
import {execFileSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin', 'web-ext');
let out;
try {
  out = execFileSync(bin, ['lint', '--source-dir', path.join(root, 'dist', 'firefox'), '--output', 'json', '--no-config-discovery'], {encoding: 'utf8'});
} catch (err) {
  // web-ext exits non-zero when it finds errors; its JSON report is still on stdout.
  out = /** @type {any} */ (err).stdout;
  if (!out) throw err;
}
const report = JSON.parse(out);
for (const level of ['errors', 'warnings', 'notices']) {
  for (const m of report[level]) console.log(`web-ext lint ${level.slice(0, -1)}: ${m.code} ${m.file ?? ''} ${m.message}`);
}
const {errors, warnings, notices} = report.summary;
console.log(`web-ext lint dist/firefox: ${errors} errors, ${warnings} warnings, ${notices} notices`);
process.exit(errors + warnings > 0 ? 1 : 0);
