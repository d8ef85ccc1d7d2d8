// The message protocol's guards (extension/protocol.js): sender first, then shape.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {MAX_BATCH, checkMessage, isSiteDisabled, senderKind} from '../../extension/protocol.js';

const self = {id: 'abcdefghijklmnop', origin: 'chrome-extension://abcdefghijklmnop'};
const fxSelf = {id: 'byob@byob.dev', origin: 'moz-extension://11111111-2222-3333-4444-555555555555'};
const content = {id: self.id, url: 'https://book.example.org/page.html', tab: {id: 7, url: 'https://book.example.org/page.html'}, frameId: 0};
const page = {id: self.id, url: 'chrome-extension://abcdefghijklmnop/options/options.html', tab: {id: 3}};
const popup = {id: self.id, url: 'chrome-extension://abcdefghijklmnop/popup/popup.html'};

test('content:rewrite is accepted from a content script, with the hrefs as sent', () => {
  const r = checkMessage({type: 'content:rewrite', hrefs: ['https://mybinder.org/v2/gh/o/r/HEAD']}, content, self);
  assert.deepEqual(r, {ok: true, kind: 'content', message: {type: 'content:rewrite', hrefs: ['https://mybinder.org/v2/gh/o/r/HEAD'], refused: {}}});
});

test('content:rewrite shape errors', () => {
  const cases = [
    [{type: 'content:rewrite'}, /hrefs: string\[\]/],
    [{type: 'content:rewrite', hrefs: 'https://x'}, /hrefs: string\[\]/],
    [{type: 'content:rewrite', hrefs: []}, /1 to 1000 hrefs, got 0/],
    [{type: 'content:rewrite', hrefs: Array(MAX_BATCH + 1).fill('https://x/')}, /got 1001/],
  ];
  for (const [message, error] of cases) {
    const r = checkMessage(message, content, self);
    assert.equal(r.ok, false, JSON.stringify(message).slice(0, 80));
    assert.match(r.error, error);
  }
});

test('content:open needs an http(s) href and an optional boolean newTab', () => {
  assert.deepEqual(checkMessage({type: 'content:open', href: 'https://mybinder.org/v2/gh/o/r/HEAD'}, content, self).message, {type: 'content:open', href: 'https://mybinder.org/v2/gh/o/r/HEAD', newTab: false});
  assert.equal(checkMessage({type: 'content:open', href: 'https://x/', newTab: true}, content, self).message.newTab, true);
  for (const bad of [{href: 'javascript:alert(1)'}, {href: 'file:///etc/passwd'}, {href: 5}, {href: 'https://x/', newTab: 'yes'}]) {
    assert.equal(checkMessage({type: 'content:open', ...bad}, content, self).ok, false, JSON.stringify(bad));
  }
});

test('page messages come only from extension pages; content messages only from content scripts', () => {
  assert.equal(checkMessage({type: 'page:detect', input: ' hub.example.edu '}, page, self).message.input, 'hub.example.edu');
  assert.equal(checkMessage({type: 'page:detect', input: 'hub.example.edu'}, popup, self).ok, true);
  assert.equal(checkMessage({type: 'page:sync-access'}, page, self).ok, true);
  assert.deepEqual(checkMessage({type: 'page:health'}, page, self).message, {type: 'page:health', check: false, all: false});
  assert.deepEqual(checkMessage({type: 'page:health', check: true, all: true}, page, self).message, {type: 'page:health', check: true, all: true});
  assert.match(checkMessage({type: 'page:health', check: true, all: 'yes'}, page, self).error, /all must be a boolean/);
  // A web page's content script asking the background to fetch a URL: refused.
  const r = checkMessage({type: 'page:detect', input: 'http://intranet.example/'}, content, self);
  assert.equal(r.ok, false);
  assert.match(r.error, /must come from an extension page/);
  // An extension page pretending to be a content script: refused.
  assert.match(checkMessage({type: 'content:rewrite', hrefs: ['https://x/']}, page, self).error, /must come from a content script/);
});

test('other senders and shapes are refused', () => {
  const cases = [
    [{type: 'page:detect', input: 'x'}, {...page, id: 'someone-else'}, /not this extension/],
    [{type: 'page:detect', input: 'x'}, undefined, /not this extension/],
    [null, page, /not an object/],
    [['page:detect'], page, /not an object/],
    [{input: 'x'}, page, /no type/],
    [{type: 'page:unknown'}, page, /unknown message type/],
    [{type: 'background:refresh'}, page, /unknown message type/],
    [{type: 'page:detect', input: ''}, page, /non-empty input/],
    [{type: 'page:detect', input: 'x'.repeat(5000)}, page, /non-empty input/],
    // a content script in a non-web frame (about:blank, data:) is not a web page
    [{type: 'content:rewrite', hrefs: ['https://x/']}, {...content, url: 'data:text/html,hi'}, /content script in a web page/],
    // no tab: not a content script
    [{type: 'content:rewrite', hrefs: ['https://x/']}, {id: self.id, url: 'https://book.example.org/'}, /content script in a web page/],
  ];
  for (const [message, sender, error] of cases) {
    const r = checkMessage(message, /** @type {any} */ (sender), self);
    assert.equal(r.ok, false, JSON.stringify(message)?.slice(0, 60));
    assert.match(r.error, error);
  }
});

test('Firefox moz-extension pages are recognised by prefix', () => {
  assert.equal(senderKind({url: fxSelf.origin + '/options/options.html'}, fxSelf.origin), 'page');
  assert.equal(senderKind({url: 'moz-extension://99999999-2222-3333-4444-555555555555/options/options.html'}, fxSelf.origin), 'other');
  assert.equal(checkMessage({type: 'page:detect', input: 'hub'}, {id: fxSelf.id, url: fxSelf.origin + '/popup/popup.html'}, fxSelf).ok, true);
});

test('sites turned off match the host and its subdomains only', () => {
  const off = ['example.org', 'Book.Example.COM.'];
  assert.equal(isSiteDisabled('example.org', off), true);
  assert.equal(isSiteDisabled('www.example.org', off), true);
  assert.equal(isSiteDisabled('book.example.com', off), true);
  assert.equal(isSiteDisabled('notexample.org', off), false);
  assert.equal(isSiteDisabled('example.org.evil.net', off), false);
  assert.equal(isSiteDisabled('', off), false);
  assert.equal(isSiteDisabled('example.org', []), false);
});

test('content:myst carries a Binder config of strings and a location', () => {
  const good = checkMessage({type: 'content:myst', binder: {url: 'https://mybinder.org/', provider: 'github', repo: 'o/r', ref: 'HEAD', extra: 1}, location: '/x.ipynb'}, content, self);
  assert.deepEqual(good.message, {type: 'content:myst', binder: {url: 'https://mybinder.org/', provider: 'github', repo: 'o/r', ref: 'HEAD'}, location: '/x.ipynb'});
  assert.equal(checkMessage({type: 'content:myst', binder: {repo: 'o/r'}}, content, self).message.location, null);
  for (const bad of [{binder: null}, {binder: {repo: ''}}, {binder: {repo: 'o/r', url: 5}}, {binder: {repo: 'o/r'}, location: 7}]) {
    assert.equal(checkMessage({type: 'content:myst', ...bad}, content, self).ok, false, JSON.stringify(bad));
  }
  assert.equal(checkMessage({type: 'content:myst', binder: {repo: 'o/r'}}, page, self).ok, false);
});
