// The content script against hostile pages (issue 9): huge and bad hrefs, a background that
// fails, elements named like the script's globals, page paths built to make regexes backtrack,
// a page that stops clicks before the script sees them, links whose hrefs never stop changing.
// Each test is named after what it guards.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MAX_BATCH, MAX_HREF, checkMessage} from '../../extension/protocol.js';
import fs from 'node:fs';
import path from 'node:path';
import {fixture, pageWindow, root, runContentScript} from './dom.mjs';

const HUB = 'https://hub.example.edu/';
const PAGE = 'https://book.example.org/intro.html';
const self = {id: 'ext', origin: 'chrome-extension://ext'};
const sender = {id: 'ext', url: PAGE, tab: {id: 1, url: PAGE}, frameId: 0};
const CONTENT = Symbol.for('byob.content');
const settle = (w) => w[CONTENT].settled();
const idle = (ms = 80) => new Promise((r) => setTimeout(r, ms));

/**
 * A background that checks every message with the real guard (protocol.js) first, as
 * background.js does, then rewrites every href it was given; guard refusals are answered per
 * href, as background.js answers them.
 */
function guardedBackground({mode = 'rewrite'} = {}) {
  const seen = [];
  const answer = (message) => {
    const checked = checkMessage(message, sender, self);
    if (!checked.ok) return {ok: false, error: checked.error};
    const m = checked.message;
    if (m.type === 'content:open') return {ok: true, opened: true};
    seen.push(m.hrefs.length);
    return {
      ok: true,
      active: true,
      mode,
      hub: 'hub.example.edu',
      results: m.hrefs.map((h, i) => (i in m.refused ? {status: 'invalid', output: null, reason: m.refused[i], warnings: []} : {status: 'rewritten', output: mode === 'private' ? null : `${HUB}hub/user-redirect/git-pull?n=${encodeURIComponent(h.slice(-12))}`, reason: null, warnings: []})),
    };
  };
  return {answer, seen};
}

const launch = (i) => `https://mybinder.org/v2/gh/org/book-${i}/main?urlpath=lab`;

test('one href over the length limit among 1,500 launch links: only it is left alone, every other link is rewritten', async () => {
  const long = `https://mybinder.org/v2/gh/org/long/main?urlpath=lab/tree/${'x'.repeat(MAX_HREF)}`;
  assert.ok(long.length > MAX_HREF + 1);
  const links = Array.from({length: 1500}, (_, i) => `<a class="l" href="${launch(i)}">${i}</a>`);
  links.splice(700, 0, `<a id="long" href="${long}">long</a>`);
  const w = pageWindow(`<!doctype html><body>${links.join('')}</body>`, PAGE);
  const bg = guardedBackground();
  runContentScript(w, bg.answer);
  const list = await settle(w);
  const rewritten = [...w.document.querySelectorAll('a.l')].filter((a) => a.getAttribute('href').startsWith(HUB)).length;
  assert.equal(rewritten, 1500, 'every ordinary launch link rewritten');
  assert.equal(w.document.getElementById('long').getAttribute('href'), long, 'the long link untouched');
  assert.ok(bg.seen.every((n) => n <= MAX_BATCH), `batches of at most ${MAX_BATCH}: ${bg.seen}`);
  const item = list.links.find((l) => l.href === long);
  assert.equal(item.status, 'invalid');
  assert.match(item.reason, /longer than 8192/);
});

test('the message guard refuses a bad href on its own, never the batch', () => {
  const r = checkMessage({type: 'content:rewrite', hrefs: [launch(1), 'x'.repeat(MAX_HREF + 1), 42, launch(2)]}, sender, self);
  assert.equal(r.ok, true);
  assert.deepEqual(r.message.hrefs, [launch(1), '', '', launch(2)]);
  assert.deepEqual(Object.keys(r.message.refused), ['1', '2']);
  assert.match(r.message.refused[1], /^link of 8193 characters: longer than 8192, not read$/);
  assert.equal(r.message.refused[2], 'not a link: number');
});

test('a failed batch is logged and the next batch still goes', async () => {
  const links = Array.from({length: MAX_BATCH + 10}, (_, i) => `<a class="l" href="${launch(i)}">${i}</a>`).join('');
  const w = pageWindow(`<!doctype html><body>${links}</body>`, PAGE);
  const errors = [];
  w.console.error = (...args) => errors.push(args.join(' '));
  const bg = guardedBackground();
  let calls = 0;
  runContentScript(w, (m) => {
    calls++;
    if (calls === 1) throw new Error('Could not establish connection. Receiving end does not exist.');
    if (calls === 2) return {ok: true, active: true, mode: 'rewrite', hub: 'h', results: []}; // a reply that answers nothing
    return bg.answer(m);
  });
  await settle(w);
  assert.equal(calls, 2, 'both batches asked');
  assert.equal(errors.length, 2, `each failed batch logged: ${errors.join('\n')}`);
  assert.match(errors[0], /batch of 1000 launch links/);
  // Later links still go.
  w.document.body.insertAdjacentHTML('beforeend', `<a id="late" href="${launch('late')}">late</a>`);
  await idle();
  await settle(w);
  assert.ok(w.document.getElementById('late').getAttribute('href').startsWith(HUB));
});

