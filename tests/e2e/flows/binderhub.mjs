// @ts-check
// The launch flows on a BinderHub target (issue 13), past the launch page: the reader clicks a
// rewritten link, the BinderHub's launch page reads the query as the real one does (decodeURI,
// then URLSearchParams), follows the build's event stream to `ready`, and goes to the server
// with the notebook's path and the launch's token.
//
// - On the root stand-in (BINDER_URL, no JupyterHub behind it) the server is the stand-in's
//   fake single-user server, which records what reached it: the final URL's path and query are
//   checked as nbgitpuller (tornado, form decoding) would read them.
// - On the full BinderHub service behind JupyterHub 5.2.1 (HUB52_SERVICE_URL), the launch is
//   real: a temporary user's server on hub52 started on the image (the repository), and the
//   notebook rendered in JupyterLab, through nbgitpuller for a Binder + nbgitpuller link.
import path from 'node:path';
import {sleep} from '../lib/driver.mjs';
import {privateClick} from './private.mjs';
import {matches, pullQuery} from './table.mjs';

/**
 * The stand-in's record of its launches (name, url, token) and of the requests that reached its
 * fake servers, since `since` (its clock, time.time(), is this machine's).
 * @param {string} hub
 * @param {number} since
 */
const launched = async (hub, since) => (await (await fetch(`${hub}_standin/servers`)).json()).filter((/** @type {any} */ x) => x.time >= since);

/**
 * BinderHub's reading of a spec: gh splits at the second "/"; the others at the first, both halves unquoted.
 * @param {string} provider
 * @param {string} spec
 */
function readSpec(provider, spec) {
  if (provider === 'gh') return [spec.split('/').slice(0, 2).join('/'), spec.split('/').slice(2).join('/')];
  const i = spec.indexOf('/');
  return [decodeURIComponent(spec.slice(0, i)), decodeURIComponent(spec.slice(i + 1))];
}

/**
 * The launch request as the hub received it (`_standin/launches`, raw): the path, the provider,
 * the spec and the query read the way BinderHub reads them.
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow
 * @param {string} want the converted link
 * @param {number} since
 */
async function expectRecorded(f, flow, want, since) {
  const hub = flow.hub.url;
  const base = new URL(hub).pathname;
  const launch = flow.launch;
  f.step('recorded', `the hub recorded ${base}${launch.path} raw, ${launch.repo} at ${launch.ref}, and the query BinderHub needs`, [flow.hub.server]);
  const sent = base + want.slice(hub.length);
  const entries = (await (await fetch(`${hub}_standin/launches`)).json()).filter((/** @type {any} */ x) => x.time >= since);
  const e = entries.find((/** @type {any} */ x) => x.raw === sent);
  if (!e) f.fail(`no launch request ${sent}; recorded since the click: ${JSON.stringify(entries.map((/** @type {any} */ x) => x.raw))}`);
  if (e.path !== base + launch.path || e.provider !== launch.provider || e.status !== 200) f.fail(`recorded ${JSON.stringify(e)}; want path ${base}${launch.path}`);
  const [repo, ref] = readSpec(e.provider, e.spec);
  if (repo !== launch.repo || ref !== launch.ref) f.fail(`BinderHub would read repository ${repo} at ${ref}; want ${launch.repo} at ${launch.ref}`);
  // the query as BinderHub's launch page reads it: decodeURI, then URLSearchParams (one
  // `urlpath`: nothing of a nested link may leak into the outer query)
  let q;
  try {
    q = pullQuery(`?${decodeURI(e.query)}`);
  } catch (err) {
    return f.fail(`query ${e.query}: ${err}`);
  }
  if (!matches(q, launch.query)) f.fail(`the query as BinderHub's launch page reads it: ${JSON.stringify(q)}; want ${JSON.stringify(launch.query)}`);
  return e;
}

/**
 * Follow the launch page to the server: the build stream reaches `ready`, and the tab goes to
 * the server's URL with the launch's token and the path and query the flow lands on.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {import('../lib/driver.mjs').Page} tab
 * @param {any} flow
 * @param {number} since
 */
