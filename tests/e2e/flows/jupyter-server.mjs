// @ts-check
// A reader with a plain Jupyter Server (`jupyter lab`, token): logged in once (the ?token= URL it
// printed, or the token typed into its login form when the link lands there), then the converted
// git-pull link to the notebook. Private mode: the same, the click opening a new tab.
import fs from 'node:fs';
import path from 'node:path';
import {closeTab} from './flow.mjs';
import {privateClick} from './private.mjs';
import {queryOf} from './reader.mjs';
import {matches, pullQuery} from './table.mjs';

const RENDER_MS = 60_000;

/**
 * The lab's kernels, from its API with the token.
 * @param {Record<string, string>} ports
 */
async function kernels(ports) {
  const r = await fetch(`${ports.LAB_URL}api/kernels`, {headers: {Authorization: `token ${ports.LAB_TOKEN}`}});
  return /** @type {{id: string}[]} */ (await r.json()).map((k) => k.id);
}

/**
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow an expanded flow of table.mjs (in private mode: its `walks`' single flow, with mode private)
 */
export async function walkJupyterServer(r, f, flow) {
  const hub = flow.hub.url;
  const ports = r.ports;
  const auth = flow.mode === 'private' ? 'private' : flow.serverAuth;
  await r.ui.setEnvRepo('');
  await r.ui.setMode(auth === 'private' ? 'private' : 'rewrite');
  await r.ui.useHub(hub);
  const home = path.join(r.suite.runDir, 'lab', 'home');
  const clone = flow.clone ?? 'demo-book';
  fs.rmSync(path.join(home, clone), {recursive: true, force: true});
  const known = new Set(await kernels(ports));
  f.onCleanup(async () => {
    // the kernels this flow's notebook started, then the reader logs out
    for (const id of await kernels(ports)) {
      if (!known.has(id)) await fetch(`${hub}api/kernels/${id}`, {method: 'DELETE', headers: {Authorization: `token ${ports.LAB_TOKEN}`}});
    }
    await closeTab(await r.browser.open(`${hub}logout`));
  });
  f.step('convert', `the link becomes what \`byob rewrite --kind jupyter-server\` makes for ${hub}: the flow's git-pull query`);
  const want = r.want(f, hub, 'jupyter-server', flow.href);
  if (!matches(pullQuery(want), flow.pull)) f.fail(`byob rewrite makes ${want}, whose query is not ${JSON.stringify(flow.pull)}`);
  if (auth !== 'login-form') {
    f.step('login', `the reader opens ${hub}lab?token=… once (the URL \`jupyter lab\` printed)`, ['lab']);
    const tab = await r.browser.open(`${hub}lab?token=${ports.LAB_TOKEN}`);
    f.page = tab;
    await tab.waitFor(() => !!document.querySelector('.jp-LabShell, #jp-main-dock-panel'), [], {timeout: RENDER_MS, what: 'JupyterLab'});
    await tab.close();
  }
  const page = await r.openPage(f, flow.id, [{id: 'launch', href: flow.href, text: 'Launch the notebook', target: auth === 'private' ? '_blank' : undefined}]);
  let tab = page;
  if (auth === 'private') {
    tab = await privateClick(r, f, page, hub, '#launch');
    f.page = tab;
  } else {
    await r.expectConverted(f, page, 'launch', flow.href, want);
    f.step('click', 'a click on the converted link', ['lab']);
    await page.click('#launch');
  }
  if (auth === 'login-form') {
    f.step('login', "logged out, the link lands on the server's login form (next = the git-pull link); the reader types the token", ['lab']);
    const at = await r.waitUrl(f, tab, (u) => u.startsWith(`${hub}login`), 15_000, "the server's login form");
    const next = new URL(at).searchParams.get('next');
    if (next !== `/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
    await tab.waitFor(() => !!document.getElementById('password_input'), [], {what: 'the login form (#password_input)'});
    await tab.fill('#password_input', ports.LAB_TOKEN);
    await tab.click('#login_submit');
  }
  await r.pullToNotebook(f, tab, {server: 'lab', base: hub, home, pull: want, urlpath: flow.pull.urlpath, clone, notebook: flow.notebook});
}
