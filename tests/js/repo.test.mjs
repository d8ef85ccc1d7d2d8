// The repository stands on its own and builds without root:
//  - no tracked file refers to the team's reference folder beside the clone, or to a path outside the repository;
//  - the default build (`make`, dry run from scratch) runs no system package manager and no sudo;
//  - the version is the same in every file that states it, and `make version` changes them together;
//  - the Wasm modules are built as cdylibs alone, the only way cargo link-time optimises them.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {bumpVersion, currentVersions} from '../../tools/bump-version.mjs';
import {root} from './dom.mjs';

const tracked = execFileSync('git', ['ls-files', '-z'], {cwd: root, encoding: 'utf8'}).split('\0').filter(Boolean);

/** Text a tracked file may not contain: the team's reference desk beside the checkout, or this machine's paths. */
const OUTSIDE = [
  {re: /\.\.\/shared\b/, why: 'refers to the reference folder beside the clone (outside the repository)'},
  {re: /(?<![\w.])\/work\/(?:main|shared)\b/, why: 'names a path on the developers\' machine'},
  {re: /path\.(?:resolve|join)\(root, '\.\.'/, why: 'builds a path above the repository root'},
  {re: /\$\(CURDIR\)\/\.\.\//, why: 'builds a path above the repository root'},
];

test('no tracked file refers to the reference folder beside the clone, or to a path outside the repository', () => {
  const self = path.relative(root, new URL(import.meta.url).pathname);
  const problems = [];
  for (const file of tracked) {
    if (file === self) continue; // the patterns themselves
    const full = path.join(root, file);
    if (!fs.existsSync(full) || fs.statSync(full).size > 2_000_000) continue;
    const text = fs.readFileSync(full, 'latin1');
    if (text.includes('\0')) continue; // binary (images)
    for (const {re, why} of OUTSIDE) {
      const m = re.exec(text);
      if (m) problems.push(`${file}:${text.slice(0, m.index).split('\n').length}: ${why}`);
    }
  }
  assert.deepEqual(problems, []);
});

/** What `make <targets>` would run from scratch: -n prints and runs nothing; -B as if nothing were built yet, so every recipe is shown. */
function dryRun(...targets) {
  const env = {...process.env};
  for (const k of ['MAKEFLAGS', 'MFLAGS', 'MAKELEVEL']) delete env[k];
  return execFileSync('make', ['-n', '-B', '--no-print-directory', ...targets], {cwd: root, env, encoding: 'utf8'});
}

test('the default build (`make`, as from scratch) runs no package manager of the system and no sudo', () => {
  const plan = dryRun();
  assert.match(plan, /cargo build --release/, 'the dry run shows the build');
  const rootOnly = plan.split('\n').filter((line) => /(^|[\s;&|(])(sudo|apt-get|apt|aptitude|dpkg|yum|dnf|zypper|pacman|apk|brew|snap)\s/.test(line));
  assert.deepEqual(rootOnly, []);
});

test('the Wasm modules are built as cdylibs alone (cargo leaves LTO out of a lib built as cdylib and rlib at once)', () => {
  const cargo = fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8');
  const lib = /^\[lib\]\n([\s\S]*?)^\[/m.exec(cargo);
  assert.ok(lib, 'Cargo.toml has a [lib] table');
  assert.match(lib[1], /^crate-type = \["rlib"\]$/m, 'the lib is an rlib only');
  const builds = dryRun('wasm').split('\n').filter((line) => /\bcargo (build|rustc)\b.*wasm32-unknown-unknown/.test(line));
  assert.equal(builds.length, 2, `one cargo call per module:\n${builds.join('\n')}`);
  for (const line of builds) assert.match(line, /\bcargo rustc .*--crate-type cdylib\b/);
});

test('manifest.json, Cargo.toml, package.json and package-lock.json state one version', () => {
  const versions = currentVersions(root);
  assert.equal(new Set(Object.values(versions)).size, 1, JSON.stringify(versions));
});

test('`make version` sets the version in every file and opens the changelog section', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-version-'));
  try {
    for (const f of ['manifest.json', 'Cargo.toml', 'Cargo.lock', 'package.json', 'package-lock.json', 'CHANGELOG.md']) fs.copyFileSync(path.join(root, f), path.join(dir, f));
    bumpVersion(dir, '7.8.9', '2030-01-02');
    assert.deepEqual(new Set(Object.values(currentVersions(dir))), new Set(['7.8.9']));
    assert.match(fs.readFileSync(path.join(dir, 'Cargo.lock'), 'utf8'), /name = "byob"\nversion = "7\.8\.9"/);
    const changelog = fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
    assert.match(changelog, /## Unreleased\n\n## 7\.8\.9 — 2030-01-02\n/);
    assert.throws(() => bumpVersion(dir, '7.8.9', '2030-01-02'), /already has a section/);
    assert.throws(() => bumpVersion(dir, 'v1', '2030-01-02'), /not a version/);
  } finally {
    fs.rmSync(dir, {recursive: true, force: true});
  }
});

test('every corpus link cites a public location, or says plainly that none was recorded', () => {
  const rows = fs.readFileSync(path.join(root, 'tests', 'fixtures', 'links.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const cited = (/** @type {string} */ s) =>
    /^(https?:\/\/\S+|[\w.-]+\/[\w.-]+(@[0-9a-f]{7,40})?:\S+|seen in public code search; location not recorded)( \(.+\))?$/.test(s);
  const bad = rows.filter((r) => typeof r.source !== 'string' || !cited(r.source)).map((r) => `${r.url}: ${r.source}`);
  assert.deepEqual(bad, []);
  assert.ok(rows.length >= 400, `${rows.length} rows`);
});

test('no extension script is over about 300 lines (one file per feature; ARCHITECTURE.md codemap)', () => {
  const LIMIT = 330; // "about 300": room for a docblock, not for a second feature
  const long = [];
  const walk = (/** @type {string} */ dir) => {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'pkg') walk(file);
      } else if (entry.name.endsWith('.js')) {
        const lines = fs.readFileSync(file, 'utf8').split('\n').length;
        if (lines > LIMIT) long.push(`${path.relative(root, file)}: ${lines} lines`);
      }
    }
  };
  walk(path.join(root, 'extension'));
  assert.deepEqual(long, []);
});
