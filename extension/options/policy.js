// @ts-check
/**
 * "Set by your organisation" on the options page: what the policy an IT department deployed
 * does (its hubs, whether the reader may change them) and, for whoever debugs it, each part
 * of it that could not be used and why (the core's reading, src/managed.rs).
 */
import * as core from '../core.js';
import {t} from '../ui/i18n.js';
import {$, el} from '../ui/dom.js';

/**
 * @param {Record<string, unknown> | null} policy what the browser's managed storage holds
 */
export async function renderPolicy(policy) {
  const box = $('policy-notice');
  if (policy === null) {
    box.hidden = true;
    box.replaceChildren();
    delete box.dataset.locked;
    return;
  }
  const read = await core.policyRead(policy);
  const names = read.hubs.map((/** @type {{name: string}} */ h) => h.name).join(', ');
  const parts = [];
  if (read.hubs.length > 0) parts.push(el('p', t(read.locked ? 'managedNoticeLocked' : 'managedNotice', [names])));
  else parts.push(el('p', t('managedNoticeNoHubs')));
  if (read.problems.length > 0) {
    parts.push(el('p', t('managedProblems'), 'warn'));
    const list = el('ul', '');
    list.append(...read.problems.map((/** @type {{field: string, reason: string}} */ p) => el('li', `${p.field}: ${p.reason}`, 'warn')));
    parts.push(list);
  }
  box.replaceChildren(...parts);
  box.dataset.locked = String(read.locked && read.hubs.length > 0);
  box.dataset.problems = String(read.problems.length);
  box.hidden = false;
}
