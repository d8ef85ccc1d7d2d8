# Bring Your Own Binder — the single entry point. `make help` lists the targets.
#   make        install what is missing (idempotent), build the CLI, the Wasm and the extension
#   make test   every test tier, starting the real servers it needs
# Each area adds its own targets in mk/*.mk and appends to BUILD_TARGETS / TEST_TARGETS / BENCH_TARGETS.

SHELL := /bin/bash
.DEFAULT_GOAL := build

WASM_BINDGEN_VERSION := $(shell sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' Cargo.toml)
CARGO ?= cargo
export PATH := $(HOME)/.cargo/bin:$(CURDIR)/node_modules/.bin:$(PATH)

BUILD_TARGETS :=
TEST_TARGETS :=
BENCH_TARGETS :=

include mk/*.mk

.PHONY: build test bench help setup
build: setup $(BUILD_TARGETS) ## install what is missing, build everything
	@echo "make: built the CLI target/release/byob, and the extension unpacked in dist/chrome and dist/firefox (README: Install)"
test: build $(TEST_TARGETS) ## run every test tier
	@echo "make test: all tiers passed ($(TEST_TARGETS))"
bench: build $(BENCH_TARGETS) ## run the benchmarks and print the tables

help: ## list the targets
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{ printf "%-18s %s\n", $$1, $$2 }'