async function followBuild(r, f, tab, flow, since) {
  const hub = flow.hub.url;
  f.step('build', "the launch page follows the build's event stream to ready, and leaves for the server", [flow.hub.server]);
  const onPage = (/** @type {string} */ u) => u.startsWith(`${hub}v2/`) || u === '(navigating)';
  // a failed build stays on the launch page: say why at once, instead of timing out
  const phase = () => tab.evaluate(() => ({phase: document.body?.dataset.phase, error: document.body?.dataset.error, log: document.getElementById('log')?.textContent})).catch(() => null);
  const deadline = Date.now() + 60_000;
  let at = await tab.url().catch(() => '(navigating)');
  while (onPage(at) && Date.now() < deadline) {
    const p = await phase();
    if (p?.phase === 'failed') f.fail(`the launch page failed: ${p.error}\n${p.log}`);
    at = await r.waitUrl(f, tab, () => true, 1000, 'the tab');
    if (onPage(at)) await sleep(200);
  }
  if (onPage(at)) f.fail(`the launch page never left for the server: ${JSON.stringify(await phase())}`);
  const record = (await launched(hub, since)).find((/** @type {any} */ x) => x.launched && at.startsWith(x.url));
  if (!record) f.fail(`the tab went to ${at}, not to a server the stand-in launched: ${JSON.stringify(await launched(hub, since))}`);
  const land = flow.land;
  f.step('ready', `the final URL: the server, ${land.path}, the link's query as nbgitpuller reads it, the launch's token`);
  const final = new URL(at);
  const got = pullQuery(final.search);
  const rel = decodeURIComponent(final.pathname).slice(new URL(record.url).pathname.length);
  if (rel !== land.path) f.fail(`the server was asked for ${rel}, not ${land.path} (${at})`);
  // A real Jupyter Server takes the token, sets its cookie and redirects to the same URL
  // without it (the tab never shows the token; that the notebook then opens without a login
  // proves it was taken); the fake server keeps it in the URL and records it.
  if ('token' in got && got.token !== record.token) f.fail(`the token is ${got.token}, not the launch's ${record.token}`);
  delete got.token;
  if (!matches(got, land.params)) f.fail(`the server reads the query as\n  ${JSON.stringify(got)}\nnot\n  ${JSON.stringify(land.params)}\n(${at})`);
  return {at, record};
}

/**
 * A click on a link converted for a BinderHub (rewrite or private mode): the launch page at
 * exactly the converted URL, the request as BinderHub reads it, the build to the server; there,
 * the stand-in's fake server's record, or on a real JupyterHub the notebook rendered.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow an expanded flow of table.mjs (in private mode: its `walks`' single flow, with mode private)
 */
export async function walkBinderHub(r, f, flow) {
  const hub = flow.hub.url;
  const jupyterhub = flow.hub.jupyterhub ? r.table.expand(r.table.raw.hubs[flow.hub.jupyterhub].url) : null;
  const isPrivate = flow.mode === 'private';
  await r.ui.setMode(isPrivate ? 'private' : 'rewrite');
  await r.ui.useHub(hub);
  await r.ui.setEnvRepo(flow.envRepo ?? '');
  // stop the temporary users' servers a real launch started
  if (jupyterhub) f.onCleanup(async () => void (await fetch(`${hub}_standin/servers`, {method: 'DELETE'})));
  f.step('convert', `the page's link becomes what \`byob rewrite --kind binderhub${flow.envRepo ? ` --env-repo ${flow.envRepo}` : ''}\` makes for ${hub}`);
  const want = r.want(f, hub, 'binderhub', flow.href, flow.envRepo || null);
  if (!want.startsWith(`${hub}v2/${flow.launch.provider}/`)) f.fail(`byob rewrite makes ${want}`);
  const page = await r.openPage(f, flow.id, [{id: 'launch', href: flow.href, text: 'Launch Binder', target: isPrivate ? '_blank' : undefined}]);
  // the stand-in's clock (time.time()) is this machine's: entries recorded from now on
  const since = Date.now() / 1000 - 1;
  let tab = page;
  if (isPrivate) {
    tab = await privateClick(r, f, page, hub, '#launch');
    f.page = tab;
  } else {
    await r.expectConverted(f, page, 'launch', flow.href, want);
    f.step('click', 'a click on the converted link', [flow.hub.server]);
    await page.click('#launch');
  }
  f.step('launch', "the BinderHub's launch page opens at the converted URL", [flow.hub.server]);
  // (a build with nothing to fetch is over in a moment: the tab may have moved on to the server
  // already; the hub's record below says the page was asked for)
  const server = (/** @type {string} */ u) => u.startsWith(`${hub}_standin/server/`) || (jupyterhub !== null && u.startsWith(`${jupyterhub}user/`));
  await r.waitUrl(f, tab, (u) => u === want || server(u), 15_000, want);
  const e = await expectRecorded(f, flow, want, since);
  const {at, record} = await followBuild(r, f, tab, flow, since);
  if (jupyterhub) {
    if (!record.url.startsWith(`${jupyterhub}user/`)) f.fail(`the server ${record.url} is not on ${jupyterhub}`);
    const home = path.join(r.suite.runDir, flow.hub.jupyterhub, 'home', record.launched);
    const o = {server: flow.hub.server, base: record.url, home, pull: at, clone: 'demo-book', notebook: flow.notebook};
    if (flow.land.path === 'git-pull') await r.pullToNotebook(f, tab, {...o, urlpath: flow.land.params.urlpath});
    else await r.renderNotebook(f, tab, {...o, urlpath: flow.land.path});
  } else {
    const seen = (await launched(hub, since)).find((/** @type {any} */ x) => x.path !== undefined && at.includes(`/_standin/server/${x.name}/`));
    if (!seen || seen.token !== true) f.fail(`the fake server's record of the request: ${JSON.stringify(seen)}`);
  }
  f.note(`${r.who}: ${e.raw} → ${at}`);
}
