// Performing probes (extension/probe-runner.js) against a real HTTP server on 127.0.0.1:
// parallel, timeout, size cap, redirects reported, failures as status 0.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {extensionModules} from './ext-modules.mjs';
import {answersWithoutCors, errorKind, originPattern, performProbe, performProbes, watchNetworkErrors} from '../../extension/probe-runner.js';

let server;
let base;
before(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const delay = Number(url.searchParams.get('delay') ?? 0);
    setTimeout(() => {
      if (url.pathname === '/hub/api/') {
        res.writeHead(200, {'content-type': 'application/json', 'x-jupyterhub-version': '5.2.1'});
        res.end('{"version": "5.2.1"}');
      } else if (url.pathname === '/versions') {
        res.writeHead(302, {location: '/hub/versions'});
        res.end();
      } else if (url.pathname === '/loop') {
        res.writeHead(302, {location: '/loop'});
        res.end();
      } else if (url.pathname === '/error') {
        res.writeHead(500, {'content-type': 'text/plain'});
        res.end('oops');
      } else if (url.pathname === '/big') {
        res.writeHead(200, {'content-type': 'text/html'});
        res.end('x'.repeat(1024 * 1024));
      } else {
        res.writeHead(404, {'content-type': 'text/plain'});
        res.end('not found');
      }
    }, delay);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
});
after(() => server.close());

test('probes run in parallel and come back in plan order', async () => {
  const plan = {probes: ['a', 'b', 'c', 'd'].map((id) => ({id, url: `${base}hub/api/?delay=300&${id}`}))};
  const t0 = Date.now();
  const res = await performProbes(plan);
  const ms = Date.now() - t0;
  assert.deepEqual(res.map((r) => r.id), ['a', 'b', 'c', 'd']);
  assert.ok(ms < 900, `4 probes of 300 ms took ${ms} ms: not parallel`);
  assert.equal(res[0].status, 200);
  assert.equal(res[0].body, '{"version": "5.2.1"}');
  assert.equal(res[0].headers['x-jupyterhub-version'], '5.2.1');
  assert.equal(res[0].error, null);
  assert.equal(res[0].corsChecked, false, 'a same-realm fetch in Node is not a CORS read');
});

test('redirects are followed and reported with the final URL', async () => {
  const [r] = await performProbes({probes: [{id: 'v', url: `${base}versions`}]});
  assert.equal(r.status, 404);
  assert.equal(r.redirected, true);
  assert.equal(r.url, `${base}hub/versions`);
});

test('a slow server times out with a message; bodies are capped', async () => {
  // The plan carries the core's timeout and body cap.
  const [slow, big] = await performProbes({probes: [{id: 's', url: `${base}hub/api/?delay=2000`}, {id: 'b', url: `${base}big`}], timeoutMs: 300, maxBody: 1000});
  assert.equal(slow.status, 0);
  assert.match(slow.error, /no answer within 300 ms/);
  assert.equal(big.status, 200);
  assert.equal(big.body.length, 1000);
});

test('nothing listening: status 0 and an error; answersWithoutCors tells up from down', async () => {
  const down = 'http://127.0.0.1:9/';
  const [r] = await performProbes({probes: [{id: 'x', url: down}]});
  assert.equal(r.status, 0);
  assert.match(r.error, /^no answer \(the address is wrong, the host is down, or it refuses connections\)$/);
  assert.equal(await answersWithoutCors(down, {timeoutMs: 1000}), false);
  assert.equal(await answersWithoutCors(base, {timeoutMs: 1000}), true);
});

test('permission patterns carry no port', () => {
  assert.equal(originPattern('http://127.0.0.1:18001/'), 'http://127.0.0.1/*');
  assert.equal(originPattern('https://hub.example.edu/jupyter/'), 'https://hub.example.edu/*');
});

// ---- Telling failures apart (issue 9): the options page must not call a TLS error or a redirect loop "host is down".

/** A fetch that fails as the browser's fetch fails: a bare TypeError, whatever the cause. */
const failingFetch = async () => {
  throw new TypeError('Failed to fetch');
};

