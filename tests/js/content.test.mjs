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

const settle = (w) => w.byobContent.settled();
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
  assert.match(binder.title, /titleRewritten\|hub\.example\.edu\|https:\/\/mybinder\.org\/v2\/gh\/org\/book/);
  assert.match(binder.title, /titleWarning\|environment differs/);
  assert.match(binder.title, /titleAltClick/);
  // Refused: the link is left alone, the tooltip says why.
  const zenodo = w.document.getElementById('zenodo');
  assert.equal(zenodo.getAttribute('href'), ZENODO);
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
  const first = w.byobContent;
  runContentScript(w, background());
  assert.equal(w.byobContent, first);
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

test('Jupyter Book 2 (MyST): a "Launch on <hub>" link next to the page\'s launch button', async () => {
  const w = pageWindow(fixture('jb2-mystmd-1.7-cookbook-template/notebooks/notebook-template/index.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template');
  const MYST = 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb';
  const rewrite = background();
  const {sent} = runContentScript(w, (m) =>
    m.type === 'content:myst' ? {ok: true, active: true, mode: 'rewrite', hub: 'hub.example.edu', link: MYST, result: rewrite({type: 'content:rewrite', hrefs: [MYST]}).results[0]} : rewrite(m),
  );
  await w.byobContent.settled();
  await idle();
  await w.byobContent.settled();
  const myst = sent.find((m) => m.type === 'content:myst');
  assert.deepEqual(myst.binder, {url: 'https://mybinder.org/', provider: 'github', repo: 'projectpythia/cookbook-template', ref: 'HEAD'});
  assert.equal(myst.location, '/notebooks/notebook-template.ipynb');
  const link = w.document.querySelector('a.byob-myst-launch');
  assert.ok(link, 'the launch link was added');
  assert.equal(link.previousElementSibling.getAttribute('aria-label'), 'Launch in external computing interface');
  assert.equal(link.textContent, 'mystLaunchOn|hub.example.edu');
  assert.equal(link.getAttribute('href'), HUB + 'hub/user-redirect/git-pull?from=' + encodeURIComponent(MYST));
  assert.equal(link.getAttribute('data-byob-original'), MYST);
  // No rewrite request for our own link: its answer came with the MyST reply.
  assert.ok(sent.filter((m) => m.type === 'content:rewrite').every((m) => !m.hrefs.includes(MYST)));
});

test('MyST: our link is put back after a re-render, and removed after moving to another page', async () => {
  const w = pageWindow(fixture('jb2-mystmd-1.7-cookbook-template/notebooks/notebook-template/index.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template');
  const MYST = 'https://mybinder.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab/tree/notebooks/notebook-template.ipynb';
  const rewrite = background();
  runContentScript(w, (m) => (m.type === 'content:myst' ? {ok: true, active: true, mode: 'rewrite', hub: 'hub.example.edu', link: MYST, result: rewrite({type: 'content:rewrite', hrefs: [MYST]}).results[0]} : rewrite(m)));
  await w.byobContent.settled();
  await idle();
  const link = () => w.document.querySelector('a.byob-myst-launch');
  assert.ok(link());
  link().remove(); // a re-render drops it
  await idle();
  assert.ok(link(), 'put back');
  w.history.pushState({}, '', '/cookbook-template/another-page'); // single-page navigation
  w.document.body.append(w.document.createElement('div')); // any DOM change after it
  await idle();
  assert.equal(link(), null, 'removed on another page');
});
