// @ts-check
// The store listing's pictures (docs/store/README.md), in one place: each file, the exact size
// the stores take for it, what it shows and which test takes it. The runner (store.test.mjs)
// checks every picture it takes against this list, and the committed ones in docs/img/store/;
// a test checks that docs/store/README.md's table lists each of them with its size.
import fs from 'node:fs';

/**
 * @typedef {{file: string, width: number, height: number, kind: 'screenshot' | 'small tile' | 'marquee', shows: string, takenBy: string}} StoreImage
 */

/** Where `make store-images` writes them (under the repository). */
export const DOCS_DIR = 'docs/img/store';

/** @type {StoreImage[]} */
export const IMAGES = [
  {file: '1-page-and-popup.png', width: 1280, height: 800, kind: 'screenshot', shows: 'a Jupyter Book page whose launch links now open on the reader\'s hub, and the toolbar popup listing each link and what it became', takenBy: 'tests/e2e/store/shots.mjs'},
  {file: '2-options.png', width: 1280, height: 800, kind: 'screenshot', shows: 'the options page: three hubs saved (a JupyterHub, a BinderHub, another JupyterHub), each detected with its kind and version and checked up', takenBy: 'tests/e2e/store/shots.mjs'},
  {file: '3-myst.png', width: 1280, height: 800, kind: 'screenshot', shows: 'a Jupyter Book 2 (MyST) page with "Launch on hub.example.edu" beside its rocket button', takenBy: 'tests/e2e/store/shots.mjs'},
  {file: '4-notebook.png', width: 1280, height: 800, kind: 'screenshot', shows: 'the notebook opened in JupyterLab on the reader\'s JupyterHub after one click on a converted link', takenBy: 'tests/e2e/flows/reader.mjs (flow hub6-a of make test-e2e-flows)'},
  {file: '5-fallback.png', width: 1280, height: 800, kind: 'screenshot', shows: 'the first hub down: the page\'s links open on the next hub, and the popup says which hub is down and why', takenBy: 'tests/e2e/store/shots.mjs'},
  {file: 'tile-440x280.png', width: 440, height: 280, kind: 'small tile', shows: 'the icon, the name and one line of what it does', takenBy: 'tests/e2e/store/tiles.mjs'},
  {file: 'marquee-1400x560.png', width: 1400, height: 560, kind: 'marquee', shows: 'the icon, the name, one line and the link kinds it converts', takenBy: 'tests/e2e/store/tiles.mjs'},
];

/**
 * The pixel size a PNG file says it has (its IHDR chunk), or an error naming the file.
 * @param {string} file
 * @returns {{width: number, height: number}}
 */
export function pngSize(file) {
  const head = Buffer.alloc(24);
  const fd = fs.openSync(file, 'r');
  let n;
  try {
    n = fs.readSync(fd, head, 0, 24, 0);
  } finally {
    fs.closeSync(fd);
  }
  const signature = '89504e470d0a1a0a';
  if (n < 24 || head.subarray(0, 8).toString('hex') !== signature || head.subarray(12, 16).toString('ascii') !== 'IHDR') throw new Error(`${file}: not a png file`);
  return {width: head.readUInt32BE(16), height: head.readUInt32BE(20)};
}

/**
 * Throw unless `file` is a PNG of exactly the size `image` needs.
 * @param {string} file
 * @param {StoreImage} image
 */
export function checkSize(file, image) {
  if (!fs.existsSync(file)) throw new Error(`${file}: missing (make store-images takes it)`);
  const {width, height} = pngSize(file);
  if (width !== image.width || height !== image.height) throw new Error(`${file}: ${width}×${height} pixels, the store takes ${image.width}×${image.height}`);
}

/**
 * The entry of `file` (a name in docs/img/store/).
 * @param {string} file
 */
export function image(file) {
  const found = IMAGES.find((i) => i.file === file);
  if (!found) throw new Error(`${file}: not a store picture (tests/e2e/store/images.mjs lists them)`);
  return found;
}

/**
 * The rows of a Markdown table that name a store picture in their first cell (`docs/img/store/…`),
 * by that path.
 * @param {string} markdown
 * @returns {Map<string, string>}
 */
export function readmeRows(markdown) {
  const rows = new Map();
  for (const line of markdown.split('\n')) {
    const m = /^\|\s*`([^`]+)`\s*\|/.exec(line);
    if (m && m[1].startsWith(`${DOCS_DIR}/`)) rows.set(m[1], line);
  }
  return rows;
}