test('elements named like the content script\'s globals do not switch it off', async () => {
  const named = ['byobContent', 'byobLaunchLinks', 'byobMyst', 'browser', 'navigation'].map((id) => `<a id="${id}" href="#">${id}</a>`).join('');
  const w = pageWindow(`<!doctype html><body>${named}<form id="Navigation"></form><a id="l" href="${launch(1)}">x</a></body>`, PAGE);
  assert.equal(w.eval('typeof globalThis.byobContent'), 'object', 'the page does leak its element ids as globals here');
  const bg = guardedBackground();
  runContentScript(w, bg.answer);
  await settle(w);
  assert.ok(w.document.getElementById('l').getAttribute('href').startsWith(HUB), 'the page\'s launch link rewritten');
  // Injected again (the toolbar button): still one instance, which rescans.
  const first = w[CONTENT];
  runContentScript(w, bg.answer);
  assert.equal(w[CONTENT], first);
});

test('MyST page paths, base URLs and page URLs built of 64k slashes or question marks are read in linear time', () => {
  const w = pageWindow('<!doctype html><body></body>', PAGE);
  const m = w[Symbol.for('byob.myst')];
  const slashes = '/'.repeat(65536);
  const cases = [
    ['normalPath', () => m.normalPath(`${slashes}x`)],
    ['pageKey', () => m.pageKey(`/a${slashes}x`, '')],
    ['baseFor (BASE_URL)', () => m.baseFor({pathname: '/a/b', baseUrl: `${slashes}x`, url: '/b'})],
    ['baseFor (url)', () => m.baseFor({pathname: '/a/b', url: `/b${'?'.repeat(65536)}\n`})],
    ['siteFromContext', () => m.siteFromContext({url: `/b${'#'.repeat(65536)}\n`, state: {loaderData: {root: {BASE_URL: `${slashes}x`}, 'routes/$': {page: {slug: 'b'}}}}}, `/a${slashes}b`)],
    ['fileName', () => m.fileName(`/a${slashes}x${slashes}`)],
  ];
  for (const [what, run] of cases) {
    const t0 = performance.now();
    run();
    const ms = performance.now() - t0;
    assert.ok(ms < 100, `${what} took ${ms.toFixed(0)} ms`);
  }
  assert.equal(m.normalPath('/a/b///'), '/a/b');
  assert.equal(m.pageKey('//a/b//', ''), 'a/b');
});

test('private mode: the MyST button carries no URL, so a page that stops clicks at window capture opens nothing', async () => {
  const w = pageWindow(fixture('jb2-mystmd-1.7-cookbook-template/notebooks/notebook-template/index.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template');
  w.fetch = async () => ({ok: false, status: 404, body: null});
  const sent = [];
  const mystLink = 'https://evil.example.org/v2/gh/projectpythia/cookbook-template/HEAD?urlpath=lab';
  runContentScript(w, (m) => {
    sent.push(JSON.parse(JSON.stringify(m)));
    if (m.type === 'content:myst') return {ok: true, active: true, mode: 'private', hub: null, link: mystLink, result: {status: 'rewritten', output: null, reason: null, warnings: []}, prefill: null};
    if (m.type === 'content:open') return {ok: true, opened: true};
    return {ok: true, active: true, mode: 'private', hub: null, results: m.hrefs.map(() => ({status: 'none', output: null, reason: 'x', warnings: []}))};
  });
  await settle(w);
  await idle();
  const hosts = [...w.document.querySelectorAll('*')].filter((e) => e.shadowRoot);
  const button = hosts.map((h) => h.shadowRoot.querySelector('.byob-myst-launch')).find(Boolean);
  assert.ok(button, 'our control is there');
  assert.equal(button.localName, 'button');
  assert.equal(button.hasAttribute('href'), false, 'no URL the page chose');
  assert.ok(!button.outerHTML.includes('evil.example.org'), button.outerHTML);
  // A click the page lets through goes to the background, with our own copy of the link.
  button.click();
  assert.deepEqual(sent.at(-1), {type: 'content:open', href: mystLink, newTab: true});
  // A page that stops every click at window capture: the click never reaches us, and the
  // control has no default action that could open anything.
  const count = sent.length;
  w.addEventListener('click', (e) => e.stopImmediatePropagation(), true);
  const click = new w.MouseEvent('click', {bubbles: true, composed: true, cancelable: true, button: 0});
  button.dispatchEvent(click);
  assert.equal(sent.length, count, 'nothing sent');
  assert.equal(button.getAttribute('href'), null);
});

test('a link whose href changes on every frame is let go after a few changes', async () => {
  const w = pageWindow(`<!doctype html><body><a id="l" href="${launch(0)}">x</a></body>`, PAGE);
  const bg = guardedBackground();
  runContentScript(w, bg.answer);
  await settle(w);
  const link = w.document.getElementById('l');
  for (let i = 1; i <= 40; i++) {
    link.setAttribute('href', launch(`frame-${i}`));
    await idle(40);
  }
  await settle(w);
  const asked = bg.seen.reduce((a, b) => a + b, 0);
  assert.ok(asked <= 12, `hrefs sent for one churning link: ${asked}`);
});

test('the content script\'s copies of the message limits are the background\'s', () => {
  const source = fs.readFileSync(path.join(root, 'extension', 'content', 'session.js'), 'utf8');
  assert.equal(Number(/const MAX_BATCH = (\d+);/.exec(source)?.[1]), MAX_BATCH);
  assert.equal(Number(/const MAX_HREF = (\d+);/.exec(source)?.[1]), MAX_HREF);
});
