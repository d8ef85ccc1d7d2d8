// Performing probes (extension/detect.js) against a real HTTP server on 127.0.0.1:
// parallel, timeout, size cap, redirects reported, failures as status 0.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import {answersWithoutCors, originPattern, performProbes} from '../../extension/detect.js';

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
