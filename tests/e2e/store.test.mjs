// @ts-check
// The store listing's pictures (docs/store/README.md; `make store-images`), taken from the real
// build in headless Chromium, never edited by hand: the listing screenshots at 1280×800
// (store/shots.mjs) and the promotional tiles (store/tiles.mjs). Hubs and sites have realistic
// names: Chromium resolves jupyter.example.edu, binder.example.org, datahub.example.edu,
// books.example.org and learn.example.org to the test servers and sites on 127.0.0.1
// (--host-resolver-rules, port included), so the extension detects, checks and launches on the
// real servers under those names, with the host permissions a reader grants.
//
//   node --test --experimental-websocket tests/e2e/store.test.mjs        into build/store-images/
//   BYOB_E2E_SCREENSHOTS=docs …                                          into docs/img/store/
//
// Part of `make test-e2e`: every picture is checked for its exact pixel size as it is taken, and
// the committed ones in docs/img/store/ (with docs/store/README.md's table) whatever the browser.
// The notebook picture (4-notebook.png) is the flows tier's (flows/reader.mjs).
import fs from 'node:fs';
import path from 'node:path';
import {after, before, describe, test} from 'node:test';
import {ChromiumBrowser} from './lib/chromium.mjs';
import {ExtensionUi} from './lib/extension-ui.mjs';
import {buildMystSites, serveMystSites} from './lib/myst-site.mjs';
import {cleanUp, onExit, ports, root, startServers} from './lib/servers.mjs';
import {buildBook, serveSite} from './lib/site.mjs';
import {Steps, browserNames} from './lib/suite.mjs';
import {DOCS_DIR, IMAGES, checkSize, readmeRows} from './store/images.mjs';
import {shotTests} from './store/shots.mjs';
import {tileTests} from './store/tiles.mjs';

/**
 * What the store's tests share.
 * @typedef {{
 *   browser: ChromiumBrowser, ui: ExtensionUi, out: string, parts: string,
 *   hubs: {HUB: string, BINDER: string, HUB52: string}, BOOK: string, MYST: string,
 * }} StoreCtx
 */

/**
 * The store's tests, in order: a title and what it does.
 * @typedef {[string, (ctx: StoreCtx, s: Steps) => Promise<void>][]} StoreTests
 */

after(cleanUp);


const skip = browserNames().includes('chromium') ? false : 'the store pictures are taken in Chromium (BROWSER does not include it)';

describe('store pictures, taken in chromium', {skip}, () => {
  /** @type {StoreCtx} */
  const ctx = /** @type {any} */ ({});
  let failed = 0;

  before(async () => {
    const p = ports();
    startServers(['hub6', 'hub52', 'binder']);
    console.log('store: building the Jupyter Book 1 test book');
    const bookDir = buildBook(root);
    const mystDir = path.join(root, 'tests', 'fixtures', 'pages', 'jb2-mystmd-1.7-cookbook-template');
    const site = await serveSite({bookDir, siteDir: path.join(root, 'tests', 'e2e', 'site'), mystDir});
    onExit(site.close);
    const myst = await serveMystSites(await buildMystSites(root, mystDir, {gitUrl: p.GIT_URL}));
    onExit(myst.close);
    // name → the test server or site it stands for (port 80 of the name, so that no port shows)
    const names = {
      'jupyter.example.edu': p.HUB6_URL,
      'binder.example.org': p.BINDER_URL,
      'datahub.example.edu': p.HUB52_URL,
      'books.example.org': site.url,
      'learn.example.org': myst.url,
    };
    const rules = Object.entries(names).map(([name, url]) => `MAP ${name}:80 127.0.0.1:${new URL(url).port}`);
    ctx.hubs = {HUB: 'http://jupyter.example.edu/', BINDER: 'http://binder.example.org/', HUB52: 'http://datahub.example.edu/'};
    ctx.BOOK = 'http://books.example.org/book/analysis.html';
    ctx.MYST = 'http://learn.example.org/notebooks/notebook-template/';
    ctx.out = process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, DOCS_DIR) : path.join(root, 'build', 'store-images');
    ctx.parts = path.join(root, 'build', 'store-parts'); // the pictures a composed one is made of
    for (const dir of [ctx.out, ctx.parts]) fs.mkdirSync(dir, {recursive: true});
    ctx.browser = new ChromiumBrowser();
    try {
      await ctx.browser.start(path.join(root, 'dist', 'chrome'), {args: [`--host-resolver-rules=${rules.join(', ')}`]});
    } catch (err) {
      await ctx.browser.stop().catch(() => {}); // its profile and process, whatever started
      throw err;
    }
    ctx.ui = new ExtensionUi(ctx.browser);
  });

  after(async () => {
    const b = ctx.browser;
    if (!b) return;
    if (failed && b.logs.length) console.log(`--- chromium console (last 40 lines) ---\n${b.logs.slice(-40).join('\n')}`);
    if (failed && b.stderr) console.log(`--- chromium stderr (last 30 lines) ---\n${b.stderr.split('\n').slice(-30).join('\n')}`);
    await b.stop().catch((err) => console.log(`chromium: stopping the browser failed: ${err}`));
  });

  for (const [title, fn] of [...shotTests, ...tileTests]) {
    test(title, async () => {
      const s = new Steps();
      try {
        const gone = ctx.browser?.gone();
        if (gone) throw new Error(`the browser is gone: ${gone}`);
        await fn(ctx, s);
      } catch (err) {
        failed++;
        throw s.explain(err);
      }
    });
  }
});

// After the pictures (with BYOB_E2E_SCREENSHOTS=docs they are the ones just taken), whatever the browser.
test('the committed store pictures have the exact sizes the stores take, and docs/store/README.md lists each', () => {
  const rows = readmeRows(fs.readFileSync(path.join(root, 'docs', 'store', 'README.md'), 'utf8'));
  for (const image of IMAGES) {
    checkSize(path.join(root, DOCS_DIR, image.file), image);
    const row = rows.get(`${DOCS_DIR}/${image.file}`);
    if (!row) throw new Error(`docs/store/README.md: no row for ${DOCS_DIR}/${image.file}`);
    if (!row.includes(`${image.width}×${image.height}`)) throw new Error(`docs/store/README.md: the row of ${image.file} does not say ${image.width}×${image.height}: ${row}`);
  }
  const extra = fs.readdirSync(path.join(root, DOCS_DIR)).filter((f) => !IMAGES.some((i) => i.file === f));
  if (extra.length) throw new Error(`${DOCS_DIR}: not store pictures (tests/e2e/store/images.mjs): ${extra.join(', ')}`);
});
