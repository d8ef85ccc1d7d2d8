// @ts-check
/**
 * The WebExtension namespace: `browser` in Firefox (and Chrome 148+), `chrome` elsewhere.
 * Both return promises from the calls this extension makes.
 */
/** @type {any} */
export const ext = /** @type {any} */ (globalThis).browser ?? /** @type {any} */ (globalThis).chrome;
