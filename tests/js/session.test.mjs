// The content script's session (extension/content/session.js) and its features, in jsdom:
// the first batch goes at once, each batch is applied as it is answered, tooltips are written
// when first needed, settings changes start every feature afresh, one feature failing never
// stops another, and the link finder's selector prefilter.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {pageWindow, runContentScript} from './dom.mjs';

const HUB = 'https://hub.example.edu/';
const PAGE = 'https://book.example.org/intro.html';
const CONTENT = Symbol.for('byob.content');
const launch = (i) => `https://mybinder.org/v2/gh/org/book-${i}/main?urlpath=lab`;
const converted = (h) => `${HUB}hub/user-redirect/git-pull?from=${encodeURIComponent(h)}`;

/** Answers `content:rewrite` as `mode` says; `hold(message)` may return a promise the answer waits for. */
function background({mode = () => 'rewrite', hold = () => null} = {}) {
  return async (/** @type {any} */ m) => {
    if (m.type !== 'content:rewrite') return {ok: true, opened: true};
    await hold(m);
    const private_ = mode() === 'private';
    return {ok: true, active: true, mode: mode(), hub: 'hub.example.edu', results: m.hrefs.map((h) => ({status: 'rewritten', output: private_ ? null : converted(h), reason: null, warnings: []}))};
  };
}

const links = (n) => Array.from({length: n}, (_, i) => `<a class="l" href="${launch(i)}">${i}</a>`).join('');

test('the first batch is sent as the script starts, with no settle delay', () => {
  const w = pageWindow(`<!doctype html><body>${links(3)}</body>`, PAGE);
  const {sent} = runContentScript(w, background());
  // Synchronously: no timer has run yet.
  assert.equal(sent.length, 1);
  assert.equal(sent[0].hrefs.length, 3);
});

test('each batch is applied as it is answered, not when the last one is', async () => {
  const w = pageWindow(`<!doctype html><body>${links(1500)}</body>`, PAGE);
  /** @type {(v?: unknown) => void} */
  let release = () => {};
  const second = new Promise((r) => (release = r));
  const {sent} = runContentScript(w, background({hold: (m) => (m.hrefs.includes(launch(1200)) ? second : null)}));
  assert.equal(sent.length, 2, 'both batches sent at once');
  await new Promise((r) => setTimeout(r, 20));
  const rewritten = () => [...w.document.querySelectorAll('a.l')].filter((a) => a.getAttribute('href').startsWith(HUB)).length;
  assert.equal(rewritten(), 1000, 'the first batch is applied while the second is unanswered');
  release();
  await w[CONTENT].settled();
  assert.equal(rewritten(), 1500);
});

test('a tooltip is written on first hover or focus, and restored with Bootstrap\'s copy on refresh', async () => {
  const w = pageWindow(`<!doctype html><body><a id="l" href="${launch(1)}" data-bs-original-title="Launch on Binder" title="">x</a></body>`, PAGE);
  const {deliver} = runContentScript(w, background());
  await w[CONTENT].settled();
  const a = w.document.getElementById('l');
  assert.equal(a.getAttribute('title'), '', 'not written up front');
  a.append(w.document.createElement('img'));
  a.firstElementChild.dispatchEvent(new w.MouseEvent('mouseover', {bubbles: true})); // over the badge image inside it
  assert.match(a.getAttribute('title'), /^titleRewritten\|hub\.example\.edu\|https:\/\/mybinder\.org\/v2\/gh\/org\/book-1\/main\?urlpath=lab\ntitleAltClick$/);
  assert.equal(a.getAttribute('data-bs-original-title'), a.getAttribute('title'), 'Bootstrap\'s tooltip shows the same');
  deliver({type: 'background:refresh'});
  await w[CONTENT].settled();
  // Rewritten again under the new settings; its own titles are back until the next hover.
  assert.ok(a.getAttribute('href').startsWith(HUB));
  assert.deepEqual([a.getAttribute('title'), a.getAttribute('data-bs-original-title')], ['', 'Launch on Binder']);
});

test('from private mode back to rewrite mode, the links of an open page are rewritten', async () => {
  const w = pageWindow(`<!doctype html><body>${links(2)}</body>`, PAGE);
  let mode = 'private';
  const {deliver} = runContentScript(w, background({mode: () => mode}));
  await w[CONTENT].settled();
  assert.deepEqual([...w.document.querySelectorAll('a.l')].map((a) => a.getAttribute('href')), [launch(0), launch(1)], 'private: untouched');
  mode = 'rewrite';
  deliver({type: 'background:refresh'});
  await w[CONTENT].settled();
  assert.deepEqual([...w.document.querySelectorAll('a.l')].map((a) => a.getAttribute('href')), [converted(launch(0)), converted(launch(1))]);
});

test('a feature that fails is logged; the others still work', async () => {
  const w = pageWindow(`<!doctype html><body>${links(2)}</body>`, PAGE);
  const errors = [];
  w.console.error = (...args) => errors.push(args.map(String).join(' '));
  runContentScript(w, background(), {
    beforeStart: (session) => {
      const fail = () => {
        throw new Error('broken');
      };
      session.register({name: 'broken', start: fail, stop: fail, restore: fail, entries: fail});
    },
  });
  const list = await w[CONTENT].settled();
  assert.equal(list.links.length, 2, 'the links feature still lists its links');
  assert.ok([...w.document.querySelectorAll('a.l')].every((a) => a.getAttribute('href').startsWith(HUB)));
  assert.deepEqual(errors.map((e) => e.split(' Error')[0]), ['byob: broken: start failed', 'byob: broken: entries failed']);
});

test('the link finder\'s selector prefilter picks what its regex would, case-sensitively but for Colab\'s host', () => {
  const hrefs = [
    'https://mybinder.org/v2/gh/o/r/HEAD',
    'https://hub.example.edu/hub/user-redirect/git-pull?repo=x',
    'https://COLAB.research.google.com/github/o/r/blob/main/x.ipynb',
    'https://mybinder.org/repo/o/r',
    'https://hub.example.edu/interact?repo=x',
    'https://hub.example.edu/hub/lti/launch?next=x',
    'https://mybinder.org/V2/gh/o/r/HEAD', // no such BinderHub route: not a launch link
    'https://example.org/repo/only-one',
    'https://colab.research.google.com/drive/1abc',
    'https://example.org/page',
  ];
  const w = pageWindow(`<!doctype html><body>${hrefs.map((h) => `<a href="${h}">x</a>`).join('')}</body>`, PAGE);
  const finder = w[Symbol.for('byob.launchLinks')];
  const picked = [...w.document.querySelectorAll(finder.CANDIDATE_LINKS)].map((a) => a.getAttribute('href'));
  assert.deepEqual(picked, [...hrefs.slice(0, 6), 'https://example.org/repo/only-one', 'https://colab.research.google.com/drive/1abc']);
  assert.deepEqual(
    Array.from(finder.findCandidates(w.document), (c) => c.href),
    hrefs.slice(0, 6).map((h) => new URL(h).href),
  );
});
