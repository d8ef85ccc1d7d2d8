#!/usr/bin/env node
// Build the unpacked extensions dist/chrome/ and dist/firefox/ and their zips from
// extension/, the Wasm package build/pkg/ and the one manifest source manifest.json.
//
//   node tools/build-extension.mjs            build both
//   node tools/build-extension.mjs --check    also fail when a zip exceeds the size budget
//
// Per-browser manifests: Chrome gets `background.service_worker` (classic), the managed
// storage schema and no gecko settings; Firefox gets `background.scripts` (module event page:
// the hot module's script, then the bundle),
// keeps `browser_specific_settings.gecko` (id, data_collection_permissions) and has no
// `storage.managed_schema`.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';
import yazl from 'yazl';
import {HOT_WASM} from '../extension/hot.js';
import {iconPng} from './icons.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'extension');
const pkg = path.join(root, 'build', 'pkg');
const dist = path.join(root, 'dist');
/** Files of extension/ that are notes for developers, not part of the extension. */
const SKIP = new Set(['NEEDS-FROM-CORE.md', 'README.md']);
/** From build/pkg, what the extension is made with: the hot module (shipped as `HOT_SCRIPT`) and the cold one (each with its loader in extension/). */
const PKG_FILES = ['byob_hot.wasm', 'byob_bg.wasm'];
/** The hot module as the extension ships it (`hotScript`), a file of the package: loaded before each background's bundle, imported by pages; never bundled. */
export const HOT_SCRIPT = 'pkg/byob_hot.js';
/** Chrome's worker in an unbundled build (`BYOB_NO_BUNDLE=1`): the hot module's script, then background.js. */
const UNBUNDLED_WORKER = 'background-unbundled.js';

const ICON_SIZES = [16, 32, 48, 128];
const ZIP_BUDGET = 300 * 1024; // docs/design.md §10

/**
 * The hot module as a script: its bytes, hex-encoded, put on the global object under
 * `HOT_WASM` (extension/hot.js, which says why a script). Neither
 * an import nor an export, so the same file is a classic script (Chrome's worker reads it with
 * `importScripts`) and a module (Firefox's event page lists it as its first module script;
 * `import()` from a page or a module worker).
 * @param {Uint8Array} wasm
 */
export function hotScript(wasm) {
  return [
    '// The hot Wasm module (src/hot.rs, build/pkg/byob_hot.wasm), hex-encoded: written by',
    '// tools/build-extension.mjs, read by hot.js.',
    `globalThis[Symbol.for(${JSON.stringify(HOT_WASM.description)})] = '${Buffer.from(wasm).toString('hex')}';`,
    '',
  ].join('\n');
}

/**
 * The background as one file: the worker that wakes for a page's first batch then loads one
 * script instead of a graph of eleven modules (docs/benchmarks.md has the measurement). The
 * modules the options page, the popup or the content scripts import stay in dist/ as they are;
 * the others are only in the bundle (`dropBundledOnly`).
 *
 * - Firefox (`module`): the bundle is `background.js` itself, an ES module (the module event
 *   page, after the hot module's script: `manifestFor`), with `import.meta.url` at the
 *   extension's root as before.
 * - Chrome (`classic`): the bundle is `background-main.js`, a classic script (`import.meta.url`
 *   read as the worker's own URL, at the same root), and `background.js` is
 *   `background-start.js`, which imports the hot module's script and then the bundle: a module
 *   service worker has no `importScripts`, and parses its whole bundle before any of it runs
 *   (docs/benchmarks.md, "wake, third round").
 *
 * The hot module's script (`HOT_SCRIPT`) stays out of both bundles: each background loads it
 * before its bundle, and hot.js imports it at run time where no script put its bytes there
 * first (a page, a module worker).
 * @param {string} out the unpacked extension
 * @param {'module' | 'classic'} kind
 * @returns {string[]} the modules in the bundle (paths relative to `out`)
 */
