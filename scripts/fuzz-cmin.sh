#!/usr/bin/env bash
# Minimise the fuzz corpora in place (what `cargo fuzz cmin` does, on the
# binaries scripts/fuzz-long.sh built, one target at a time, nice 19): keeps
# the smallest inputs that together reach the same coverage. Prints files and
# bytes before and after.
#   scripts/fuzz-cmin.sh [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(query entity_ref files_source markdown html sanitise form)
bins=fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release
for t in "${targets[@]}"; do
  dir=fuzz/corpus/$t
  before="$(ls "$dir" | wc -l) files $(cat "$dir"/* | wc -c) bytes"
  tmp=$(mktemp -d)
  nice -n 19 "$bins/$t" -merge=1 -rss_limit_mb=2048 -timeout=10 "$tmp" "$dir" >"fuzz/logs/$t.cmin.log" 2>&1
  rm -rf "$dir" && mv "$tmp" "$dir" && chmod 755 "$dir"
  printf '%-14s %s -> %s files %s bytes\n' "$t" "$before" "$(ls "$dir" | wc -l)" "$(cat "$dir"/* | wc -c)"
done
