// Reading Jupyter Book 2 (MyST) launch inputs as data (extension/content/myst-data.js, with
// text-scan.js): the
// real deployed mystmd 1.7 pages of tests/fixtures/pages, served where they were built
// for (/cookbook-template/) and from the origin's root, and the variants docs/protocols.md §5 names.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fixture, pageWindow} from './dom.mjs';

const DIR = 'jb2-mystmd-1.7-cookbook-template';
const NOTEBOOK = fixture(`${DIR}/notebooks/notebook-template/index.html`);
const INDEX = fixture(`${DIR}/index.html`);
const PAGE_JSON = fixture(`${DIR}/notebooks.notebook-template.json`);
const CONFIG_JSON = fixture(`${DIR}/config.json`);
const BINDER = {url: 'https://mybinder.org/', provider: 'github', repo: 'projectpythia/cookbook-template', ref: 'HEAD'};

/** Plain data of this realm (jsdom objects compare by contents only after this). */
const plain = (v) => JSON.parse(JSON.stringify(v));

/**
 * The first page's launch inputs and button, from its inline data only: what the MyST feature
 * reads when the page shown is the one loaded.
 * @param {any} m the reader (myst-data.js)
 * @param {Document} doc
 */
function readMystLaunch(m, doc, pathname = doc.location?.pathname ?? '/') {
  if (!m.isMystPage(doc)) return null;
  const s = m.siteFromContext(m.readRemixContext(doc), pathname);
  if (!s?.first) return null;
  const launch = m.launchFor(s.first.project, s.first.page);
  return launch ? {...launch, button: m.launchButton(doc), site: s} : null;
}

/** @param {string} html @param {string} url */
function site(html, url) {
  const w = pageWindow(html, url);
  const m = w[Symbol.for('byob.myst')];
  const ctx = m.readRemixContext(w.document);
  return {w, m, scan: w[Symbol.for('byob.textScan')], ctx, site: m.siteFromContext(ctx, new URL(url).pathname)};
}

test('a real mystmd 1.7 notebook page where it was deployed: base, page key, launch inputs', () => {
  const {w, m, site: s} = site(NOTEBOOK, 'https://projectpythia.org/cookbook-template/notebooks/notebook-template');
  assert.equal(m.isMystPage(w.document), true);
  assert.equal(s.base, '/cookbook-template');
  assert.equal(s.first.key, 'notebooks/notebook-template');
  const launch = m.launchFor(s.first.project, s.first.page);
  assert.deepEqual(plain(launch), {binder: BINDER, location: '/notebooks/notebook-template.ipynb', notebook: true, kind: 'Notebook'});
  assert.equal(m.launchButton(w.document).getAttribute('aria-label'), 'Launch in external computing interface');
  const info = readMystLaunch(m, w.document);
  assert.equal(info.location, '/notebooks/notebook-template.ipynb');
});

test('the same page served from the origin\'s root: BASE_URL no longer fits, the base is derived from the page data\'s own path', () => {
  for (const url of ['http://localhost:8000/notebooks/notebook-template/', 'http://localhost:8000/notebooks/notebook-template/index.html', 'http://localhost:8000/notebooks/notebook-template']) {
    const {m, site: s} = site(NOTEBOOK, url);
    assert.equal(s.base, '', url);
    assert.equal(s.first?.key, 'notebooks/notebook-template', url);
    assert.equal(m.pageJsonUrl(s, 'notebooks/how-to-cite', 'http://localhost:8000'), 'http://localhost:8000/notebooks.how-to-cite.json');
  }
  // ... and under some other prefix.
  const {site: moved} = site(NOTEBOOK, 'https://mirror.example.org/books/pythia/notebooks/notebook-template/');
  assert.equal(moved.base, '/books/pythia');
});

