#!/usr/bin/env bash
# Every benchmark, from a fresh clone: installs the peers it compares with
# (fzf, hyperfine), generates the 10k/100k/250k catalogs on first use (under
# target/perf, ≈ 3 min), then prints every figure. Nothing is asserted.
#
#   scripts/bench.sh                        # all sizes, all benches
#   scripts/bench.sh --sizes 100k --quick   # one size, fewer rounds
#   scripts/bench.sh --only start,who       # some benches (see benches/perf/main.rs)
#
# The sync bench needs the test Backstage (tests/backstage/setup.sh, npm).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for tool in fzf hyperfine tmux; do
  command -v "$tool" >/dev/null 2>&1 || need_apt+=("$tool")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (apt-get)" >&2
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

cargo build --release --bins
exec cargo bench --bench perf -- "$@"
