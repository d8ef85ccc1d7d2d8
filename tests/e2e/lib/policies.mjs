// @ts-check
// Real policy files for the presets area (docs/it-departments.md): the browsers read an
// organisation's policy only from system paths, so the tests write them there, as root (or with
// passwordless sudo), and always take them away again: a file that was there is put back as it
// was, one that was not is removed with the folders made for it. Without root and sudo the tests
// that need them are skipped with the reason, never counted as passed.
//
// On a machine others share: Chromium reads every file of its policy folder, but the policy
// written here names this build's own extension ID (from its path) and nothing else; Firefox's
// `policies.json` names the extension by its gecko ID, which every checkout shares, so run the
// tier in a private mount namespace there (CONTRIBUTING.md).
import {execFileSync, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {onExit} from './servers.mjs';

/**
 * The ID Chromium gives an unpacked extension loaded from `dir`: the SHA-256 of its absolute
 * path, the first 32 hex digits written with the letters a–p.
 * @param {string} dir
 */
export function chromiumExtensionId(dir) {
  const hex = crypto.createHash('sha256').update(path.resolve(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + Number.parseInt(c, 16))).join('');
}

/** Where the Chromium under test reads managed policies: Debian's Chromium, or Google Chrome's. */
export function chromiumPolicyDir() {
  const binary = process.env.CHROMIUM ?? '/usr/bin/chromium';
  return /google-chrome|\/opt\/google\//.test(binary) ? '/etc/opt/chrome/policies/managed' : '/etc/chromium/policies/managed';
}

/** Where every Firefox on a Linux machine reads its enterprise policies first. */
export const FIREFOX_POLICIES = '/etc/firefox/policies/policies.json';

/**
 * How this run may write system files: directly (root), through `sudo -n`, or not at all (the
 * reason).
 * @returns {{how: 'root' | 'sudo' | null, why: string | null}}
 */
export function systemAccess() {
  if (process.getuid?.() === 0) return {how: 'root', why: null};
  const sudo = spawnSync('sudo', ['-n', 'true'], {stdio: 'ignore'});
  if (sudo.status === 0) return {how: 'sudo', why: null};
  return {how: null, why: 'not run: writing the browsers\' policy files needs root or passwordless sudo (docs/it-departments.md "How this is tested")'};
}

/** Run a file command as root (directly or through sudo). @param {string} cmd @param {string[]} args @param {string | Buffer} [input] */
function asRoot(cmd, args, input) {
  const {how} = systemAccess();
  if (how === null) throw new Error('no root access');
  const [file, argv] = how === 'root' ? [cmd, args] : ['sudo', ['-n', cmd, ...args]];
  execFileSync(file, argv, {input, stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'inherit']});
}

/**
 * Write `text` to the system file `file` (mode 644), making the folders it needs. Returns what
 * undoes it (also run when the run ends, however it ends): the file as it was put back, or the
 * file and the folders made for it removed.
 * @param {string} file
 * @param {string} text
 * @returns {() => Promise<void>}
 */
export function writeSystemFile(file, text) {
  const before = fs.existsSync(file) ? fs.readFileSync(file) : null;
  /** The folders that do not exist yet, deepest last. */
  const made = [];
  for (let dir = path.dirname(file); !fs.existsSync(dir); dir = path.dirname(dir)) made.unshift(dir);
  asRoot('mkdir', ['-p', path.dirname(file)]);
  asRoot('tee', [file], text);
  asRoot('chmod', ['644', file]);
  let undone = false;
  const undo = async () => {
    if (undone) return;
    undone = true;
    if (before !== null) {
      asRoot('tee', [file], before);
    } else {
      asRoot('rm', ['-f', file]);
      for (const dir of made.reverse()) asRoot('rmdir', [dir]);
    }
  };
  onExit(undo);
  return undo;
}

/**
 * Firefox's policies.json with `policy` for `geckoId` under 3rdparty.Extensions, over the file
 * already there (its other policies kept: Firefox reads one file).
 * @param {string} geckoId
 * @param {Record<string, unknown>} policy
 */
export function firefoxPoliciesWith(geckoId, policy) {
  let existing = {};
  try {
    existing = fs.existsSync(FIREFOX_POLICIES) ? JSON.parse(fs.readFileSync(FIREFOX_POLICIES, 'utf8')) : {};
  } catch {
    existing = {}; // an unreadable file is replaced for the test, and put back as it was after
  }
  const out = /** @type {any} */ (structuredClone(existing));
  out.policies ??= {};
  out.policies['3rdparty'] ??= {};
  out.policies['3rdparty'].Extensions ??= {};
  out.policies['3rdparty'].Extensions[geckoId] = policy;
  return JSON.stringify(out, null, 2) + '\n';
}
