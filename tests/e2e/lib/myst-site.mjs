// The Jupyter Book 2 (MyST) sites the e2e tests browse, written into build/e2e-myst/ and
// served over HTTP on their own port (the fixture pages expect to be served from `/`):
//
//   /                     the real deployed mystmd 1.7 pages of tests/fixtures/pages, unchanged
//                         (their BASE_URL says /cookbook-template: the base is found another way)
//   /cookbook-template/   the same, where they were built for (BASE_URL fits)
//   /old/                 older markup: no `myst-fm-*` classes (myst-theme before 1.0)
//   /gitlab/  /git/       thebe.binder with provider gitlab (a nested group) / git (a clone URL)
//   /nolaunch/            a project without launch config (no thebe: the theme shows no rocket)
//   /app/  /app-old/      a small MyST-like site built here with esbuild from npm: the real
//                         launch button and form (@myst-theme/frontmatter 1.4.1 / 0.14.0),
//                         server-rendered and hydrated, moving between three pages (two
//                         notebooks and the README) without reloading, as MyST sites do
//
// Each variant is the real fixture with only the protocol facts (docs/protocols.md §5) it is about changed: the inline
// `window.__remixContext` JSON (BASE_URL, project.thebe), the markup, config.json. The site
// stylesheet the pages name (not in the fixture) is served as myst-app/theme-standin.css.
import fs from 'node:fs';
import path from 'node:path';
import {createRequire} from 'node:module';
import {file, serve} from './serve.mjs';

const REMIX = /window\.__remixContext = (\{.*\});<\/script>/s;

/** @param {string} html */
function readContext(html) {
  const m = REMIX.exec(html);
  if (!m) throw new Error('no __remixContext in the fixture page');
  return JSON.parse(m[1]);
}

/** @param {string} html @param {any} ctx */
function writeContext(html, ctx) {
  // As Remix writes it: JSON, with "<" escaped so no string can close the script.
  return html.replace(REMIX, () => `window.__remixContext = ${JSON.stringify(ctx).replace(/</g, '\\u003c')};</script>`);
}

/**
 * @param {string} root the repository
 * @param {string} fixtureDir tests/fixtures/pages/jb2-mystmd-1.7-cookbook-template
 * @param {{gitUrl: string}} opts
 * @returns {Promise<string>} the directory to serve
 */
export async function buildMystSites(root, fixtureDir, {gitUrl}) {
  const out = path.join(root, 'build', 'e2e-myst');
  fs.rmSync(out, {recursive: true, force: true});
  const read = (rel) => fs.readFileSync(path.join(fixtureDir, rel), 'utf8');
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(out, rel)), {recursive: true});
    fs.writeFileSync(path.join(out, rel), text);
  };
  const files = {
    index: read('index.html'),
    notebook: read('notebooks/notebook-template/index.html'),
    config: read('config.json'),
    pageJson: read('notebooks.notebook-template.json'),
  };

  /**
   * One variant of the fixture site under `/<name>/`.
   * @param {string} name
   * @param {{thebe?: (thebe: any) => any, html?: (html: string) => string}} change
   */
  const variant = (name, change = {}) => {
    const base = name ? `/${name}` : '';
    const thebe = (project) => {
      if (!change.thebe) return;
      const t = change.thebe(project.thebe);
      if (t === undefined) delete project.thebe;
      else project.thebe = t;
    };
    for (const [rel, html] of [
      ['index.html', files.index],
      ['notebooks/notebook-template/index.html', files.notebook],
    ]) {
      const ctx = readContext(html);
      const loader = ctx.state.loaderData;
      if (name !== 'cookbook-template') loader.root.BASE_URL = base;
      for (const project of [loader['routes/$'].project, ...loader.root.config.projects, ...loader['routes/$'].config.projects]) thebe(project);
      let text = writeContext(html, ctx);
      if (change.html) text = change.html(text);
      write(`${name}/${rel}`, text);
    }
    const config = JSON.parse(files.config);
    for (const project of config.projects) thebe(project);
    write(`${name}/config.json`, JSON.stringify(config));
    write(`${name}/notebooks.notebook-template.json`, files.pageJson);
  };

  // The real pages, unchanged, from the origin's root and under the prefix they were built for.
  for (const [rel, text] of [
    ['index.html', files.index],
    ['notebooks/notebook-template/index.html', files.notebook],
    ['config.json', files.config],
    ['notebooks.notebook-template.json', files.pageJson],
  ]) {
    write(rel, text);
    write(`cookbook-template/${rel}`, text);
  }
  variant('old', {html: (h) => h.replace(/ class="([^"]*)"/g, (m, cls) => ` class="${cls.split(/\s+/).filter((c) => !c.startsWith('myst-fm-')).join(' ')}"`)});
  variant('gitlab', {thebe: () => ({binder: {url: 'https://mybinder.org/', provider: 'gitlab', repo: 'byob-test/group/tiny-book', ref: 'main'}})});
  variant('git', {thebe: () => ({binder: {url: 'https://mybinder.org/', provider: 'git', repo: `${gitUrl}demo-book`, ref: 'main'}})});
  variant('nolaunch', {
    thebe: () => undefined,
    // Without a launch config myst-theme renders no rocket button.
    html: (h) => h.replace(/<button[^>]*aria-label="Launch in external computing interface".*?<\/button>/s, ''),
  });

  fs.copyFileSync(path.join(root, 'tests', 'e2e', 'myst-app', 'theme-standin.css'), path.join(out, 'theme-standin.css'));
  await buildApp(root, out, files);
  return out;
}

