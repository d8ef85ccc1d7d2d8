// The content script runtime (extension/content/content.js) in jsdom, against a fake
// background: batching, applying, re-rendered and added links, no feedback loop, Alt-click,
// turned-off sites, private mode, refresh.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {fixture, pageWindow, runContentScript} from './dom.mjs';

const HUB = 'https://hub.example.edu/';
const BINDER = 'https://mybinder.org/v2/gh/org/book/main?urlpath=lab/tree/intro.ipynb';
const PULL = 'https://other.example.org/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Forg%2Fbook&urlpath=lab%2Ftree%2Fbook';
const ZENODO = 'https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/';

/** A fake background: rewrites every launch link except data repositories. */
function background({active = true, mode = 'rewrite'} = {}) {
  return (message) => {
    if (message.type !== 'content:rewrite') return {ok: true, opened: true};
    if (!active) return {ok: true, active: false, reason: 'site-off'};
    return {
      ok: true,
      active: true,
      mode,
      hub: 'hub.example.edu',
      results: message.hrefs.map((h) =>
        h.includes('/zenodo/')
          ? {status: 'refused', output: null, reason: 'zenodo repositories cannot be opened on a JupyterHub', warnings: []}
          : {status: 'rewritten', output: mode === 'private' ? null : HUB + 'hub/user-redirect/git-pull?from=' + encodeURIComponent(h), reason: null, warnings: h.includes('mybinder') ? ['environment differs from the author\'s'] : []},
      ),
    };
  };
}

function page(extra = '') {
  const ordinary = Array.from({length: 100}, (_, i) => `<a href="/page-${i}.html">page ${i}</a>`).join('');
  return pageWindow(
    `<!doctype html><body>
      <div class="dropdown dropdown-launch-buttons"><ul class="dropdown-menu">
        <li><a id="binder" href="${BINDER}" target="_blank" class="btn btn-sm dropdown-item" title="Launch on Binder">Binder</a></li>
        <li><a id="pull" href="${PULL.replace(/&/g, '&amp;')}" class="btn btn-sm dropdown-item">JupyterHub</a></li>
      </ul></div>
      <p><a id="zenodo" href="${ZENODO}">data</a> ${ordinary} ${extra}</p>
    </body>`,
    'https://book.example.org/intro.html',
  );
}

const settle = (w) => w[Symbol.for('byob.content')].settled();
const idle = (ms = 80) => new Promise((r) => setTimeout(r, ms));

test('launch links are sent in one batch and rewritten; ordinary links are not sent', async () => {
  const w = page();
  const {sent} = runContentScript(w, background());
  await settle(w);
  assert.equal(sent.length, 1);
  assert.deepEqual([...sent[0].hrefs].sort(), [BINDER, PULL, ZENODO].sort());
  const binder = w.document.getElementById('binder');
  assert.equal(binder.getAttribute('href'), HUB + 'hub/user-redirect/git-pull?from=' + encodeURIComponent(BINDER));
  assert.equal(binder.getAttribute('data-byob-original'), BINDER);
  // The tooltip is written when first needed (hover or focus): the link's own title until then.
  assert.equal(binder.title, 'Launch on Binder');
  binder.dispatchEvent(new w.MouseEvent('mouseover', {bubbles: true}));
  assert.match(binder.title, /titleRewritten\|hub\.example\.edu\|https:\/\/mybinder\.org\/v2\/gh\/org\/book/);
  assert.match(binder.title, /titleWarning\|environment differs/);
  assert.match(binder.title, /titleAltClick/);
  // Refused: the link is left alone, the tooltip says why.
  const zenodo = w.document.getElementById('zenodo');
  assert.equal(zenodo.getAttribute('href'), ZENODO);
  assert.equal(zenodo.getAttribute('data-byob-refused'), 'zenodo repositories cannot be opened on a JupyterHub');
  zenodo.dispatchEvent(new w.FocusEvent('focusin', {bubbles: true}));
  assert.match(zenodo.title, /titleRefused\|hub\.example\.edu\|zenodo repositories cannot/);
  // Our own href writes do not come back as new work (no feedback loop).
  await idle();
  assert.equal(sent.length, 1);
});

