// @ts-check
/**
 * The statistics `make bench-ext` reads its samples with (tests/e2e/bench.mjs): the median of
 * each row, and the interval beside a cold-start row's difference. Tested by
 * tests/js/bench-stats.test.mjs.
 */

/**
 * The median as every row of bench.mjs reads it: the upper of the two middle values when the
 * count is even.
 * @param {number[]} xs
 */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * How far the difference of two medians may be from this run's by chance: the 5th and 95th
 * percentiles of `median(a*) − median(b*)` over `resamples` bootstrap resamples (each side
 * drawn with replacement from its own samples), from a fixed seed, so the same samples give
 * the same interval.
 * @param {number[]} a
 * @param {number[]} b
 * @param {number} [resamples]
 * @returns {[number, number]}
 */
export function interval(a, b, resamples = 4000) {
  let seed = 0x9e3779b9;
  // mulberry32: a small seeded generator, enough to draw indices
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** @param {number[]} xs */
  const draw = (xs) => median(Array.from(xs, () => xs[Math.floor(random() * xs.length)]));
  const diffs = Array.from({length: resamples}, () => draw(a) - draw(b)).sort((x, y) => x - y);
  return [diffs[Math.floor(0.05 * resamples)], diffs[Math.ceil(0.95 * resamples) - 1]];
}
