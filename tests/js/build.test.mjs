// The per-browser manifests, the files they name, and the i18n messages the code uses.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {manifestFor} from '../../tools/build-extension.mjs';
import {root} from './dom.mjs';

const source = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
const ext = path.join(root, 'extension');

test('Chrome manifest: classic service worker (background-start.js, which reads the bundle), no gecko settings', () => {
  const m = manifestFor('chrome', source);
  assert.deepEqual(m.background, {service_worker: 'background.js'});
  assert.deepEqual(manifestFor('chrome', source, {bundled: false}).background, {service_worker: 'background-unbundled.js', type: 'module'});
  assert.equal(m.browser_specific_settings, undefined);
  assert.equal(m.manifest_version, 3);
});

test('Firefox manifest: module event page (the hot module\'s script, then the background), gecko id and data collection permissions', () => {
  const m = manifestFor('firefox', source);
  assert.deepEqual(m.background, {scripts: ['pkg/byob_hot.js', 'background.js'], type: 'module'});
  assert.deepEqual(manifestFor('firefox', source, {bundled: false}).background, {scripts: ['pkg/byob_hot.js', 'background.js'], type: 'module'});
  assert.match(m.browser_specific_settings.gecko.id, /@/);
  assert.deepEqual(m.browser_specific_settings.gecko.data_collection_permissions, {required: ['none']});
  assert.ok(Number.parseFloat(m.browser_specific_settings.gecko.strict_min_version) >= 140);
  assert.equal(m.minimum_chrome_version, undefined);
});

test('least privilege: no host access at install, all sites only as optional', () => {
  assert.equal(source.host_permissions, undefined);
  assert.equal(source.content_scripts, undefined, 'content scripts are registered at run time, after the grant');
  assert.deepEqual(source.optional_host_permissions, ['http://*/*', 'https://*/*']);
  assert.equal(source.content_security_policy.extension_pages, "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'");
});

test('every file the manifest names exists in extension/ (icons are drawn by the build)', () => {
  const named = [
    source.background.service_worker,
    ...source.background.scripts,
    source.action.default_popup,
    source.options_ui.page,
  ];
  for (const f of named) assert.ok(fs.existsSync(path.join(ext, f)), f);
  for (const f of Object.values(source.icons)) assert.match(f, /^icons\/icon-\d+\.png$/);
});

test('every message key used by the code and pages exists in _locales/en', () => {
  const messages = JSON.parse(fs.readFileSync(path.join(ext, '_locales', 'en', 'messages.json'), 'utf8'));
  const used = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(js|html)$/.test(e.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/(?:\bt|\bmsg|getMessage)\('([A-Za-z_]+)'/g)) used.add(m[1]);
        for (const m of text.matchAll(/data-i18n(?:-[a-z-]+)?="([A-Za-z_]+)"/g)) used.add(m[1]);
        for (const m of text.matchAll(/t\(`status_\$\{/g)) for (const s of ['rewritten', 'unchanged', 'refused', 'skipped', 'none', 'invalid']) used.add(`status_${s}`);
      }
    }
  };
  walk(ext);
  for (const m of JSON.stringify(source).matchAll(/__MSG_([A-Za-z_]+)__/g)) used.add(m[1]);
  const missing = [...used].filter((k) => !(k in messages));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 50, `found ${used.size} keys`);
});

test('the 128-pixel icon is 96×96 artwork with 16 transparent pixels around it (the Chrome Web Store asks for it); the small ones fill their square', async () => {
  const {iconPng} = await import('../../tools/icons.mjs');
  const zlib = await import('node:zlib');
  /** The alpha of each pixel of an icon PNG as tools/icons.mjs writes it (RGBA, filter none). @param {Buffer} png */
  const alphaOf = (png) => {
    const size = png.readUInt32BE(16);
    const idat = [];
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      if (png.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    const raw = zlib.inflateSync(Buffer.concat(idat));
    return {size, at: (/** @type {number} */ x, /** @type {number} */ y) => raw[y * (size * 4 + 1) + 1 + x * 4 + 3]};
  };
  const big = alphaOf(iconPng(128, 16));
  assert.equal(big.size, 128);
  for (let i = 0; i < 128; i++) {
    for (const [x, y] of [[i, 15], [15, i], [i, 112], [112, i]]) assert.equal(big.at(x, y), 0, `transparent at ${x},${y}`);
  }
  assert.equal(big.at(64, 17), 255, 'the artwork reaches the padding');
  assert.equal(big.at(17, 64), 255);
  const small = alphaOf(iconPng(48));
  assert.equal(small.at(24, 0), 255, 'a small icon fills its square');
});