test('the root page: its path is the base; it launches its README (an Article, not a notebook: only our wording differs)', () => {
  for (const [url, base] of [
    ['https://projectpythia.org/cookbook-template/', '/cookbook-template'],
    ['http://localhost:8000/', ''],
    ['http://localhost:8000/index.html', ''],
    ['https://mirror.example.org/pythia/', '/pythia'],
  ]) {
    const {m, site: s} = site(INDEX, url);
    assert.equal(s.base, base, url);
    assert.equal(s.first?.key, '', url);
    const launch = m.launchFor(s.first.project, s.first.page);
    assert.deepEqual(plain(launch), {binder: BINDER, location: '/README.md', notebook: false, kind: 'Article'}, url);
    assert.equal(m.fileName(launch.location), 'README.md');
    assert.ok(m.launchButton(pageWindow(INDEX, url).document), 'the page shows its rocket');
    assert.equal(m.pageJsonUrl(s, '', new URL(url).origin), `${new URL(url).origin}${base}/index.json`);
  }
});

test('inline data of another page (the script ran after a single-page navigation) is not taken for this page', () => {
  const {m, site: s} = site(INDEX, 'https://projectpythia.org/cookbook-template/notebooks/notebook-template/');
  assert.equal(s.base, '/cookbook-template');
  assert.equal(s.first, null);
  assert.equal(m.pageKey('/cookbook-template/notebooks/notebook-template/', s.base), 'notebooks/notebook-template');
  assert.equal(m.pageJsonUrl(s, 'notebooks/notebook-template', 'https://projectpythia.org'), 'https://projectpythia.org/cookbook-template/notebooks.notebook-template.json');
  assert.equal(m.projectFor(s, 'notebooks/notebook-template').thebe.binder.repo, BINDER.repo);
});

test('the page JSON the site serves for its router gives the same launch; read up to a cap, its leading members suffice', () => {
  const {m, scan, site: s} = site(NOTEBOOK, 'http://localhost:8000/notebooks/notebook-template/');
  const whole = JSON.parse(PAGE_JSON);
  assert.deepEqual(plain(m.launchFor(s.config.projects[0], whole)), plain(m.launchFor(s.first.project, s.first.page)));
  const cut = PAGE_JSON.slice(0, PAGE_JSON.indexOf('"mdast"') + 500);
  const lead = plain(scan.leadingMembers(cut));
  assert.deepEqual(Object.keys(lead), ['version', 'kind', 'sha256', 'slug', 'location', 'dependencies', 'frontmatter', 'widgets']);
  assert.equal(lead.location, '/notebooks/notebook-template.ipynb');
  // Cut inside a string, a number, a key: only complete members come back.
  assert.deepEqual(plain(scan.leadingMembers('{"a": "x}", "b": [1, {"c": "]"}], "d": 12')), {a: 'x}', b: [1, {c: ']'}]});
  assert.deepEqual(plain(scan.leadingMembers('{"a": 1, "b')), {a: 1});
  assert.deepEqual(plain(scan.leadingMembers('{"a": "\\"}", "b": true}')), {a: '"}', b: true});
});

test('config.json, the fallback when a page has no usable inline data', () => {
  const w = pageWindow('<meta name="generator" content="mystmd"><button aria-label="Launch in external computing interface"></button>', 'http://localhost:8000/notebooks/notebook-template/');
  const m = w[Symbol.for('byob.myst')];
  assert.equal(m.readRemixContext(w.document), null);
  assert.equal(readMystLaunch(m, w.document), null);
  assert.deepEqual(Array.from(m.configUrls('/notebooks/notebook-template/', 'http://localhost:8000')), [
    'http://localhost:8000/config.json',
    'http://localhost:8000/notebooks/config.json',
    'http://localhost:8000/notebooks/notebook-template/config.json',
  ]);
  const config = JSON.parse(CONFIG_JSON);
  const s = {base: '', config, index: config.projects[0].index, routeProject: null, first: null};
  assert.deepEqual(plain(m.projectFor(s, 'notebooks/notebook-template').thebe.binder), BINDER);
});

