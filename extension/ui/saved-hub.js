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
 * is said to be saved, not to take the links (`problemKey`): its launches fail, and with
 * fallback on (the default) hub health finds it down and passes over it. With a launch problem
 * the missing access is not said: its "launch links still work" would contradict the warning
 * (and detection reads the problem only with access, so the two hardly meet).
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
  else if (!granted) parts.push(t('savedWithoutAccess'));
  return {text: parts.join(' '), cls: granted && !problem ? 'ok' : 'warn'};
}
