// The status after saving a hub (extension/ui/saved-hub.js), as the options page and the popup
// say it, with the real messages: a hub that can launch is said to take the links; one with a
// launch problem only to be saved, then why (fallback passes over it while it is down).
import assert from 'node:assert/strict';
import {before, test} from 'node:test';
import {extensionModules, getMessage} from './ext-modules.mjs';

/** @type {any} */
let savedHub;
before(async () => {
  /** @type {any} */ (globalThis).browser = {i18n: {getMessage, getUILanguage: () => 'en'}};
  savedHub = await (await extensionModules())('ui/saved-hub.js');
});

const PROBLEM = 'nbgitpuller is not installed or not enabled (git-pull answers 404), so launches on it fail until it is: pip install nbgitpuller';
const server = {kind: 'jupyter-server'};
const broken = {launchKind: 'jupyter-server', launchProblem: PROBLEM};
const options = {key: 'savedHub', problemKey: 'savedHubWithProblem', subs: ['lab.example.edu']};
const popup = {key: 'popupBookHubSaved', problemKey: 'popupBookHubSavedWithProblem', subs: ['lab.example.edu', 'course.example.org']};

test('a hub that can launch takes the links, in the ok style', () => {
  assert.deepEqual(savedHub.savedStatus(options, server, {launchKind: 'jupyter-server', launchProblem: null}, true), {text: 'Saved. Launch links now open on lab.example.edu.', cls: 'ok'});
  assert.deepEqual(savedHub.savedStatus(popup, server, {}, true), {text: 'Saved lab.example.edu: links on course.example.org now open there.', cls: 'ok'});
});

test('a hub with a launch problem is only said to be saved, then why, in the warning style', () => {
  assert.deepEqual(savedHub.savedStatus(options, server, broken, true), {text: `Saved lab.example.edu. Warning: ${PROBLEM}.`, cls: 'warn'});
  assert.deepEqual(savedHub.savedStatus(popup, server, broken, true), {text: `Saved lab.example.edu for the links on course.example.org. Warning: ${PROBLEM}.`, cls: 'warn'});
});

test('saved as another kind than detected: another hub, of which detection said nothing', () => {
  assert.deepEqual(savedHub.savedStatus(options, {kind: 'jupyterhub'}, broken, true), {text: 'Saved. Launch links now open on lab.example.edu.', cls: 'ok'});
});

test('behind the hubs an organisation locks: where it stands, and only that with a launch problem', () => {
  const managed = {key: 'savedHubAfterManaged', problemKey: 'savedHubAfterManagedWithProblem', subs: ['lab.example.edu']};
  assert.match(savedHub.savedStatus(managed, server, {}, true).text, /^Saved lab\.example\.edu, after the hubs your organisation sets: launch links open on it when/);
  assert.deepEqual(savedHub.savedStatus(managed, server, broken, true), {text: `Saved lab.example.edu, after the hubs your organisation sets. Warning: ${PROBLEM}.`, cls: 'warn'});
});

test('without access: said after the rest, in the warning style; not beside a launch problem, whose warning it would contradict', () => {
  assert.deepEqual(savedHub.savedStatus(options, server, {}, false), {text: 'Saved. Launch links now open on lab.example.edu. (Without access to read the hub, its version and health cannot be checked; launch links still work.)', cls: 'warn'});
  assert.deepEqual(savedHub.savedStatus(options, server, broken, false), {text: `Saved lab.example.edu. Warning: ${PROBLEM}.`, cls: 'warn'});
});
