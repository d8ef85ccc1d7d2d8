#!/usr/bin/env node
// Build the unpacked extensions dist/chrome/ and dist/firefox/ and their zips from
// extension/, the Wasm package build/pkg/ and the one manifest source manifest.json.
//
//   node tools/build-extension.mjs            build both
//   node tools/build-extension.mjs --check    also fail when a zip exceeds the size budget
//
// Per-browser manifests: Chrome gets `background.service_worker` (module), the managed
// storage schema and no gecko settings; Firefox gets `background.scripts` (module event page),
// keeps `browser_specific_settings.gecko` (id, data_collection_permissions) and has no
// `storage.managed_schema`.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import * as esbuild from 'esbuild';
import yazl from 'yazl';
import {iconPng} from './icons.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'extension');
const pkg = path.join(root, 'build', 'pkg');
const dist = path.join(root, 'dist');
/** Files of extension/ that are notes for developers, not part of the extension. */
const SKIP = new Set(['NEEDS-FROM-CORE.md', 'README.md']);
/** From build/pkg, only what the extension loads: the hot module and the cold one (each with its loader in extension/). */
const PKG_FILES = ['byob_hot.wasm', 'byob_bg.wasm'];
const ICON_SIZES = [16, 32, 48, 128];
const ZIP_BUDGET = 300 * 1024; // docs/design.md §10

/**
 * The modules a woken Chrome worker needs not before its first answer, shipped apart in
 * `background-later.js` (`bundleBackground`): detection and the probes, the context menu's
 * set-up and clicks, the content script's registration, the cold module's glue. Each is reached
 * only through a handler (never at the top level), so a worker woken by a page evaluates none
 * of them; their code cache is no longer read at every wake (docs/benchmarks.md, "wake (fifth
 * round)"). Everything else the worker needs stays in `background-main.js`.
 */
export const LATER_MODULES = ['probe-runner.js', 'detect-answer.js', 'context-menu.js', 'site-access.js', 'cold.js'];
/** The global (a `Symbol.for` key) under which each bundle finds the other's modules: the ones it exports, by file. */
const SHARED_KEY = 'byob.sharedModules';
const LATER_KEY = 'byob.laterModules';

/**
 * An esbuild plugin: imports of the files in `files` (relative to `out`) become CommonJS
 * stand-ins made by `stub(file)`. esbuild reads a named import of a CommonJS module at each use
 * (`import_x.name`), never at import, so a stand-in whose properties are getters defers its
 * module until the first use of one of its exports.
 * @param {string} out @param {(file: string) => boolean} owns @param {(file: string) => string} stub
 * @param {Set<string>} [seen] collects the files replaced
 * @returns {esbuild.Plugin}
 */
function standIns(out, owns, stub, seen) {
  return {
    name: 'byob-stand-ins',
    setup(build) {
      build.onResolve({filter: /^\.\.?\//}, (args) => {
        if (args.kind === 'entry-point' || !args.resolveDir.startsWith(out)) return undefined;
        const file = path.relative(out, path.resolve(args.resolveDir, args.path)).split(path.sep).join('/');
        if (!owns(file)) return undefined;
        seen?.add(file);
        return {path: file, namespace: 'byob-stand-in'};
      });
      build.onLoad({filter: /.*/, namespace: 'byob-stand-in'}, (args) => ({contents: stub(args.path), loader: 'js'}));
    },
  };
}

/**
 * The background as one file: the worker that wakes for a page's first batch then loads one
 * script instead of a graph of eleven modules (docs/benchmarks.md has the measurement). The
 * modules stay in dist/ as they are (the options page and the popup import them).
 *
 * - Firefox (`module`): the bundle is `background.js` itself, an ES module (the module event
 *   page), with `import.meta.url` at the extension's root as before.
 * - Chrome (`classic`): classic scripts (`import.meta.url` read as the worker's own URL, at the
 *   same root). `background.js` is `background-start.js`, which starts the hot module's
 *   compilation and then imports `background-main.js`, the background without `LATER_MODULES`:
 *   a module service worker has no `importScripts`, and parses its whole bundle before any of it
 *   runs (docs/benchmarks.md, "wake, third round"). `background-later.js` holds
 *   `LATER_MODULES`; `background-start.js` imports it at install (when Chrome keeps every
 *   script the worker imports) and again at the first use of one of their exports. Each bundle
 *   reads the modules it shares with the other from the one that holds them, so that every
 *   module has one instance (one hot module, one cold module, one state).
 * @param {string} out the unpacked extension
 * @param {'module' | 'classic'} kind
 * @returns {Promise<{main: string[], later: string[]}>} the modules (paths relative to `out`)
 *   in each bundle: `main` the worker's at every wake (Firefox's whole background), `later`
 *   Chrome's `background-later.js`
 */