/**
 * /app/ and /app-old/: the React test site (tests/e2e/myst-app), server-rendered here.
 * @param {string} root
 * @param {string} out
 * @param {{index: string, notebook: string, config: string, pageJson: string}} files
 */
async function buildApp(root, out, files) {
  const esbuild = await import('esbuild');
  const src = path.join(root, 'tests', 'e2e', 'myst-app');
  const common = {bundle: true, jsx: 'automatic', logLevel: 'warning', define: {'process.env.NODE_ENV': '"production"'}, absWorkingDir: root};
  await esbuild.build({...common, entryPoints: [path.join(src, 'client.jsx')], outfile: path.join(out, 'app', 'app.js'), format: 'iife', platform: 'browser', minify: true});
  fs.mkdirSync(path.join(out, 'app-old'), {recursive: true});
  fs.copyFileSync(path.join(out, 'app', 'app.js'), path.join(out, 'app-old', 'app.js'));
  const ssr = path.join(root, 'build', 'e2e-myst-ssr.cjs');
  await esbuild.build({...common, entryPoints: [path.join(src, 'server.jsx')], outfile: ssr, format: 'cjs', platform: 'node'});
  const require = createRequire(import.meta.url);
  delete require.cache[ssr];
  const {render} = require(ssr);

  const indexCtx = readContext(files.index);
  const indexPage = indexCtx.state.loaderData['routes/$'].page;
  const notebook = JSON.parse(files.pageJson);
  // The second notebook: the real page JSON with another slug, location and title.
  const second = {...notebook, slug: 'notebooks.second', location: '/notebooks/second.ipynb', frontmatter: {...notebook.frontmatter, title: 'A second notebook'}};
  const pages = [
    {slug: 'index', path: '', title: 'Home (README)', data: indexPage},
    {slug: 'notebooks.notebook-template', path: '/notebooks/notebook-template', title: notebook.frontmatter.title, data: notebook},
    {slug: 'notebooks.second', path: '/notebooks/second', title: 'A second notebook', data: second},
  ];
  const shell = readContext(files.notebook);
  for (const [name, older] of [
    ['app', false],
    ['app-old', true],
  ]) {
    const base = `/${name}`;
    const project = shell.state.loaderData['routes/$'].project;
    const site = {base, older, thebe: project.thebe, pages: pages.map(({slug, path: p, title}) => ({slug, path: p, title}))};
    fs.writeFileSync(path.join(out, name, 'config.json'), files.config);
    for (const page of pages) {
      fs.writeFileSync(path.join(out, name, `${page.slug}.json`), JSON.stringify(page.data));
      const ctx = structuredClone(shell);
      ctx.url = page.path || '/index';
      ctx.state.loaderData.root.BASE_URL = base;
      ctx.state.loaderData['routes/$'].page = page.data;
      const body = render(site, page.data);
      const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="generator" content="mystmd"><title>${page.title}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2937}.site{display:grid;grid-template-columns:14rem 1fr;gap:2rem;padding:1.5rem}.toc a{display:block;color:#2563eb;margin:.25rem 0}
.frontmatter>div:first-child{display:flex;align-items:center;gap:.25rem;height:1.5rem;font-size:.875rem;font-weight:300}.flex-grow{flex-grow:1}svg{width:1.25rem;height:1.25rem}h1{font-size:2rem;margin:.75rem 0}
[data-radix-popper-content-wrapper]>div{background:#fff;border:1px solid #d1d5db;border-radius:.375rem;padding:1.25rem;max-width:400px;box-shadow:0 10px 38px -10px rgba(0,0,0,.35)}.hidden{display:none}input[type=url]{width:100%;box-sizing:border-box;padding:.4rem}</style>
</head><body><div id="root">${body}</div>
<script id="site-data" type="application/json">${JSON.stringify({site, page: page.data}).replace(/</g, '\\u003c')}</script>
<script>window.__remixContext = ${JSON.stringify(ctx).replace(/</g, '\\u003c')};</script>
<script src="${base}/app.js"></script></body></html>`;
      const rel = page.path ? `${name}${page.path}/index.html` : `${name}/index.html`;
      fs.mkdirSync(path.dirname(path.join(out, rel)), {recursive: true});
      fs.writeFileSync(path.join(out, rel), html);
    }
  }
}

/**
 * Serve `dir` (lib/serve.mjs): files, a directory's index.html, and a path without its slash as
 * that directory.
 * @param {string} dir
 */
export function serveMystSites(dir) {
  // The site stylesheet the fixture pages name and do not include: a small stand-in.
  return serve((url) => (/\/build\/_assets\/app-[A-Z0-9]+\.css$/.test(url.pathname) ? {file: path.join(dir, 'theme-standin.css')} : file(dir, url.pathname)));
}
