// @ts-check
// The statistics `make bench-ext` reads its rows with (tests/e2e/lib/bench-stats.mjs).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {interval, median} from '../e2e/lib/bench-stats.mjs';

test('median: the middle value; the upper of the two middle ones for an even count', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 3);
  const xs = [5, 1, 4];
  median(xs);
  assert.deepEqual(xs, [5, 1, 4], 'the samples are left in their order');
});

test('interval: a spread of nothing is no interval, and the same samples give the same one', () => {
  assert.deepEqual(interval([50, 50, 50], [45, 45, 45]), [5, 5]);
  const a = [52, 49, 65, 56, 56, 69, 45, 56, 50, 68, 47, 54, 47, 42, 47, 45, 48, 47, 48, 46, 43];
  const b = [43, 43, 42, 40, 43, 47, 45, 47, 36, 45, 47, 44, 44, 42, 40, 43, 33, 44, 40, 39, 41];
  assert.deepEqual(interval(a, b), interval(a, b));
});

test('interval: it holds the medians\' difference, and narrows as the samples grow', () => {
  // Two sides a fixed 5 apart, each spread over 20: the interval is around +5, narrower with
  // four times the samples, and never as wide as the spread itself.
  const spread = (n, shift) => Array.from({length: n}, (_, i) => shift + ((i * 7919) % 21));
  const [low, high] = interval(spread(21, 55), spread(21, 50));
  const diff = median(spread(21, 55)) - median(spread(21, 50));
  assert.equal(diff, 5);
  assert.ok(low <= diff && diff <= high, `[${low}, ${high}] holds ${diff}`);
  assert.ok(high - low < 20, `[${low}, ${high}] narrower than the spread`);
  const [low4, high4] = interval(spread(84, 55), spread(84, 50));
  assert.ok(low4 <= 5 && 5 <= high4, `[${low4}, ${high4}] holds 5`);
  assert.ok(high4 - low4 < high - low, `[${low4}, ${high4}] narrower than [${low}, ${high}]`);
  // Far apart, the interval does not reach back to 0.
  const [farLow] = interval(spread(21, 80), spread(21, 50));
  assert.ok(farLow > 0, `${farLow} above 0`);
});
