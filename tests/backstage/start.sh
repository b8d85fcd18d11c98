#!/usr/bin/env bash
# Starts a throw-away Backstage backend for callboard's integration tests.
#
# Usage:
#   tests/backstage/start.sh --catalog-dir DIR [--techdocs-dir DIR]
#       [--port-file FILE] [--wait-entities N] [--processing-interval SECS]
#       [--search-interval SECS] [--wait-search] [--timeout SECS] [--no-setup]
#
#   --catalog-dir DIR        folder of catalog YAML; DIR/catalog-info.yaml is
#                            registered as a `file` location (required)
#   --techdocs-dir DIR       TechDocs publish directory (local publisher);
#                            default: tests/backstage/fixtures/techdocs
#   --port-file FILE         also write the chosen port to FILE
#   --wait-entities N        wait until the catalog holds >= N entities
#                            (default 1)
#   --processing-interval S  catalog.processingInterval in seconds (default 1,
#                            Backstage's minimum; each entity is re-processed
#                            every S..1.5*S seconds)
#   --search-interval SECS   how often the search index is rebuilt from the
#                            catalog (default 5; first run 1 s after start)
#   --wait-search            also wait until the search index holds at least
#                            as many software-catalog documents as the
#                            catalog had entities when it became ready
#   --timeout SECS           give up after SECS (default 90)
#   --no-setup               do not run setup.sh first
#
# Environment: CALLBOARD_TEST_TOKEN (static bearer token, default
# callboard-test-token-0123456789abcdef; at least 8 non-space characters).
#
# On success prints exactly one line to stdout and exits 0, leaving the
# backend running in its own process group:
#   BACKSTAGE_URL=http://127.0.0.1:PORT BACKSTAGE_PID=<pid> BACKSTAGE_LOG=<path>
# Stop it with tests/backstage/stop.sh <pid>. Everything else goes to stderr.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

CATALOG_DIR=""
TECHDOCS_DIR="$HERE/fixtures/techdocs"
PORT_FILE=""
WAIT_ENTITIES=1
PROCESSING_INTERVAL=1
SEARCH_INTERVAL=5
WAIT_SEARCH=0
TIMEOUT=90
RUN_SETUP=1

die() { echo "start.sh: $*" >&2; exit 1; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0" >&2; }

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --catalog-dir) need_value "$@"; CATALOG_DIR="$2"; shift 2 ;;
    --techdocs-dir) need_value "$@"; TECHDOCS_DIR="$2"; shift 2 ;;
    --port-file) need_value "$@"; PORT_FILE="$2"; shift 2 ;;
    --wait-entities) need_value "$@"; WAIT_ENTITIES="$2"; shift 2 ;;
    --processing-interval) need_value "$@"; PROCESSING_INTERVAL="$2"; shift 2 ;;
    --search-interval) need_value "$@"; SEARCH_INTERVAL="$2"; shift 2 ;;
    --wait-search) WAIT_SEARCH=1; shift ;;
    --timeout) need_value "$@"; TIMEOUT="$2"; shift 2 ;;
    --no-setup) RUN_SETUP=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage; die "unknown argument: $1" ;;
  esac
done

[ -n "$CATALOG_DIR" ] || { usage; die "--catalog-dir is required"; }
[ -d "$CATALOG_DIR" ] || die "catalog dir not found: $CATALOG_DIR"
CATALOG_DIR="$(cd "$CATALOG_DIR" && pwd)"
[ -f "$CATALOG_DIR/catalog-info.yaml" ] || die "missing $CATALOG_DIR/catalog-info.yaml"
[ -d "$TECHDOCS_DIR" ] || die "techdocs dir not found: $TECHDOCS_DIR"
TECHDOCS_DIR="$(cd "$TECHDOCS_DIR" && pwd)"
[[ "$WAIT_ENTITIES" =~ ^[0-9]+$ ]] || die "--wait-entities must be a number"
[[ "$PROCESSING_INTERVAL" =~ ^[0-9]+$ ]] && [ "$PROCESSING_INTERVAL" -ge 1 ] ||
  die "--processing-interval must be a whole number of seconds >= 1"
[[ "$SEARCH_INTERVAL" =~ ^[0-9]+$ ]] && [ "$SEARCH_INTERVAL" -ge 1 ] ||
  die "--search-interval must be a whole number of seconds >= 1"
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be a number"

TOKEN="${CALLBOARD_TEST_TOKEN:-callboard-test-token-0123456789abcdef}"
[[ "$TOKEN" =~ ^[^[:space:]]{8,}$ ]] ||
  die "CALLBOARD_TEST_TOKEN must be at least 8 non-space characters"

command -v node >/dev/null 2>&1 || die "node is not installed"
command -v curl >/dev/null 2>&1 || die "curl is not installed"

if [ "$RUN_SETUP" = 1 ]; then
  "$HERE/setup.sh" >&2 || die "setup.sh failed"
fi
[ -d "$HERE/node_modules/@backstage/backend-defaults" ] ||
  die "node_modules missing; run $HERE/setup.sh"

RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/callboard-backstage.XXXXXX")"
CONFIG="$RUN_DIR/app-config.json"
LOG="$RUN_DIR/backend.log"

# Pick a free port and write the runtime config. A small race remains
# between closing the probe socket and the backend binding the port; the
# retry loop below handles EADDRINUSE.
pick_port() {
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });
  '
}

