#!/usr/bin/env node
// `make release`: after `make wasm extension` has built the Wasm and both extension zips, add
// the source package a store reviewer rebuilds from, check what must hold for a reproducible
// release, and write dist/SHA256SUMS.
//
//   dist/byob-chrome-<version>.zip    (tools/build-extension.mjs)
//   dist/byob-firefox-<version>.zip   (tools/build-extension.mjs)
//   dist/byob-source-<version>.zip    every file git tracks (from a clean tree: as committed), BUILDING.md among them
//   dist/SHA256SUMS                   sha256 of every shipped .wasm and the three zips
//
// A release is made from a clean tree (BYOB_RELEASE_ALLOW_DIRTY=1 skips that check, for the
// reproducibility test and for trying things out). In an unpacked source package (no .git) the
// source package is not made again: the Wasm and the extension zips are what must match.
import {execFileSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {writeZip} from './build-extension.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const pkg = path.join(root, 'build', 'pkg');

/** @param {string} msg */
function fail(msg) {
  console.error(`release: ${msg}`);
  process.exit(1);
}

/** @param {string} file */
export function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The files a git checkout tracks, with their modes, sorted by code unit. */
function trackedFiles() {
  const out = execFileSync('git', ['ls-files', '-s', '-z'], {cwd: root, encoding: 'utf8'});
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, name] = line.split('\t');
      const mode = meta.split(' ')[0] === '100755' ? 0o100755 : 0o100644;
      return {name, mode, path: path.join(root, name)};
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Absolute build paths that must not be in a shipped Wasm (panic locations would name them
 * if the path remapping in mk/core.mk were lost).
 * @param {Buffer} bytes
 */
export function absolutePaths(bytes) {
  const text = bytes.toString('latin1');
  const found = new Set();
  const cargoHome = process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo');
  // Source paths as rustc writes them: under the checkout, under cargo's registry, under a home.
  for (const needle of [`${root}/`, `${cargoHome}/`, '/.cargo/registry/', '/home/', '/Users/']) {
    if (text.includes(needle)) found.add(needle);
  }
  return [...found];
}

async function main() {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  const version = manifest.version;
  const inGit = fs.existsSync(path.join(root, '.git'));
  if (inGit && process.env.BYOB_RELEASE_ALLOW_DIRTY !== '1') {
    const dirty = execFileSync('git', ['status', '--porcelain'], {cwd: root, encoding: 'utf8'}).trim();
    if (dirty) fail(`the tree has uncommitted changes; commit them first (or BYOB_RELEASE_ALLOW_DIRTY=1 to try):\n${dirty}`);
  }

  const wasm = fs.readdirSync(pkg).filter((f) => f.endsWith('.wasm')).sort();
  if (wasm.length === 0) fail('build/pkg has no .wasm: run `make wasm` first');
  for (const f of wasm) {
    const paths = absolutePaths(fs.readFileSync(path.join(pkg, f)));
    if (paths.length) fail(`build/pkg/${f} contains absolute build paths (${paths.join(', ')}): the --remap-path-prefix flags of mk/core.mk were not applied`);
  }

  /** @type {[string, string][]} name in SHA256SUMS, file */
  const sums = wasm.map((f) => [`pkg/${f}`, path.join(pkg, f)]);
  for (const browser of ['chrome', 'firefox']) {
    const zip = path.join(dist, `byob-${browser}-${version}.zip`);
    if (!fs.existsSync(zip)) fail(`${path.relative(root, zip)} is missing: run \`make extension\` first`);
    sums.push([path.basename(zip), zip]);
  }
  if (inGit) {
    const zip = path.join(dist, `byob-source-${version}.zip`);
    const files = trackedFiles();
    const missing = files.filter((f) => !fs.existsSync(f.path));
    if (missing.length) fail(`tracked files missing from the tree: ${missing.map((f) => f.name).join(', ')}`);
    fs.rmSync(zip, {force: true});
    await writeZip(files, zip);
    sums.push([path.basename(zip), zip]);
  } else {
    console.log('release: not a git checkout (an unpacked source package?): the source package is made only from git');
  }
  const lines = sums.map(([name, file]) => `${sha256(file)}  ${name}`);
  fs.writeFileSync(path.join(dist, 'SHA256SUMS'), lines.join('\n') + '\n');
  for (const [name, file] of sums) console.log(`release: ${name.padEnd(32)} ${String(fs.statSync(file).size).padStart(8)} bytes  ${sha256(file)}`);
  console.log('release: dist/SHA256SUMS written');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => fail(err instanceof Error ? err.stack ?? err.message : String(err)));
}
