// @ts-check
// Presets from an institution (issue 12 part 4), for real: the policy of docs/it-departments.md
// written where each browser reads it (Chromium: a JSON file in its managed policy folder, for
// the ID it gives this unpacked build; Firefox: /etc/firefox/policies/policies.json), with the
// test's hubs in place of the example's addresses; a browser started afresh on it; what the
// options page, the popup and a book page show checked as a reader sees them; the files taken
// away again (lib/policies.mjs). Each test starts its own browser: a policy is read at start.
import fs from 'node:fs';
import path from 'node:path';
import {launch} from '../lib/driver.mjs';
import {ExtensionUi} from '../lib/extension-ui.mjs';
import {FIREFOX_POLICIES, chromiumExtensionId, chromiumPolicyDir, firefoxPoliciesWith, systemAccess, writeSystemFile} from '../lib/policies.mjs';
import {root} from '../lib/servers.mjs';
import {expect, expectEqual} from '../lib/suite.mjs';
import {menuHrefs} from './common.mjs';

const DOC = path.join(root, 'docs', 'it-departments.md');
const MESSAGES = JSON.parse(fs.readFileSync(path.join(root, 'extension', '_locales', 'en', 'messages.json'), 'utf8'));

/**
 * The documented example for a browser (docs/it-departments.md), the extension's part of it,
 * with the test's hubs in place of the example's addresses.
 * @param {'chromium' | 'firefox'} name
 * @param {Record<string, string>} u the suite's URLs
 */
