#!/usr/bin/env bash
# Installs the npm dependencies of the Backstage test backend.
#
# Usage: tests/backstage/setup.sh [--force]
#
# Runs `npm ci` (or `npm install` when there is no package-lock.json) in
# tests/backstage only when node_modules is missing, or package-lock.json or
# the Node version changed since the last successful install (stamp file
# node_modules/.callboard-setup-stamp). Quiet on success; on failure prints
# the tail of the npm log to stderr and exits 1. Safe to call concurrently:
# callers serialise on a lock file.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

die() { echo "setup.sh: $*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is not installed (need Node 20 or 22)"
command -v npm >/dev/null 2>&1 || die "npm is not installed"
NODE_VERSION="$(node -p 'process.versions.node')"
NODE_MAJOR="${NODE_VERSION%%.*}"
if [ "$NODE_MAJOR" -lt 20 ] || [ "$NODE_MAJOR" -gt 22 ]; then
  die "Node $NODE_VERSION is not supported; the pinned Backstage packages need Node 20 or 22"
fi

cd "$HERE"
STAMP="node_modules/.callboard-setup-stamp"

compute_stamp() {
  local lock_hash="nolock"
  if [ -f package-lock.json ]; then
    lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
  fi
  local pkg_hash
  pkg_hash="$(sha256sum package.json | cut -d' ' -f1)"
  echo "lock=$lock_hash pkg=$pkg_hash node=$NODE_VERSION arch=$(uname -m)"
}

up_to_date() {
  [ "$FORCE" = 0 ] && [ -d node_modules ] && [ -f "$STAMP" ] &&
    [ "$(cat "$STAMP")" = "$(compute_stamp)" ]
}

# Fast path without taking the lock.
if up_to_date; then
  exit 0
fi

# Serialise concurrent callers (e.g. parallel test processes).
exec 9>"$HERE/.setup.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if up_to_date; then
  exit 0
fi

# better-sqlite3 is compiled from source (no prebuilt binary can be
# downloaded here); point node-gyp at the local Node headers so it does not
# try to download them.
if [ -z "${npm_config_nodedir:-}" ] && [ -z "${NPM_CONFIG_NODEDIR:-}" ]; then
  configured="$(npm config get nodedir 2>/dev/null || true)"
  if { [ -z "$configured" ] || [ "$configured" = "undefined" ] || [ "$configured" = "null" ]; } &&
     [ -f /usr/include/node/node.h ] && [ -f /usr/include/node/common.gypi ]; then
    export npm_config_nodedir=/usr
  fi
fi

LOG="$(mktemp "${TMPDIR:-/tmp}/callboard-backstage-setup.XXXXXX.log")"
if [ -f package-lock.json ]; then
  CMD=(npm ci --no-audit --no-fund --loglevel=error)
else
  CMD=(npm install --no-audit --no-fund --loglevel=error)
fi

rm -f "$STAMP"
if ! "${CMD[@]}" >"$LOG" 2>&1; then
  {
    echo "setup.sh: '${CMD[*]}' failed in $HERE (full log: $LOG). Last lines:"
    tail -n 40 "$LOG"
  } >&2
  exit 1
fi

# Sanity check: the native SQLite binding must load with this Node.
if ! node -e "new (require('better-sqlite3'))(':memory:').close()" >>"$LOG" 2>&1; then
  {
    echo "setup.sh: better-sqlite3 was installed but does not load (full log: $LOG). Last lines:"
    tail -n 20 "$LOG"
  } >&2
  exit 1
fi

compute_stamp >"$STAMP"
rm -f "$LOG"
