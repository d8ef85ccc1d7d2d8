// @ts-check
// The reader's hubs, saved in the options page as a user would, before the flows. First, while
// the extension has no access to 127.0.0.1, the Jupyter Server (started without allow_origin:
// it refuses the extension's Origin) and JupyterHub 5.2.1 (no CORS) cannot be read; JupyterHub
// 5.2.1 is saved once allowed. Then, with access, a Jupyter Server without nbgitpuller (said,
// not saved), the Jupyter Server (read with access: no Origin sent), the BinderHub stand-in,
// hub52's full BinderHub service (saved at its own URL) and, through hub6's API-only service,
// JupyterHub 6.1.1 (saved as the hub in front of it, active); then automatic relaunch on all
// sites.
import {flowTest} from './flow.mjs';

/**
 * The hubs as typed, the kind detected, and the hub saved (URL and kind).
 * @param {Record<string, string>} p ports.env
 */
const typed = (p) => /** @type {const} */ ([
  [p.LAB_URL, 'jupyter-server', p.LAB_URL, 'jupyter-server'],
  [p.BINDER_URL, 'binderhub', p.BINDER_URL, 'binderhub'],
  // issue 13: a full BinderHub service is a launch target at its own URL ...
  [p.HUB52_SERVICE_URL, 'binderhub', p.HUB52_SERVICE_URL, 'binderhub'],
  // ... and an API-only one is not: the JupyterHub in front of it is saved
  [p.HUB6_SERVICE_URL, 'binderhub-service', p.HUB6_URL, 'jupyterhub'],
]);

/**
 * What the flows need saved when these tests did not run (a fast loop: --test-name-pattern).
 * @param {import('../lib/suite.mjs').Suite} suite
 */
export async function ensureFlowHubs(suite) {
  const p = suite.ports;
  await suite.ui.ensureHubs([{input: p.HUB52_URL, url: p.HUB52_URL}, ...typed(p).map(([input, , url]) => ({input, url}))], p.HUB6_URL);
  await suite.ui.allowAllSites();
}

/**
 * @param {import('../lib/suite.mjs').Suite} suite
 * @param {{runDir: string, failDir: string}} dirs
 */
