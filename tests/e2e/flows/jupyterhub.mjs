// @ts-check
// A reader on a JupyterHub: the link converted (exactly what `byob rewrite` makes, the flow's
// git-pull query), clicked, the hub's login form, the spawn, nbgitpuller's clone, the landing,
// the notebook rendered and its kernel idle. The notes of warnings.mjs when the flow has any.
import fs from 'node:fs';
import path from 'node:path';
import {matches, pullQuery} from './table.mjs';
import {queryOf} from './reader.mjs';
import {checkNotes, expectedNotes} from './warnings.mjs';

/** The flow whose notebook is the README's picture (Chromium). */
export const SCREENSHOT_FLOW = 'hub6-a';

/**
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow an expanded flow of table.mjs
 */
export async function walkJupyterHub(r, f, flow) {
  const hub = flow.hub.url;
  const server = flow.hub.server;
  const user = `${r.who}-${flow.id}`;
  await r.ui.setMode('rewrite');
  await r.ui.useHub(hub);
  const home = path.join(r.suite.runDir, server, 'home', user);
  const clone = flow.clone ?? 'demo-book';
  for (const dir of [clone, 'demo-env']) fs.rmSync(path.join(home, dir), {recursive: true, force: true});
  f.step('convert', `the page's link becomes what \`byob rewrite --kind jupyterhub\` makes for ${hub}: the flow's git-pull query`);
  const want = r.want(f, hub, 'jupyterhub', flow.href);
  if (!matches(pullQuery(want), flow.pull)) f.fail(`byob rewrite makes ${want}, whose query is not ${JSON.stringify(flow.pull)}`);
  const notes = flow.warning || flow.refused ? expectedNotes(r, f, flow, 'jupyterhub') : null;
  const links = [{id: 'launch', href: flow.href, text: 'Launch the notebook'}];
  if (flow.refused) links.push({id: 'refused', href: r.table.resolve(flow.refused.link), text: 'The archived data'});
  const page = await r.openPage(f, flow.id, links);
  const got = await r.expectConverted(f, page, 'launch', flow.href, want);
  if (notes) await checkNotes(r, f, page, flow, {...got, output: want, ...notes});
  f.step('click', "a click on the converted link opens the hub's login form (next = the link's git-pull)", [server]);
  await page.bringToFront();
  await page.click('#launch');
  const at = await r.waitUrl(f, page, (u) => u.startsWith(`${hub}hub/login`), 15_000, "the hub's login form");
  const next = new URL(at).searchParams.get('next');
  if (next !== `/hub/user-redirect/git-pull?${queryOf(want)}`) f.fail(`the login form's next is ${next}`);
  await r.login(f, page, hub, user, server);
  await r.pullToNotebook(f, page, {server, base: `${hub}user/${user}/`, home, pull: `${hub}user/${user}/git-pull?${queryOf(want)}`, urlpath: flow.pull.urlpath, clone, notebook: flow.notebook});
  if (flow.checks?.includes('env-not-cloned') && fs.existsSync(path.join(home, 'demo-env'))) f.fail('the environment repository demo-env was cloned too');
  if (flow.id === SCREENSHOT_FLOW && r.suite.screenshot) await r.notebookScreenshot(f, page, r.suite.screenshot);
}