function documentedPolicy(name, u) {
  const marker = name === 'chromium' ? 'chrome-linux' : 'firefox';
  const m = new RegExp(`<!-- example: ${marker} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(fs.readFileSync(DOC, 'utf8'));
  expect(m, `the ${marker} example of docs/it-departments.md`);
  const text = /** @type {RegExpExecArray} */ (m)[1].replaceAll('https://jupyter.example.edu/', u.HUB6).replaceAll('https://binder.example.edu/', u.BINDER);
  const file = JSON.parse(text);
  return name === 'chromium' ? file['3rdparty'].extensions.EXTENSION_ID : file.policies['3rdparty'].Extensions['byob@byob.dev'];
}

/**
 * Write `policy` where the browser `name` reads it, start the browser, run `fn` with it; then
 * stop it and take the files away, however `fn` ended.
 * @param {'chromium' | 'firefox'} name
 * @param {Record<string, unknown>} policy
 * @param {import('../lib/suite.mjs').Steps} s
 * @param {(browser: import('../lib/driver.mjs').Browser, ui: ExtensionUi) => Promise<void>} fn
 */
async function withPolicy(name, policy, s, fn) {
  const dist = path.join(root, 'dist', name === 'chromium' ? 'chrome' : 'firefox');
  let undo;
  if (name === 'chromium') {
    const id = chromiumExtensionId(dist);
    const file = path.join(chromiumPolicyDir(), 'byob-e2e-presets.json');
    s.step(`write ${file} for the extension ${id}`);
    undo = writeSystemFile(file, JSON.stringify({'3rdparty': {extensions: {[id]: policy}}}, null, 2));
  } else {
    const geckoId = JSON.parse(fs.readFileSync(path.join(dist, 'manifest.json'), 'utf8')).browser_specific_settings.gecko.id;
    s.step(`write ${FIREFOX_POLICIES} for ${geckoId}`);
    undo = writeSystemFile(FIREFOX_POLICIES, firefoxPoliciesWith(geckoId, policy));
  }
  /** @type {import('../lib/driver.mjs').Browser | null} */
  let browser = null;
  try {
    s.step('start the browser on it');
    browser = await launch(name, root);
    if (name === 'chromium') expectEqual(/** @type {any} */ (browser).id, chromiumExtensionId(dist), 'the extension ID the policy names');
    await fn(browser, new ExtensionUi(browser));
  } finally {
    await browser?.stop().catch((err) => console.log(`${name}: stopping the presets browser failed: ${err}`));
    await undo();
  }
}

/** The options page's saved hubs, as a reader sees them. Runs in the page. */
function hubRows() {
  return [...document.querySelectorAll('#hub-list li')].map((li) => ({
    url: /** @type {HTMLElement} */ (li).dataset.url,
    name: li.querySelector('.hub-name')?.textContent,
    managed: /** @type {HTMLElement} */ (li).dataset.managed ?? null,
    info: li.querySelector('.hub-info')?.textContent,
    choose: !(/** @type {HTMLInputElement} */ (li.querySelector('input[type=radio]')).disabled),
    remove: ![...li.querySelectorAll('button')].find((b) => b.getAttribute('aria-label')?.startsWith('Remove'))?.hasAttribute('disabled'),
  }));
}

/** Wait until the options page lists `count` hubs and has said what the policy sets. */
const waitRows = (/** @type {import('../lib/driver.mjs').Page} */ page, /** @type {number} */ count) =>
  page.waitFor((count, src) => !document.getElementById('policy-notice')?.hidden && document.querySelectorAll('#hub-list li').length === count && (0, eval)(`(${src})`)(), [count, hubRows.toString()], {what: `${count} hubs listed and the policy said`});

/** The area's tests. @type {import('./common.mjs').Tests} */
export const presetsTests = [
  [
    'presets, locked: the browser reads the documented policy file; its hubs come first, marked, not removable; the reader\'s own hub follows and is all that is stored; links open on its default',
    async (ctx, s) => {
      const u = ctx.urls;
      await withPolicy(ctx.name, documentedPolicy(ctx.name, u), s, async (browser, ui) => {
        s.step('the options page the extension opened on install');
        const options = await ui.options();
        const rows = await waitRows(options, 2);
        const locked = MESSAGES.managedLocked.message;
        expectEqual(
          rows,
          [
            {url: u.HUB6, name: 'University JupyterHub', managed: 'locked', info: `JupyterHub · ${MESSAGES.activeHub.message} · ${locked}`, choose: false, remove: false},
            {url: u.BINDER, name: 'University Binder', managed: 'locked', info: `BinderHub · ${MESSAGES.fallbackPlace.message.replace('$1', '1')} · ${locked}`, choose: false, remove: false},
          ],
          'the organisation\'s hubs',
        );
        const notice = await options.evaluate(() => document.getElementById('policy-notice')?.textContent);
        expect(/Your organisation provides these hubs: University JupyterHub, University Binder\. Launch links open on them first/.test(notice ?? ''), `the policy said: ${notice}`);
        s.step('the reader adds a hub of their own: it comes after the organisation\'s');
        await browser.preApprove(['http://127.0.0.1/*']);
        const d = await ui.detect(u.HUB52);
        if (d.state === 'needs-access') await options.click('#allow-check');
        await options.waitFor(() => document.getElementById('detect-result')?.dataset.state === 'done', [], {what: 'the detection of JupyterHub 5.2.1'});
        await options.click('#save-hub');
        const said = await options.waitFor(() => /Saved/.test(document.getElementById('save-status')?.textContent ?? '') && document.getElementById('save-status')?.textContent, [], {what: 'the "Saved" status'});
        expect(/after the hubs your organisation sets/.test(said), `the status says where links open: ${said}`);
        const three = await waitRows(options, 3);
        expectEqual(three.map((r) => [r.url, r.managed, r.remove]), [[u.HUB6, 'locked', false], [u.BINDER, 'locked', false], [u.HUB52, null, true]], 'the order, what can be removed');
        expectEqual((await ui.settings()).hubs.map((/** @type {any} */ h) => h.url), [u.HUB52], 'stored: the reader\'s own hub only');
        s.step('screenshot');
        await options.screenshotElement('section[aria-labelledby="hubs-heading"]', path.join(ctx.screenshotDir, 'managed-options.png'));
        s.step('removing the organisation\'s hub is refused by the core, even asked directly');
        const refused = await options.evaluate(async (binder) => {
          const {updateSettings} = await import('/settings.js');
          return updateSettings((/** @type {any} */ s) => void (s.hubs = s.hubs.filter((/** @type {any} */ h) => h.url !== binder))).then(
            () => 'stored',
            (/** @type {Error} */ err) => err.message,
          );
        }, u.BINDER);
        expectEqual(refused, `invalid settings: hubs: ${u.BINDER} is set by your organisation and cannot be removed`, 'the refusal');
        s.step('a book page: its launch links open on the organisation\'s default hub');
        await ui.allowAllSites();
        const book = await browser.open(u.BOOK);
        await book.waitFor((hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => a.getAttribute('href')?.startsWith(hub)), [u.HUB6], {what: 'the launch menu on the default hub'});
        expect((await menuHrefs(book)).length > 0, 'launch links');
        s.step('the popup: the hub in use is the organisation\'s, the switch is not offered');
        const popup = await ui.popupFor(u.BOOK);
        const shown = await popup.waitFor(() => document.body.dataset.ready === 'true' && document.body.dataset.managed === 'locked' && {disabled: /** @type {HTMLSelectElement} */ (document.getElementById('hub-select')).disabled, status: document.getElementById('hub-status')?.textContent}, [], {what: 'the popup with a locked policy'});
        expectEqual(shown.disabled, true, 'the hub switch disabled');
        expect(shown.status?.includes(MESSAGES.managedBy.message), `the hub in use marked: ${shown.status}`);
        await popup.screenshot(path.join(ctx.screenshotDir, 'managed-popup.png'), {width: 420, height: 560});
        await popup.close();
        await book.close();
      });
    },
  ],
  [
    'presets, not locked, with a broken entry: the part left out is said; the reader removes a preset and it stays away; links open on the default',
    async (ctx, s) => {
      const u = ctx.urls;
      const policy = {
        hubs: [
          {url: u.HUB6, kind: 'jupyterhub', name: 'University JupyterHub'},
          {url: u.BINDER, kind: 'binderhub', name: 'University Binder'},
          {url: 'ftp://old.example.edu/', kind: 'jupyterhub'},
        ],
        defaultHub: u.BINDER,
      };
      await withPolicy(ctx.name, policy, s, async (browser, ui) => {
        const options = await ui.options();
        const rows = await waitRows(options, 2);
        expectEqual(rows.map((r) => [r.url, r.managed, r.choose, r.remove]), [[u.BINDER, 'preset', true, true], [u.HUB6, 'preset', true, true]], 'presets, the default first, all the reader\'s to change');
        const notice = await options.evaluate(() => document.getElementById('policy-notice')?.textContent ?? '');
        expect(/You may order them, remove them, or use another hub first/.test(notice), `the policy said: ${notice}`);
        expect(notice.includes("hubs[2]: url: invalid hub url: 'ftp://old.example.edu/': only http and https hubs are supported"), `the part left out, with the reason: ${notice}`);
        await ui.allowAllSites();
        s.step('the reader removes University JupyterHub');
        await options.click(`#hub-list li[data-url="${u.HUB6}"] button[aria-label^="Remove"]`);
        await waitRows(options, 1);
        const stored = await ui.ext(async (/** @type {any} */ x) => x.storage.sync.get(['settings.v2', 'presets.v1']));
        expectEqual([stored['settings.v2'].hubs.map((/** @type {any} */ h) => h.url), stored['presets.v1']], [[u.BINDER], {removed: [u.HUB6]}], 'stored: the preset kept, the one removed remembered');
        s.step('loaded again, the options page still leaves it out');
        await options.evaluate(() => location.reload());
        await options.waitFor(() => document.body.dataset.ready === 'true' && !document.getElementById('policy-notice')?.hidden && document.querySelectorAll('#hub-list li').length === 1 && document.querySelector('#hub-list li')?.getAttribute('data-url'), [], {what: 'one hub listed after a reload'});
        s.step('a book page: links open on the default BinderHub');
        const book = await browser.open(u.BOOK);
        await book.waitFor((hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].some((a) => a.getAttribute('href')?.startsWith(`${hub}v2/`)), [u.BINDER], {what: 'the Binder link on the default BinderHub'});
        await book.close();
      });
    },
  ],
].map(([name, fn]) => /** @type {any} */ ([name, fn, {skip: systemAccess().why ?? undefined}]));
