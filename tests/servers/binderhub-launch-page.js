// The BinderHub stand-in's launch page script (served as <base>static/dist/bundle.js), written
// to do what the real launch page does with a `v2/<provider>/<spec>?<query>` URL
// (jupyterhub/binderhub: binderhub/static/js/pages/LoadingPage.jsx, the binderhub-client's
// LaunchSpec and BinderRepository), so tests that follow a launch through it see what a reader
// of a real BinderHub would:
//
// 1. The path and the query are read through the page's router, which applies `decodeURI` to
//    both before anything else (wouter's `unescape`); the query is then read with
//    URLSearchParams. So a nested value is decoded twice: `%252B` arrives as `+`, which the
//    form decoding then turns into a space.
// 2. The spec must match the provider's `validateRegex`; an unknown provider is the "not found"
//    page (HTTP 200, like every UI page).
// 3. `labpath` (→ `doc/tree/<encodeURI(path)>`) and `filepath` (→ `tree/…`) win over `urlpath`;
//    leading slashes are dropped.
// 4. The build is an event stream at `<base>build/<provider>/<spec>?build_token=<pageConfig.buildToken>`;
//    on `ready` the page goes to `new URL(urlpath, event.url)` with `token` appended
//    (URLSearchParams.append, which re-serialises the whole query).
//
// The page's state is in `document.body.dataset` (phase, error, target) for tests to read.
(function () {
  'use strict';
  const config = window.pageConfig;
  const base = new URL(config.baseUrl, location.href);
  const log = document.getElementById('log');
  const say = (text) => {
    log.textContent += text.endsWith('\n') ? text : `${text}\n`;
  };
  const show = (phase, error) => {
    document.body.dataset.phase = phase;
    document.getElementById('phase').textContent = phase;
    if (error) {
      document.body.dataset.error = error;
      say(error);
    }
  };
  // wouter reads location.pathname and location.search through decodeURI (its `unescape`).
  const unescape = (s) => {
    try {
      return decodeURI(s);
    } catch (err) {
      return s;
    }
  };
  const path = unescape(location.pathname);
  const match = path.startsWith(base.pathname) ? /^v2\/([^/]+)\/(.+)$/.exec(path.slice(base.pathname.length)) : null;
  const provider = match && config.repoProviders.find((p) => p.id === match[1]);
  if (!provider) {
    show('failed', '404: Not Found');
    return;
  }
  const spec = match[2];
  if (!new RegExp(provider.spec.validateRegex).test(spec)) {
    show('failed', `400: Bad Request: spec for this provider should match ${provider.spec.validateRegex}, provided: "${spec}"`);
    return;
  }
  const params = new URLSearchParams(unescape(location.search));
  let urlPath = params.get('urlpath') ?? '';
  if (params.has('labpath')) urlPath = `doc/tree/${encodeURI(params.get('labpath').replace(/(\/$)/g, ''))}`;
  else if (params.has('filepath')) urlPath = `tree/${encodeURI(params.get('filepath').replace(/(\/$)/g, ''))}`;
  urlPath = urlPath.replace(/^\/*/, '');
  document.body.dataset.urlpath = urlPath;

  const buildUrl = new URL(`${provider.id}/${spec}`, new URL('build/', base));
  if (config.buildToken) buildUrl.searchParams.append('build_token', config.buildToken);
  show('connecting');
  const events = new EventSource(buildUrl);
  events.onmessage = (event) => {
    if (!event.data) return;
    const data = JSON.parse(event.data);
    if (data.message !== undefined) say(data.message);
    if (!data.phase) return;
    show(data.phase.toLowerCase());
    if (data.phase === 'failed') {
      events.close();
      show('failed', data.message ?? 'the build failed');
    } else if (data.phase === 'ready') {
      events.close();
      const target = new URL(urlPath, new URL(data.url));
      target.searchParams.append('token', data.token);
      document.body.dataset.target = target.href;
      location.href = target.href;
    }
  };
  events.onerror = () => {
    if (document.body.dataset.phase === 'ready') return;
    events.close();
    show('failed', 'the event stream closed unexpectedly');
  };
})();
