// Browser entry of the test site: hydrate the server-rendered page. With `?hydrate=manual` it
// waits for `window.hydrateNow()`, so a test can let the extension change the page first.
import React from 'react';
import {hydrateRoot} from 'react-dom/client';
import {App} from './app.jsx';

const data = JSON.parse(document.getElementById('site-data').textContent);
const errors = (window.hydrationErrors = []);

function hydrate() {
  hydrateRoot(document.getElementById('root'), <App site={data.site} initial={data.page} />, {
    onRecoverableError: (err) => errors.push(String(err?.message ?? err)),
  });
}

if (new URLSearchParams(location.search).get('hydrate') === 'manual') window.hydrateNow = hydrate;
else hydrate();