test('links added later are found and batched; a known href costs no message', async () => {
  const w = page();
  const {sent} = runContentScript(w, background());
  await settle(w);
  const div = w.document.createElement('div');
  div.innerHTML = `<a id="late" href="https://mybinder.org/v2/gh/org/other/HEAD">late</a><a id="again" href="${BINDER}">again</a>`;
  w.document.body.append(div);
  await idle();
  await settle(w);
  assert.equal(sent.length, 2);
  assert.deepEqual(sent[1].hrefs, ['https://mybinder.org/v2/gh/org/other/HEAD']);
  assert.ok(w.document.getElementById('late').getAttribute('href').startsWith(HUB));
  assert.ok(w.document.getElementById('again').getAttribute('href').startsWith(HUB));
});

test('a page that re-renders a link back to its original gets it rewritten again, without a message', async () => {
  const w = page();
  const {sent} = runContentScript(w, background());
  await settle(w);
  const binder = w.document.getElementById('binder');
  binder.setAttribute('href', BINDER);
  await idle();
  await settle(w);
  assert.ok(binder.getAttribute('href').startsWith(HUB));
  assert.equal(sent.length, 1);
});

test('a page that keeps resetting a link is left alone after a few rounds', async () => {
  const w = page();
  runContentScript(w, background());
  await settle(w);
  const binder = w.document.getElementById('binder');
  for (let i = 0; i < 8; i++) {
    binder.setAttribute('href', BINDER);
    await idle(50);
    await settle(w);
  }
  assert.equal(binder.getAttribute('href'), BINDER);
});

test('Alt-click opens the original; a plain click follows the rewritten href', async () => {
  const w = page();
  runContentScript(w, background());
  await settle(w);
  const opened = [];
  w.open = (url, target) => opened.push([url, target]);
  const binder = w.document.getElementById('binder');
  const alt = new w.MouseEvent('click', {bubbles: true, cancelable: true, altKey: true, button: 0});
  binder.dispatchEvent(alt);
  assert.equal(alt.defaultPrevented, true);
  assert.deepEqual(opened, [[BINDER, '_blank']]);
  const plain = new w.MouseEvent('click', {bubbles: true, cancelable: true, button: 0});
  binder.addEventListener('click', (e) => e.preventDefault(), {once: true}); // keep jsdom from navigating
  binder.dispatchEvent(plain);
  assert.equal(opened.length, 1);
});

test('on a site turned off nothing changes and later links are not sent', async () => {
  const w = page();
  const before = w.document.body.innerHTML;
  const {sent} = runContentScript(w, background({active: false}));
  await settle(w);
  assert.equal(sent.length, 1);
  assert.equal(w.document.body.innerHTML, before);
  w.document.body.insertAdjacentHTML('beforeend', '<a href="https://mybinder.org/v2/gh/o/late/HEAD">late</a>');
  await idle();
  assert.equal(sent.length, 1);
});

test('private mode keeps the DOM and sends clicks to the background', async () => {
  const w = page();
  const before = w.document.body.innerHTML;
  const {sent} = runContentScript(w, background({mode: 'private'}));
  await settle(w);
  assert.equal(w.document.body.innerHTML, before);
  const pull = w.document.getElementById('pull');
  const click = new w.MouseEvent('click', {bubbles: true, cancelable: true, button: 0});
  pull.dispatchEvent(click);
  assert.equal(click.defaultPrevented, true);
  assert.deepEqual(sent.at(-1), {type: 'content:open', href: PULL, newTab: false});
  const binder = w.document.getElementById('binder'); // target=_blank
  binder.dispatchEvent(new w.MouseEvent('click', {bubbles: true, cancelable: true, button: 0}));
  assert.deepEqual(sent.at(-1), {type: 'content:open', href: BINDER, newTab: true});
  // A refused link is not intercepted.
  const zenodo = w.document.getElementById('zenodo');
  const z = new w.MouseEvent('click', {bubbles: true, cancelable: true, button: 0});
  zenodo.addEventListener('click', (e) => e.preventDefault(), {once: true});
  const count = sent.length;
  zenodo.dispatchEvent(z);
  assert.equal(sent.length, count);
});

