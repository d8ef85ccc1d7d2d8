// @ts-check
/**
 * The last content script file: start the session once every feature has registered. Injected
 * again into a tab where it already runs (the toolbar button), the session looks for new links.
 */
(() => {
  'use strict';
  const session = /** @type {any} */ (globalThis)[Symbol.for('byob.session')];
  if (session) session.start();
})();