export async function bundleBackground(out, kind) {
  // Paths in the bundle's comments are relative to `out`: the same bytes wherever it is built.
  const common = {absWorkingDir: out, bundle: true, platform: 'browser', target: 'es2022', allowOverwrite: true, legalComments: 'none', logLevel: 'warning'};
  if (kind === 'module') {
    const built = esbuild.buildSync({...common, entryPoints: ['background.js'], format: 'esm', outfile: 'background.js', metafile: true});
    fs.rmSync(path.join(out, 'background-start.js'), {force: true});
    return {main: modulesIn(built.metafile), later: []};
  }
  {
    // Strict, as the modules it is made of are.
    const classic = {...common, format: 'iife', banner: {js: '"use strict";'}, define: {'import.meta.url': 'self.location.href'}};
    const later = new Set(LATER_MODULES);
    /** @param {string[]} names @param {string} key */
    const register = (names, key) =>
      names.map((f, i) => `import * as m${i} from './${f}';`).join('\n') +
      `\nself[Symbol.for(${JSON.stringify(key)})] = {${names.map((f, i) => `${JSON.stringify(f)}: m${i}`).join(', ')}};\n`;
    // The later bundle first: which of the main bundle's modules it uses.
    /** @type {Set<string>} */
    const shared = new Set();
    const fromMain = (/** @type {string} */ file) =>
      `module.exports = self[Symbol.for(${JSON.stringify(SHARED_KEY)})][${JSON.stringify(file)}];\n`;
    const laterBuilt = await esbuild.build({
      ...classic,
      metafile: true,
      stdin: {contents: register(LATER_MODULES, LATER_KEY), resolveDir: out, sourcefile: 'background-later.js'},
      outfile: 'background-later.js',
      plugins: [standIns(out, (f) => !later.has(f), fromMain, shared)],
    });
    // The main bundle: each export of a later module read from background-later.js at its first use.
    const names = exportsOf(out, LATER_MODULES);
    const fromLater = (/** @type {string} */ file) =>
      `const load = () => self[Symbol.for('byob.later')](${JSON.stringify(file)});\n` +
      `Object.defineProperties(exports, {${names[file].map((n) => `${JSON.stringify(n)}: {get: () => load()[${JSON.stringify(n)}], enumerable: true}`).join(', ')}});\n`;
    const mainBuilt = await esbuild.build({
      ...classic,
      metafile: true,
      stdin: {contents: `import './background.js';\n${register([...shared].sort(), SHARED_KEY)}`, resolveDir: out, sourcefile: 'background-main.js'},
      outfile: 'background-main.js',
      plugins: [standIns(out, (f) => later.has(f), fromLater)],
    });
    fs.renameSync(path.join(out, 'background-start.js'), path.join(out, 'background.js'));
    return {main: modulesIn(mainBuilt.metafile, 'background-main.js'), later: modulesIn(laterBuilt.metafile, 'background-later.js')};
  }
}

/**
 * The extension's files an esbuild build read (relative to its working directory), without the
 * stand-ins and the generated entry (`stdin`, named after its output).
 * @param {esbuild.Metafile} meta @param {string} [entry]
 */
function modulesIn(meta, entry) {
  return Object.keys(meta.inputs).filter((f) => !f.includes(':') && f !== '<stdin>' && f !== entry).sort();
}

/**
 * Remove from `out` the modules only the background bundles use: their code ships in the
 * bundles, and no page or content script imports them (the files under `out`'s folders are the
 * pages' and the content scripts': every top-level module they import, directly or not, stays).
 * @param {string} out @param {string[]} bundled the bundles' modules (`bundleBackground`)
 * @returns {string[]} the files removed
 */
export function dropBundledOnly(out, bundled) {
  const entries = listFiles(out).filter((f) => f.includes('/') && f.endsWith('.js'));
  const used = new Set(entries);
  if (entries.length > 0) {
    const built = esbuild.buildSync({absWorkingDir: out, entryPoints: entries, bundle: true, format: 'esm', write: false, metafile: true, outdir: 'pages-of', logLevel: 'warning'});
    for (const f of modulesIn(built.metafile)) used.add(f);
  }
  // background.js is now the bundle (or Chrome's first script) itself.
  const removed = bundled.filter((f) => f !== 'background.js' && !used.has(f) && fs.existsSync(path.join(out, f)));
  for (const f of removed) fs.rmSync(path.join(out, f));
  return removed;
}

/**
 * The export names of each of `files` (relative to `out`).
 * @param {string} out @param {string[]} files @returns {Record<string, string[]>}
 */
function exportsOf(out, files) {
  const result = esbuild.buildSync({absWorkingDir: out, entryPoints: files, bundle: false, format: 'esm', write: false, metafile: true, outdir: 'exports-of', logLevel: 'warning'});
  /** @type {Record<string, string[]>} */
  const names = {};
  for (const output of Object.values(result.metafile.outputs)) {
    if (output.entryPoint) names[output.entryPoint] = output.exports;
  }
  for (const f of files) if (!names[f]) throw new Error(`build-extension: no exports found for ${f}`);
  return names;
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
    m.background = bundled ? {service_worker: bg.service_worker} : {service_worker: bg.service_worker, type: 'module'};
    delete m.browser_specific_settings;
  } else if (browser === 'firefox') {
    m.background = {scripts: bg.scripts ?? [bg.service_worker], type: 'module'};
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
    fs.copyFileSync(path.join(pkg, 'byob_hot.wasm'), path.join(out, 'pkg', 'byob_hot.wasm'));
    const bundled = !process.env.BYOB_NO_BUNDLE;
    if (bundled) {
      const {main, later} = await bundleBackground(out, browser === 'chrome' ? 'classic' : 'module');
      dropBundledOnly(out, [...main, ...later]);
    }
    else fs.rmSync(path.join(out, 'background-start.js'));
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