test('background:refresh restores the originals and asks again', async () => {
  const w = page();
  let active = true;
  const answer = (m) => background({active})(m);
  const {sent, deliver} = runContentScript(w, answer);
  await settle(w);
  assert.ok(w.document.getElementById('binder').getAttribute('href').startsWith(HUB));
  for (const id of ['binder', 'zenodo']) w.document.getElementById(id).dispatchEvent(new w.MouseEvent('mouseover', {bubbles: true}));
  assert.match(w.document.getElementById('zenodo').title, /titleRefused/);
  active = false; // the user turned this site off
  deliver({type: 'background:refresh'});
  await settle(w);
  const binder = w.document.getElementById('binder');
  assert.equal(binder.getAttribute('href'), BINDER);
  assert.equal(binder.getAttribute('title'), 'Launch on Binder');
  assert.equal(binder.hasAttribute('data-byob-original'), false);
  assert.equal(w.document.getElementById('zenodo').hasAttribute('title'), false);
  assert.equal(sent.length, 2);
});

test('the background failing leaves the page untouched', async () => {
  const w = page();
  const before = w.document.body.innerHTML;
  const errors = [];
  w.console.error = (...args) => errors.push(args.join(' '));
  runContentScript(w, () => {
    throw new Error('Could not establish connection');
  });
  await settle(w);
  assert.equal(w.document.body.innerHTML, before);
  assert.match(errors.join('\n'), /could not relaunch/);
});

test('injected twice, the script keeps one instance and rescans', async () => {
  const w = page();
  const {sent} = runContentScript(w, background());
  await settle(w);
  const first = w[Symbol.for('byob.content')];
  runContentScript(w, background());
  assert.equal(w[Symbol.for('byob.content')], first);
  await settle(w);
  assert.equal(sent.length, 1);
});

test('the popup list reports each candidate with its outcome', async () => {
  const w = page();
  runContentScript(w, background());
  const list = await settle(w);
  assert.equal(list.active, true);
  assert.deepEqual(
    Array.from(list.links, (l) => [l.href, l.source, l.status]).sort(),
    [
      [BINDER, 'launch-menu', 'rewritten'],
      [PULL, 'launch-menu', 'rewritten'],
      [ZENODO, 'content', 'refused'],
    ].sort(),
  );
});

// ---- Jupyter Book 2 (MyST) ----

const MYST_DIR = 'jb2-mystmd-1.7-cookbook-template';
const MYST_PAGE = 'https://projectpythia.org/cookbook-template/notebooks/notebook-template';
const MYST = 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb';
const mystLinkFor = (location) => `https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/${location.replace(/^\//, '')}`;

/**
 * A fake background for MyST pages: builds the link as the core would for this repository
 * and rewrites it like background().
 */
function mystBackground({active = true, mode = 'rewrite', tab = 'jupyterhub'} = {}) {
  const rewrite = background({active, mode});
  return (m) => {
    if (m.type !== 'content:myst') return rewrite(m);
    const link = mystLinkFor(m.location);
    if (!active) return {ok: true, active: false, reason: 'site-off', link};
    const reply = rewrite({type: 'content:rewrite', hrefs: [link]});
    return {...reply, link, result: reply.results[0], prefill: mode === 'rewrite' ? {url: HUB, tab} : null};
  };
}

/** Serve page JSON to the content script's fetch (jsdom has none). */
function serveJson(w, files) {
  const fetched = [];
  w.fetch = async (url) => {
    fetched.push(url);
    const text = files[url];
    return text === undefined ? {ok: false, status: 404, body: null} : {ok: true, status: 200, body: null, text: async () => text};
  };
  return fetched;
}

