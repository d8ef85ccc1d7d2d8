#!/usr/bin/env node
// `make version VERSION=x.y.z`: one command sets the version everywhere it is written.
//
//   manifest.json        "version"            (what the stores read)
//   Cargo.toml           [package] version    (the CLI's --version) and byob's entry in Cargo.lock
//   package.json         "version"            and the two matching fields of package-lock.json
//   CHANGELOG.md         "## Unreleased" becomes "## x.y.z — <date>", and a new empty
//                        "## Unreleased" goes above it
//
// Usage: node tools/bump-version.mjs <x.y.z> [--root DIR] [--date YYYY-MM-DD]
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

/** Chrome and Firefox accept one to four dot-separated integers; we use three. */
const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/**
 * Set `version` in every file under `root`; returns the files changed.
 * @param {string} root
 * @param {string} version
 * @param {string} date YYYY-MM-DD
 */
export function bumpVersion(root, version, date) {
  if (!VERSION.test(version)) throw new Error(`'${version}' is not a version like 1.2.3`);
  const read = (/** @type {string} */ f) => fs.readFileSync(path.join(root, f), 'utf8');
  const write = (/** @type {string} */ f, /** @type {string} */ text) => fs.writeFileSync(path.join(root, f), text);
  /** @param {string} f @param {string} text @param {RegExp} re @param {string} what */
  const replaceOnce = (f, text, re, what) => {
    if (!re.test(text)) throw new Error(`${f}: ${what} not found`);
    return text.replace(re, (_m, before, _old, after) => `${before}${version}${after}`);
  };

  write('manifest.json', replaceOnce('manifest.json', read('manifest.json'), /^(\s*"version":\s*")([^"]*)(")/m, '"version"'));
  write('Cargo.toml', replaceOnce('Cargo.toml', read('Cargo.toml'), /(\[package\][^[]*?\nversion = ")([^"]*)(")/, '[package] version'));
  write('Cargo.lock', replaceOnce('Cargo.lock', read('Cargo.lock'), /(\[\[package\]\]\nname = "byob"\nversion = ")([^"]*)(")/, 'the byob package'));
  write('package.json', replaceOnce('package.json', read('package.json'), /^(\s*"version":\s*")([^"]*)(")/m, '"version"'));
  write('package-lock.json', fixLock(read('package-lock.json'), version));

  const changelog = read('CHANGELOG.md');
  if (changelog.includes(`\n## ${version} `)) throw new Error(`CHANGELOG.md already has a section for ${version}`);
  if (!/^## Unreleased$/m.test(changelog)) throw new Error('CHANGELOG.md has no "## Unreleased" section');
  write('CHANGELOG.md', changelog.replace(/^## Unreleased$/m, `## Unreleased\n\n## ${version} — ${date}`));
  return ['manifest.json', 'Cargo.toml', 'Cargo.lock', 'package.json', 'package-lock.json', 'CHANGELOG.md'];
}

/**
 * package-lock.json names the project's version twice: at the top and in `packages[""]`.
 * @param {string} text
 * @param {string} version
 */
function fixLock(text, version) {
  const lock = JSON.parse(text);
  lock.version = version;
  if (lock.packages?.['']) lock.packages[''].version = version;
  return JSON.stringify(lock, null, 2) + '\n';
}

/** The version every file agrees on, or an error naming the ones that differ. @param {string} root */
export function currentVersions(root) {
  const json = (/** @type {string} */ f) => JSON.parse(fs.readFileSync(path.join(root, f), 'utf8'));
  const cargo = /\[package\][^[]*?\nversion = "([^"]*)"/.exec(fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8'))?.[1];
  const lock = json('package-lock.json');
  return {
    'manifest.json': json('manifest.json').version,
    'Cargo.toml': cargo,
    'package.json': json('package.json').version,
    'package-lock.json': lock.version,
    'package-lock.json packages[""]': lock.packages?.['']?.version,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (/** @type {string} */ name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const root = opt('--root') ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const date = opt('--date') ?? new Date().toISOString().slice(0, 10);
  try {
    const files = bumpVersion(root, args[0] ?? '', date);
    console.log(`version ${args[0]}: ${files.join(', ')} updated; review CHANGELOG.md, then commit`);
  } catch (err) {
    console.error(`version: ${err instanceof Error ? err.message : err}`);
    process.exit(2);
  }
}