export function bundleBackground(out, kind) {
  // Paths in the bundle's comments are relative to `out`: the same bytes wherever it is built.
  const common = {absWorkingDir: out, entryPoints: ['background.js'], bundle: true, platform: 'browser', target: 'es2022', allowOverwrite: true, legalComments: 'none', logLevel: 'warning', external: [`./${HOT_SCRIPT}`]};
  let built;
  if (kind === 'module') {
    built = esbuild.buildSync({...common, format: 'esm', outfile: 'background.js', metafile: true});
  } else {
    // Strict, as the modules it is made of are.
    built = esbuild.buildSync({...common, format: 'iife', outfile: 'background-main.js', banner: {js: '"use strict";'}, define: {'import.meta.url': 'self.location.href'}, metafile: true});
    fs.renameSync(path.join(out, 'background-start.js'), path.join(out, 'background.js'));
  }
  fs.rmSync(path.join(out, 'background-start.js'), {force: true});
  return Object.keys(built.metafile.inputs).sort();
}

/**
 * Remove from `out` the modules only the background's bundle uses: their code ships in the
 * bundle, and no page or content script imports them. The scripts under `out`'s folders
 * (options/, popup/, content/, ui/) are the pages' and the content scripts': every top-level
 * module they import, directly or not, stays.
 * @param {string} out the unpacked extension, its background bundled
 * @param {string[]} bundled the bundle's modules (`bundleBackground`)
 * @returns {string[]} the files removed
 */
export function dropBundledOnly(out, bundled) {
  const entries = listFiles(out).filter((f) => f.includes('/') && f.endsWith('.js'));
  const used = new Set(entries);
  if (entries.length > 0) {
    const pages = esbuild.buildSync({absWorkingDir: out, entryPoints: entries, bundle: true, format: 'esm', write: false, metafile: true, outdir: 'pages', logLevel: 'warning', external: [`./${HOT_SCRIPT}`]});
    for (const f of Object.keys(pages.metafile.inputs)) used.add(f);
  }
  // background.js is the bundle itself (Firefox) or the worker's first script (Chrome).
  const removed = bundled.filter((f) => f !== 'background.js' && !used.has(f) && fs.existsSync(path.join(out, f)));
  for (const f of removed) fs.rmSync(path.join(out, f));
  return removed;
}

/**
 * @param {'chrome' | 'firefox'} browser
 * @param {any} source manifest.json
 * @param {{bundled?: boolean}} [options] `bundled: false` (`BYOB_NO_BUNDLE=1`, for debugging):
 *   the modules as they are, Chrome's worker a module too
 */
export function manifestFor(browser, source, {bundled = true} = {}) {
  const m = structuredClone(source);
  const bg = m.background ?? {};
  if (browser === 'chrome') {
    // Bundled, a classic worker: background.js is background-start.js (`bundleBackground`).
    m.background = bundled ? {service_worker: bg.service_worker} : {service_worker: UNBUNDLED_WORKER, type: 'module'};
    delete m.browser_specific_settings;
  } else if (browser === 'firefox') {
    // The hot module's script first: the event page's module scripts are fetched together and
    // run in order, so its bytes are on the global when the bundle starts the compile, where an
    // `import()` from the bundle fetched it only then (about 2 ms at the median of 40 wakes,
    // within the spread of their rounds: docs/benchmarks.md, "wake in Firefox (ninth round)").
    m.background = {scripts: [HOT_SCRIPT, ...(bg.scripts ?? [bg.service_worker])], type: 'module'};
    delete m.minimum_chrome_version;
    // Firefox reads an organisation's policy without a schema (docs/it-departments.md); the
    // key would only be a manifest warning there.
    delete m.storage;
  } else {
    throw new Error(`unknown browser ${browser}`);
  }
  return m;
}

