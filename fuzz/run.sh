#!/usr/bin/env bash
# `make fuzz`: every target of src/fuzz.rs, one after the other (the machine has 2 shared
# cores), for FUZZ_SECONDS in all, split evenly. The engine is libFuzzer through cargo-fuzz
# when it is installed (`make setup-fuzz`; stable Rust, no sanitizer: `-s none`; `-O` with
# byob's own debug assertions on, fuzz/Cargo.toml), else the
# in-tree seeded mutator (examples/fuzz.rs). Prints one table row per target with the
# executions libFuzzer or the harness counted; exits 1 when a target found a failing input
# (saved under fuzz/artifacts/<target>/; move it to fuzz/regressions/<target>/ once fixed).
#
#   FUZZ_SECONDS=300  FUZZ_SEED=1  FUZZ_ENGINE=auto|libfuzzer|intree  FUZZ_TARGETS="parse …"
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-300}
seed=${FUZZ_SEED:-1}
engine=${FUZZ_ENGINE:-auto}
cargo build --quiet --profile fuzz --example fuzz || exit 2
harness=target/fuzz/examples/fuzz
read -r -a targets <<< "${FUZZ_TARGETS:-$($harness --list | tr '\n' ' ')}"
if [ "$engine" = auto ]; then
  if cargo fuzz --version >/dev/null 2>&1; then engine=libfuzzer; else engine=intree; fi
fi
echo "fuzz: engine $engine, ${seconds} s over ${#targets[@]} targets, seed $seed"

if [ "$engine" = intree ]; then
  exec "$harness" --seconds "$seconds" --seed "$seed" "${targets[@]}"
fi

per=$(( seconds / ${#targets[@]} )); [ "$per" -ge 1 ] || per=1
"$harness" --write-seeds fuzz/corpus || exit 2
"$harness" --write-dict fuzz/dict.txt || exit 2
(cd fuzz && cargo fuzz build -O -s none 2>&1 | tail -1) || exit 2
total=0; failed=0
echo "| target | executions | seconds | executions/s | result |"
echo "|---|---|---|---|---|"
for t in "${targets[@]}"; do
  log=$(mktemp)
  start=$(date +%s)
  (cd fuzz && cargo fuzz run -O -s none "$t" "corpus/$t" -- \
      -max_total_time="$per" -seed="$seed" -max_len=9000 -dict=dict.txt \
      -print_final_stats=1) >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start )); [ "$took" -ge 1 ] || took=1
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  runs=${runs:-0}
  total=$(( total + runs ))
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    failed=$(( failed + 1 ))
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="FAILED ($rc) ${artifact:-see $log}: $(grep -m1 -o 'invariant broken: .*\|panicked at .*' "$log" | cut -c1-200)"
  fi
  echo "| $t | $runs | $took | $(( runs / took )) | $result |"
  [ "$rc" -eq 0 ] && rm -f "$log"
done
echo "fuzz (libFuzzer, seed $seed): $total executions over ${#targets[@]} targets"
echo "$(( ${#targets[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
