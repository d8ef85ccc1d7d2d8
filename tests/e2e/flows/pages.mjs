// The pages a reader clicks from, and the launch links on them: small course pages served on
// http://localhost:<port>/ (not 127.0.0.1, the servers' host, so the page is cross-site to the
// hub, as on the web). Every link points at the local git server's demo-book (or demo-env).
import http from 'node:http';

const enc = encodeURIComponent;

/**
 * The launch links of the flows, as they appear on book pages (tests/servers/test-flows.sh
 * uses the same ones with curl).
 * @param {Record<string, string>} ports tests/servers/ports.env
 * @param {{book: string, env: string}} commits demo-book's and demo-env's commit (run/git/repos.json)
 */
export function launchLinks(ports, commits) {
  const book = `${ports.GIT_URL}demo-book`;
  const env = `${ports.GIT_URL}demo-env`;
  const inner = `git-pull?repo=${enc(book)}&branch=main&urlpath=lab%2Ftree%2Fdemo-book%2Fintro.ipynb`;
  return {
    book,
    env,
    /** (a) Binder, git provider, the content repository's own environment */
    binder: `https://mybinder.org/v2/git/${enc(book)}/main?urlpath=lab/tree/intro.ipynb`,
    /** (b) nbgitpuller, pointing at some other hub */
    nbgitpuller: `https://other.example.edu/hub/user-redirect/git-pull?repo=${enc(book)}&branch=main&urlpath=lab%2Ftree%2Fdemo-book%2Fchapters%2Ftwo.ipynb`,
    /** (c) Binder + nbgitpuller (nbgitpuller's link generator, Binder tab): environment demo-env, content demo-book */
    binderEnv: `https://mybinder.org/v2/git/${enc(env)}/main?urlpath=${enc(inner)}`,
    /** a Binder link pinned to a commit (nbgitpuller cannot check one out) */
    pinned: `https://mybinder.org/v2/git/${enc(book)}/${commits.book}?urlpath=lab/tree/intro.ipynb`,
    /** a data archive: only a BinderHub can launch it */
    zenodo: 'https://mybinder.org/v2/zenodo/10.5281/zenodo.3242074/',
    /** nbgitpuller to a file whose name holds the characters BinderHub's launch page decodes
     * twice (`+`, a space, `%`, `&`): on a BinderHub they are nested in the Binder link's urlpath */
    nestedChars: `https://other.example.edu/hub/user-redirect/git-pull?repo=${enc(book)}&branch=main&urlpath=${enc('lab/tree/demo-book/a+b c%d&e.ipynb')}`,
    /** mybinder.org links to GitHub and GitLab (the %2F of a GitLab namespace is significant) */
    gh: 'https://mybinder.org/v2/gh/binder-examples/requirements/HEAD?labpath=index.ipynb',
    gl: 'https://mybinder.org/v2/gl/gitlab-org%2Fgitlab-foss/v10.0.6?urlpath=lab',
  };
}

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Serve the pages registered with `add`. A page is a short course page with its launch links
 * (a Binder badge-like link and text links), nothing else: whatever the DOM holds about the
 * reader's hub after the extension ran, the extension put there.
 * @returns {Promise<{url: string, add: (name: string, title: string, links: {id: string, href: string, text: string, target?: string}[]) => string, close: () => Promise<void>}>}
 */
export async function servePages() {
  /** @type {Map<string, string>} */
  const pages = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const html = pages.get(url.pathname);
    if (!html) {
      res.writeHead(404, {'content-type': 'text/plain', 'cache-control': 'no-store'});
      res.end('not found');
      return;
    }
    res.writeHead(200, {'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store'});
    res.end(html);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(null)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const base = `http://localhost:${port}/`;
  return {
    url: base,
    add(name, title, links) {
      const items = links
        .map((l) => `  <li><a id="${esc(l.id)}" href="${esc(l.href)}"${l.target ? ` target="${esc(l.target)}"` : ''}>${esc(l.text)}</a></li>`)
        .join('\n');
      pages.set(
        `/${name}.html`,
        `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${esc(title)}</title></head>
<body>
<h1>${esc(title)}</h1>
<p>Run this chapter's notebook:</p>
<ul>
${items}
</ul>
</body>
</html>
`,
      );
      return `${base}${name}.html`;
    },
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