test('a site of several projects: the first path segment names the project', () => {
  const w = pageWindow('', 'https://books.example.org/');
  const m = w[Symbol.for('byob.myst')];
  const a = {slug: 'alpha', index: 'intro', thebe: {binder: {repo: 'org/alpha'}}};
  const b = {slug: 'beta', index: 'index', thebe: {binder: {repo: 'org/beta'}}};
  const s = {base: '/site', config: {projects: [a, b]}, index: 'intro', routeProject: null, first: null};
  assert.equal(m.projectFor(s, 'beta/ch1/sec').thebe.binder.repo, 'org/beta');
  assert.equal(m.pageJsonUrl(s, 'beta/ch1/sec', 'https://books.example.org'), 'https://books.example.org/site/beta/ch1.sec.json');
  assert.equal(m.pageJsonUrl(s, 'alpha', 'https://books.example.org'), 'https://books.example.org/site/alpha/intro.json');
});

test('launch inputs: the documented providers pass through; no Binder config or no location is no launch; MyST Markdown with a kernel is a notebook', () => {
  const w = pageWindow('', 'https://book.example.org/');
  const m = w[Symbol.for('byob.myst')];
  const project = (binder) => ({thebe: {binder}});
  const page = {kind: 'Article', location: '/chapters/intro.md'};
  for (const binder of [
    {url: 'https://mybinder.org/', provider: 'gitlab', repo: 'group/sub/project', ref: 'main'},
    {url: 'https://mybinder.org/', provider: 'git', repo: 'https://framagit.org/a/b.git', ref: 'HEAD'},
    {provider: 'gist', repo: 'someone/0123abcd'},
    {repo: 'https://github.com/org/repo'},
  ]) {
    assert.deepEqual(plain(m.launchFor(project(binder), page).binder), binder);
  }
  assert.equal(m.launchFor({}, page), null);
  assert.equal(m.launchFor({thebe: {lite: true}}, page), null);
  assert.equal(m.launchFor(project({url: 'https://mybinder.org/'}), page), null);
  assert.equal(m.launchFor(project({repo: 'o/r'}), {kind: 'Article'}), null);
  assert.equal(m.launchFor(project({repo: 'o/r'}), page).notebook, false);
  assert.equal(m.launchFor(project({repo: 'o/r'}), {...page, frontmatter: {kernelspec: {name: 'python3'}}}).notebook, true);
  assert.equal(m.launchFor(project({repo: 'o/r', extra: 1}), {location: '/a.ipynb'}).notebook, true);
  // The file a launch opens, as our control names it: the location's last segment, cut short.
  assert.equal(m.fileName('/chapters/intro.md'), 'intro.md');
  assert.equal(m.fileName('/notebooks/x.ipynb/'), 'x.ipynb');
  assert.equal(m.fileName('README.md'), 'README.md');
  assert.equal(m.fileName(`/${'a'.repeat(500)}.md`), `${'a'.repeat(79)}…`);
  // Only the four string fields are taken from the page data.
  assert.deepEqual(plain(m.launchFor(project({repo: 'o/r', url: 5, ref: 'v1', token: 'x'}), page).binder), {repo: 'o/r', ref: 'v1'});
});

