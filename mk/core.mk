# The Rust core, the CLI and the Wasm package.

WASM_OUT := build/pkg
WASM_RAW := target/wasm32-unknown-unknown/release/byob.wasm
WASM_OPT := node_modules/.bin/wasm-opt
# Reproducible Wasm: the same bytes wherever the tree and the cargo registry live. Panic locations
# name source files; these prefixes map the checkout and cargo's home to fixed names (the
# standard library's paths are already /rustc/<commit>/). Only the wasm32 target gets them, so
# native builds keep their cache. BUILDING.md says how a release is rebuilt and checked.
CARGO_HOME_DIR := $(or $(CARGO_HOME),$(HOME)/.cargo)
WASM_RUSTFLAGS := --remap-path-prefix=$(CURDIR)=/byob --remap-path-prefix=$(CARGO_HOME_DIR)=/cargo

BUILD_TARGETS += cli wasm
TEST_TARGETS += test-rust lint test-wasm
BENCH_TARGETS += bench-core

.PHONY: setup-rust setup-npm cli wasm test-rust lint test-wasm bench-core

setup: setup-rust setup-npm

setup-rust: ## wasm32 target and wasm-bindgen-cli at the version pinned in Cargo.toml
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (2-4 minutes, once)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --no-default-features --force; \
	fi

setup-npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

cli: ## build the byob CLI (target/release/byob)
	$(CARGO) build --release --bin byob

wasm: $(WASM_OUT)/byob_bg.wasm ## build the Wasm package (build/pkg)
$(WASM_OUT)/byob_bg.wasm: $(shell find src -name '*.rs') Cargo.toml Cargo.lock
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_RUSTFLAGS)" $(CARGO) build --release --locked --lib --target wasm32-unknown-unknown
	wasm-bindgen --target web --out-dir $(WASM_OUT) --out-name byob $(WASM_RAW)
	$(WASM_OPT) -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types $@ -o $@.opt && mv $@.opt $@
	@ls -l $@ | awk '{print "wasm: " $$5 " bytes"}'

test-rust: ## native unit, corpus and CLI tests
	$(CARGO) test --all-targets

lint: ## rustfmt, clippy (native and wasm32), rustdoc
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --no-deps --quiet

test-wasm: ## the Wasm facade with wasm-bindgen-test in Node
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner $(CARGO) test --target wasm32-unknown-unknown --test wasm

bench-core: ## native parse+rewrite throughput over the corpus
	$(CARGO) run --release --quiet --example bench