/** Our links on the page, shadow roots included. */
function mystLinks(w) {
  const out = [...w.document.querySelectorAll('.byob-myst-launch')];
  for (const el of w.document.querySelectorAll('*')) if (el.shadowRoot) out.push(...el.shadowRoot.querySelectorAll('.byob-myst-launch'));
  return out;
}

async function mystSettled(w) {
  await w[Symbol.for('byob.content')].settled();
  await idle();
  return w[Symbol.for('byob.content')].settled();
}

test('Jupyter Book 2 (MyST): a "Launch on <hub>" link beside the page\'s launch button, in a shadow root on its row', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  const fetched = serveJson(w, {});
  const {sent} = runContentScript(w, mystBackground());
  const list = await mystSettled(w);
  const myst = sent.find((m) => m.type === 'content:myst');
  assert.deepEqual(myst.binder, {url: 'https://mybinder.org/', provider: 'github', repo: 'projectpythia/cookbook-template', ref: 'HEAD'});
  assert.equal(myst.location, '/notebooks/notebook-template.ipynb');
  assert.deepEqual(fetched, [], 'the inline data was enough');
  const links = mystLinks(w);
  assert.equal(links.length, 1);
  const [link] = links;
  const rocket = w.document.querySelector('button[aria-label="Launch in external computing interface"]');
  const root = link.getRootNode();
  assert.equal(root.host, rocket.parentElement, 'in a shadow root on the rocket\'s row');
  assert.equal(rocket.nextElementSibling, null, 'the rocket is the row\'s last element: ours shows right after it');
  assert.ok(root.querySelector('slot'), 'the row\'s own content still shows');
  assert.equal(link.textContent, 'mystLaunchOn|hub.example.edu');
  assert.equal(link.getAttribute('aria-label'), 'mystLaunchAria|hub.example.edu');
  assert.equal(link.getAttribute('href'), HUB + 'hub/user-redirect/git-pull?from=' + encodeURIComponent(MYST));
  assert.equal(link.getAttribute('data-byob-original'), MYST);
  assert.match(link.title, /titleWarning\|environment differs/, 'warnings in its tooltip');
  assert.equal(link.target, '_blank');
  assert.ok(link.querySelector('svg[aria-hidden="true"]'), 'the page\'s rocket icon');
  // No rewrite request for our own link: its answer came with the MyST reply.
  assert.ok(sent.filter((m) => m.type === 'content:rewrite').every((m) => !m.hrefs.includes(MYST)));
  // The popup's list names it once, as the page's launch.
  assert.deepEqual(
    Array.from(list.links.filter((l) => l.source === 'myst'), (l) => [l.href, l.status]),
    [[MYST, 'rewritten']],
  );
});

test('MyST: Alt-click on our link (in its shadow root) opens the page\'s own Binder link', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  serveJson(w, {});
  runContentScript(w, mystBackground());
  await mystSettled(w);
  const opened = [];
  w.open = (url, target) => opened.push([url, target]);
  const [link] = mystLinks(w);
  const alt = new w.MouseEvent('click', {bubbles: true, composed: true, cancelable: true, altKey: true, button: 0});
  link.dispatchEvent(alt);
  assert.equal(alt.defaultPrevented, true);
  assert.deepEqual(opened, [[MYST, '_blank']]);
});

