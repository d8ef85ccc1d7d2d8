// The extension's module files as dist/<browser>/ lays them out (core.js beside pkg/ with the
// glue patched as the build patches it, and the real Wasm of build/pkg), importable in Node.
// Node's fetch has no file: URLs: the Wasm is read from disk, as the browser reads the
// extension's own file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {patchGlue} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';

const PKG = path.join(root, 'build', 'pkg');

/**
 * A fresh copy of the extension's modules (each call: its own Wasm instance and module state).
 * @returns {Promise<(rel: string) => Promise<any>>} import a module by its path in extension/
 */
export async function extensionModules() {
  assert.ok(fs.existsSync(path.join(PKG, 'byob.js')), 'build/pkg is missing: run `make wasm` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-ext-'));
  fs.cpSync(path.join(root, 'extension'), dir, {recursive: true});
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.writeFileSync(path.join(dir, 'pkg', 'byob.js'), patchGlue(fs.readFileSync(path.join(PKG, 'byob.js'), 'utf8')));
  fs.copyFileSync(path.join(PKG, 'byob_bg.wasm'), path.join(dir, 'pkg', 'byob_bg.wasm'));
  fs.writeFileSync(path.join(dir, 'package.json'), '{"type": "module"}');
  if (!(/** @type {any} */ (globalThis.fetch)).byobFiles) {
    const realFetch = globalThis.fetch;
    const fetchFiles = async (/** @type {any} */ url, /** @type {any} */ init) => {
      const u = String(url);
      if (!u.startsWith('file:')) return realFetch(url, init);
      return new Response(fs.readFileSync(new URL(u)), {headers: {'content-type': 'application/wasm'}});
    };
    fetchFiles.byobFiles = true;
    globalThis.fetch = /** @type {any} */ (fetchFiles);
  }
  return (rel) => import(pathToFileURL(path.join(dir, rel)).href);
}

/** A `storage.sync` in memory, with the browser's JSON round trip. */
export function fakeSync(items = {}) {
  let data = structuredClone(items);
  return {
    get: async (/** @type {null | string} */ key) => (key === null ? structuredClone(data) : key in data ? {[key]: structuredClone(data[key])} : {}),
    set: async (/** @type {Record<string, unknown>} */ values) => {
      data = {...data, ...JSON.parse(JSON.stringify(values))};
    },
    all: () => structuredClone(data),
  };
}
