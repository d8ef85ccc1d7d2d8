// @ts-check
/**
 * Fallback: a batch of hrefs walked along a route (src/routes.rs decides the route: the hubs
 * to try, in order, each with its target, and the ones passed over because they are down).
 * Each href goes to the first step that is not down and does not refuse it: "can launch" is
 * the rewrite's own answer, so the batch is rewritten once per step, for the hrefs the steps
 * before refused (`rewriteBatch` is core.js's, the hot path's, unchanged).
 *
 * A result that went past a step says why, in the reader's words (`fallback`: "A is down:
 * connection refused", "A cannot launch it: …"), with the hub it went to (`hub`, `hubUrl`).
 * When every step is down, launch links are left as the page has them (the book's own hub may
 * be up), refused with the reason. Pure: the rewrite and the strings are passed in (tests).
 */

/**
 * @typedef {{url: string, name: string, target: any, down: string | null}} Step
 * @typedef {{steps: Step[]}} Route
 * @typedef {{status: string, output: string | null, reason: string | null, warnings: string[], hub?: string, hubUrl?: string, fallback?: string[]}} Routed
 * @typedef {(hrefs: string[], target: any) => Promise<any[]>} Rewrite
 * @typedef {(key: string, subs?: string[]) => string} Strings
 */

/**
 * The route of a page on `host`: the most specific site of `routes.sites` that covers it (the
 * host itself, or a parent domain: `example.org` covers `books.example.org`), else the default.
 * The same choice as src/routes.rs `Routes::site_for` (tests/js/routes.test.mjs).
 * @param {{default: Route, sites: {site: string, off: boolean, route: Route | null}[]}} routes
 * @param {string} host
 * @returns {{site: string | null, off: boolean, route: Route | null}}
 */
export function siteRoute(routes, host) {
  const h = host.toLowerCase().replace(/\.$/, '');
  let best = null;
  for (const s of routes.sites) {
    const covers = h === s.site || (h.length > s.site.length && h.endsWith(s.site) && h[h.length - s.site.length - 1] === '.');
    if (covers && (!best || s.site.length > best.site.length)) best = s;
  }
  return best ? {site: best.site, off: best.off, route: best.route} : {site: null, off: false, route: routes.default};
}

/**
 * Rewrite `hrefs` along `route`.
 * @param {string[]} hrefs
 * @param {Route} route
 * @param {Rewrite} rewriteBatch
 * @param {Strings} t
 * @returns {Promise<{results: Routed[], hub: Step | null}>} one result per href, in order; `hub`:
 *   the first step links may go to (null when every hub is down)
 */
export async function walk(hrefs, route, rewriteBatch, t) {
  const steps = route.steps;
  if (steps.length === 0) throw new Error('a route without hubs');
  const usable = steps.filter((s) => !s.down);
  if (usable.length === 0) return {results: await stranded(hrefs, steps, rewriteBatch, t), hub: null};
  /** @type {Routed[]} */
  const results = new Array(hrefs.length);
  /** Why each pending href passed the usable steps that refused it. @type {Map<number, string[]>} */
  const refusedBy = new Map();
  /** The first refusal of each pending href, its answer when no step takes it. @type {Map<number, Routed>} */
  const firstRefusal = new Map();
  /** Steps passed over because they are down, so far. @type {string[]} */
  const passed = [];
  let pending = hrefs.map((_, i) => i);
  for (let k = 0; k < steps.length && pending.length > 0; k++) {
    const step = steps[k];
    if (step.down) {
      passed.push(t('fallbackDown', [step.name, step.down]));
      continue;
    }
    const answers = await rewriteBatch(
      pending.map((i) => hrefs[i]),
      step.target,
    );
    const another = steps.slice(k + 1).some((s) => !s.down);
    /** @type {number[]} */
    const next = [];
    answers.forEach((r, j) => {
      const i = pending[j];
      const result = {status: r.status, output: r.output ?? null, reason: r.reason ?? null, warnings: r.warnings ?? [], hub: step.name, hubUrl: step.url};
      if (r.status === 'refused') {
        if (!firstRefusal.has(i)) firstRefusal.set(i, {...result, fallback: [...passed]});
        if (another) {
          refusedBy.set(i, [...(refusedBy.get(i) ?? []), t('fallbackRefused', [step.name, r.reason ?? ''])]);
          next.push(i);
          return;
        }
        // No step can launch it: the first refusal says why (the hub it would have gone to).
        results[i] = /** @type {Routed} */ (firstRefusal.get(i));
        return;
      }
      results[i] = {...result, fallback: [...passed, ...(refusedBy.get(i) ?? [])]};
    });
    pending = next;
  }
  return {results, hub: usable[0]};
}

/**
 * Every hub is down: launch links stay as the page has them, refused with the reason; the
 * rest (not launch links, turned-off kinds) are answered as the first hub would answer them.
 * @param {string[]} hrefs
 * @param {Step[]} steps
 * @param {Rewrite} rewriteBatch
 * @param {Strings} t
 * @returns {Promise<Routed[]>}
 */
async function stranded(hrefs, steps, rewriteBatch, t) {
  const why = t('fallbackAllDown', [steps.map((s) => `${s.name}: ${s.down}`).join('; ')]);
  const answers = await rewriteBatch(hrefs, steps[0].target);
  return answers.map((r) =>
    r.status === 'rewritten' || r.status === 'unchanged' || r.status === 'refused'
      ? {status: 'refused', output: null, reason: why, warnings: [], fallback: []}
      : {status: r.status, output: r.output ?? null, reason: r.reason ?? null, warnings: r.warnings ?? [], fallback: []},
  );
}