test('MyST single-page navigation: the link follows the page, from the page JSON the site serves, notebook or README', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  const second = JSON.parse(fixture(`${MYST_DIR}/notebooks.notebook-template.json`));
  second.slug = 'notebooks.second';
  second.location = '/notebooks/second.ipynb';
  const fetched = serveJson(w, {
    'https://projectpythia.org/cookbook-template/notebooks.second.json': JSON.stringify(second),
    'https://projectpythia.org/cookbook-template/index.json': JSON.stringify({kind: 'Article', slug: 'index', location: '/README.md', frontmatter: {}}),
  });
  const {sent} = runContentScript(w, mystBackground());
  await mystSettled(w);
  const rerender = () => {
    // What React does on navigation: the article is rendered anew (same header row here).
    const h1 = w.document.querySelector('h1');
    h1.textContent = `${h1.textContent}.`;
  };
  w.history.pushState({}, '', '/cookbook-template/notebooks/second');
  rerender();
  await mystSettled(w);
  let links = mystLinks(w);
  assert.equal(links.length, 1, 'exactly one link');
  assert.equal(links[0].getAttribute('data-byob-original'), mystLinkFor('/notebooks/second.ipynb'));
  assert.deepEqual(fetched, ['https://projectpythia.org/cookbook-template/notebooks.second.json']);
  // The root page (an Article, its README.md): the page's rocket opens its README, so does ours.
  w.history.pushState({}, '', '/cookbook-template/');
  rerender();
  await mystSettled(w);
  links = mystLinks(w);
  assert.equal(links.length, 1, 'exactly one link on the README page');
  assert.equal(links[0].getAttribute('data-byob-original'), mystLinkFor('/README.md'));
  assert.equal(links[0].getAttribute('aria-label'), 'mystLaunchAriaFile|hub.example.edu|README.md');
  // Back to the first page (popstate): its inline data again, no fetch.
  w.history.pushState({}, '', '/cookbook-template/notebooks/notebook-template');
  w.dispatchEvent(new w.PopStateEvent('popstate'));
  await mystSettled(w);
  links = mystLinks(w);
  assert.equal(links.length, 1);
  assert.equal(links[0].getAttribute('data-byob-original'), MYST);
  assert.equal(links[0].getAttribute('aria-label'), 'mystLaunchAria|hub.example.edu');
  assert.equal(fetched.length, 2);
  assert.deepEqual(
    sent.filter((m) => m.type === 'content:myst').map((m) => m.location),
    ['/notebooks/notebook-template.ipynb', '/notebooks/second.ipynb', '/README.md', '/notebooks/notebook-template.ipynb'],
  );
});

test('MyST: the header row re-rendered by the page gets our link again; a site turned off loses it', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  serveJson(w, {});
  let active = true;
  const {deliver} = runContentScript(w, (m) => mystBackground({active})(m));
  await mystSettled(w);
  const row = w.document.querySelector('button[aria-label="Launch in external computing interface"]').parentElement;
  const copy = row.cloneNode(true); // a new row element, as React makes when it re-mounts
  row.replaceWith(copy);
  await mystSettled(w);
  const links = mystLinks(w);
  assert.equal(links.length, 1);
  assert.equal(links[0].getRootNode().host, copy);
  active = false;
  deliver({type: 'background:refresh'});
  const list = await mystSettled(w);
  assert.equal(mystLinks(w).length, 0);
  assert.equal(list.active, false);
  // The popup still lists the page's launch, as it lists links on a turned-off site.
  assert.deepEqual(Array.from(list.links, (l) => [l.href, l.source, l.status]), [[MYST, 'myst', 'pending']]);
});

