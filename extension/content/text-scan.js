// @ts-check
/**
 * Reading text a page supplies, in time linear in its length (a plain script: it defines
 * `globalThis[Symbol.for('byob.textScan')]` for myst-data.js, myst.js and the unit tests).
 * A page may hand us megabytes of slashes, question marks or unbalanced JSON: nothing here
 * backtracks. JSON values are found by matching braces and skipping strings whole (the
 * page's `__remixContext` object inside a script, the leading members of a page JSON read up
 * to a size cap); slashes and query strings are cut with loops and `indexOf`, never with
 * `/\/+$/`-style patterns, which take time quadratic in a run of slashes.
 */
(() => {
  'use strict';
  const KEY = Symbol.for('byob.textScan');
  if (/** @type {any} */ (globalThis)[KEY]) return;

  /**
   * Index just past the JSON value starting at `i` (whitespace first is skipped), or -1 when
   * the text ends before the value does. Strings are skipped whole, so braces inside them
   * do not count.
   * @param {string} t
   * @param {number} i
   */
  function valueEnd(t, i) {
    const n = t.length;
    while (i < n && /\s/.test(t[i])) i++;
    if (i >= n) return -1;
    const c = t.charCodeAt(i);
    if (c === 34) return stringEnd(t, i);
    if (c === 123 || c === 91) {
      let depth = 0;
      while (i < n) {
        const d = t.charCodeAt(i);
        if (d === 34) {
          i = stringEnd(t, i);
          if (i < 0) return -1;
          continue;
        }
        if (d === 123 || d === 91) depth++;
        else if (d === 125 || d === 93) {
          depth--;
          if (depth === 0) return i + 1;
        }
        i++;
      }
      return -1;
    }
    const m = /^[^,}\]\s]+/.exec(t.slice(i, i + 64));
    if (!m || i + m[0].length >= n) return -1; // a number may go on in the next chunk
    return i + m[0].length;
  }

  /** @param {string} t @param {number} i at the opening quote */
  function stringEnd(t, i) {
    const n = t.length;
    for (i++; i < n; i++) {
      const c = t.charCodeAt(i);
      if (c === 92) i++;
      else if (c === 34) return i + 1;
    }
    return -1;
  }

  /**
   * The members of a JSON object whose text may be cut short (a page JSON read up to a size
   * cap): every top-level member that is complete, in order, and none after the first
   * incomplete one. MyST page JSON starts with `version, kind, sha256, slug, location,
   * dependencies, frontmatter` before the (possibly huge) `mdast`.
   * @param {string} text
   * @returns {Record<string, any>}
   */
  function leadingMembers(text) {
    /** @type {Record<string, any>} */
    const out = {};
    let i = text.indexOf('{');
    if (i < 0) return out;
    i++;
    const n = text.length;
    const ws = () => {
      while (i < n && /\s/.test(text[i])) i++;
    };
    for (;;) {
      ws();
      if (text[i] !== '"') return out;
      const keyEnd = stringEnd(text, i);
      if (keyEnd < 0) return out;
      const key = JSON.parse(text.slice(i, keyEnd));
      i = keyEnd;
      ws();
      if (text[i] !== ':') return out;
      i++;
      ws();
      const end = valueEnd(text, i);
      if (end < 0) return out;
      try {
        out[key] = JSON.parse(text.slice(i, end));
      } catch {
        return out;
      }
      i = end;
      ws();
      if (text[i] !== ',') return out;
      i++;
    }
  }

  /** `s` without the slashes it ends with (a loop: `/\/+$/` is quadratic in a run of slashes). @param {string} s */
  function trimSlashesEnd(s) {
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
    return end === s.length ? s : s.slice(0, end);
  }

  /** `s` without the slashes it starts with. @param {string} s */
  function trimSlashesStart(s) {
    let start = 0;
    while (start < s.length && s.charCodeAt(start) === 47) start++;
    return start === 0 ? s : s.slice(start);
  }

  /** `s` up to its first `?` or `#` (`/[?#].*$/` would be quadratic in a run of them). @param {string} s */
  function withoutQuery(s) {
    const q = s.indexOf('?');
    const h = s.indexOf('#');
    const cut = q < 0 ? h : h < 0 ? q : Math.min(q, h);
    return cut < 0 ? s : s.slice(0, cut);
  }

  /** @type {any} */ (globalThis)[KEY] = Object.freeze({valueEnd, leadingMembers, trimSlashesEnd, trimSlashesStart, withoutQuery});
})();
