// @ts-check
// The store's promotional tiles (images.mjs): the small tile (Chrome Web Store, 440×280,
// required) and the marquee (1400×560, optional), rendered from tile.html with the extension's
// icon drawn by tools/icons.mjs at the size each needs. No network: the page and the icon are local.
import path from 'node:path';
import {pathToFileURL} from 'node:url';
import {iconPng} from '../../../tools/icons.mjs';
import {checkSize, image} from './images.mjs';

/**
 * Render tile.html as `layout` into the picture `file`.
 * @param {import('../store.test.mjs').StoreCtx} ctx
 * @param {string} file
 * @param {'small' | 'marquee'} layout
 * @param {number} iconSize the icon's edge, pixels (tile.html's CSS gives it the same)
 */
async function tile(ctx, file, layout, iconSize) {
  const {width, height} = image(file);
  const page = await ctx.browser.ctx().newPage();
  try {
    await page.setViewportSize({width, height});
    await page.goto(pathToFileURL(path.join(import.meta.dirname, 'tile.html')).href);
    await page.evaluate(([layout, src]) => {
      document.body.className = layout;
      /** @type {HTMLImageElement} */ (document.getElementById('icon')).src = src;
    }, [layout, `data:image/png;base64,${iconPng(iconSize).toString('base64')}`]);
    await page.waitForFunction(() => /** @type {HTMLImageElement} */ (document.getElementById('icon')).naturalWidth > 0);
    const shown = await page.evaluate(() => [document.body.scrollWidth, document.body.scrollHeight, /** @type {HTMLImageElement} */ (document.getElementById('icon')).getBoundingClientRect().width]);
    if (shown[0] !== width || shown[1] !== height) throw new Error(`tile.html as ${layout} is ${shown[0]}×${shown[1]}, not ${width}×${height}: its text overflows`);
    if (shown[2] !== iconSize) throw new Error(`the icon is shown ${shown[2]} pixels wide, drawn at ${iconSize}: it would be scaled`);
    const to = path.join(ctx.out, file);
    await page.screenshot({path: to});
    checkSize(to, image(file));
  } finally {
    await page.close();
  }
}

/** @type {import('../store.test.mjs').StoreTests} */
export const tileTests = [
  ['the small promotional tile, 440×280 (tile-440x280.png)', (ctx) => tile(ctx, 'tile-440x280.png', 'small', 104)],
  ['the marquee, 1400×560 (marquee-1400x560.png)', (ctx) => tile(ctx, 'marquee-1400x560.png', 'marquee', 256)],
];
