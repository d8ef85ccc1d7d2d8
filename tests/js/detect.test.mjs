// Performing probes (extension/detect.js) against a real HTTP server on 127.0.0.1:
// parallel, timeout, size cap, redirects reported, failures as status 0.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {answersWithoutCors, describeFailure, errorKind, originPattern, performProbe, performProbes, watchNetworkErrors} from '../../extension/detect.js';

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
    ['net::ERR_CONNECTION_REFUSED', 'refused', /^connection refused: nothing answers at that address and port/],
    ['NS_ERROR_CONNECTION_REFUSED', 'refused', /connection refused/],
    ['net::ERR_NAME_NOT_RESOLVED', 'dns', /^no such host/],
    ['NS_ERROR_UNKNOWN_HOST', 'dns', /^no such host/],
    ['net::ERR_TOO_MANY_REDIRECTS', 'redirects', /^too many redirects: it redirects in a loop/],
    ['NS_ERROR_REDIRECT_LOOP', 'redirects', /redirects in a loop/],
    ['net::ERR_CONNECTION_TIMED_OUT', 'timeout', /^no answer within 5000 ms/],
    ['net::ERR_EMPTY_RESPONSE', 'reset', /closed without an answer/],
    ['net::ERR_ADDRESS_UNREACHABLE', 'unreachable', /cannot be reached/],
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

test('a timeout, an HTTP error status and "not a hub" each get their own message', async () => {
  const [slow] = await performProbes({probes: [{id: 's', url: `${base}hub/api/?delay=1000`}], timeoutMs: 200});
  assert.equal(slow.errorKind, 'timeout');
  const detection = {url: base, message: `${base} answered, but not as a BinderHub, JupyterHub or Jupyter Server (404 …)`};
  assert.deepEqual(describeFailure([slow, {...slow, errorKind: 'network', error: 'no answer'}], detection), {kind: 'timeout', message: `could not reach ${base}: no answer within 200 ms (the host is slow, or drops the connection)`});
  const errors = await performProbes({probes: [{id: 'a', url: `${base}error`}, {id: 'b', url: `${base}error?b`}]});
  assert.deepEqual(describeFailure(errors, detection), {kind: 'http', message: 'the server answered with an error (HTTP 500) to every request: it may be down or misconfigured'});
  const answers = await performProbes({probes: [{id: 'a', url: `${base}nothing`}, {id: 'b', url: `${base}error`}]});
  assert.deepEqual(describeFailure(answers, detection), {kind: 'not-a-hub', message: detection.message});
  const tls = {...slow, errorKind: 'tls', error: 'its HTTPS certificate is not trusted by this browser (net::ERR_CERT_DATE_INVALID)'};
  assert.equal(describeFailure([{...slow, errorKind: 'network'}, tls], detection).kind, 'tls', 'the telling failure wins over a bare one');
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

