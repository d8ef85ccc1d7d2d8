# The Rust core, the CLI and the Wasm package.

# Two Wasm modules from the one crate (docs/design.md §5): the hot module the background loads
# when it wakes (rewriting only: `--features hot`, raw exports, loaded by extension/hot.js) and
# the cold one with everything else (settings, detection, parse to JSON, the full rewrite;
# raw exports too, src/wasm.rs, loaded by extension/cold.js where it is used). Each has its own
# profile. Neither needs wasm-bindgen; its CLI is only `make test-wasm`'s test runner.
WASM_OUT := build/pkg
WASM_COLD_RAW := target/wasm32-unknown-unknown/wasm-cold/byob.wasm
WASM_HOT_RAW := target/wasm32-unknown-unknown/wasm-hot/byob.wasm
WASM_OPT := node_modules/.bin/wasm-opt
WASM_OPT_FLAGS := -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types
# Both modules: `--converge` repeats -Oz while the module shrinks, and `--low-memory-unused`
# lets wasm-opt fold `load(p + c)` into a load at offset c (exact unless p + c wraps past 4 GB
# into the first KB of memory, which no valid Rust pointer does): 1.0 KB gzip of the cold
# module (docs/benchmarks.md, "size (fifth round)"), 281 bytes of the hot one, room under its
# 45 KB cap ("speed (the express lane for Jupyter Book 1's links)").
WASM_OPT_HOT_FLAGS := $(WASM_OPT_FLAGS) --low-memory-unused --converge
WASM_OPT_COLD_FLAGS := $(WASM_OPT_HOT_FLAGS)
# The hot module's first call compiles `byob_set_target` whole, in V8's baseline tier: the
# reading of a target with an environment repository (rare) stays out of it, or wasm-opt
# inlines its one call site whatever `#[inline(never)]` says. Before `-Oz`, or its inliner has
# already run (docs/benchmarks.md, "cold first call (sixth round)").
WASM_OPT_HOT_FLAGS := '--no-inline=*wire_env*' $(WASM_OPT_HOT_FLAGS)
# Reproducible Wasm: the same bytes wherever the tree and the cargo registry live. Panic locations
# name source files; these prefixes map the checkout and cargo's home to fixed names (the
# standard library's paths are already /rustc/<commit>/). Only the wasm32 target gets them, so
# native builds keep their cache. BUILDING.md says how a release is rebuilt and checked.
CARGO_HOME_DIR := $(or $(CARGO_HOME),$(HOME)/.cargo)
WASM_RUSTFLAGS := --remap-path-prefix=$(CURDIR)=/byob --remap-path-prefix=$(CARGO_HOME_DIR)=/cargo
# The hot module: opt-level "z" with LLVM's own inliner. A threshold of 50 made the general
# path 15-20% faster for 1.9 KB gzip (docs/benchmarks.md, "speed"); since the express lane
# (src/express.rs) answers the common links, the lane needs the room and gains little from it
# ("speed (fourth round)").
WASM_HOT_RUSTFLAGS := $(WASM_RUSTFLAGS)

BUILD_TARGETS += cli wasm
TEST_TARGETS += test-rust lint test-wasm
BENCH_TARGETS += bench-core

.PHONY: setup-rust setup-wasm-test setup-npm cli wasm test-rust lint test-wasm bench-core

setup: setup-rust setup-npm

setup-rust: ## the wasm32 target (the build needs nothing else from rustup or cargo install)
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

# `make test-wasm` only: wasm-bindgen-cli is the Wasm tests' runner (wasm-bindgen-test), and must
# be the version Cargo.toml pins. Neither shipped module needs it, so `make` does not compile it.
setup-wasm-test: setup-rust ## wasm-bindgen-cli (the Wasm tests' runner) at the version pinned in Cargo.toml
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION), the Wasm tests' runner (2-4 minutes, once)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --no-default-features --force; \
	fi

setup-npm: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

cli: ## build the byob CLI (target/release/byob)
	$(CARGO) build --release --bin byob

wasm: $(WASM_OUT)/byob_bg.wasm $(WASM_OUT)/byob_hot.wasm ## build the Wasm modules (build/pkg: byob_hot.wasm, byob_bg.wasm)
# `cargo rustc --crate-type cdylib`, not `cargo build`: the lib is an rlib (Cargo.toml says why),
# and a cdylib built alone is the only way cargo passes the profile's `lto = true` to it (with
# both crate types it silently left LTO out: docs/platform.md). The raw module is removed first,
# so that a build that makes no cdylib fails here instead of wasm-opt reading an old one.
$(WASM_OUT)/byob_bg.wasm: $(shell find src -name '*.rs') Cargo.toml Cargo.lock
	@rm -f $(WASM_COLD_RAW)
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_RUSTFLAGS)" $(CARGO) rustc --profile wasm-cold --locked --lib --target wasm32-unknown-unknown --crate-type cdylib
	@mkdir -p $(WASM_OUT)
	@rm -f $(WASM_OUT)/byob.js $(WASM_OUT)/byob.d.ts $(WASM_OUT)/byob_bg.wasm.d.ts
	$(WASM_OPT) $(WASM_OPT_COLD_FLAGS) $(WASM_COLD_RAW) -o $@
	@echo "wasm (cold): $$(stat -c %s $@) bytes, $$(gzip -9 -c $@ | wc -c) gzip -9"
$(WASM_OUT)/byob_hot.wasm: $(shell find src -name '*.rs') Cargo.toml Cargo.lock
	@rm -f $(WASM_HOT_RAW)
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_HOT_RUSTFLAGS)" $(CARGO) rustc --profile wasm-hot --locked --lib --target wasm32-unknown-unknown --features hot --crate-type cdylib
	@mkdir -p $(WASM_OUT)
	$(WASM_OPT) $(WASM_OPT_HOT_FLAGS) $(WASM_HOT_RAW) -o $@
	@echo "wasm (hot): $$(stat -c %s $@) bytes, $$(gzip -9 -c $@ | wc -c) gzip -9"

test-rust: ## native unit, corpus and CLI tests
	$(CARGO) test --all-targets

lint: ## rustfmt, clippy (native and wasm32), rustdoc
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	$(CARGO) clippy --all-targets --target wasm32-unknown-unknown -- -D warnings
	$(CARGO) clippy --lib --target wasm32-unknown-unknown --features hot -- -D warnings
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --no-deps --quiet

test-wasm: setup-wasm-test ## the cold module's facade compiled to Wasm, with wasm-bindgen-test in Node
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner $(CARGO) test --target wasm32-unknown-unknown --test wasm

bench-core: ## native rewrite throughput over the corpus: the hot path and the full model, medians of 31 windows
	$(CARGO) run --release --quiet --example bench
