// Hub kinds are decided once, in the core (src/hubs.rs): the extension's scripts and pages name
// no kind of their own (the options page, the popup, the context menu and the background
// render what `hubKinds`, `savedHub` and `hubViews` say), and every label the core names is one
// of the strings.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {root} from './dom.mjs';
import {extensionModules} from './ext-modules.mjs';

const EXT = path.join(root, 'extension');
const KINDS = ['binderhub', 'binderhub-service', 'jupyterhub', 'jupyter-server'];

/** Every .js and .html file under extension/ (the strings, _locales, are JSON). */
function files(dir = EXT) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : /\.(js|html)$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** The code of a file without its comments (whole-line and ` // …` trailing ones, JSDoc, HTML). */
function code(text) {
  return text
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/\s.*$/, ''))
    .join('\n');
}

test('no hub kind is named in the extension\'s scripts or pages, only in the core and the strings', () => {
  const found = [];
  const word = new RegExp(`(?<![\\w-])(${KINDS.map((k) => k.replace('-', '\\-')).join('|')})(?![\\w-])`, 'g');
  for (const file of files()) {
    const lines = code(fs.readFileSync(file, 'utf8')).split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(word)) found.push(`${path.relative(root, file)}:${i + 1}: ${m[1]}`);
    });
  }
  assert.deepEqual(found, []);
  // The check itself sees a kind where one is written.
  assert.equal([...code("const k = 'jupyterhub'; // the kind\nx = {binderhub: 1};").matchAll(word)].length, 2);
});

test('the core lists every kind once, each with a label the strings have', async () => {
  const core = await (await extensionModules())('core.js');
  const kinds = await core.hubKinds();
  assert.deepEqual(
    kinds.map((k) => [k.kind, k.target]),
    [
      ['binderhub', true],
      ['jupyterhub', true],
      ['jupyter-server', true],
      ['binderhub-service', false],
      ['unknown', false],
    ],
  );
  const strings = JSON.parse(fs.readFileSync(path.join(EXT, '_locales', 'en', 'messages.json'), 'utf8'));
  for (const k of kinds) assert.ok(strings[k.label]?.message, `${k.kind}: no string ${k.label}`);
  // The notes a saved hub is shown with are strings too.
  const settings = {version: 2, hubs: [{url: 'https://a.example.edu/', name: 'a', kind: 'jupyterhub', cors: false}, {url: 'https://b.example.edu/', name: 'b', kind: 'jupyterhub', cors: true}], fallback: true, siteHubs: [], interface: 'follow', envRepo: null, linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: []};
  for (const view of await core.hubViews(settings)) for (const note of view.notes) assert.ok(strings[note]?.message, `no string ${note}`);
});