export function optionsFlows(suite, dirs) {
  flowTest(suite, {id: 'options-hub52', title: 'JupyterHub 5.2.1 (no CORS) and a jupyter lab without allow_origin: the page cannot read their API; the options page detects hub52 with its own request once allowed', ...dirs}, async (f) => {
    const {browser, ui, ports: p, pages} = suite;
    f.step('options', 'the options page opened on install is ready');
    const options = await ui.options();
    f.step('no-cors', `a page on ${pages.url} cannot read ${p.HUB52_URL}hub/api/ (no CORS), but can read ${p.HUB6_URL}hub/api/`, ['hub52']);
    const page = await browser.open(pages.add(`${suite.name}-cors`, 'Chapter: cors', []));
    f.tabs.push(page);
    const reads = await page.evaluate(
      async (/** @type {string[]} */ urls) => Promise.all(urls.map((u) => fetch(`${u}hub/api/`).then(async (r) => `read ${(await r.json()).version}`, (e) => `refused (${e.name})`))),
      [p.HUB52_URL, p.HUB6_URL],
    );
    if (!/^refused/.test(reads[0]) || reads[1] !== 'read 6.1.1') f.fail(`the page's own fetch: hub52 ${reads[0]}, hub6 ${reads[1]}`);
    f.step('detect-lab', `type ${p.LAB_URL}: started without allow_origin, it answers the extension's Origin 404, so it too needs access`, ['lab']);
    const lab = await ui.detect(p.LAB_URL);
    if (lab.state !== 'needs-access') f.fail(`the Jupyter Server before access: ${JSON.stringify(lab)}`);
    f.step('detect', `type ${p.HUB52_URL}: it answers but cannot be read without access`, ['hub52']);
    const before = await ui.detect(p.HUB52_URL);
    if (before.state !== 'needs-access') f.fail(`before access: ${JSON.stringify(before)}`);
    f.step('allow', 'click "Allow access and check": JupyterHub 5.2.1, no CORS', ['hub52']);
    await browser.preApprove(['http://127.0.0.1/*']);
    await options.click('#allow-check');
    const after = await options.waitFor(
      () => {
        const box = document.getElementById('detect-result');
        return box?.dataset.state === 'done' ? {kind: box.dataset.kind, version: box.dataset.version, text: box.textContent} : null;
      },
      [],
      {what: 'the detection with access'},
    );
    if (after.kind !== 'jupyterhub' || after.version !== '5.2.1' || !/no CORS/.test(after.text)) f.fail(`with access: ${JSON.stringify(after)}`);
    f.step('save', 'save it');
    const saved = await ui.saveHub();
    if (saved !== p.HUB52_URL) f.fail(`saved as ${saved}`);
    f.note(`${suite.name}: options says "${after.text.trim()}"; the page's own fetch of hub52: ${reads[0]}`);
  });

  flowTest(suite, {id: 'options-hubs', title: "a Jupyter Server without nbgitpuller is said to lack it, and is down when saved; save the Jupyter Server, the BinderHub, hub52's full BinderHub service (at its own URL) and, through hub6's API-only service, JupyterHub 6.1.1 (active); allow on all sites", ...dirs}, async (f) => {
    const {ui, ports: p} = suite;
    f.step('detect-nopull', `type ${p.LAB_NOPULL_URL}, a jupyter lab without nbgitpuller: the options page says so, as a warning (not saved)`, ['lab-nopull']);
    const nopull = await ui.detect(p.LAB_NOPULL_URL);
    if (nopull.state !== 'done' || nopull.kind !== 'jupyter-server' || !nopull.text.includes('nbgitpuller is not installed') || nopull.style !== 'kind warn') f.fail(`detection of ${p.LAB_NOPULL_URL}: ${JSON.stringify(nopull)}`);
    for (const [url, kind, savedUrl, savedKind] of typed(p)) {
      f.step('detect', `type ${url}: ${kind}`, [url.startsWith(p.HUB52_URL) ? 'hub52' : url === p.LAB_URL ? 'lab' : url === p.BINDER_URL ? 'binder' : 'hub6']);
      const d = await ui.detect(url);
      if (d.state !== 'done' || d.kind !== kind || d.text.includes('not installed') || d.style !== 'kind ok') f.fail(`detection of ${url}: ${JSON.stringify(d)}`);
      f.step('save', `save ${url}: the hub saved is ${savedKind} ${savedUrl}`);
      const saved = await ui.saveHub();
      const hub = (await ui.settings()).hubs.find((/** @type {any} */ h) => h.url === saved);
      if (saved !== savedUrl || hub?.kind !== savedKind) f.fail(`saved ${JSON.stringify(hub)}; want ${savedKind} at ${savedUrl}`);
    }
    f.step('health', `the hubs' health in the options page: lab (nbgitpuller) up; ${p.LAB_NOPULL_URL}, saved for this check and removed after, down: its git-pull answers 404`, ['lab', 'lab-nopull']);
    // Straight into the settings, as an import would (saving it from the form would make it the hub in use).
    const nopullHub = {url: p.LAB_NOPULL_URL, name: 'lab-nopull', kind: 'jupyter-server', version: '2.21.1', cors: null};
    const setNopull = (/** @type {boolean} */ saved) =>
      ui.ext(async (/** @type {any} */ x, /** @type {any} */ hub, /** @type {boolean} */ keep) => {
        const s = (await x.storage.sync.get('settings.v2'))['settings.v2'];
        s.hubs = [...s.hubs.filter((/** @type {any} */ h) => h.url !== hub.url), ...(keep ? [hub] : [])];
        await x.storage.sync.set({'settings.v2': s});
      }, nopullHub, saved);
    await setNopull(true);
    const options = await ui.options();
    await ui.ext((/** @type {any} */ x) => x.runtime.sendMessage({type: 'page:health', check: true}));
    const health = await options.waitFor(
      (/** @type {string[]} */ urls) => {
        const [lab, nopull] = urls.map((u) => document.querySelector(`#hub-list li[data-url="${u}"]`));
        return lab?.dataset.state === 'up' && nopull?.dataset.state === 'down' && [lab, nopull].map((li) => li.querySelector('.health')?.textContent);
      },
      [[p.LAB_URL, p.LAB_NOPULL_URL]],
      {what: 'lab up and lab-nopull down in the options page'},
    );
    if (!health[1].includes('HTTP 404 on git-pull: nbgitpuller is not installed or not enabled')) f.fail(`lab-nopull's health line: ${health[1]}`);
    await setNopull(false);
    f.note(`${suite.name}: health lines "${health[0]}", "${health[1]}"`);
    f.step('fallback', 'turn fallback off: each flow is one hub\'s, converted as `byob rewrite` converts for that hub (a refused link stays refused)');
    await ui.setFallback(false);
    const s = await ui.settings();
    if (s.hubs[0]?.url !== p.HUB6_URL) f.fail(`hub in use ${s.hubs[0]?.url}`);
    f.step('allow-all', 'click "Allow on all sites"');
    await ui.allowAllSites();
    f.note(`${suite.name}: saved ${s.hubs.map((/** @type {any} */ h) => `${h.url} ${h.kind}${h.version ? ` ${h.version}` : ''}`).join(', ')}`);
  });
}