function copyTree(from, to) {
  fs.mkdirSync(to, {recursive: true});
  for (const entry of fs.readdirSync(from, {withFileTypes: true})) {
    if (SKIP.has(entry.name) || entry.name.startsWith('.')) continue;
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(a, b);
    else fs.copyFileSync(a, b);
  }
}

function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, {withFileTypes: true}).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p, base));
    else out.push(path.relative(base, p).split(path.sep).join('/'));
  }
  return out;
}

/** Every archive the build writes has this one timestamp: the bytes depend only on the files. */
export const ZIP_MTIME = new Date('2025-01-01T00:00:00Z');

/**
 * Write a reproducible zip: entries in the order given (callers sort them by code unit, not by
 * locale), one fixed timestamp, permissions from `mode` (default 0644), deflated at zlib's
 * level 9 (any level reads the same; 9 is as deterministic as the default 6 and was 192 bytes
 * smaller on 2026-11-29: the Wasm, most of the bytes, hardly compresses further).
 * @param {{path: string, name: string, mode?: number}[]} entries
 * @param {string} file
 */
export function writeZip(entries, file) {
  return new Promise((resolve, reject) => {
    const zip = new yazl.ZipFile();
    for (const e of entries) zip.addFile(e.path, e.name, {mtime: ZIP_MTIME, mode: e.mode ?? 0o100644, compressionLevel: 9});
    zip.end();
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
}

function zipDir(dir, file) {
  return writeZip(listFiles(dir).map((rel) => ({path: path.join(dir, rel), name: rel})), file);
}

async function main() {
  const check = process.argv.includes('--check');
  for (const f of PKG_FILES) {
    if (!fs.existsSync(path.join(pkg, f))) {
      console.error(`build-extension: ${path.relative(root, path.join(pkg, f))} is missing; run \`make wasm\` first`);
      process.exit(1);
    }
  }
  const source = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
  const version = source.version;
  let failed = false;
  for (const browser of ['chrome', 'firefox']) {
    const out = path.join(dist, browser);
    fs.rmSync(out, {recursive: true, force: true});
    copyTree(src, out);
    fs.mkdirSync(path.join(out, 'pkg'), {recursive: true});
    fs.copyFileSync(path.join(pkg, 'byob_bg.wasm'), path.join(out, 'pkg', 'byob_bg.wasm'));
    fs.writeFileSync(path.join(out, HOT_SCRIPT), hotScript(fs.readFileSync(path.join(pkg, 'byob_hot.wasm'))));
    const bundled = !process.env.BYOB_NO_BUNDLE;
    if (bundled) dropBundledOnly(out, bundleBackground(out, browser === 'chrome' ? 'classic' : 'module'));
    else {
      fs.rmSync(path.join(out, 'background-start.js'));
      // Chrome's module worker has no `importScripts` and may not `import()`: an entry that
      // imports the hot module's script first, then the background (`manifestFor`).
      if (browser === 'chrome') fs.writeFileSync(path.join(out, UNBUNDLED_WORKER), `import './${HOT_SCRIPT}';\nimport './background.js';\n`);
    }
    fs.mkdirSync(path.join(out, 'icons'), {recursive: true});
    for (const size of ICON_SIZES) fs.writeFileSync(path.join(out, 'icons', `icon-${size}.png`), iconPng(size, size === 128 ? 16 : 0)); // 128: the store's icon, 96×96 artwork with 16 px around
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifestFor(browser, source, {bundled}), null, 2) + '\n');
    const zip = path.join(dist, `byob-${browser}-${version}.zip`);
    fs.rmSync(zip, {force: true});
    await zipDir(out, zip);
    const size = fs.statSync(zip).size;
    const over = size > ZIP_BUDGET;
    console.log(`extension: ${path.relative(root, zip)} ${size} bytes${over ? ` (over the ${ZIP_BUDGET}-byte budget)` : ''}`);
    if (over && check) failed = true;
  }
  if (failed) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error('build-extension:', err);
    process.exit(1);
  });
}
