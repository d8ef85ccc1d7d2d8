// Node entry of the test site: the page's HTML as a server would render it.
import React from 'react';
import {renderToString} from 'react-dom/server';
import {App} from './app.jsx';

export function render(site, page) {
  return renderToString(<App site={site} initial={page} />);
}
