// @ts-check
// What a flow's page says besides the link: the warnings `byob rewrite -v` gives for it (a pinned
// commit nbgitpuller cannot check out, say) in the link's tooltip, and a link the hub cannot
// launch (a Zenodo archive on a JupyterHub) left as it was with the reason; both listed in the
// popup with their notes.
import {closeTab} from './flow.mjs';
import {cliRewrite, host} from './reader.mjs';

/**
 * The core's warnings for the flow's link, and its reason for the refused link, from the CLI.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {any} flow
 * @param {string} kind
 */
export function expectedNotes(r, f, flow, kind) {
  const link = cliRewrite(r.suite.byob, flow.hub.url, kind, flow.href);
  if (flow.warning && !link.warnings.some((w) => w.includes(flow.warning))) f.fail(`byob rewrite -v does not warn "${flow.warning}": ${JSON.stringify(link)}`);
  const refused = flow.refused ? cliRewrite(r.suite.byob, flow.hub.url, kind, r.table.resolve(flow.refused.link)) : null;
  if (refused && (refused.output || !refused.reason?.includes(flow.refused.reason))) f.fail(`byob rewrite -v of the refused link: ${JSON.stringify(refused)}`);
  return {warnings: link.warnings, reason: refused?.reason ?? null};
}

/**
 * The tooltip of the converted link (`got`) carries each warning; the refused link (#refused)
 * keeps its href with the reason; the popup lists both with their notes.
 * @param {import('./reader.mjs').Reader} r
 * @param {import('./flow.mjs').Flow} f
 * @param {import('../lib/driver.mjs').Page} page
 * @param {any} flow
 * @param {{output: string, title: string, warnings: string[], reason: string | null}} got
 */
export async function checkNotes(r, f, page, flow, got) {
  f.step('tooltip', "the link's tooltip carries each warning; a refused link is left as it was, its tooltip says why");
  const missing = got.warnings.filter((w) => !got.title.includes(`Note: ${w}`));
  if (missing.length) f.fail(`the tooltip lacks ${JSON.stringify(missing)}: ${JSON.stringify(got.title)}`);
  f.note(`${r.who}: tooltip: ${JSON.stringify(got.title)}`);
  const refusedHref = flow.refused ? r.table.resolve(flow.refused.link) : null;
  if (refusedHref) {
    const z = await page.waitFor(() => {
      const a = document.getElementById('refused');
      a?.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); // tooltips are written on first hover
      return a?.hasAttribute('data-byob-refused') ? {href: a.getAttribute('href'), title: a.getAttribute('title'), refused: a.getAttribute('data-byob-refused')} : null;
    });
    const wantTitle = `Cannot open on ${host(flow.hub.url)}: ${got.reason}`;
    if (z.href !== refusedHref || z.refused !== got.reason || z.title !== wantTitle) f.fail(`the refused link: ${JSON.stringify(z)}; want its href kept and the title ${JSON.stringify(wantTitle)}`);
    f.note(`${r.who}: refused: ${JSON.stringify(z.title)}`);
  }
  f.step('popup', 'the popup lists the links: the warnings under the converted one, the reason under the refused one');
  const popup = await r.ui.popupFor(await page.url());
  f.tabs.push(popup);
  const items = await popup.waitFor(
    () =>
      document.body.dataset.links
        ? [...document.querySelectorAll('#links li')].map((li) => ({
            status: /** @type {HTMLElement} */ (li).dataset.status,
            from: li.querySelector('.from')?.textContent,
            to: li.querySelector('.to')?.textContent ?? null,
            notes: [...li.querySelectorAll('.note')].map((n) => n.textContent),
          }))
        : null,
    [],
    {what: 'the popup list'},
  );
  const p = items.find((/** @type {any} */ i) => i.from === flow.href);
  if (!p || p.status !== 'rewritten' || p.to !== got.output || !got.warnings.every((w) => p.notes.includes(`Note: ${w}`))) f.fail(`the popup's converted link: ${JSON.stringify(p)}`);
  if (refusedHref) {
    const zi = items.find((/** @type {any} */ i) => i.from === refusedHref);
    if (!zi || zi.status !== 'refused' || !zi.notes.includes(`Cannot open on your hub: ${got.reason}`)) f.fail(`the popup's refused link: ${JSON.stringify(zi)}`);
  }
  await closeTab(popup);
}
