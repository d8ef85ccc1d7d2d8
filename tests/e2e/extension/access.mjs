// Site access taken back: revoking all sites turns automatic relaunch off, and the popup then
// relaunches the links of its own tab.
import {expect, expectEqual} from '../lib/suite.mjs';
import {env, menuHrefs} from './common.mjs';

/** The area's tests, in order. @type {import('./common.mjs').Tests} */
export const accessTests = [
  [
    'revoking all-sites access turns automatic mode off',
    async (ctx, s) => {
      const {browser, options, ext, BOOK} = await env(ctx);
      s.step('click "Turn off automatic relaunch"');
      await options.click('#revoke-all');
      await options.waitFor(() => document.getElementById('access-status').dataset.automatic === 'false', [], {what: 'automatic mode off'});
      const scripts = await ext((x) => x.scripting.getRegisteredContentScripts());
      expectEqual(scripts.length, 0, 'registered content scripts after revoking');
      s.step('a new page is left alone');
      const page = await browser.open(BOOK);
      const hrefs = await menuHrefs(page);
      expect(hrefs.every((x) => !x.includes('127.0.0.1')), `links changed after revoking: ${hrefs}`);
      await page.close();
    },
  ],
  [
    'without all-sites access, the popup relaunches the links of its tab',
    async (ctx, s) => {
      const {browser, ui, options, ext, BOOK, HUB6} = await env(ctx);
      // The toolbar button grants activeTab, which no driver can click; the book is opened on
      // 127.0.0.1 instead, the hubs' host. Revoking all sites also dropped that origin (both
      // browsers remove the narrower grants a removed pattern covers): re-checking the hub asks
      // for it again.
      s.step('re-check the hub (asks for its origin again)');
      await browser.preApprove(['http://127.0.0.1/*']);
      await options.click(`#hub-list li[data-url="${HUB6}"] button[aria-label^="Re-check"]`);
      await options.waitFor(() => /JupyterHub 6\.1\.1/.test(document.getElementById('hub-list-status').textContent), [], {what: 'the re-check'});
      const origins = (await ext((x) => x.permissions.getAll())).origins;
      expectEqual(origins, ['http://127.0.0.1/*'], 'granted origins after the re-check');
      s.step('open the book on 127.0.0.1: left alone');
      const url = BOOK.replace('//localhost:', '//127.0.0.1:');
      const page = await browser.open(url);
      const before = await menuHrefs(page);
      expect(before.every((x) => !x.includes('127.0.0.1')), `links changed before the popup: ${before}`);
      s.step('open the popup for that tab');
      const tabId = await ui.tabId(url);
      const popup = await ui.popupFor(url);
      await popup.waitFor(() => document.body.dataset.converted === '3', [], {what: 'the popup to list 3 converted links'}).catch(async (err) => {
        const probe = await ext(async (x, id) => JSON.stringify(await x.scripting.executeScript({target: {tabId: id, allFrames: true}, func: () => [typeof globalThis[Symbol.for('byob.content')], typeof globalThis[Symbol.for('byob.launchLinks')], location.href, globalThis[Symbol.for('byob.launchLinks')]?.findCandidates(document).length]})), tabId).catch((e) => String(e));
        throw new Error(`${err.message}; the popup says: ${await popup.evaluate(() => document.getElementById('page-status').textContent)}; probe ${probe}`);
      });
      await page.waitFor((hub) => [...document.querySelectorAll('.dropdown-launch-buttons a')].every((a) => a.getAttribute('href').startsWith(hub)), [HUB6], {what: 'the tab relaunched by the popup'});
      await popup.close();
      await page.close();
    },
  ],
];
