// Settings: export and import (an invalid file changes nothing), the Rust core's Wasm instance
// replaced after a real trap, settings of a newer version from another device left untouched,
// settings too large for sync storage refused before saving.
import fs from 'node:fs';
import path from 'node:path';
import {expect, expectEqual} from '../lib/suite.mjs';
import {env} from './common.mjs';

/** The area's tests, in order. @type {import('./common.mjs').Tests} */
export const settingsTests = [
  [
    'export and import round trip; an invalid file changes nothing',
    async (ctx, s) => {
      const {browser, options, ext, BINDER} = await env(ctx);
      s.step('screenshot the options page, light and dark');
      await options.evaluate(() => window.scrollTo(0, 0));
      await options.screenshot(path.join(ctx.screenshotDir, 'options.png'));
      await options.screenshot(path.join(ctx.screenshotDir, 'options-dark.png'), {colorScheme: 'dark'});
      s.step('export');
      const file = await browser.download(options, '#export');
      const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
      expectEqual(exported.hubs.length, 2, 'hubs in the export');
      s.step('remove a hub');
      await options.evaluate((url) => /** @type {HTMLButtonElement} */ (document.querySelector(`#hub-list li[data-url="${url}"] button:last-of-type`)).click(), BINDER);
      await options.waitFor(() => document.querySelectorAll('#hub-list li').length === 1);
      s.step('import a JSON object that is not settings: refused whole, nothing changed');
      const notSettings = path.join(path.dirname(file), 'not-settings.json');
      fs.writeFileSync(notSettings, JSON.stringify({hubs: [], mode: 'private'}));
      await options.setFiles('#import-file', [notSettings]);
      const refusedWhole = await options.waitFor(() => /was not imported/.test(document.getElementById('backup-status').textContent) && document.getElementById('backup-status').textContent);
      expect(/not byob settings: no version/.test(refusedWhole), `the message says why: ${refusedWhole}`);
      s.step('import a file with a bad hub: the preview leaves it out, offers nothing else to change');
      const bad = path.join(path.dirname(file), 'bad-settings.json');
      fs.writeFileSync(bad, JSON.stringify({...exported, hubs: [{url: 'not a url', name: 'x', kind: 'jupyterhub'}]}));
      await options.setFiles('#import-file', [bad]);
      const preview = await options.waitFor(() => {
        const box = document.getElementById('import-preview');
        return !box.hidden && {refused: [...document.querySelectorAll('#import-refused li')].map((li) => li.textContent), changes: box.dataset.changes, apply: document.getElementById('import-apply').disabled};
      }, [], {what: 'the import preview'});
      expect(preview.refused.length === 1 && /^hubs\[0\]: url: /.test(preview.refused[0]), `the refusal names the hub: ${JSON.stringify(preview.refused)}`);
      expectEqual([preview.changes, preview.apply], ['0', true], 'nothing to change, nothing to apply');
      await options.click('#import-cancel');
      expectEqual(await options.evaluate(() => document.querySelectorAll('#hub-list li').length), 1, 'hubs after the refused import');
      s.step('import the export: the preview shows the hub it brings back; confirm');
      await options.setFiles('#import-file', [file]);
      const changes = await options.waitFor(() => !document.getElementById('import-preview').hidden && [...document.querySelectorAll('#import-changes li')].map((li) => li.textContent), [], {what: 'the preview of the export'});
      expect(changes.length === 1 && changes[0].startsWith(`hubs[${BINDER}]: add → `), `changes: ${JSON.stringify(changes)}`);
      await options.click('#import-apply');
      await options.waitFor(() => document.querySelectorAll('#hub-list li').length === 2 && /Imported/.test(document.getElementById('backup-status').textContent), [], {what: 'the import'});
      const stored = await ext(async (x) => (await x.storage.sync.get('settings.v2'))['settings.v2']);
      expectEqual(stored, exported, 'settings after the round trip');
    },
  ],
  [
    'the Rust core: a Wasm instance that really traps is replaced by a fresh one, and the extension page keeps working',
    async (ctx, s) => {
      const {options} = await env(ctx);
      // In the options page (its own instance of core.js, the same module options.js uses):
      // overwrite the instance's memory, so every call into it traps, as a corrupting bug leaves it.
      const r = await options.evaluate(async () => {
        const core = await import('/core.js');
        const cold = await core.coldInstance();
        const before = core.status().instances;
        new Uint8Array(cold.exports.memory.buffer).fill(0xff);
        let direct = 'no trap';
        try {
          cold.parse('https://mybinder.org/v2/gh/o/r/HEAD');
        } catch (err) {
          direct = err instanceof WebAssembly.RuntimeError ? 'RuntimeError' : String(err);
        }
        const parsed = await core.parse('https://mybinder.org/v2/gh/o/r/HEAD');
        return {direct, status: parsed.status, instances: core.status().instances - before};
      });
      expectEqual(r, {direct: 'RuntimeError', status: 'launch', instances: 1}, 'a real trap, then the answer from one fresh instance');
      s.step('the page still validates and saves through the core');
      await options.click('#kind-colab');
      await options.waitFor(() => /Saved/.test(document.getElementById('prefs-status').textContent), [], {what: 'a save after the trap'});
      await options.click('#kind-colab');
      await options.waitFor(() => document.getElementById('kind-colab').checked);
    },
  ],
  [
    'settings of a newer version from another device: kept untouched, this device keeps its own, the options page and popup say to update',
    async (ctx, s) => {
      const {browser, options, ext} = await env(ctx);
      const before = await ext(async (x) => (await x.storage.sync.get('settings.v2'))['settings.v2']);
      const newer = {version: 3, profiles: [{name: 'work', hubs: before.hubs}], somethingNew: true};
      s.step('another device (a newer version) writes settings.v3');
      await ext((x, v) => x.storage.sync.set({'settings.v3': v}), newer);
      await options.waitFor(() => !document.getElementById('settings-notice').hidden && document.getElementById('settings-notice').textContent, [], {what: 'the update notice'});
      expectEqual(await options.evaluate(() => document.querySelectorAll('#hub-list li').length), 2, 'this device\'s hubs still shown');
      s.step('a change here saves settings.v2 only (Colab links off, then on again)');
      for (const colab of [false, true]) {
        await options.click('#kind-colab');
        await ext(async (x, colab) => {
          for (let i = 0; i < 100 && (await x.storage.sync.get('settings.v2'))['settings.v2'].linkKinds.colab !== colab; i++) await new Promise((r) => setTimeout(r, 20));
        }, colab);
      }
      const stored = await ext(async (x) => x.storage.sync.get(null));
      expectEqual(stored['settings.v3'], newer, 'settings.v3 untouched');
      expectEqual(stored['settings.v2'], before, 'settings.v2 kept (and changed only by the reader)');
      s.step('the popup says it too');
      await ext((x) => x.tabs.create({url: '/popup/popup.html'}));
      const popup = await browser.waitForPage((u) => u.startsWith(browser.origin) && u.endsWith('/popup/popup.html'));
      const notice = await popup.waitFor(() => document.body.dataset.ready === 'true' && !document.getElementById('settings-notice').hidden && document.getElementById('settings-notice').textContent, [], {what: 'the popup\'s update notice'});
      expect(/newer version/.test(notice) && /Update the extension/.test(notice), `popup notice: ${notice}`);
      await popup.close();
      await ext((x) => x.storage.sync.remove('settings.v3'));
      await options.waitFor(() => document.getElementById('settings-notice').hidden, [], {what: 'the notice gone'});
    },
  ],
  [
    'settings too large for the browser\'s sync storage are refused before saving, with the reason',
    async (ctx, s) => {
      const {browser, options, ext} = await env(ctx);
      await options.bringToFront();
      const sites = Array.from({length: 300}, (_, i) => `site-${String(i).padStart(3, '0')}.books.example.org`);
      await options.evaluate((text) => {
        /** @type {HTMLTextAreaElement} */ (document.getElementById('disabled-sites')).value = text;
      }, sites.join('\n'));
      await options.click('#disabled-sites-save');
      const message = await options.waitFor(() => /Not saved/.test(document.getElementById('prefs-status').textContent) && document.getElementById('prefs-status').textContent, [], {what: 'the refusal'});
      expect(/too large to store: \d+ bytes, and the browser's sync storage allows 8192 per item; disabledSites \(300 sites\)/.test(message), `message: ${message}`);
      const stored = await ext(async (x) => (await x.storage.sync.get('settings.v2'))['settings.v2']);
      expectEqual(stored.disabledSites, [], 'nothing saved');
      s.step('the limit is the browser\'s: a value of exactly 8192 bytes (key + JSON) is stored, one byte more is refused by storage.sync itself');
      const quota = await ext(async (x) => {
        const key = 'byob-quota-probe';
        const fill = (n) => 'x'.repeat(n - key.length - 2); // the JSON of a string adds its two quotes
        const out = [];
        for (const n of [8192, 8193]) {
          try {
            await x.storage.sync.set({[key]: fill(n)});
            out.push('stored');
          } catch (err) {
            out.push(/quota/i.test(String(err)) ? 'quota' : String(err));
          }
        }
        await x.storage.sync.remove(key);
        return out;
      });
      expectEqual(quota, ['stored', 'quota'], 'storage.sync at 8192 and 8193 bytes');
    },
  ],
];
