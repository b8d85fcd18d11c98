#!/usr/bin/env bash
# Smoke test of the Backstage test backend: starts it on a copy of the
# fixtures, checks the endpoints callboard relies on, edits the copy and
# waits for the catalog to follow, then stops it and checks the port is free.
#
# Usage: tests/backstage/smoke.sh
# Prints one line per check and a closing 'N passed, N failed' line; exits 1
# if any check failed.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOKEN="${CALLBOARD_TEST_TOKEN:-callboard-test-token-0123456789abcdef}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/callboard-smoke.XXXXXX")"
cp -r "$HERE/fixtures/catalog" "$WORK/catalog"

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL $*"; }

# js EXPR: evaluates EXPR with `j` bound to the JSON on stdin; exit 0 if truthy.
js() {
  CB_EXPR="$1" node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let j; try { j = JSON.parse(s); } catch { process.exit(1); }
      process.exit(eval(process.env.CB_EXPR) ? 0 : 1);
    });'
}
get() { curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" "$URL$1"; }
post() {
  curl -sS --max-time 10 -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -X POST "$URL$1" -d "$2"
}
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@"; }
# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local limit="$1" what="$2"; shift 2
  local start now
  start=$(date +%s%N)
  while :; do
    if "$@" >/dev/null 2>&1; then
      now=$(date +%s%N)
      ok "$what ($(( (now - start) / 1000000 )) ms)"
      return 0
    fi
    now=$(date +%s%N)
    if [ $(( (now - start) / 1000000000 )) -ge "$limit" ]; then
      bad "$what (not within ${limit}s)"
      return 1
    fi
    sleep 0.2
  done
}

T0=$(date +%s%N)
if ! LINE="$("$HERE/start.sh" --catalog-dir "$WORK/catalog" --wait-entities 26)"; then
  bad "start.sh"
  echo "0 passed, 1 failed"
  exit 1
fi
T1=$(date +%s%N)
eval "$LINE"
URL="$BACKSTAGE_URL"
PORT="${URL##*:}"
ok "start.sh ready with 26 entities ($(( (T1 - T0) / 1000000 )) ms): $LINE"
trap '"$HERE/stop.sh" "$BACKSTAGE_PID" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

# (a) by-query, paging, auth
get "/api/catalog/entities/by-query?limit=10" |
  js 'j.items.length === 10 && j.totalItems === 26 && typeof j.pageInfo.nextCursor === "string"' &&
  ok "by-query limit=10: items, totalItems, pageInfo.nextCursor" || bad "by-query shape"
CURSOR="$(get "/api/catalog/entities/by-query?limit=10" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.parse(s).pageInfo.nextCursor))')"
get "/api/catalog/entities/by-query?limit=10&cursor=$CURSOR" |
  js 'j.items.length === 10 && typeof j.pageInfo.prevCursor === "string"' &&
  ok "by-query second page via cursor" || bad "by-query cursor"
[ "$(code "$URL/api/catalog/entities/by-query?limit=1")" = 401 ] &&
  ok "no token -> 401" || bad "no token should be 401"
[ "$(code -H 'Authorization: Bearer wrong-token-123' "$URL/api/catalog/entities/by-query?limit=1")" = 401 ] &&
  ok "wrong token -> 401" || bad "wrong token should be 401"

# (b) by-refs
post /api/catalog/entities/by-refs \
  '{"entityRefs":["component:default/orders-api","user:default/alice","component:default/nope"],"fields":["kind","metadata.name"]}' |
  js 'j.items.length === 3 && j.items[0].metadata.name === "orders-api" && j.items[1].kind === "User" && j.items[2] === null' &&
  ok "by-refs: items in request order, null for unknown" || bad "by-refs"

# (d) techdocs
get /api/techdocs/static/docs/default/component/orders-api/index.html | grep -q '<h1 id="orders-api">' &&
  ok "techdocs static index.html" || bad "techdocs static index.html"
get /api/techdocs/static/docs/default/component/orders-api/runbook/index.html | grep -q '<h1 id="runbook">' &&
  ok "techdocs static runbook/index.html" || bad "techdocs runbook"
get /api/techdocs/metadata/techdocs/default/component/orders-api |
  js 'j.site_name === "Orders API" && Array.isArray(j.files)' &&
  ok "techdocs metadata" || bad "techdocs metadata"

# (f) scaffolder
get /api/scaffolder/v2/templates/default/template/create-service/parameter-schema |
  js 'j.title === "Create a new service" && j.steps.length === 2 && j.steps[0].schema.properties.name.type === "string"' &&
  ok "scaffolder parameter-schema" || bad "scaffolder parameter-schema"

# (e) search (the collator runs 1 s after start, then every 5 s)
search_ok() {
  get "/api/search/query?term=orders&types%5B0%5D=software-catalog" |
    js 'j.results.some(r => r.document.location === "/catalog/default/component/orders-api")'
}
wait_for 30 "search finds orders-api" search_ok

# (c) edits to the catalog files
COMP="$WORK/catalog/components.yaml"
sed -i 's/^  description: REST service that accepts, stores and tracks customer orders$/  description: Edited by smoke.sh/' "$COMP"
edited() { get /api/catalog/entities/by-name/component/default/orders-api | js 'j.metadata.description === "Edited by smoke.sh"'; }
wait_for 30 "edit picked up" edited

cat >>"$COMP" <<'EOF'
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: smoke-added
spec:
  type: service
  lifecycle: experimental
  owner: group:platform-team
EOF
added() { [ "$(code -H "Authorization: Bearer $TOKEN" "$URL/api/catalog/entities/by-name/component/default/smoke-added")" = 200 ]; }
wait_for 30 "added entity appears" added

node -e '
  const fs = require("fs"); const f = process.argv[1];
  const docs = fs.readFileSync(f, "utf8").split(/\n---\n/);
  fs.writeFileSync(f, docs.filter(d => !/name: smoke-added/.test(d)).join("\n---\n") + "\n");
' "$COMP"
removed() { [ "$(code -H "Authorization: Bearer $TOKEN" "$URL/api/catalog/entities/by-name/component/default/smoke-added")" = 404 ]; }
wait_for 30 "deleted entity disappears" removed

[ "$(code -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST \
  "$URL/api/catalog/refresh" -d '{"entityRef":"location:default/callboard-fixtures"}')" = 200 ] &&
  ok "POST /api/catalog/refresh -> 200" || bad "refresh"

# stop
"$HERE/stop.sh" "$BACKSTAGE_PID" && ! kill -0 "$BACKSTAGE_PID" 2>/dev/null &&
  ok "stop.sh stopped $BACKSTAGE_PID" || bad "stop.sh"
if node -e '
  const s = require("net").createServer();
  s.once("error", () => process.exit(1));
  s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close(() => process.exit(0)));
' "$PORT"; then ok "port $PORT is free again"; else bad "port $PORT still in use"; fi
trap 'rm -rf "$WORK"' EXIT

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
