#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (tmux, the test Backstage's Node packages, probe targets), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# Health probe targets: a real Prometheus and Pushgateway on loopback; curl feeds them.
command -v prometheus >/dev/null 2>&1 || need_apt+=(prometheus)
command -v prometheus-pushgateway >/dev/null 2>&1 || need_apt+=(prometheus-pushgateway)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
# tests/actions_tmux.rs: `less` as a suspend action (slim images lack it).
command -v less >/dev/null 2>&1 || need_apt+=(less)
command -v openssl >/dev/null 2>&1 || need_apt+=(openssl)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "== installing ${need_apt[*]} (apt-get)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x tests/backstage/setup.sh ]; then
  echo "== installing the test Backstage (npm, first time ≈ 2 min)"
  tests/backstage/setup.sh
fi

echo "== cargo test"
# Not --all-targets: benches run whole benchmarks when built as tests.
cargo test --lib --bins --tests --no-fail-fast "$@"

# The committed fuzz corpora are replayed above (tests/fuzz_corpus.rs). Short
# fuzz runs are opt-in (FUZZ_SECONDS=30): they need nightly and cargo-fuzz, and
# the instrumented release build of every dependency alone took 13 minutes on
# the 2-core machine (RELIABILITY.md section 5).
if [ -n "${FUZZ_SECONDS:-}" ]; then
  echo "== fuzzing, ${FUZZ_SECONDS} s per target"
  rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
  command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz
  scratch=$(mktemp -d)
  FUZZ_CORPUS=$scratch scripts/fuzz-long.sh "$FUZZ_SECONDS" | tee "$scratch/summary"
  rm -rf "$scratch"
fi
