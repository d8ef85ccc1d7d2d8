// The policies docs/it-departments.md gives IT departments are ready to deploy: each example
// (Chrome's Linux JSON file, Windows registry file and macOS configuration profile, Firefox's
// policies.json) is read the way its browser reads it (the registry's strings holding JSON and
// its DWORD as Chrome converts them by the schema; the profile's payload keys), checked against
// extension/managed_schema.json (which must also be a schema Chrome accepts), and read by the
// extension's core (src/managed.rs, the real Wasm), which must leave nothing out.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import * as plist from 'plist';
import {root} from './dom.mjs';
import {extensionModules} from './ext-modules.mjs';

const DOC = fs.readFileSync(path.join(root, 'docs', 'it-departments.md'), 'utf8');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(root, 'extension', 'managed_schema.json'), 'utf8'));
const MANIFEST = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
const ID = 'EXTENSION_ID';

/** The code block after each `<!-- example: name -->` marker. @returns {Map<string, {lang: string, text: string}>} */
function examples() {
  const out = new Map();
  for (const m of DOC.matchAll(/<!-- example: ([\w-]+) -->\n```(\w+)\n([\s\S]*?)\n```/g)) out.set(m[1], {lang: m[2], text: m[3]});
  return out;
}

/**
 * A `.reg` file's values under its one key, as Chrome reads them for an extension's policy
 * (components/policy/core/common/registry_dict.cc): a string where the schema wants a list or
 * an object holds its JSON; a DWORD where it wants a boolean is true unless 0.
 * @param {string} text
 */
function readRegFile(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  assert.equal(lines[0], 'Windows Registry Editor Version 5.00');
  const key = /^\[(.+)\]$/.exec(lines[1])?.[1];
  /** @type {Record<string, unknown>} */
  const values = {};
  for (const line of lines.slice(2)) {
    const m = /^"([^"]+)"=(?:"((?:[^"\\]|\\.)*)"|dword:([0-9a-f]{8}))$/.exec(line);
    assert.ok(m, `a value line of the .reg file: ${line}`);
    const [, name, str, dword] = m;
    const type = SCHEMA.properties[name]?.type;
    if (dword !== undefined) {
      const n = Number.parseInt(dword, 16);
      values[name] = type === 'boolean' ? n !== 0 : n;
    } else {
      const s = str.replace(/\\(.)/g, '$1');
      values[name] = type === 'array' || type === 'object' ? JSON.parse(s) : s;
    }
  }
  return {key, values};
}

/** A schema Chrome accepts (docs: developer.chrome.com "Manifest - storage", Chrome's schema.cc). */
function checkChromeSchemaRules(schema, where = 'schema') {
  const hasType = typeof schema.type === 'string';
  assert.ok(hasType !== ('$ref' in schema), `${where}: exactly one of type and $ref`);
  if (schema.type === 'object') for (const [k, s] of Object.entries(schema.properties ?? {})) checkChromeSchemaRules(s, `${where}.${k}`);
  if (schema.type === 'array') checkChromeSchemaRules(schema.items, `${where}[]`);
  for (const v of schema.enum ?? []) assert.equal(typeof v, schema.type === 'integer' ? 'number' : schema.type, `${where}: enum values of its type`);
}

/** The schema with unknown members refused (Chrome drops them silently: a typo must fail here). */
function strict(schema) {
  const s = structuredClone(schema);
  const walk = (x) => {
    if (x.type === 'object') {
      x.additionalProperties = false;
      Object.values(x.properties ?? {}).forEach(walk);
    }
    if (x.type === 'array') walk(x.items);
  };
  walk(s);
  return s;
}

const EXPECTED = {
  hubs: [
    {url: 'https://jupyter.example.edu/', kind: 'jupyterhub', name: 'University JupyterHub'},
    {url: 'https://binder.example.edu/', kind: 'binderhub', name: 'University Binder'},
  ],
  defaultHub: 'https://jupyter.example.edu/',
  locked: true,
};

