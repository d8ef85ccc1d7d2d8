# The launch flows end to end (issue 5): the built extension in headless Chromium and Firefox ESR,
# a reader's click on a course page's launch link followed to the notebook rendered in JupyterLab
# on the real test servers (tests/e2e/flows.test.mjs, tests/e2e/flows/README.md; the flows are
# those of tests/servers/flows.json, which test-flows walks over HTTP).

TEST_TARGETS += test-e2e-flows

.PHONY: test-e2e-flows screenshots-flows

test-e2e-flows: setup-npm extension setup-browsers cli setup-servers ## the launch flows of tests/servers/flows.json in Chromium and Firefox: link → login → spawn → clone → notebook (6-8 min on 2 shared cores; BROWSER= for one)
	$(E2E) tests/e2e/flows.test.mjs

screenshots-flows: setup-npm extension setup-browsers cli setup-servers ## retake docs/img/notebook-opened.png and docs/img/store/4-notebook.png (the notebook opened through the extension, Chromium)
	BYOB_E2E_SCREENSHOTS=docs BROWSER=chromium $(E2E) --test-name-pattern='^hub6-a:' tests/e2e/flows.test.mjs