test('a TLS certificate error is told from a host that is down (the browser\'s error code, from webRequest)', async () => {
  for (const [code, kind, text] of [
    ['net::ERR_CERT_AUTHORITY_INVALID', 'tls', /^its HTTPS certificate is not trusted by this browser \(net::ERR_CERT_AUTHORITY_INVALID\)$/],
    ['SEC_ERROR_UNKNOWN_ISSUER', 'tls', /certificate is not trusted/],
    ['MOZILLA_PKIX_ERROR_SELF_SIGNED_CERT', 'tls', /certificate is not trusted/],
    ['The certificate is not trusted because it is self-signed.', 'tls', /certificate is not trusted by this browser \(The certificate is not trusted because it is self-signed\.\)/], // Firefox 153's webRequest error
    ['net::ERR_CONNECTION_REFUSED', 'refused', /^connection refused \(net::ERR_CONNECTION_REFUSED\)$/],
    ['NS_ERROR_CONNECTION_REFUSED', 'refused', /^connection refused/],
    ['net::ERR_NAME_NOT_RESOLVED', 'dns', /^host name not found/],
    ['NS_ERROR_UNKNOWN_HOST', 'dns', /^host name not found/],
    ['net::ERR_TOO_MANY_REDIRECTS', 'redirects', /^a redirect loop \(net::ERR_TOO_MANY_REDIRECTS\)$/],
    ['NS_ERROR_REDIRECT_LOOP', 'redirects', /a redirect loop/],
    ['net::ERR_CONNECTION_TIMED_OUT', 'connect-timeout', /^no connection \(net::ERR_CONNECTION_TIMED_OUT\)$/],
    ['net::ERR_TIMED_OUT', 'timeout', /^no answer within 5000 ms/],
    ['net::ERR_EMPTY_RESPONSE', 'closed', /^closed without an answer/],
    ['NS_ERROR_NET_RESET', 'closed', /^closed without an answer/],
    ['net::ERR_INCOMPLETE_CHUNKED_ENCODING', 'incomplete', /cut off/],
    ['net::ERR_INVALID_HTTP_RESPONSE', 'bad-response', /^not an HTTP answer/],
    ['net::ERR_ADDRESS_UNREACHABLE', 'unreachable', /^no route to the host/],
    ['net::ERR_SOMETHING_NEW', 'network', /^no answer \(net::ERR_SOMETHING_NEW\)$/],
  ]) {
    assert.equal(errorKind(code), kind, code);
    const r = await performProbe({id: 'x', url: 'https://hub.example.edu/hub/api/'}, {fetch: failingFetch, networkError: async () => code});
    assert.equal(r.status, 0);
    assert.equal(r.errorKind, kind, code);
    assert.match(r.error, text, code);
  }
});

test('a redirect loop is told from a host that is down, without webRequest (asked again without following)', async () => {
  const [r] = await performProbes({probes: [{id: 'loop', url: `${base}loop`}]});
  assert.equal(r.status, 0);
  assert.equal(r.errorKind, 'redirects');
  assert.match(r.error, /redirects never reach a page/);
});

test('webRequest errors are matched to the probe across redirects, only while watching', async () => {
  const listeners = {before: new Set(), error: new Set()};
  const event = (set) => ({addListener: (fn, filter) => set.add({fn, filter}), removeListener: (fn) => set.forEach((l) => l.fn === fn && set.delete(l))});
  const webRequest = {onBeforeRequest: event(listeners.before), onErrorOccurred: event(listeners.error)};
  const probe = 'https://hub.example.edu/versions';
  const watch = watchNetworkErrors(webRequest, [probe, 'https://hub.example.edu/hub/api/']);
  assert.deepEqual([...listeners.error][0].filter, {urls: ['https://hub.example.edu/*']});
  listeners.before.forEach((l) => l.fn({requestId: '7', url: probe}));
  listeners.before.forEach((l) => l.fn({requestId: '7', url: 'https://hub.example.edu/elsewhere'})); // a redirect hop: same request
  listeners.error.forEach((l) => l.fn({requestId: '7', url: 'https://hub.example.edu/elsewhere', error: 'net::ERR_TOO_MANY_REDIRECTS'}));
  assert.equal(await watch.networkError(probe), 'net::ERR_TOO_MANY_REDIRECTS');
  assert.equal(await watch.networkError('https://hub.example.edu/hub/api/'), null);
  watch.stop();
  assert.equal(listeners.before.size + listeners.error.size, 0, 'listeners removed');
  assert.equal(await watchNetworkErrors(undefined, [probe]).networkError(probe), null, 'no webRequest: nothing known');
});


// ---- The same sentence as the CLI (issue 10): the runner's errorKind, the core's words. ----
// Each sentence is the one `byob detect` prints for such a hub (tests/cli.rs,
// tests/servers/test_faults.py pin them); here the probes are performed by this runner and read
// by the real core (Wasm), as the options page gets them.

/** A server that accepts connections and never answers, or sends headers and then stalls. */
async function stalling(headersFirst) {
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    if (headersFirst) socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"ver');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {url: `http://127.0.0.1:${server.address().port}/`, close: () => (sockets.forEach((s) => s.destroy()), server.close())};
}

/** What the core says after this runner performed the plan for `url` (deadline 1 s). */
async function sentence(url, options = {}) {
  const core = await coreModule();
  const plan = {...(await core.probePlan(url)), timeoutMs: 1000};
  const detection = await core.classify(plan, await performProbes(plan, options));
  assert.equal(detection.kind, 'unknown');
  return detection.message;
}

/** @type {Promise<any> | null} */
let loaded = null;
const coreModule = () => (loaded ??= extensionModules().then((load) => load('core.js')));

test('an unreachable hub is the same sentence as in the CLI: refused, silent, still answering, redirect loop, server errors', async () => {
  const closed = net.createServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  // What webRequest.onErrorOccurred reports in Chromium for a refused connection (the e2e tier sees it in both browsers).
  assert.equal(await sentence(`http://127.0.0.1:${port}/`, {networkError: async () => 'net::ERR_CONNECTION_REFUSED'}), `could not reach http://127.0.0.1:${port}/: connection refused (nothing listens at 127.0.0.1:${port})`);
  // A server that closes every connection unanswered: Chromium's code for it.
  const hangUp = net.createServer((socket) => socket.destroy());
  await new Promise((r) => hangUp.listen(0, '127.0.0.1', r));
  const hungUp = `http://127.0.0.1:${hangUp.address().port}/`;
  try {
    assert.equal(await sentence(hungUp, {networkError: async () => 'net::ERR_EMPTY_RESPONSE'}), `${hungUp} closed the connection without an answer`);
  } finally {
    hangUp.close();
  }
  const silent = await stalling(false);
  try {
    // fetch cannot tell a silent server from one that never accepts: the sentence says so.
    assert.equal(await sentence(silent.url), `could not reach ${silent.url}: no answer within 1 s (the host is down, drops connections, or never answers)`);
  } finally {
    silent.close();
  }
  const slowBody = await stalling(true);
  try {
    assert.equal(await sentence(slowBody.url), `${slowBody.url} started to answer, but the answer was still arriving after 1 s`);
  } finally {
    slowBody.close();
  }
  const loop = await answering((req, res) => {
    res.writeHead(302, {location: req.url});
    res.end();
  });
  try {
    assert.equal(await sentence(loop.url), `${loop.url} never stops redirecting: the redirects never reach a page (a loop, too many, or a target that does not answer)`);
  } finally {
    loop.close();
  }
  const errors = await answering((req, res) => {
    res.writeHead(500, {'content-type': 'text/plain'});
    res.end('oops');
  });
  try {
    assert.match(await sentence(errors.url), new RegExp(`^${errors.url} answered every request with a server error \\(500 ${errors.url}`));
  } finally {
    errors.close();
  }
});

/** An HTTP server on 127.0.0.1 answering every request with `handler`. @param {http.RequestListener} handler */
async function answering(handler) {
  const server = http.createServer(handler);
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close()};
}
