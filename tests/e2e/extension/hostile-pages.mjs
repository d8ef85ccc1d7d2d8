// Hostile pages (issue 9): pages that try to break or abuse the content script, generated here
// and served on their own port (http://localhost:<port>/), so that each is exactly the attack it
// names. Each page measures its own responsiveness: a 10 ms timer whose longest gap it keeps.
import {serve} from '../lib/serve.mjs';

/**
 * The longest main-thread stall a hostile page may cause, measured as the longest gap of the
 * page's own 10 ms timer while the content script works on it (the page's own work included).
 * A stall this long is visible but not a freeze. Five runs of both browsers on 2 shared cores
 * measured at most 377 ms (Firefox, 2,000 hrefs changed every frame); most pages stay under
 * 150 ms. `BYOB_E2E_TIMINGS=1` prints each measurement.
 */
export const MAX_STALL_MS = 1000;
export const LINKS = 1500;

/** The page's heartbeat: a 10 ms timer; `__hb` holds its longest gap since `__measure()`. */
const HEARTBEAT = `<script>
window.__hb = {ticks: 0, maxGap: 0, last: performance.now(), since: null};
setInterval(() => {
  const now = performance.now();
  const gap = now - __hb.last;
  __hb.last = now;
  if (__hb.since === null) return;
  __hb.ticks++;
  if (gap > __hb.maxGap) __hb.maxGap = gap;
}, 10);
window.__measure = () => { __hb.since = performance.now(); __hb.last = __hb.since; __hb.maxGap = 0; __hb.ticks = 0; };
</script>`;

export const launch = (i) => `https://mybinder.org/v2/gh/hostile/book-${i}/main?urlpath=lab`;
const page = (title, body, head = '') => `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>${HEARTBEAT}${head}</head><body>${body}</body></html>`;

/** A MyST (Jupyter Book 2) page whose inline page data is `ctx` (as JSON, "<" escaped as Remix does). */
function mystPage(title, ctx, extraHead = '') {
  const json = JSON.stringify(ctx).replace(/</g, '\\u003c');
  return page(
    title,
    `<header><div class="row"><button class="myst-fm-launch-button" aria-haspopup="dialog" aria-label="Launch in external computing interface"><svg viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg></button></div></header>
<article><h1>${title}</h1></article>
<script>window.__remixContext = ${json};</script><script>__measure();</script>`,
    `<meta name="generator" content="mystmd">${extraHead}`,
  );
}

/** Remix page data for a notebook page at /<dir>/notebooks/x with this `thebe.binder` (raw JSON text allowed). */
function mystContext(binder, extra = {}) {
  return {
    url: '/notebooks/x',
    state: {
      loaderData: {
        root: {BASE_URL: ''},
        'routes/$': {project: {thebe: {binder}}, page: {kind: 'Notebook', slug: 'notebooks.x', location: '/notebooks/x.ipynb', frontmatter: {}}, ...extra},
      },
    },
  };
}

/** `n` launch links, the first numbered `from`. @param {number} n */
const launches = (n, from = 0) => Array.from({length: n}, (_, i) => `<a class="launch" href="${launch(from + i)}">launch ${from + i}</a>`).join(' ');

