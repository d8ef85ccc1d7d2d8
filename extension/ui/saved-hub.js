// @ts-check
/**
 * What the options page and the popup say of a hub saved or re-checked from a detection: its
 * own sentence, then why its launches would fail (the core's `Detection.launchProblem`: a
 * Jupyter Server without nbgitpuller), then that it could not be read without access.
 */
import {t} from './i18n.js';

/**
 * Why launches on `hub`, saved from `detection`, would fail; null when detection saw nothing,
 * or when the reader chose another kind than the detected one (another hub, to which
 * `savedHub`, src/hubs.rs, gives no detected version either).
 * @param {{kind: string}} hub
 * @param {{launchKind?: string | null, launchProblem?: string | null}} detection
 * @returns {string | null}
 */
export function launchProblem(hub, detection) {
  return detection.launchProblem && hub.kind === detection.launchKind ? detection.launchProblem : null;
}

/**
 * The status after saving `hub`: the sentence `key` says (with `subs`), then its launch problem,
 * then the missing access; the warning style when either is there. A hub with a launch problem
 * is said to be saved, not to take the links (`problemKey`): hub health finds it down, so
 * fallback passes over it.
 * @param {{key: string, problemKey: string, subs: string[]}} said
 * @param {{kind: string}} hub
 * @param {{launchKind?: string | null, launchProblem?: string | null}} detection
 * @param {boolean} granted whether the extension may read the hub's origin
 * @returns {{text: string, cls: string}}
 */
export function savedStatus(said, hub, detection, granted) {
  const problem = launchProblem(hub, detection);
  const parts = [t(problem ? said.problemKey : said.key, said.subs)];
  if (problem) parts.push(t('savedLaunchProblem', [problem]));
  if (!granted) parts.push(t('savedWithoutAccess'));
  return {text: parts.join(' '), cls: granted && !problem ? 'ok' : 'warn'};
}
