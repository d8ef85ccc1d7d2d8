// The extension's module files as dist/<browser>/ lays them out (core.js beside pkg/ with the
// real Wasm of build/pkg, the hot module as the build writes its script), importable in Node.
// Node's fetch has no file: URLs: the Wasm is read from disk, as the browser reads the
// extension's own file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {hotScript} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';

const PKG = path.join(root, 'build', 'pkg');

/** The copies made by this process, removed when it exits (each test file is a process). */
const copies = new Set();
process.on('exit', () => {
  for (const dir of copies) fs.rmSync(dir, {recursive: true, force: true});
});

/**
 * A fresh copy of the extension's modules (each call: its own Wasm instance and module state).
 * @returns {Promise<(rel: string) => Promise<any>>} import a module by its path in extension/
 */
export async function extensionModules() {
  assert.ok(fs.existsSync(path.join(PKG, 'byob_bg.wasm')), 'build/pkg is missing: run `make wasm` first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'byob-ext-'));
  copies.add(dir);
  fs.cpSync(path.join(root, 'extension'), dir, {recursive: true});
  fs.mkdirSync(path.join(dir, 'pkg'));
  fs.copyFileSync(path.join(PKG, 'byob_bg.wasm'), path.join(dir, 'pkg', 'byob_bg.wasm'));
  fs.writeFileSync(path.join(dir, 'pkg', 'byob_hot.js'), hotScript(fs.readFileSync(path.join(PKG, 'byob_hot.wasm'))));
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
    remove: async (/** @type {string | string[]} */ keys) => {
      for (const k of [keys].flat()) delete data[k];
    },
    all: () => structuredClone(data),
  };
}

// ---- A fake browser's parts, shared by the tests that run extension pages and the background. ----

/** The English strings of the extension (`_locales/en/messages.json`), by key. */
export const MESSAGES = JSON.parse(fs.readFileSync(path.join(root, 'extension', '_locales', 'en', 'messages.json'), 'utf8'));

/** `i18n.getMessage` as browsers answer it from MESSAGES: `$1`… replaced by the substitutions. */
export const getMessage = (/** @type {string} */ k, /** @type {any} */ subs) => [].concat(subs ?? []).reduce((m, s, i) => m.replaceAll(`$${i + 1}`, s), MESSAGES[k]?.message ?? '');

/** An event with addListener that remembers its listeners. */
export const event = () => {
  /** @type {Function[]} */
  const listeners = [];
  return {listeners, addListener: (/** @type {any} */ f) => listeners.push(f), removeListener: () => {}};
};

/**
 * A storage area that tells `onChanged` what changed, as browsers do.
 * @param {string} name the area's name as `onChanged` reports it
 * @param {{listeners: Function[]}} onChanged
 * @param {Record<string, unknown>} [items]
 */
export function area(name, onChanged, items = {}) {
  /** @type {Record<string, any>} */
  const data = structuredClone(items);
  return {
    get: async (/** @type {any} */ key) => (key === null ? structuredClone(data) : key in data ? {[key]: structuredClone(data[key])} : {}),
    set: async (/** @type {Record<string, unknown>} */ values) => {
      /** @type {Record<string, {oldValue: unknown, newValue: unknown}>} */
      const changes = {};
      for (const [k, v] of Object.entries(JSON.parse(JSON.stringify(values)))) {
        changes[k] = {oldValue: data[k], newValue: v};
        data[k] = v;
      }
      for (const f of onChanged.listeners) f(changes, name);
    },
    remove: async (/** @type {string | string[]} */ keys) => {
      /** @type {Record<string, {oldValue: unknown}>} */
      const changes = {};
      for (const k of [keys].flat().filter((k) => k in data)) {
        changes[k] = {oldValue: data[k]};
        delete data[k];
      }
      if (Object.keys(changes).length > 0) for (const f of onChanged.listeners) f(changes, name);
    },
    all: () => structuredClone(data),
  };
}

/**
 * Wait until `check()` (polled; it may return a promise) is truthy, and give its value.
 * @param {() => any} check @param {string} what @param {number} [ms]
 */
export async function until(check, what, ms = 8000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
