// A small MyST-like site for the e2e tests, built with esbuild from npm (lib/myst-site.mjs):
// the real launch button and form of myst-theme (`FrontmatterBlock` from
// @myst-theme/frontmatter 1.4.1, or 0.14.0 for the older markup without `myst-fm-*` classes)
// fed with the real page data of the mystmd 1.7 fixture, rendered on the server
// (renderToString) and hydrated in the browser, and moving between pages the way a MyST site's
// router does: fetch `<base>/<slug>.json`, push the new URL, render the new page.
import React, {useEffect, useState} from 'react';
import {FrontmatterBlock as Current} from '@myst-theme/frontmatter';
import {FrontmatterBlock as Older} from 'myst-theme-frontmatter-0.14';

/**
 * @param {{site: {base: string, older: boolean, thebe: any, pages: {slug: string, path: string, title: string}[]}, initial: any}} props
 */
export function App({site, initial}) {
  const Block = site.older ? Older : Current;
  const [page, setPage] = useState(initial);

  useEffect(() => {
    document.documentElement.dataset.hydrated = 'yes';
    const onPop = () => load(location.pathname, false);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  async function load(path, push) {
    const entry = site.pages.find((p) => `${site.base}${p.path}` === path.replace(/\/$/, '') || (p.path === '' && path === `${site.base}/`));
    if (!entry) return;
    const res = await fetch(`${site.base}/${entry.slug}.json`);
    const data = await res.json();
    if (push) history.pushState({}, '', `${site.base}${entry.path}/`);
    setPage(data);
  }

  return (
    <div className="site">
      <nav className="toc">
        {site.pages.map((p) => (
          <a
            key={p.slug}
            href={`${site.base}${p.path}/`}
            data-slug={p.slug}
            onClick={(e) => {
              e.preventDefault();
              load(`${site.base}${p.path}/`, true);
            }}
          >
            {p.title}
          </a>
        ))}
      </nav>
      <article className="article" data-slug={page.slug}>
        <Block kind={page.kind} frontmatter={page.frontmatter} thebe={site.thebe} location={page.location} className="frontmatter" />
        <p className="location">{page.location}</p>
      </article>
    </div>
  );
}