/** The pages that attack through the DOM: its size, an href's length, global names, churn, a flood of mutations. */
function domPages() {
  return {
    '/huge.html': page(
      'a huge page',
      `<div id="root"></div><script>
const root = document.getElementById('root');
const parts = [];
for (let i = 0; i < 38600; i++) parts.push('<span class="x">' + i + '</span>');
for (let i = 0; i < 10000; i++) parts.push('<a href="/p-' + i + '.html">' + i + '</a>');
for (let i = 0; i < ${LINKS}; i++) parts.push('<a class="launch" href="https://mybinder.org/v2/gh/hostile/book-' + i + '/main?urlpath=lab">' + i + '</a>');
root.innerHTML = parts.join('');
document.documentElement.dataset.elements = String(document.getElementsByTagName('*').length);
// Measure from the first frame on: laying out 50,000 elements is the browser's own work.
requestAnimationFrame(() => setTimeout(__measure, 0));
</script>`,
    ),
    '/long-href.html': page(
      'one 1 MB href and one of 8,193 characters among launch links',
      `<p><a id="mega" href="${launch('mega')}&x=${'a'.repeat(1024 * 1024)}">1 MB</a>
<a id="long" href="${launch('long')}&x=${'b'.repeat(8193)}">8,193+</a></p><p>${launches(LINKS)}</p><script>__measure();</script>`,
    ),
    '/named.html': page(
      'elements named like the content script\'s globals',
      ['byobContent', 'byobLaunchLinks', 'byobMyst', 'browser', 'chrome', 'navigation', 'Navigation'].map((id) => `<a id="${id}" href="#${id}">${id}</a>`).join(' ') +
        `<form name="browser"><input name="runtime"></form><p>${launches(20)}</p><script>__measure();</script>`,
    ),
    '/churn.html': page(
      'thousands of links whose hrefs change on every animation frame',
      `<p><a id="stable" href="${launch('stable')}">stable</a></p><p id="churn">${launches(2000, 10000)}</p><script>
const links = [...document.querySelectorAll('#churn a')];
let frame = 0;
const until = performance.now() + 4000;
function step() {
  frame++;
  for (const a of links) a.setAttribute('href', 'https://mybinder.org/v2/gh/churn/' + frame + '-' + a.textContent.replace(/\\D/g, '') + '/main');
  if (performance.now() < until) requestAnimationFrame(step);
  else document.documentElement.dataset.churned = String(frame);
}
requestAnimationFrame(step);
__measure();
</script>`,
    ),
    '/flood.html': page(
      'a page that floods DOM mutations',
      `<p>${launches(200)}</p><div id="flood"></div><script>
const box = document.getElementById('flood');
let rounds = 0;
const until = performance.now() + 4000;
function flood() {
  rounds++;
  box.replaceChildren();
  for (let i = 0; i < 300; i++) {
    const a = document.createElement('a');
    a.href = i % 10 === 0 ? 'https://mybinder.org/v2/gh/flood/r' + rounds + '-' + i + '/main' : '/f-' + i;
    a.textContent = 'f';
    box.append(a);
  }
  if (performance.now() < until) setTimeout(flood, 0);
  else document.documentElement.dataset.flooded = String(rounds);
}
flood();
__measure();
</script>`,
    ),
  };
}

/** The MyST pages whose page data attacks; `evil` is a URL of the page's own choosing. @param {string} evil */
function mystPages(evil) {
  return {
    '/myst/js/notebooks/x': mystPage('MyST data pointing the launch at javascript:', mystContext({url: 'javascript:alert(document.domain)//', provider: 'github', repo: 'hostile/myst', ref: 'main'})),
    '/myst/origin/notebooks/x': mystPage('MyST data pointing the launch at another origin', mystContext({url: evil, provider: 'github', repo: 'hostile/myst', ref: 'main'})),
    '/myst/hubpath/notebooks/x': mystPage('MyST data pointing the launch at a hub path', mystContext({url: `${evil}hub/logout/`, provider: 'github', repo: 'hostile/../../hub/logout', ref: '../../../../hub/logout'})),
    // Prototype-polluting keys (JSON.parse makes them own properties; code that copies or merges them would pollute).
    '/myst/proto/notebooks/x': mystPage(
      'MyST data with prototype-polluting keys',
      JSON.parse(
        JSON.stringify(mystContext({provider: 'github', repo: 'hostile/myst', ref: 'main'}, {config: {projects: []}}))
          .replace('"thebe":{', '"thebe":{"__proto__":{"polluted":"thebe"},"constructor":{"prototype":{"polluted":"constructor"}},')
          .replace('"binder":{', '"binder":{"__proto__":{"url":"javascript:alert(1)//","polluted":"binder"},"constructor":{"prototype":{"url":"javascript:alert(2)//"}},')
          .replace('"loaderData":{', '"loaderData":{"__proto__":{"routes/$":{"polluted":"loader"}},'),
      ),
    ),
    // Private mode: a page that stops every click at window capture, and would love its own URL opened.
    '/myst/clicks/notebooks/x': mystPage(
      'MyST page that blocks clicks at window capture',
      mystContext({url: evil, provider: 'github', repo: 'hostile/myst', ref: 'main'}),
      `<script>window.__blocked = 0; window.addEventListener('click', (e) => { window.__blocked++; e.stopImmediatePropagation(); }, true);</script>`,
    ),
    '/evil/': '<!doctype html><title>evil</title><h1>the page chose this</h1>',
  };
}

/** Serve the hostile pages on their own port (lib/serve.mjs). */
export async function serveHostile() {
  /** @type {Record<string, string>} */
  let files = {};
  const site = await serve((url) => {
    const body = files[url.pathname.startsWith('/evil/') ? '/evil/' : url.pathname];
    return body === undefined ? null : {body};
  });
  files = {...domPages(), ...mystPages(`http://127.0.0.1:${site.port}/evil/`)};
  return {url: site.url, evil: `http://127.0.0.1:${site.port}/evil/`, close: site.close};
}