test('MyST without a launch config, or without the inline data and its JSON: nothing added, nothing asked', async () => {
  const html = fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`).replace(/"thebe":\{"binder":\{[^}]*\}\},?/g, '');
  const w = pageWindow(html, MYST_PAGE);
  assert.ok(!html.includes('"binder"'));
  serveJson(w, {});
  const {sent} = runContentScript(w, mystBackground());
  await mystSettled(w);
  assert.equal(mystLinks(w).length, 0);
  assert.equal(sent.filter((m) => m.type === 'content:myst').length, 0);
  const bare = pageWindow('<meta name="generator" content="mystmd"><div><button aria-label="Launch in external computing interface"></button></div>', 'https://book.example.org/b/notebooks/x/');
  const fetched = serveJson(bare, {});
  const r = runContentScript(bare, mystBackground());
  await mystSettled(bare);
  assert.deepEqual(fetched, ['https://book.example.org/config.json', 'https://book.example.org/b/config.json', 'https://book.example.org/b/notebooks/config.json', 'https://book.example.org/b/notebooks/x/config.json']);
  assert.equal(r.sent.filter((m) => m.type === 'content:myst').length, 0);
});

test('MyST without inline data: config.json and the page JSON under the site\'s base', async () => {
  const config = fixture(`${MYST_DIR}/config.json`);
  const w = pageWindow('<meta name="generator" content="mystmd"><div><button aria-label="Launch in external computing interface"><svg></svg></button></div>', 'https://book.example.org/pythia/notebooks/notebook-template/');
  const fetched = serveJson(w, {
    'https://book.example.org/pythia/config.json': config,
    'https://book.example.org/pythia/notebooks.notebook-template.json': fixture(`${MYST_DIR}/notebooks.notebook-template.json`),
  });
  const {sent} = runContentScript(w, mystBackground());
  await mystSettled(w);
  assert.deepEqual(fetched, ['https://book.example.org/config.json', 'https://book.example.org/pythia/config.json', 'https://book.example.org/pythia/notebooks.notebook-template.json']);
  assert.equal(sent.find((m) => m.type === 'content:myst').location, '/notebooks/notebook-template.ipynb');
  assert.equal(mystLinks(w).length, 1);
});

test('MyST: a page JSON larger than the read cap is read from its leading members (streamed)', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  const big = JSON.parse(fixture(`${MYST_DIR}/notebooks.notebook-template.json`));
  big.location = '/notebooks/big.ipynb';
  big.mdast = {type: 'root', children: [{type: 'text', value: 'x'.repeat(3 * 1024 * 1024)}]};
  const text = JSON.stringify(big);
  let pulled = 0;
  w.TextDecoder = TextDecoder;
  w.fetch = async () => ({
    ok: true,
    status: 200,
    body: new ReadableStream({
      pull(controller) {
        const chunk = text.slice(pulled, pulled + 65536);
        pulled += chunk.length;
        if (chunk) controller.enqueue(new TextEncoder().encode(chunk));
        else controller.close();
      },
    }),
  });
  const {sent} = runContentScript(w, mystBackground());
  await mystSettled(w);
  w.history.pushState({}, '', '/cookbook-template/notebooks/big');
  w.document.body.append(w.document.createElement('div'));
  await mystSettled(w);
  assert.equal(sent.filter((m) => m.type === 'content:myst').at(-1).location, '/notebooks/big.ipynb');
  assert.ok(pulled < 1024 * 1024, `read ${pulled} bytes of ${text.length}`);
});

/** The fixture page with its rocket's popover open (Radix: aria-expanded, aria-controls → the popover). */
function openForm(w, markup) {
  const rocket = w.document.querySelector('button[aria-label="Launch in external computing interface"]');
  rocket.setAttribute('aria-expanded', 'true');
  const wrapper = w.document.createElement('div');
  wrapper.setAttribute('data-radix-popper-content-wrapper', '');
  wrapper.innerHTML = `<div role="dialog" id="${rocket.getAttribute('aria-controls')}">${markup}</div>`;
  w.document.body.append(wrapper);
  return wrapper;
}

test('MyST: the page\'s own launch form gets the hub when opened, the way React notices; once, and never over what the reader typed', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  serveJson(w, {});
  runContentScript(w, mystBackground());
  await mystSettled(w);
  const events = [];
  w.document.addEventListener('input', (e) => events.push(['input', e.target.value]), true);
  w.document.addEventListener('change', (e) => events.push(['change', e.target.value]), true);
  const form = openForm(w, '<form><input class="myst-fm-launch-input" type="url" required></form>');
  await idle();
  const input = form.querySelector('input');
  assert.equal(input.value, HUB);
  assert.deepEqual(events, [
    ['input', HUB],
    ['change', HUB],
  ]);
  input.value = '';
  w.document.body.append(w.document.createElement('p'));
  await idle();
  assert.equal(input.value, '', 'a field the reader cleared stays clear');
  form.remove();
  const typed = openForm(w, '<form><input type="url" value="https://mine.example.org/"></form>');
  await idle();
  assert.equal(typed.querySelector('input').value, 'https://mine.example.org/');
});

test('MyST, older form with Binder and JupyterHub tabs: the tab for the hub\'s kind is chosen, then filled', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  serveJson(w, {});
  runContentScript(w, mystBackground({tab: 'jupyterhub'}));
  await mystSettled(w);
  const form = openForm(
    w,
    `<div role="tablist"><button role="tab" id="r-trigger-binder" aria-selected="true">Binder</button><button role="tab" id="r-trigger-jupyterhub" aria-selected="false">JupyterHub</button></div>
     <div id="panel"><input type="url" name="url"></div>`,
  );
  const hubTab = form.querySelector('#r-trigger-jupyterhub');
  // The page's tabs switch on mousedown, like Radix's.
  hubTab.addEventListener('mousedown', (e) => {
    assert.equal(e.button, 0);
    form.querySelector('#r-trigger-binder').setAttribute('aria-selected', 'false');
    hubTab.setAttribute('aria-selected', 'true');
    form.querySelector('#panel').innerHTML = '<input type="url" name="url" id="hub-url">';
  });
  await idle();
  await idle();
  assert.equal(form.querySelector('#hub-url')?.value, HUB);
});

test('MyST in private mode: the link does not name the hub, and the form is not filled', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/notebooks/notebook-template/index.html`), MYST_PAGE);
  serveJson(w, {});
  const {sent} = runContentScript(w, mystBackground({mode: 'private'}));
  await mystSettled(w);
  const [link] = mystLinks(w);
  assert.equal(link.localName, 'button', 'a button: no URL of the page\'s choosing');
  assert.equal(link.hasAttribute('href'), false);
  assert.equal(link.textContent, 'mystLaunchOn|mystYourHub');
  assert.equal(link.title, 'mystTitlePrivate');
  const form = openForm(w, '<input class="myst-fm-launch-input" type="url">');
  await idle();
  assert.equal(form.querySelector('input').value, '');
  // A click goes through the background.
  const click = new w.MouseEvent('click', {bubbles: true, composed: true, cancelable: true, button: 0});
  link.dispatchEvent(click);
  assert.equal(click.defaultPrevented, true);
  assert.deepEqual(sent.at(-1), {type: 'content:open', href: MYST, newTab: true});
  // Alt-click, as its tooltip says: the book's own Binder link, opened from here; nothing asked.
  const opened = [];
  w.open = (url, target) => opened.push([url, target]);
  const before = sent.length;
  const alt = new w.MouseEvent('click', {bubbles: true, composed: true, cancelable: true, altKey: true, button: 0});
  link.dispatchEvent(alt);
  assert.equal(alt.defaultPrevented, true);
  assert.deepEqual(opened, [[MYST, '_blank']]);
  assert.equal(sent.length, before);
});

