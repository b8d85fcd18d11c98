#!/usr/bin/env bash
# Long fuzz runs for RELIABILITY.md: each cargo-fuzz target in turn (one
# fuzzer process at a time, nice 19: the machine is shared), SECONDS each
# (default 660), growing fuzz/corpus/TARGET. A crash stops libFuzzer; the run
# is restarted for the rest of the target's time (at most 5 times) so one bug
# does not end the target's run. Crashing inputs land in fuzz/artifacts/TARGET.
# Prints execs, minutes, corpus files and crashes per target; fails on a crash.
#   scripts/fuzz-long.sh [SECONDS] [TARGET...]
# FUZZ_CORPUS=DIR fuzzes a copy of the corpora in DIR instead (CI: the
# committed corpora stay as they are).
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Built without
# ASan (--sanitizer none): see RELIABILITY.md.
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-660}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(query entity_ref files_source markdown html sanitise form)
flags=(--sanitizer none -O)
# Built once; the fuzzers then run the binaries directly (`cargo fuzz run`
# would rebuild whenever src/ changed). FUZZ_NO_BUILD=1 runs what is built.
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  nice -n 19 cargo +nightly fuzz build "${flags[@]}" >/dev/null 2>&1 || { echo "fuzz build failed"; exit 1; }
fi
bins=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release
corpus=fuzz/corpus
if [ -n "${FUZZ_CORPUS:-}" ]; then
  mkdir -p "$FUZZ_CORPUS" && cp -r fuzz/corpus/. "$FUZZ_CORPUS"/ && corpus=$FUZZ_CORPUS
fi
mkdir -p fuzz/logs
declare -A execs mins crashes
for t in "${targets[@]}"; do
  dict=()
  [ -f "fuzz/dicts/$t.dict" ] && dict=("-dict=fuzz/dicts/$t.dict")
  before=$(ls fuzz/artifacts/"$t" 2>/dev/null | wc -l)
  start=$(date +%s); end=$((start + secs)); n=0; runs=0
  while [ "$(date +%s)" -lt "$end" ] && [ $runs -lt 6 ]; do
    left=$((end - $(date +%s)))
    log=fuzz/logs/$t.$runs.log
    mkdir -p "fuzz/artifacts/$t"
    nice -n 19 "$bins/$t" -artifact_prefix="fuzz/artifacts/$t/" "$corpus/$t" $([ -d fuzz/regressions/$t ] && echo fuzz/regressions/$t) \
      -max_total_time=$left -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" >"$log" 2>&1
    e=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    # A crash prints no final stats: take the last status line's count.
    [ -n "$e" ] || e=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
    n=$((n + ${e:-0})); runs=$((runs + 1))
    grep -q 'Test unit written to\|SUMMARY' "$log" && echo "$t: crash, see $log"
  done
  execs[$t]=$n; mins[$t]=$(echo "($(date +%s) - $start) / 60" | bc -l)
  crashes[$t]=$(( $(ls fuzz/artifacts/"$t" 2>/dev/null | wc -l) - before ))
  printf '%-14s %12d execs %6.1f min %6d corpus files %3d new crashes\n' "$t" "${execs[$t]}" "${mins[$t]}" \
    "$(ls "$corpus/$t" | wc -l)" "${crashes[$t]}"
done
printf '\n%-14s %12s %8s %8s %8s\n' target execs minutes corpus crashes
for t in "${targets[@]}"; do
  printf '%-14s %12d %8.1f %8d %8d\n' "$t" "${execs[$t]}" "${mins[$t]}" "$(ls "$corpus/$t" | wc -l)" "${crashes[$t]}"
done
total=0
for t in "${targets[@]}"; do total=$((total + crashes[$t])); done
[ $total -eq 0 ] || { echo "$total new crash(es): fuzz/artifacts/"; exit 1; }