test('the managed storage schema is one Chrome accepts, and the manifest names it in the Chrome build only', async () => {
  assert.equal(SCHEMA.type, 'object');
  assert.equal(SCHEMA.additionalProperties, undefined, 'no additionalProperties at the top');
  checkChromeSchemaRules(SCHEMA);
  new Ajv().compile(SCHEMA);
  assert.equal(MANIFEST.storage.managed_schema, 'managed_schema.json');
  assert.ok(fs.existsSync(path.join(root, 'extension', MANIFEST.storage.managed_schema)));
  const {manifestFor} = await import('../../tools/build-extension.mjs');
  assert.deepEqual(manifestFor('chrome', MANIFEST).storage, {managed_schema: 'managed_schema.json'});
  assert.equal(manifestFor('firefox', MANIFEST).storage, undefined);
});

test('every example of docs/it-departments.md is the same policy, valid by the schema and read whole by the core', async () => {
  const found = examples();
  assert.deepEqual([...found.keys()].sort(), ['chrome-linux', 'chrome-macos', 'chrome-windows', 'firefox']);
  /** @type {Record<string, any>} */
  const policies = {};
  const linux = JSON.parse(found.get('chrome-linux').text);
  assert.deepEqual(Object.keys(linux['3rdparty'].extensions), [ID]);
  policies['chrome-linux'] = linux['3rdparty'].extensions[ID];
  const reg = readRegFile(found.get('chrome-windows').text);
  assert.equal(reg.key, `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome\\3rdparty\\extensions\\${ID}\\policy`);
  policies['chrome-windows'] = reg.values;
  const profile = /** @type {any} */ (plist.parse(found.get('chrome-macos').text));
  assert.equal(profile.PayloadType, 'Configuration');
  const payloads = profile.PayloadContent.filter((/** @type {any} */ p) => p.PayloadType === `com.google.Chrome.extensions.${ID}`);
  assert.equal(payloads.length, 1);
  assert.notEqual(profile.PayloadUUID, payloads[0].PayloadUUID);
  policies['chrome-macos'] = Object.fromEntries(Object.entries(payloads[0]).filter(([k]) => !k.startsWith('Payload')));
  const firefox = JSON.parse(found.get('firefox').text);
  const geckoId = MANIFEST.browser_specific_settings.gecko.id;
  assert.deepEqual(Object.keys(firefox.policies['3rdparty'].Extensions), [geckoId]);
  policies.firefox = firefox.policies['3rdparty'].Extensions[geckoId];

  const validate = new Ajv({allErrors: true}).compile(strict(SCHEMA));
  const core = await (await extensionModules())('core.js');
  for (const [name, policy] of Object.entries(policies)) {
    assert.deepEqual(policy, EXPECTED, `${name}: the documented policy`);
    assert.ok(validate(policy), `${name}: ${JSON.stringify(validate.errors)}`);
    const read = await core.policyRead(policy);
    assert.deepEqual(read.problems, [], `${name}: nothing left out`);
    assert.equal(read.locked, true);
    assert.deepEqual(
      read.hubs.map((/** @type {any} */ h) => [h.url, h.kind, h.name]),
      EXPECTED.hubs.map((h) => [h.url, h.kind, h.name]),
      `${name}: the hubs in order, the default first`,
    );
  }
});

test('the schema and the core agree on what a hub is: a kind the schema allows is one the core takes, and one it refuses the core refuses', async () => {
  const core = await (await extensionModules())('core.js');
  const validate = new Ajv().compile(SCHEMA);
  for (const kind of SCHEMA.properties.hubs.items.properties.kind.enum) {
    const policy = {hubs: [{url: 'https://h.example.org/', kind}]};
    assert.ok(validate(policy));
    assert.deepEqual((await core.policyRead(policy)).problems, [], kind);
  }
  for (const kind of ['binderhub-service', 'unknown', 'JupyterHub']) {
    const policy = {hubs: [{url: 'https://h.example.org/', kind}]};
    assert.ok(!validate(policy), `the schema refuses ${kind}`);
    assert.match((await core.policyRead(policy)).problems[0]?.reason ?? '', /is not binderhub, jupyterhub or jupyter-server/);
  }
});
