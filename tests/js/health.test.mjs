// Hub health (issue 12 part 1): extension/health.js performs the core's check plan against small
// hubs on 127.0.0.1 (a JupyterHub's hub/api/, a BinderHub's health, Jupyter Servers' git-pull, a
// closed port), the real core reads the answers, and what it finds is kept in storage.session.
// Checks are not repeated while fresh, and two asked at once make one request per hub.
import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import {extensionModules, fakeSync} from './ext-modules.mjs';

/** What jupyter_server sends with every page of its own (hub health reads a 404 as its own by it). */
const JUPYTER = {'content-security-policy': "frame-ancestors 'self'; report-uri /lab/api/security/csp-report"};

/** Requests each path got. @type {Map<string, number>} */
const seen = new Map();
let binderOk = true;
let server;
let base;
let closed;
let health;
let session;

before(async () => {
  server = http.createServer((req, res) => {
    seen.set(req.url, (seen.get(req.url) ?? 0) + 1);
    if (req.url === '/hub/hub/api/') {
      res.writeHead(200, {'content-type': 'application/json', 'x-jupyterhub-version': '5.2.1'});
      res.end('{"version": "5.2.1"}');
    } else if (req.url === '/binder/health') {
      res.writeHead(binderOk ? 200 : 503, {'content-type': 'application/json'});
      res.end(JSON.stringify({ok: binderOk, checks: [{service: 'Docker registry', ok: true}, {service: 'JupyterHub API', ok: binderOk}]}));
    } else if (req.url === '/lab/git-pull') {
      // jupyter_server with nbgitpuller, logged out: to the login page.
      res.writeHead(302, {location: '/lab/login?next=%2Flab%2Fgit-pull', ...JUPYTER});
      res.end();
    } else if (req.url === '/lab/login?next=%2Flab%2Fgit-pull') {
      res.writeHead(200, {'content-type': 'text/html', ...JUPYTER});
      res.end('<html>login</html>');
    } else if (req.url === '/open/git-pull') {
      // ... without authentication: nbgitpuller's 400 for the missing repo.
      res.writeHead(400, {'content-type': 'text/html', ...JUPYTER});
      res.end('<html>400: Bad Request</html>');
    } else if (req.url === '/nopull/git-pull') {
      // ... without nbgitpuller: its own 404.
      res.writeHead(404, {'content-type': 'text/html', ...JUPYTER});
      res.end('<html>404 : Not Found</html>');
    } else {
      // Everything else (/other/git-pull among them: another program on a server's port).
      res.writeHead(404, {'content-type': 'text/html'});
      res.end('<html>404</html>');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}/`;
  // A port nothing listens on: taken, then let go.
  const probe = net.createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  closed = `http://127.0.0.1:${probe.address().port}/`;
  await new Promise((r) => probe.close(r));
  session = fakeSync();
  /** @type {any} */ (globalThis).browser = {storage: {session}};
  health = await (await extensionModules())('health.js');
});

after(() => server.close());

function settings() {
  return {
    version: 2,
    hubs: [
      {url: `${base}hub/`, name: 'hub', kind: 'jupyterhub'},
      {url: `${base}binder/`, name: 'binder', kind: 'binderhub'},
      {url: closed, name: 'gone', kind: 'jupyter-server'},
      {url: `${base}service/`, name: 'api-only', kind: 'binderhub-service'},
    ],
    fallback: true, siteHubs: [], interface: 'follow', envRepo: null,
    linkKinds: {binder: true, nbgitpuller: true, colab: true}, mode: 'rewrite', disabledSites: [],
  };
}

/** A clock the test moves: each reading is `step` ms after the one before. */
function clock(start, step = 0) {
  let t = start;
  return () => {
    const now = t;
    t += step;
    return now;
  };
}

test('each hub is checked with the request that proves it can launch, and its state is kept in storage.session', async () => {
  const got = await health.checkHubs(settings(), 'startup', {now: clock(1_000_000)});
  assert.deepEqual(Object.keys(got).sort(), [closed, `${base}binder/`, `${base}hub/`].sort(), 'the API-only service is not checked');
  assert.deepEqual([got[`${base}hub/`].state, got[`${base}hub/`].reason], ['up', null]);
  assert.deepEqual([got[`${base}binder/`].state, got[`${base}binder/`].status], ['up', 200]);
  assert.deepEqual([got[closed].state, got[closed].errorKind, got[closed].reason], ['down', 'network', 'no answer (the host is down, refuses connections, or its certificate is not trusted)']);
  assert.equal(got[`${base}hub/`].checkedAt, 1_000_000);
  assert.deepEqual(session.all()['health.v1'], got);
  assert.deepEqual(await health.readHealth(), got);
  assert.equal(seen.get('/hub/hub/api/'), 1);
  assert.equal(seen.get('/binder/health'), 1);
});

test('a check is not repeated while fresh when a page opens; the alarm\'s checks wait minutes', async () => {
  seen.clear();
  await health.checkHubs(settings(), 'opened', {now: clock(1_000_000 + 5_000)});
  assert.equal(seen.size, 0, 'checked 5 s ago: nothing asked');
  // The closed port was "down" at 1,000,000 too: 11 s later every hub is due when a page opens.
  binderOk = false;
  const got = await health.checkHubs(settings(), 'opened', {now: clock(1_000_000 + 11_000)});
  assert.deepEqual([got[`${base}binder/`].state, got[`${base}binder/`].reason], ['down', 'HTTP 503 on health: JupyterHub API not ok']);
  assert.equal(seen.get('/binder/health'), 1);
  seen.clear();
  await health.checkHubs(settings(), 'pages', {now: clock(1_000_000 + 60_000)});
  assert.equal(seen.size, 0, 'a minute old: not due for the pages');
  binderOk = true;
});

test('a slow answer makes a hub slow, still used', async () => {
  // The runner's clock moves 2 s at each reading: every request took seconds.
  const got = await health.checkHubs(settings(), 'startup', {now: clock(2_000_000, 2_000)});
  assert.equal(got[`${base}hub/`].state, 'slow');
  assert.match(got[`${base}hub/`].reason, /^answered in \d+ s$/);
  assert.ok(got[`${base}hub/`].ms >= 2000);
});

test('two checks asked at once make one request per hub', async () => {
  seen.clear();
  const now = clock(3_000_000);
  const [one, two] = await Promise.all([health.checkHubs(settings(), 'startup', {now}), health.checkHubs(settings(), 'opened', {now})]);
  assert.equal(seen.get('/hub/hub/api/'), 1);
  assert.equal(seen.get('/binder/health'), 1);
  assert.deepEqual(two, one, 'the second found the first one\'s answers fresh');
});

test('what is stored but is no health is read as nothing checked', async () => {
  await session.set({'health.v1': ['not', 'a', 'map']});
  assert.deepEqual(await health.readHealth(), {});
  await session.set({'health.v1': {}});
});

// Last: a check forgets the hubs it was not given, those of the tests above among them.
test('a Jupyter Server is checked on git-pull: down without nbgitpuller, whose 404 page every launch would open', async () => {
  seen.clear();
  const labs = {...settings(), hubs: ['lab', 'open', 'nopull', 'other'].map((name) => ({url: `${base}${name}/`, name, kind: 'jupyter-server'}))};
  const got = await health.checkHubs(labs, 'startup', {now: clock(1_500_000)});
  assert.deepEqual([got[`${base}lab/`].state, got[`${base}lab/`].reason], ['up', null], 'sent to its login page');
  assert.deepEqual([got[`${base}open/`].state, got[`${base}open/`].status], ['up', 400], 'no authentication');
  assert.deepEqual([got[`${base}nopull/`].state, got[`${base}nopull/`].reason], ['down', 'HTTP 404 on git-pull: nbgitpuller is not installed or not enabled']);
  assert.deepEqual([got[`${base}other/`].state, got[`${base}other/`].reason], ['down', 'HTTP 404 on git-pull: not the answer of a Jupyter Server with nbgitpuller']);
  assert.deepEqual([...seen.keys()].filter((u) => u.split('?')[0].endsWith('/git-pull')).sort(), ['/lab/git-pull', '/nopull/git-pull', '/open/git-pull', '/other/git-pull']);
});
