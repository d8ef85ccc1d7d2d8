// @ts-check
/**
 * Detection of the hub a reader typed, for the extension pages (checkMessage accepts
 * page:detect from them only): the core plans the probes and reads the answers; this module
 * performs them with the browser's network errors at hand, and says whether the extension may
 * read the hub's origin.
 */
import {ext} from './api.js';
import * as core from './core.js';
import {answersWithoutCors, originPattern, performProbes, watchNetworkErrors} from './probe-runner.js';

/**
 * Detect what the hub the user typed is. Only the URLs the core derives from that input are
 * fetched; pages never reach this handler (checkMessage accepts page:detect from extension
 * pages only). The detection's message (the core's sentence, also for a hub that cannot be
 * reached) is what the reader sees.
 * @param {string} input
 */
export async function detect(input) {
  const plan = await core.probePlan(input);
  if (plan.known) return {ok: true, detection: plan.known, access: await accessFor(plan.known.url ?? plan.candidates[0]), answersWithoutAccess: false};
  const started = Date.now();
  // The browser's own error codes (TLS, DNS, refused, redirect loop) for these requests: fetch
  // reports every network failure alike.
  const watch = watchNetworkErrors(ext.webRequest, plan.probes.map((/** @type {{url: string}} */ p) => p.url));
  let responses;
  try {
    responses = await performProbes(plan, {networkError: watch.networkError});
  } finally {
    watch.stop();
  }
  const detection = await core.classify(plan, responses);
  const access = await accessFor(detection.url ?? plan.candidates[0]);
  // Nothing recognised and the extension may not read this origin: find out whether the
  // server answered at all, to tell "needs access" from "down". (Some probes may have been
  // read anyway: a BinderHub service's `versions` sends CORS on a hub that does not.)
  let answersWithoutAccess = false;
  if (!access.granted && detection.kind === 'unknown') {
    answersWithoutAccess = (await Promise.all(plan.candidates.map((/** @type {string} */ c) => answersWithoutCors(c)))).some(Boolean);
  }
  return {ok: true, detection, access, answersWithoutAccess, ms: Date.now() - started};
}

/** @param {string} url */
async function accessFor(url) {
  const pattern = originPattern(url);
  return {pattern, granted: await ext.permissions.contains({origins: [pattern]})};
}
