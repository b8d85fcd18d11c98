#!/usr/bin/env bash
# Long runs of the property tests (tests/props.rs) for RELIABILITY.md: each
# property in turn, 20,000 generated cases a run with a fresh random seed,
# round-robin until MINUTES have passed. Prints cases and minutes per
# property and stops at the first failure (proptest prints the minimal input
# and records it in tests/props.proptest-regressions).
#   scripts/props-long.sh [MINUTES]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
cases=${PROPTEST_CASES:-20000}
nice -n 15 cargo test --test props --no-run 2>&1 | tail -1
bin=$(ls -t target/debug/deps/props-* | grep -v '\.d$' | head -1)
mapfile -t props < <("$bin" --list 2>/dev/null | sed -n 's/: test$//p')
declare -A runs secs
end=$(( $(date +%s) + minutes * 60 ))
while [ "$(date +%s)" -lt "$end" ]; do
  for p in "${props[@]}"; do
    [ "$(date +%s)" -lt "$end" ] || break
    start=$(date +%s)
    if ! PROPTEST_CASES=$cases nice -n 15 "$bin" --exact "$p" --quiet >/tmp/props-long.$$ 2>&1; then
      cat /tmp/props-long.$$; echo "FAILED: $p"; exit 1
    fi
    runs[$p]=$(( ${runs[$p]:-0} + 1 )); secs[$p]=$(( ${secs[$p]:-0} + $(date +%s) - start ))
  done
done
rm -f /tmp/props-long.$$
printf '%-60s %12s %8s\n' property cases minutes
for p in "${props[@]}"; do
  n=$(( ${runs[$p]:-0} * cases ))
  # The files-source property runs a twentieth of the cases (each writes a file).
  [[ $p == *files_source* ]] && n=$(( n / 20 ))
  printf '%-60s %12d %8.1f\n' "$p" "$n" "$(echo "${secs[$p]:-0} / 60" | bc -l)"
done
