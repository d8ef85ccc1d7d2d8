// Link finding (extension/content/launch-links.js) on real deployed Jupyter Book pages and on
// the markup cases the content script must handle.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {fixture, pageWindow, root} from './dom.mjs';

/** @param {any} window */
function found(window) {
  // Array.from: plain arrays of this realm, so deepEqual compares contents only.
  return Array.from(window[Symbol.for('byob.launchLinks')].findCandidates(window.document), (c) => ({href: c.href, source: c.source}));
}

test('sphinx-book-theme 1.x launch menu (cookbook-template)', () => {
  const w = pageWindow(fixture('jb1-sbt-1.1-cookbook-template/notebooks/notebook-template.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template.html');
  assert.deepEqual(found(w), [
    {href: 'https://binder.projectpythia.org/v2/gh/ProjectPythia/cookbook-template/main?urlpath=lab/tree/notebooks/notebook-template.ipynb', source: 'launch-menu'},
  ]);
});

test('sphinx-book-theme 0.3 launch menu with a JupyterHub nbgitpuller link (openos)', () => {
  const w = pageWindow(fixture('jb1-sbt-0.3-openos/textbook/contributing/examples.html'), 'https://openosorg.github.io/openos/textbook/contributing/examples.html');
  assert.deepEqual(found(w), [
    {
      href: 'https://jupyterhub-opf-jupyterhub.apps.smaug.na.operate-first.cloud/hub/user-redirect/git-pull?repo=https%3A//github.com/OpenOSOrg/openos&urlpath=lab/tree/openos/content/contributing/examples.ipynb&branch=main',
      source: 'launch-menu',
    },
  ]);
});

test('sphinx-book-theme 0.1 dropdown buttons (quantecon-mini-example)', () => {
  const w = pageWindow(fixture('jb1-sbt-0.1-quantecon-mini/docs/about_py.html'), 'https://executablebooks.github.io/quantecon-mini-example/docs/about_py.html');
  assert.deepEqual(found(w), [
    {href: 'https://mybinder.org/v2/gh/executablebooks/quantecon-mini-example/master?urlpath=tree/mini_book/docs/about_py.md', source: 'launch-menu'},
  ]);
  // The download buttons in the other `.dropdown-buttons` are not launch links.
  assert.ok(w.document.querySelectorAll('.dropdown-buttons a').length > 1);
});

test('Jupyter Book 2 (MyST) pages: the launch control is a button, a badge in content is a link', () => {
  const index = pageWindow(fixture('jb2-mystmd-1.7-cookbook-template/index.html'), 'https://projectpythia.org/cookbook-template/');
  assert.deepEqual(found(index), [{href: 'https://binder.projectpythia.org/v2/gh/ProjectPythia/cookbook-template/main?labpath=notebooks', source: 'content'}]);
  const page = pageWindow(fixture('jb2-mystmd-1.7-cookbook-template/notebooks/notebook-template/index.html'), 'https://projectpythia.org/cookbook-template/notebooks/notebook-template');
  assert.deepEqual(found(page), []);
});

test('badges and links in content; relative and non-http hrefs; ordinary links ignored', () => {
  const w = pageWindow(
    `<!doctype html><base href="https://book.example.org/a/b/">
    <p><a href="https://mybinder.org/v2/gh/org/repo/HEAD"><img src="https://mybinder.org/badge_logo.svg"></a>
       <a href="https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&amp;urlpath=lab">pull</a>
       <a href="https://colab.research.google.com/github/org/repo/blob/main/x.ipynb">colab</a>
       <a href="https://colab.research.google.com/drive/1abc">drive notebook</a>
       <a href="https://mybinder.org/repo/org/legacy">legacy</a>
       <a href="https://hub.example.edu/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgit-pull">lti</a>
       <a href="../v2/gh/org/repo/main">relative</a>
       <a href="javascript:void('/v2/gh/x/y/z')">js</a>
       <a href="https://github.com/org/repo">github</a>
       <a href="#v2">anchor</a>
       <a>no href</a></p>`,
    'https://book.example.org/a/b/page.html',
  );
  assert.deepEqual(
    found(w).map((c) => c.href),
    [
      'https://mybinder.org/v2/gh/org/repo/HEAD',
      'https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2Fgithub.com%2Fo%2Fr&urlpath=lab',
      'https://colab.research.google.com/github/org/repo/blob/main/x.ipynb',
      'https://mybinder.org/repo/org/legacy',
      'https://hub.example.edu/hub/lti/launch?next=%2Fhub%2Fuser-redirect%2Fgit-pull',
      'https://book.example.org/a/v2/gh/org/repo/main',
    ],
  );
  assert.ok(found(w).every((c) => c.source === 'content'));
});

test('a launch-menu link is sent whatever its host and path look like', () => {
  const w = pageWindow(
    `<div class="dropdown dropdown-launch-buttons"><ul class="dropdown-menu">
       <li><a class="btn btn-sm dropdown-item" href="https://notebooks.example.org/launch/here">Custom</a></li>
     </ul></div>`,
    'https://book.example.org/',
  );
  assert.deepEqual(found(w), [{href: 'https://notebooks.example.org/launch/here', source: 'launch-menu'}]);
});

test('searching a subtree finds links inside it and the element itself', () => {
  const w = pageWindow(`<div id="menu" class="menu-dropdown-launch-buttons"><ul id="list"></ul></div>`, 'https://book.example.org/');
  const li = w.document.createElement('li');
  li.innerHTML = '<a href="https://x.example/launch">Launch</a>';
  w.document.getElementById('list').append(li);
  assert.deepEqual(
    Array.from(w[Symbol.for('byob.launchLinks')].findCandidates(li), (c) => c.source),
    ['launch-menu'],
  );
  const a = w.document.createElement('a');
  a.href = 'https://mybinder.org/v2/gh/o/r/HEAD';
  w.document.body.append(a);
  assert.equal(w[Symbol.for('byob.launchLinks')].findCandidates(a).length, 1);
});

test('loading the script twice keeps one finder', () => {
  const w = pageWindow('<a href="https://mybinder.org/v2/gh/o/r/HEAD">x</a>', 'https://book.example.org/');
  const first = w[Symbol.for('byob.launchLinks')];
  w.eval(fs.readFileSync(path.join(root, 'extension', 'content', 'launch-links.js'), 'utf8'));
  assert.equal(w[Symbol.for('byob.launchLinks')], first);
  assert.equal(w[Symbol.for('byob.launchLinks')].findCandidates(w.document).length, 1);
});
