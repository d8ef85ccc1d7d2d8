// @ts-check
/**
 * A hub's health as the popup and the options page show it: its state (up, slow, down, not
 * checked), why (the core's reason), and when it was last checked, relative to now. What the
 * state means is the core's (src/health.rs); this only words it.
 */
import {ext} from '../api.js';
import {t} from './i18n.js';

/** The style of each state (ui.css). */
const STYLE = {up: 'ok', slow: 'warn', down: 'bad', unchecked: 'muted'};

/**
 * @param {{state: 'up' | 'slow' | 'down' | 'unchecked', checkedAt: number, reason: string | null} | undefined} health
 *   the hub's last check, as stored (health.js); undefined: never checked
 * @param {number} [now] ms since the epoch
 * @returns {{state: string, text: string, cls: string}}
 */
export function healthLine(health, now = Date.now()) {
  if (!health || !(health.state in STYLE)) return {state: 'unchecked', text: t('healthNever'), cls: 'muted'};
  const parts = [t(`health_${health.state}`)];
  if (health.reason) parts.push(health.reason);
  parts.push(t('healthChecked', [ago(health.checkedAt, now)]));
  return {state: health.state, text: parts.join(' · '), cls: STYLE[health.state]};
}

/**
 * "12 seconds ago", "3 minutes ago", in the browser's language.
 * @param {number} then
 * @param {number} now
 */
export function ago(then, now) {
  const format = new Intl.RelativeTimeFormat(ext.i18n.getUILanguage?.() ?? 'en', {numeric: 'auto'});
  const seconds = Math.round((then - now) / 1000);
  /** @type {[number, Intl.RelativeTimeFormatUnit][]} */
  const units = [
    [60, 'second'],
    [60, 'minute'],
    [24, 'hour'],
    [Infinity, 'day'],
  ];
  let value = Math.min(0, seconds); // a check "in the future" (a clock set back) is now
  for (const [size, unit] of units) {
    if (Math.abs(value) < size) return format.format(value, unit);
    value = Math.round(value / size);
  }
  return format.format(value, 'day');
}
