# The browser extension: dist/chrome/, dist/firefox/ and their zips; JS unit tests; e2e tests
# in headless Chromium and Firefox ESR; the content-script and Wasm-in-browser benchmarks.

EXT_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' manifest.json)
EXT_SOURCES := manifest.json $(shell find extension tools -type f 2>/dev/null)

BUILD_TARGETS += extension
TEST_TARGETS += test-js lint-ext test-e2e
BENCH_TARGETS += bench-ext bench-firefox

.PHONY: setup-e2e
.PHONY: setup-browsers extension test-js lint-ext test-e2e screenshots store-images bench-ext bench-firefox run

# Browsers are test needs, not build needs: `make` never installs system packages (it needs no
# root). The tiers that drive a browser depend on setup-browsers, which installs what is missing
# with sudo when not root, or names the command to run (tools/setup-browsers.sh).
setup-browsers: ## Chromium and Firefox ESR from Debian, for the browser tiers (only those missing; sudo when not root)
	@tools/setup-browsers.sh

extension: dist/byob-chrome-$(EXT_VERSION).zip ## build dist/chrome, dist/firefox and their zips
dist/byob-chrome-$(EXT_VERSION).zip: $(EXT_SOURCES) $(WASM_OUT)/byob_bg.wasm $(WASM_OUT)/byob_hot.wasm node_modules/.package-lock.json
	node tools/build-extension.mjs

test-js: node_modules/.package-lock.json $(WASM_OUT)/byob_bg.wasm $(WASM_OUT)/byob_hot.wasm ## JS unit tests (node --test): link finding, message guards, content script, build, the core loader on the real Wasm
	node --test tests/js/

lint-ext: extension ## web-ext lint on dist/firefox: no errors, no warnings
	node tools/lint-extension.mjs

JB1 := .venv/jb1
setup-e2e: $(JB1)/.requirements ## jupyter-book 1.x (pinned) that builds the e2e tests' book
$(JB1)/.requirements: tests/e2e/requirements-jb1.txt
	@tools/setup-python.sh
	rm -rf $(JB1) && python3 -m venv $(JB1)
	$(JB1)/bin/pip install --quiet --no-deps -r $<
	cp $< $@

# The e2e suites run on node:test (TAP); Node 20 needs the flag for the WebSocket of Firefox's
# driver. BROWSER=chromium or firefox runs one browser (tests/e2e/README.md: the fast loop).
E2E := node --test --test-concurrency=1 --experimental-websocket

test-e2e: extension setup-browsers setup-e2e ## the built extension in headless Chromium and Firefox ESR (BROWSER=chromium|firefox for one); the store pictures retaken into build/store-images and checked
	$(E2E) tests/e2e/extension.test.mjs tests/e2e/store.test.mjs

screenshots: extension setup-browsers setup-e2e ## retake docs/img/options*.png, popup.png, myst*.png, managed*.png (the Chromium e2e run; managed*.png as root)
	BYOB_E2E_SCREENSHOTS=docs BROWSER=chromium $(E2E) tests/e2e/extension.test.mjs

# The store listing's pictures (docs/store/README.md): the notebook from the flows first, then
# the others, whose run checks every file of docs/img/store/ for its exact size.
store-images: setup-npm extension setup-browsers setup-e2e cli setup-servers ## retake docs/img/store/: the listing screenshots (1280×800) and promotional tiles (Chromium; also docs/img/notebook-opened.png)
	BYOB_E2E_SCREENSHOTS=docs BROWSER=chromium $(E2E) --test-name-pattern='^hub6-a:' tests/e2e/flows.test.mjs
	BYOB_E2E_SCREENSHOTS=docs BROWSER=chromium $(E2E) tests/e2e/store.test.mjs

run: extension setup-browsers setup-e2e ## a browser with the extension on the local sample book (BROWSER=firefox for Firefox; needs a display)
	node tools/run-browser.mjs $(or $(BROWSER),chromium)

bench-ext: extension setup-browsers setup-e2e ## content-script cost and Wasm batch rewrite in headless Chromium
	node tests/e2e/bench.mjs

bench-firefox: extension setup-browsers setup-e2e ## Firefox's event page woken by a book page: its own clock and the content script's (headless Firefox ESR; prints a table)
	node --experimental-websocket tests/e2e/bench-firefox.mjs