test('MyST in private mode on the README page: the button names the file, not the hub', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/index.html`), 'https://projectpythia.org/cookbook-template/');
  serveJson(w, {});
  runContentScript(w, mystBackground({mode: 'private'}));
  await mystSettled(w);
  const [link] = mystLinks(w);
  assert.equal(link.localName, 'button');
  assert.equal(link.getAttribute('aria-label'), 'mystLaunchAriaFile|mystYourHub|README.md');
  assert.equal(link.title, 'mystTitlePrivateFile|README.md');
});

test('MyST: the real root page (an Article whose source is README.md): our link beside its rocket names the file, its form is filled, the popup lists its launch', async () => {
  const w = pageWindow(fixture(`${MYST_DIR}/index.html`), 'https://projectpythia.org/cookbook-template/');
  const fetched = serveJson(w, {});
  const {sent} = runContentScript(w, mystBackground());
  const list = await mystSettled(w);
  assert.deepEqual(fetched, [], 'the inline data was enough');
  const myst = sent.find((m) => m.type === 'content:myst');
  assert.deepEqual([myst.location, myst.binder.repo], ['/README.md', 'projectpythia/cookbook-template']);
  const README = mystLinkFor('/README.md');
  const [link, ...more] = mystLinks(w);
  assert.equal(more.length, 0);
  const rocket = w.document.querySelector('button[aria-label="Launch in external computing interface"]');
  assert.equal(link.getRootNode().host, rocket.parentElement, 'in a shadow root on the rocket\'s row');
  assert.equal(link.getAttribute('href'), HUB + 'hub/user-redirect/git-pull?from=' + encodeURIComponent(README));
  assert.equal(link.getAttribute('data-byob-original'), README);
  assert.equal(link.textContent, 'mystLaunchOn|hub.example.edu');
  assert.equal(link.getAttribute('aria-label'), 'mystLaunchAriaFile|hub.example.edu|README.md');
  assert.deepEqual(
    Array.from(list.links.filter((l) => l.source === 'myst'), (l) => [l.href, l.status, l.text]),
    [[README, 'rewritten', 'mystLaunchOn|hub.example.edu']],
  );
  const form = openForm(w, '<form><input class="myst-fm-launch-input" type="url" required></form>');
  await idle();
  assert.equal(form.querySelector('input').value, HUB, 'the page\'s own form gets the hub');
});

test('MyST, a page with launch settings but no rocket (its header row not shown): no control, no prefill; the popup still lists its launch', async () => {
  const html = fixture(`${MYST_DIR}/index.html`).replace(/<button[^>]*myst-fm-launch-button[^>]*>[\s\S]*?<\/button>/, '');
  const w = pageWindow(html, 'https://projectpythia.org/cookbook-template/');
  assert.equal(w.document.querySelector('button[aria-label="Launch in external computing interface"]'), null);
  serveJson(w, {});
  runContentScript(w, mystBackground());
  const list = await mystSettled(w);
  assert.equal(mystLinks(w).length, 0);
  assert.deepEqual(Array.from(list.links.filter((l) => l.source === 'myst'), (l) => l.href), [mystLinkFor('/README.md')]);
});

test('MyST: injected after the reader moved on (the inline data is the first page\'s): the page shown is read from its JSON', async () => {
  // The root page's HTML, but the address is the notebook's: the site's router moved there.
  const w = pageWindow(fixture(`${MYST_DIR}/index.html`), MYST_PAGE);
  const fetched = serveJson(w, {'https://projectpythia.org/cookbook-template/notebooks.notebook-template.json': fixture(`${MYST_DIR}/notebooks.notebook-template.json`)});
  const {sent} = runContentScript(w, mystBackground());
  await mystSettled(w);
  assert.deepEqual(fetched, ['https://projectpythia.org/cookbook-template/notebooks.notebook-template.json']);
  assert.equal(sent.find((m) => m.type === 'content:myst').location, '/notebooks/notebook-template.ipynb');
  assert.equal(mystLinks(w)[0].getAttribute('data-byob-original'), MYST);
});

test('a link sent to a fallback hub says which and why in its tooltip; the background learns how many launch links the page has', async () => {
  const w = page();
  const answer = (m) => {
    const reply = background()(m);
    if (m.type !== 'content:rewrite') return reply;
    reply.hub = 'binder.example.edu';
    reply.results = reply.results.map((r, i) => (r.status === 'rewritten' ? {...r, hub: 'binder.example.edu', fallback: ['uni-hub is down: connection refused']} : r));
    return reply;
  };
  const {deliver} = runContentScript(w, answer);
  await settle(w);
  const binder = w.document.getElementById('binder');
  binder.dispatchEvent(new w.MouseEvent('mouseover', {bubbles: true}));
  const lines = binder.title.split('\n');
  assert.match(lines[0], /^titleRewritten\|binder\.example\.edu\|https:\/\/mybinder\.org/);
  assert.equal(lines[1], 'titleFallback|uni-hub is down: connection refused');
  // Three launch links (one refused): the alarm keeps checking the hubs while they are open.
  assert.deepEqual(JSON.parse(JSON.stringify(deliver({type: 'background:count'}))), [{links: 3}]);
  // A page without launch links does not answer (another frame of its tab may).
  const empty = pageWindow('<!doctype html><body><a href="/x.html">x</a></body>', 'https://book.example.org/other.html');
  const other = runContentScript(empty, background());
  await settle(empty);
  assert.deepEqual(other.deliver({type: 'background:count'}), []);
});
