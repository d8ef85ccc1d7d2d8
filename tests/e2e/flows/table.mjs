// @ts-check
// The launch flows of tests/servers/flows.json, expanded for this machine: the browser tier's
// reader of the table (the HTTP tier's is tests/servers/flowtable.py; flows.json says what each
// field means).
import fs from 'node:fs';
import path from 'node:path';
import {serversDir} from '../lib/servers.mjs';

const NAME = /\{([A-Za-z0-9_]+)(\|uri)?\}/g;

/** The query of a URL as an object, refusing a repeated name (nbgitpuller and BinderHub read one). @param {string} url */
export function pullQuery(url) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '')) {
    if (k in out) throw new Error(`the query repeats ${k}`);
    out[k] = v;
  }
  return out;
}

/**
 * `query` is `want`: the same names, each value equal, or for a {"git-pull": {...}} value, an
 * nbgitpuller link whose query is exactly that.
 * @param {Record<string, string>} query
 * @param {Record<string, any>} want
 */
export function matches(query, want) {
  const keys = (/** @type {object} */ o) => JSON.stringify(Object.keys(o).sort());
  if (keys(query) !== keys(want)) return false;
  return Object.entries(want).every(([k, v]) => {
    if (typeof v === 'string') return query[k] === v;
    const inner = v['git-pull'];
    return query[k].startsWith('git-pull?') && keys(pullQuery(query[k])) === keys(inner) && Object.entries(inner).every(([ik, iv]) => pullQuery(query[k])[ik] === iv);
  });
}

/** flows.json with every `{name}` replaced: ports.env, `values`, `links`, demo-book's commit. */
export class Table {
  /**
   * @param {Record<string, string>} ports
   * @param {string} [bookCommit] needed to expand the flows (not to list them)
   */
  constructor(ports, bookCommit) {
    this.raw = JSON.parse(fs.readFileSync(path.join(serversDir, 'flows.json'), 'utf8'));
    /** @type {Record<string, string>} */
    this.names = {...ports, ...this.raw.values, ...this.raw.links, ...(bookCommit ? {bookCommit} : {})};
    /** @type {Record<string, {file: string, text: string}>} */
    this.notebooks = this.raw.notebooks;
  }

  /** @param {string} name */
  resolve(name, depth = 0) {
    if (!(name in this.names) || depth > 8) throw new Error(`flows.json names {${name}}, which is not defined (or defined in a loop)`);
    return this.names[name].replace(NAME, (_, n, enc) => (enc ? encodeURIComponent(this.resolve(n, depth + 1)) : this.resolve(n, depth + 1)));
  }

  /** @param {any} value */
  expand(value) {
    if (typeof value === 'string') return value.replace(NAME, (_, n, enc) => (enc ? encodeURIComponent(this.resolve(n)) : this.resolve(n)));
    if (Array.isArray(value)) return value.map((v) => this.expand(v));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.expand(v)]));
    return value;
  }

  /**
   * The flows `tier` walks, in order (by hub, in the order of `hubs`, then as listed), not expanded.
   * @param {string} tier
   * @returns {{id: string, hubKey: string, name: string, title: string, server: string}[]}
   */
  plan(tier) {
    return Object.entries(this.raw.hubs).flatMap(([key, hub]) =>
      this.raw.flows
        .filter((/** @type {any} */ f) => f.on[key]?.includes(tier))
        .map((/** @type {any} */ f) => ({id: `${key}-${f.name}`, hubKey: key, name: f.name, title: `${/** @type {any} */ (hub).label} ← ${f.what}`, server: /** @type {any} */ (hub).server})),
    );
  }

  /**
   * The flow `name` of hub `hubKey`, expanded: its fields, plus id, hub (its entry and key) and
   * href (its link).
   * @param {string} hubKey
   * @param {string} name
   */
  flow(hubKey, name) {
    const raw = this.raw.flows.find((/** @type {any} */ f) => f.name === name && f.on[hubKey]);
    if (!raw) throw new Error(`flows.json has no flow ${name} on ${hubKey}`);
    const {on: _on, ...fields} = raw;
    const f = this.expand(fields);
    return {...f, id: `${hubKey}-${name}`, hub: {...this.expand(this.raw.hubs[hubKey]), key: hubKey}, href: raw.link ? this.resolve(raw.link) : null};
  }
}
