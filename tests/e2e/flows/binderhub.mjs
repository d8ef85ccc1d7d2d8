// The launch flows on a BinderHub target (issue 13), past the launch page: the reader clicks a
// rewritten link, the BinderHub stand-in's launch page reads the query as the real one does
// (decodeURI, then URLSearchParams), follows the build's event stream to `ready`, and goes to
// the server with the notebook's path and the launch's token.
//
// - On the root stand-in (BINDER_URL, no JupyterHub behind it) the server is the stand-in's
//   fake single-user server, which records what reached it: the final URL's path and query
//   are checked as nbgitpuller (tornado, form decoding) would read them.
// - On the full BinderHub service behind JupyterHub 5.2.1 (HUB52_SERVICE_URL), the launch is
//   real: a temporary user's server on hub52 started on the image (the repository), and the
//   notebook rendered in JupyterLab, through nbgitpuller for a Binder + nbgitpuller link.
import path from 'node:path';

/** @param {string} url */
const queryOf = (url) => url.slice(url.indexOf('?') + 1);
const enc = encodeURIComponent;

/**
 * A query as a server reads it (form decoding), refusing repeated names.
 * @param {string} s
 */
export function params(s) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of new URLSearchParams(s)) {
    if (k in out) throw new Error(`the query repeats ${k}`);
    out[k] = v;
  }
  return out;
}

/**
 * The BinderHub flows. `ctx` carries the scenario's helpers (flows/scenarios.mjs).
 * @param {any} ctx
 */
