// @ts-check
// The launch flows end to end (issue 5; make test-e2e-flows; tests/e2e/flows/README.md), in
// headless Chromium and headless Firefox ESR with the built extension, against the real servers
// of tests/servers: a reader saves their hubs in the options page, clicks a launch link on a
// course page and follows it to the notebook rendered in JupyterLab, or to the BinderHub's launch
// page and past it. The flows are those of tests/servers/flows.json `on` the browser; each
// failure names its step and prints the tail of the servers' logs.
//
//   node --test --experimental-websocket tests/e2e/flows.test.mjs
//   BROWSER=chromium … --test-name-pattern='^hub6-'     one browser, some flows (the hubs are saved first in any case)
//
// BYOB_E2E_VERBOSE=1 prints every step. The notebook screenshots (Chromium) go to
// build/e2e-flows/notebook-opened.png and 4-notebook.png (the store listing's, 1280×800), or with
// BYOB_E2E_SCREENSHOTS=docs to docs/img/notebook-opened.png and docs/img/store/4-notebook.png
// (`make screenshots-flows`, `make store-images`).
import fs from 'node:fs';
import path from 'node:path';
import {before, describe} from 'node:test';
import {ExtensionUi} from './lib/extension-ui.mjs';
import {onExit, ports, root, runDir, startServers} from './lib/servers.mjs';
import {eachBrowser} from './lib/suite.mjs';
import {walkBinderHub} from './flows/binderhub.mjs';
import {flowTest} from './flows/flow.mjs';
import {walkJupyterServer} from './flows/jupyter-server.mjs';
import {walkJupyterHub} from './flows/jupyterhub.mjs';
import {ensureFlowHubs, optionsFlows} from './flows/options.mjs';
import {servePages} from './flows/pages.mjs';
import {walkPrivateHub} from './flows/private.mjs';
import {Reader} from './flows/reader.mjs';
import {Table} from './flows/table.mjs';

const failDir = path.join(root, 'build', 'e2e-flows');
const plan = new Table(ports()).plan('browser');

/** The walker of each hub kind. */
const WALKERS = {jupyterhub: walkJupyterHub, 'jupyter-server': walkJupyterServer, binderhub: walkBinderHub};

/**
 * Walk one flow of the table in the suite's browser.
 * @param {import('./lib/suite.mjs').Suite} suite
 * @param {import('./flows/flow.mjs').Flow} f
 * @param {{hubKey: string, name: string}} step
 */
async function walk(suite, f, {hubKey, name}) {
  const r = new Reader(suite);
  const flow = suite.table.flow(hubKey, name);
  if (flow.mode !== 'private') return WALKERS[/** @type {keyof WALKERS} */ (flow.hub.kind)](r, f, flow);
  const walks = flow.walks.map((/** @type {string} */ w) => suite.table.flow(hubKey, w));
  // one page, several links, one reader: JupyterHub's; elsewhere one link, walked as its own flow in private mode
  if (flow.hub.kind === 'jupyterhub') return walkPrivateHub(r, f, flow, walks);
  return WALKERS[/** @type {keyof WALKERS} */ (flow.hub.kind)](r, f, {...walks[0], id: flow.id, mode: 'private'});
}

eachBrowser(
  async () => {
    const byob = process.env.BYOB ?? path.join(root, 'target', 'release', 'byob');
    if (!fs.existsSync(byob)) throw new Error(`no CLI at ${byob} (make cli)`);
    const p = ports();
    // lab-nopull: only detected in the options flows (nbgitpuller missing), never launched on
    startServers(['git', 'lab-nopull', ...new Set(plan.map((x) => x.server))]);
    const bookCommit = JSON.parse(fs.readFileSync(path.join(runDir, 'git', 'repos.json'), 'utf8'))['demo-book'].commit;
    const pages = await servePages();
    onExit(pages.close);
    fs.rmSync(failDir, {recursive: true, force: true});
    return {byob, ports: p, pages, bookCommit, table: new Table(p, bookCommit), runDir, root};
  },
  (suite) => {
    const dirs = {runDir, failDir};
    before(() => {
      suite.ui = new ExtensionUi(suite.browser);
      suite.screenshot = suite.name !== 'chromium' ? null : process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'img', 'notebook-opened.png') : path.join(failDir, 'notebook-opened.png');
      suite.storeScreenshot = suite.name !== 'chromium' ? null : process.env.BYOB_E2E_SCREENSHOTS === 'docs' ? path.join(root, 'docs', 'img', 'store', '4-notebook.png') : path.join(failDir, '4-notebook.png');
    });
    describe('options', () => optionsFlows(suite, dirs));
    describe('flows', () => {
      before(() => ensureFlowHubs(suite));
      for (const step of plan) flowTest(suite, {id: step.id, title: step.title, ...dirs}, (f) => walk(suite, f, step));
    });
  },
);