test('recognising a MyST page: the generator tag, or the launch button beside Remix data; not Jupyter Book 1', () => {
  const jb1 = pageWindow(fixture('jb1-sbt-1.1-cookbook-template/notebooks/notebook-template.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template.html');
  assert.equal(jb1[Symbol.for('byob.myst')].isMystPage(jb1.document), false);
  assert.equal(readMystLaunch(jb1[Symbol.for('byob.myst')], jb1.document), null);
  const noMeta = pageWindow(
    `<button aria-label="Launch in external computing interface"></button><script>window.__remixContext = {"url":"/x","state":{"loaderData":{"root":{"BASE_URL":""},"routes/$":{"project":{"thebe":{"binder":{"repo":"o/r"}}},"page":{"kind":"Notebook","location":"/x.ipynb"}}}}};</script>`,
    'https://book.example.org/x',
  );
  assert.equal(noMeta[Symbol.for('byob.myst')].isMystPage(noMeta.document), true);
  assert.equal(readMystLaunch(noMeta[Symbol.for('byob.myst')], noMeta.document).location, '/x.ipynb');
  const bare = pageWindow('<meta name="generator" content="mystmd"><script>window.__remixContext = {"url":"/x","state":{"loaderData":{"routes/$":{"project":{},"page":{"location":"/x.md"}}}}};</script>', 'https://book.example.org/x');
  assert.equal(readMystLaunch(bare[Symbol.for('byob.myst')], bare.document), null);
  const broken = pageWindow('<meta name="generator" content="mystmd"><script>window.__remixContext = {not json};</script>', 'https://book.example.org/x');
  broken.console.warn = () => {};
  assert.equal(broken[Symbol.for('byob.myst')].readRemixContext(broken.document), null);
});

test('the Remix data is cut out by its braces: statements after it, braces and semicolons inside strings', () => {
  const w = pageWindow(
    `<script>window.__remixContext = {"url":"/a","s":"};{","state":{"loaderData":{"routes/_index":{"page":{"location":"/a.ipynb"}}}}};__remixContext.p = function(v){return v};</script>`,
    'https://book.example.org/a',
  );
  const ctx = w[Symbol.for('byob.myst')].readRemixContext(w.document);
  assert.equal(ctx.s, '};{');
  assert.equal(ctx.state.loaderData['routes/_index'].page.location, '/a.ipynb');
});

test('the launch form: the open popover\'s URL field (newer and older markup) and the older form\'s tabs', () => {
  const w = pageWindow(
    `<button aria-label="Launch in external computing interface" aria-expanded="true" aria-controls="radix-1">r</button>
     <div data-radix-popper-content-wrapper><div role="dialog" id="radix-1">
       <div role="tablist"><button role="tab" id="radix-2-trigger-binder" aria-selected="true">Binder</button><button role="tab" id="radix-2-trigger-jupyterhub" aria-selected="false">JupyterHub</button></div>
       <form><input type="url" name="url"></form></div></div>`,
    'https://book.example.org/a',
  );
  const m = w[Symbol.for('byob.myst')];
  const button = m.launchButton(w.document);
  const input = m.openFormInput(w.document, button);
  assert.equal(input?.name, 'url');
  assert.equal(m.formTab(input, 'binder').selected, true);
  assert.equal(m.formTab(input, 'jupyterhub').selected, false);
  assert.equal(m.formTab(input, 'jupyterhub').tab.id, 'radix-2-trigger-jupyterhub');
  button.setAttribute('aria-expanded', 'false');
  assert.equal(m.openFormInput(w.document, button), null);
  const newer = pageWindow(
    `<button class="myst-fm-launch-button" aria-haspopup="dialog" aria-label="Launch in external computing interface" aria-expanded="true" aria-controls="p"></button>
     <div id="p" class="myst-fm-launch-modal"><input type="text"><input class="myst-fm-launch-input" type="url"></div>`,
    'https://book.example.org/a',
  );
  const field = newer[Symbol.for('byob.myst')].openFormInput(newer.document, newer[Symbol.for('byob.myst')].launchButton(newer.document));
  assert.equal(field.className, 'myst-fm-launch-input');
  assert.equal(newer[Symbol.for('byob.myst')].formTab(field, 'jupyterhub'), null);
});

test('Remix 1 page data (older mystmd: `routeData`, no `url`): the page slug places the page', () => {
  const ctx = readFixtureContext(NOTEBOOK);
  const old = {routeData: ctx.state.loaderData};
  const w = pageWindow('', 'https://projectpythia.org/');
  const m = w[Symbol.for('byob.myst')];
  const here = m.siteFromContext(old, '/cookbook-template/notebooks/notebook-template/');
  assert.equal(here.base, '/cookbook-template');
  assert.equal(here.first?.key, 'notebooks/notebook-template');
  const moved = m.siteFromContext(old, '/pythia/notebooks/notebook-template/');
  assert.equal(moved.base, '/pythia');
  const elsewhere = m.siteFromContext(old, '/cookbook-template/notebooks/how-to-cite/');
  assert.equal(elsewhere.first, null);
});

/** @param {string} html */
function readFixtureContext(html) {
  const w = pageWindow(html, 'https://projectpythia.org/');
  return JSON.parse(JSON.stringify(w[Symbol.for('byob.myst')].readRemixContext(w.document)));
}
