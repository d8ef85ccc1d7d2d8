// @ts-check
// The pages a reader clicks from: small course pages with a flow's launch links, served on
// http://localhost:<port>/ (lib/serve.mjs; not 127.0.0.1, the servers' host, so the page is
// cross-site to the hub, as on the web). Nothing else is on them: whatever the DOM holds about
// the reader's hub after the extension ran, the extension put there.
import {serve} from '../lib/serve.mjs';

/** @param {string} s */
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** @typedef {{id: string, href: string, text: string, target?: string}} Link */

/** Serve the pages `add` registers; `add` returns the page's URL. */
export async function servePages() {
  /** @type {Map<string, string>} */
  const pages = new Map();
  const site = await serve((url) => {
    const body = pages.get(url.pathname);
    return body === undefined ? null : {body};
  });
  return {
    url: site.url,
    close: site.close,
    /**
     * @param {string} name
     * @param {string} title
     * @param {Link[]} links
     */
    add(name, title, links) {
      const items = links.map((l) => `  <li><a id="${esc(l.id)}" href="${esc(l.href)}"${l.target ? ` target="${esc(l.target)}"` : ''}>${esc(l.text)}</a></li>`).join('\n');
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
      return `${site.url}${name}.html`;
    },
  };
}