write_config() {
  CB_PORT="$1" CB_TOKEN="$TOKEN" CB_CATALOG="$CATALOG_DIR/catalog-info.yaml" \
  CB_TECHDOCS="$TECHDOCS_DIR" CB_INTERVAL="$PROCESSING_INTERVAL" \
  CB_SEARCH_INTERVAL="$SEARCH_INTERVAL" \
  node -e '
    const e = process.env;
    const port = Number(e.CB_PORT);
    const url = `http://127.0.0.1:${port}`;
    const config = {
      app: { baseUrl: url },
      backend: {
        baseUrl: url,
        listen: { host: "127.0.0.1", port },
        database: { client: "better-sqlite3", connection: ":memory:" },
        auth: {
          externalAccess: [
            { type: "static", options: { token: e.CB_TOKEN, subject: "callboard-tests" } },
          ],
        },
      },
      catalog: {
        rules: [
          { allow: ["Component", "API", "System", "Domain", "Resource", "Group",
                    "User", "Template", "Location"] },
        ],
        locations: [{ type: "file", target: e.CB_CATALOG }],
        processingInterval: { seconds: Number(e.CB_INTERVAL) },
      },
      techdocs: {
        builder: "external",
        publisher: { type: "local", local: { publishDirectory: e.CB_TECHDOCS } },
      },
      search: {
        collators: {
          catalog: {
            schedule: {
              initialDelay: { seconds: 1 },
              frequency: { seconds: Number(e.CB_SEARCH_INTERVAL) },
              timeout: { minutes: 2 },
            },
          },
        },
      },
    };
    process.stdout.write(JSON.stringify(config, null, 2) + "\n");
  ' >"$CONFIG"
}

PID=""
cleanup_failed_start() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM -- "-$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$PID" 2>/dev/null || true
  fi
}

fail() {
  echo "start.sh: $*" >&2
  if [ -f "$LOG" ]; then
    echo "start.sh: last lines of $LOG:" >&2
    tail -n 40 "$LOG" >&2
  fi
  cleanup_failed_start
  exit 1
}

# Prints the number field $2 of the JSON answer to GET $1, or nothing if the
# backend does not answer (yet).
json_number() {
  curl -sS --max-time 5 -H "Authorization: Bearer $TOKEN" "$URL$1" 2>/dev/null |
    CB_FIELD="$2" node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        try {
          const v = JSON.parse(s)[process.env.CB_FIELD];
          if (typeof v === "number") process.stdout.write(String(v));
        } catch {}
      });
    ' || true
}
entity_count() { json_number "/api/catalog/entities/by-query?limit=1" totalItems; }
search_count() { json_number "/api/search/query?types%5B0%5D=software-catalog" numberOfResults; }

START_TS=$(date +%s)
DEADLINE=$((START_TS + TIMEOUT))
ATTEMPT=0
while :; do
  ATTEMPT=$((ATTEMPT + 1))
  PORT="$(pick_port)" || die "could not pick a free port"
  URL="http://127.0.0.1:$PORT"
  write_config "$PORT" || die "could not write $CONFIG"

  # setsid: own session/process group, so stop.sh can kill the whole group
  # and the backend survives the caller's shell exiting.
  (cd "$HERE" && exec setsid node backend.js --config "$CONFIG" \
      >"$LOG" 2>&1 </dev/null) &
  PID=$!

  # Wait for the backend to answer and ingest enough entities.
  COUNT=""
  RESTART=0
  while :; do
    if ! kill -0 "$PID" 2>/dev/null; then
      if grep -q "EADDRINUSE" "$LOG" 2>/dev/null && [ "$ATTEMPT" -lt 5 ]; then
        RESTART=1
        break
      fi
      PID=""
      fail "backend exited before it was ready"
    fi
    COUNT="$(entity_count)"
    if [ -n "$COUNT" ] && [ "$COUNT" -ge "$WAIT_ENTITIES" ]; then
      break
    fi
    if [ "$(date +%s)" -ge "$DEADLINE" ]; then
      fail "timed out after ${TIMEOUT}s waiting for >= $WAIT_ENTITIES entities (last count: ${COUNT:-no answer}); url $URL"
    fi
    sleep 0.25
  done
  [ "$RESTART" = 1 ] && { echo "start.sh: port $PORT was taken, retrying" >&2; continue; }
  break
done

if [ "$WAIT_SEARCH" = 1 ]; then
  while :; do
    kill -0 "$PID" 2>/dev/null || { PID=""; fail "backend exited while waiting for search"; }
    SCOUNT="$(search_count)"
    if [ -n "$SCOUNT" ] && [ "$SCOUNT" -ge "$COUNT" ]; then
      break
    fi
    if [ "$(date +%s)" -ge "$DEADLINE" ]; then
      fail "timed out after ${TIMEOUT}s waiting for the search index (${SCOUNT:-no answer} of $COUNT documents); url $URL"
    fi
    sleep 0.25
  done
fi

echo "$PID" >"$RUN_DIR/backend.pid"
if [ -n "$PORT_FILE" ]; then
  echo "$PORT" >"$PORT_FILE"
fi
echo "start.sh: ready after $(( $(date +%s) - START_TS ))s with $COUNT entities (config $CONFIG)" >&2
echo "BACKSTAGE_URL=$URL BACKSTAGE_PID=$PID BACKSTAGE_LOG=$LOG"
