// The release is reproducible: `make release` twice in this tree, and once in an empty folder
// from the unpacked source package, give the same sha256 for the Wasm and both extension zips
// (BUILDING.md). Slow (a from-scratch Wasm build and `npm ci` in the unpacked copy): `make
// test-release`, part of `make test`.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const version = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8')).version;

/** The environment of a nested `make`: none of this make's flags, dirty trees allowed. */
function makeEnv() {
  const env = {...process.env, BYOB_RELEASE_ALLOW_DIRTY: '1'};
  for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL', 'MAKEOVERRIDES']) delete env[k];
  return env;
}

/** @param {string} dir */
function release(dir) {
  execFileSync('make', ['--no-print-directory', 'release'], {cwd: dir, env: makeEnv(), stdio: ['ignore', 'inherit', 'inherit']});
  return readSums(dir);
}

/** @param {string} dir @returns {Record<string, string>} file name → sha256 */
function readSums(dir) {
  const text = fs.readFileSync(path.join(dir, 'dist', 'SHA256SUMS'), 'utf8');
  return Object.fromEntries(text.trim().split('\n').map((line) => line.split(/\s+/).reverse()));
}

/** What must match between two builds: every Wasm and both extension zips. */
function shipped(/** @type {Record<string, string>} */ sums) {
  return Object.fromEntries(Object.entries(sums).filter(([name]) => !name.startsWith('byob-source-')));
}

let first;

test('make release twice in this tree gives the same bytes', {timeout: 15 * 60_000}, () => {
  first = release(root);
  assert.ok(first[`byob-chrome-${version}.zip`] && first[`byob-firefox-${version}.zip`] && first[`byob-source-${version}.zip`], JSON.stringify(first));
  assert.ok(Object.keys(first).some((n) => n.endsWith('.wasm')), 'no .wasm in SHA256SUMS');
  // Everything after cargo is made again: wasm-opt, the icons, the zips.
  fs.rmSync(path.join(root, 'build', 'pkg'), {recursive: true, force: true});
  for (const f of fs.readdirSync(path.join(root, 'dist'))) if (f.endsWith('.zip')) fs.rmSync(path.join(root, 'dist', f));
  const second = release(root);
  assert.deepEqual(second, first);
});

test('the unpacked source package rebuilds the same Wasm and zips in an empty folder', {timeout: 30 * 60_000}, () => {
  assert.ok(first, 'needs the first release');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-rebuild-'));
  try {
    const zip = path.join(root, 'dist', `byob-source-${version}.zip`);
    // Python's zipfile (python3 is needed by the test servers anyway), keeping the executable bits.
    execFileSync('python3', ['-c', EXTRACT, zip, dir], {stdio: 'inherit'});
    assert.ok(fs.existsSync(path.join(dir, 'BUILDING.md')), 'the source package has BUILDING.md');
    assert.ok(!fs.existsSync(path.join(dir, '.git')), 'the source package is not a git checkout');
    const rebuilt = release(dir);
    assert.deepEqual(shipped(rebuilt), shipped(first));
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

const EXTRACT = `
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = (info.external_attr >> 16) & 0o777
        if mode:
            os.chmod(path, mode)
`;
