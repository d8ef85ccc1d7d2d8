# Fuzzing the core (docs/fuzzing.md): the targets of src/fuzz.rs, checked against the
# invariants of src/invariants.rs. `make test-fuzz` is a short, fixed-seed, deterministic pass
# of the in-tree harness (part of `make test`); `make fuzz` runs them for as long as asked,
# under libFuzzer when cargo-fuzz is installed (`make setup-fuzz`).

TEST_TARGETS += test-fuzz
FUZZ_RUNS ?= 100000
FUZZ_SECONDS ?= 300

.PHONY: setup-fuzz test-fuzz fuzz

setup-fuzz: ## cargo-fuzz (libFuzzer on stable Rust, no sanitizer) for make fuzz (~2 minutes, once)
	@cargo fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked

test-fuzz: ## a short, fixed-seed pass of every fuzz target (FUZZ_RUNS inputs each, 100,000 by default: ~15 s)
	$(CARGO) run --quiet --profile fuzz --example fuzz -- --runs $(FUZZ_RUNS) --seed 1

fuzz: ## every fuzz target for FUZZ_SECONDS in all (libFuzzer if installed, else the in-tree harness)
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh
