#!/usr/bin/env bash
# Stops a backend started by start.sh.
#
# Usage: tests/backstage/stop.sh PID
#
# Sends SIGTERM to the backend's process group (start.sh runs it under
# setsid, so PID is also the process-group id), waits up to 10 s for a clean
# shutdown, then sends SIGKILL. Exits 0 when the process is gone (also when
# it was already gone).
set -euo pipefail

PID="${1:-}"
[[ "$PID" =~ ^[0-9]+$ ]] && [ "$PID" -gt 1 ] || { echo "usage: stop.sh PID" >&2; exit 2; }

alive() { kill -0 "$PID" 2>/dev/null; }

if ! alive; then
  exit 0
fi

# Only signal the group when PID really leads its own process group;
# otherwise fall back to the single process.
PGID="$(ps -o pgid= -p "$PID" 2>/dev/null | tr -d ' ' || true)"
if [ "$PGID" = "$PID" ]; then
  TARGET="-$PID"
else
  TARGET="$PID"
fi

kill -TERM -- "$TARGET" 2>/dev/null || true
for _ in $(seq 1 100); do
  alive || exit 0
  sleep 0.1
done

echo "stop.sh: $PID did not stop within 10s, sending SIGKILL" >&2
kill -KILL -- "$TARGET" 2>/dev/null || true
for _ in $(seq 1 50); do
  alive || exit 0
  sleep 0.1
done
echo "stop.sh: $PID is still running" >&2
exit 1