export async function binderhubFlows(ctx) {
  const {flow, browser, env, who, saved, links} = ctx;
  const {setMode, useHub, setEnvRepo, openPage, expectConverted, privateChecks, waitUrl, cliRewrite} = ctx;
  const nbgp = (/** @type {string} */ file) => ({repo: links.book, branch: 'main', urlpath: `lab/tree/demo-book/${file}`});
  /** The launch's urlpath must be nbgitpuller's, pulling demo-book. */
  const nbgpUrlpath = (/** @type {Record<string, string>} */ q, /** @type {string} */ file) =>
    Object.keys(q).join() === 'urlpath' && q.urlpath.startsWith('git-pull?') && JSON.stringify(params(queryOf(q.urlpath))) === JSON.stringify(nbgp(file));
  // final: where the launch page sends the reader, relative to the server: its path, and its
  // query as the server reads it (the token aside)
  const binderCases = [
    {id: 'binder-git', what: 'a mybinder.org v2/git link', link: links.binder, envRepo: '', provider: 'git', path: `/v2/git/${enc(links.book)}/main`, repo: links.book, ref: 'main',
      query: (/** @type {any} */ q) => JSON.stringify(q) === '{"urlpath":"lab/tree/intro.ipynb"}', final: {path: 'lab/tree/intro.ipynb', params: {}}},
    {id: 'binder-gl', what: 'a mybinder.org gl link (%2F in the namespace kept)', link: links.gl, envRepo: '', provider: 'gl', path: '/v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6', repo: 'gitlab-org/gitlab-foss', ref: 'v10.0.6',
      query: (/** @type {any} */ q) => JSON.stringify(q) === '{"urlpath":"lab"}', final: {path: 'lab', params: {}}},
    {id: 'binder-gh-labpath', what: 'a mybinder.org gh link with labpath (single-document mode)', link: links.gh, envRepo: '', provider: 'gh', path: '/v2/gh/binder-examples/requirements/HEAD', repo: 'binder-examples/requirements', ref: 'HEAD',
      query: (/** @type {any} */ q) => JSON.stringify(q) === '{"labpath":"index.ipynb"}', final: {path: 'doc/tree/index.ipynb', params: {}}},
    {id: 'binder-nbgp', what: "an nbgitpuller link, no environment repository set (the content's own)", link: links.nbgitpuller, envRepo: '', provider: 'git', path: `/v2/git/${enc(links.book)}/main`, repo: links.book, ref: 'main',
      query: (/** @type {any} */ q) => JSON.stringify(q) === '{"urlpath":"lab/tree/chapters/two.ipynb"}', final: {path: 'lab/tree/chapters/two.ipynb', params: {}}},
    {id: 'binder-nbgp-env', what: `an nbgitpuller link, environment repository ${links.env} set in the options`, link: links.nbgitpuller, envRepo: links.env, provider: 'git', path: `/v2/git/${enc(links.env)}/HEAD`, repo: links.env, ref: 'HEAD',
      query: (/** @type {any} */ q) => nbgpUrlpath(q, 'chapters/two.ipynb'), final: {path: 'git-pull', params: nbgp('chapters/two.ipynb')}},
    {id: 'binder-env', what: 'a Binder + nbgitpuller link (kept, double encoding intact)', link: links.binderEnv, envRepo: links.env, provider: 'git', path: `/v2/git/${enc(links.env)}/main`, repo: links.env, ref: 'main',
      query: (/** @type {any} */ q) => nbgpUrlpath(q, 'intro.ipynb'), final: {path: 'git-pull', params: nbgp('intro.ipynb')}},
    {id: 'binder-nested-chars', what: "an nbgitpuller link to 'a+b c%d&e.ipynb' with an environment repository: the file name nested twice", link: links.nestedChars, envRepo: links.env, provider: 'git', path: `/v2/git/${enc(links.env)}/HEAD`, repo: links.env, ref: 'HEAD',
      query: (/** @type {any} */ q) => nbgpUrlpath(q, 'a+b c%d&e.ipynb'), final: {path: 'git-pull', params: nbgp('a+b c%d&e.ipynb')}},
  ];
  /**
   * The stand-in's record of what reached a server: the launch (name, url, token) of `url`'s
   * server, and the requests that reached it.
   * @param {string} hub
   * @param {number} since
   */
  const launched = async (hub, since) => (await (await fetch(`${hub}_standin/servers`)).json()).filter((/** @type {any} */ x) => x.time >= since);

  for (const c of binderCases) {
    await flow(c.id, `BinderHub stand-in ← ${c.what}: the launch page, the request as BinderHub reads it, the build stream, the server with ${c.final.path}`, (/** @type {any} */ f) => binderFlow(f, c, 'launch'));
  }


  /**
   * Follow the launch page to the server: the build stream reaches `ready`, and the tab goes to
   * the server's URL with the launch's token and the path and query the link meant.
   * @param {any} f
   * @param {any} tab
   * @param {string} hub
   * @param {number} since
   * @param {{path: string, params: Record<string, string>}} want
   */
  async function followBuild(f, tab, hub, since, want) {
    f.step('build', "the launch page follows the build's event stream to ready, and leaves for the server", [hub === saved.binder ? 'binder' : 'hub52']);
    const onPage = (/** @type {string} */ u) => u.startsWith(`${hub}v2/`) || u === '(navigating)';
    // a failed build stays on the launch page: say why at once, instead of timing out
    const phase = () => tab.evaluate(() => ({phase: document.body?.dataset.phase, error: document.body?.dataset.error, log: document.getElementById('log')?.textContent})).catch(() => null);
    const deadline = Date.now() + 60_000;
    // (url() is synchronous in one driver, asynchronous in the other)
    let at = await Promise.resolve()
      .then(() => tab.url())
      .catch(() => '(navigating)');
    while (onPage(at) && Date.now() < deadline) {
      const p = await phase();
      if (p?.phase === 'failed') f.fail(`the launch page failed: ${p.error}\n${p.log}`);
      at = await waitUrl(f, tab, () => true, 1000, 'the tab');
      if (onPage(at)) await new Promise((r) => setTimeout(r, 200));
    }
    if (onPage(at)) f.fail(`the launch page never left for the server: ${JSON.stringify(await phase())}`);
    const record = (await launched(hub, since)).find((/** @type {any} */ x) => x.launched && at.startsWith(x.url));
    if (!record) f.fail(`the tab went to ${at}, not to a server the stand-in launched: ${JSON.stringify(await launched(hub, since))}`);
    f.step('ready', `the final URL: the server, ${want.path}, the link's query as nbgitpuller reads it, the launch's token`);
    const final = new URL(at);
    const got = params(final.search.slice(1));
    const rel = decodeURIComponent(final.pathname).slice(new URL(record.url).pathname.length);
    if (rel !== want.path) f.fail(`the server was asked for ${rel}, not ${want.path} (${at})`);
    // A real Jupyter Server takes the token, sets its cookie and redirects to the same URL
    // without it (the tab never shows the token; that the notebook then opens without a login
    // proves it was taken); the fake server keeps it in the URL and records it.
    if ('token' in got && got.token !== record.token) f.fail(`the token is ${got.token}, not the launch's ${record.token}`);
    delete got.token;
    if (JSON.stringify(got) !== JSON.stringify(want.params)) f.fail(`the server reads the query as\n  ${JSON.stringify(got)}\nnot\n  ${JSON.stringify(want.params)}\n(${at})`);
    return {at, record};
  }

  /**
   * Click a link converted for the root BinderHub stand-in: the launch page at exactly the
   * converted URL, the request as BinderHub reads it, then the build to the (fake) server.
   * @param {any} f
   * @param {typeof binderCases[number]} c
   * @param {'launch' | 'private'} how
   */
  async function binderFlow(f, c, how) {
    const hub = saved.binder;
    await setMode(how === 'private' ? 'private' : 'rewrite');
    await useHub(hub);
    await setEnvRepo(c.envRepo);
    f.step('convert', `the page's link becomes what \`byob rewrite --kind binderhub${c.envRepo ? ` --env-repo ${c.envRepo}` : ''}\` makes`);
    const want = cliRewrite(env.byob, hub, 'binderhub', c.link, c.envRepo || null).output;
    if (!want) f.fail(`byob rewrite does not convert ${c.link}`);
    const page = await openPage(f, c.id, [{id: 'launch', href: c.link, text: 'Launch Binder', target: how === 'private' ? '_blank' : undefined}]);
    let tab = page;
    // the stand-in's clock (time.time()) is this machine's: entries recorded from now on
    const since = Date.now() / 1000 - 1;
    if (how === 'private') {
      await privateChecks(f, page, hub, async () => {
        await page.click('#launch');
        tab = await browser.waitForPage((/** @type {string} */ u) => u.startsWith(hub), 15_000);
      });
      f.tabs.push(tab);
      f.page = tab;
    } else {
      await expectConverted(f, page, 'launch', c.link, want);
      f.step('click', 'a click on the converted link', ['binder']);
      await page.click('#launch');
    }
    f.step('launch', "the BinderHub's launch page opens at the converted URL", ['binder']);
    // (a build with nothing to fetch is over in a moment: the tab may have moved on to the
    // server already; the stand-in's record below says the page was asked for)
    await waitUrl(f, tab, (/** @type {string} */ u) => u === want || u.startsWith(`${hub}_standin/server/`), 15_000, want);
    f.step('recorded', `the stand-in recorded ${c.path} raw, and the query BinderHub needs`, ['binder']);
    const sent = want.slice(hub.length - 1);
    const entries = (await (await fetch(`${hub}_standin/launches`)).json()).filter((/** @type {any} */ x) => x.time >= since);
    const e = entries.find((/** @type {any} */ x) => x.raw === sent);
    if (!e) f.fail(`no launch request ${sent}; recorded since the click: ${JSON.stringify(entries.map((/** @type {any} */ x) => x.raw))}`);
    if (e.path !== c.path || e.provider !== c.provider || e.status !== 200) f.fail(`recorded ${JSON.stringify(e)}; want path ${c.path}`);
    // BinderHub's reading of the spec: gh split("/", 2); gl and git split("/", 1), both halves unquoted
    const spec = e.spec;
    const [repo, ref] = c.provider === 'gh' ? [spec.split('/').slice(0, 2).join('/'), spec.split('/').slice(2).join('/')] : [decodeURIComponent(spec.slice(0, spec.indexOf('/'))), decodeURIComponent(spec.slice(spec.indexOf('/') + 1))];
    if (repo !== c.repo || ref !== c.ref) f.fail(`BinderHub would read repository ${repo} at ${ref}; want ${c.repo} at ${c.ref}`);
    // the query as BinderHub's launch page reads it: decodeURI, then URLSearchParams (one
    // `urlpath`: nothing of a nested link may leak into the outer query)
    let q;
    try {
      q = params(decodeURI(e.query));
    } catch (err) {
      f.fail(`query ${e.query}: ${err}`);
    }
    if (!c.query(q)) f.fail(`the query as BinderHub's launch page reads it: ${JSON.stringify(q)}`);
    const {at} = await followBuild(f, tab, hub, since, c.final);
    const seen = (await launched(hub, since)).find((/** @type {any} */ x) => x.path !== undefined && at.includes(`/_standin/server/${x.name}/`));
    if (!seen || seen.token !== true) f.fail(`the fake server's record of the request: ${JSON.stringify(seen)}`);
    f.note(`${who}: ${e.raw} → ${at}`);
  }

  // -------------------------------------------------------------------------------------
  // A full BinderHub running as a JupyterHub service (hub52's /services/binder/)

  const serviceCases = [
    {id: 'service-binder', what: 'a mybinder.org v2/git link', link: links.binder, final: {path: 'lab/tree/intro.ipynb', params: {}}, nbgitpuller: false},
    {id: 'service-binder-env', what: 'a Binder + nbgitpuller link (environment demo-env, content demo-book)', link: links.binderEnv, final: {path: 'git-pull', params: nbgp('intro.ipynb')}, nbgitpuller: true},
  ];
  for (const c of serviceCases) {
    await flow(c.id, `full BinderHub service behind JupyterHub 5.2.1 ← ${c.what}: launch page, build stream, a server on hub52, the notebook rendered`, (/** @type {any} */ f) => serviceFlow(f, c));
  }

  /**
   * @param {any} f
   * @param {typeof serviceCases[number]} c
   */
  async function serviceFlow(f, c) {
    const hub = saved.binderService;
    const hub52 = env.ports.HUB52_URL;
    await setMode('rewrite');
    await useHub(hub);
    await setEnvRepo('');
    f.onCleanup(async () => {
      // stop the temporary users' servers the launch started
      await fetch(`${hub}_standin/servers`, {method: 'DELETE'});
    });
    f.step('convert', `the page's link becomes what \`byob rewrite --kind binderhub --hub ${hub}\` makes (under /services/binder/)`);
    const want = cliRewrite(env.byob, hub, 'binderhub', c.link).output;
    if (!want?.startsWith(`${hub}v2/`)) f.fail(`byob rewrite makes ${want}`);
    const page = await openPage(f, c.id, [{id: 'launch', href: c.link, text: 'Launch Binder'}]);
    await expectConverted(f, page, 'launch', c.link, want);
    const since = Date.now() / 1000 - 1;
    f.step('click', "a click opens the service's launch page through the hub's proxy", ['hub52']);
    await page.click('#launch');
    await waitUrl(f, page, (/** @type {string} */ u) => u === want, 15_000, want);
    const {at, record} = await followBuild(f, page, hub, since, c.final);
    if (!record.url.startsWith(`${hub52}user/`)) f.fail(`the server ${record.url} is not on hub52`);
    const home = path.join(env.runDir, 'hub52', 'home', record.launched);
    const o = {server: 'hub52', base: record.url, home, pull: at, urlpath: 'lab/tree/demo-book/intro.ipynb', file: 'intro.ipynb', text: 'BYOB demo notebook 42'};
    if (c.nbgitpuller) await ctx.pullToNotebook(f, page, o);
    else await ctx.renderNotebook(f, page, {...o, urlpath: c.final.path});
  }

  return {binderFlow, binderCases};
}
