#!/usr/bin/env bash
# it_api: the HTTP API's conventions, through the real daemons.
#   1. every endpoint's real answers (200s and errors) validate against
#      the OpenAPI 3.1 document served at /api/openapi.json (the file of
#      the source tree), on one kept-alive connection (openapi_check.py);
#   2. errors are application/problem+json: type, title, status, detail
#      and the parameter named; a service down is a 503 naming it;
#   3. ETag from the store's head, the services' positions and the query:
#      If-None-Match -> 304 without a body, a new ETag once an import
#      moved the head, none on another query;
#   4. CORS: an allowed Origin is echoed (OPCAT_HTTP_CORS), another is
#      not, a preflight is answered for an allowed origin only; without
#      the setting no CORS header at all;
#   5. keep-alive: curl reuses its connection, no "Connection: close".
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

export OPCAT_NOW=2026-03-01
command -v curl >/dev/null || fail "curl is required (scripts/install-deps)"
command -v jq >/dev/null || fail "jq is required (scripts/install-deps)"
python3 -c 'import jsonschema' 2>/dev/null || {
    echo "SKIP: python3-jsonschema is not installed (scripts/install-deps)"
    exit 77
}
DOC="$OPCAT_SOURCE_DIR/services/gatewayd/www/openapi.json"

# headers PATH [CURL ARGS...]: the answer's headers into $T/h, body $T/b.
headers() {
    local path=$1
    shift
    rm -f "$T/b"
    curl -s -D "$T/h" -o "$T/b" "$@" "$GW$path" || fail "curl $path"
    touch "$T/b"
    tr -d '\r' <"$T/h" >"$T/h2" && mv "$T/h2" "$T/h"
}
header() { sed -n "s/^$1: //Ip" "$T/h" | head -1; }
code() { head -1 "$T/h" | awk '{print $2}'; }

# ------------------------------------------------------------- set-up
start_pipeline
while read -r f; do
    [ "$f" = spt19-2025.jsonl ] && continue # imported in 3., to move the head
    ctl --timeout 60000 import "$OPCAT_SOURCE_DIR/data/$f" >/dev/null ||
        fail "import $f"
done <"$OPCAT_SOURCE_DIR/data/manifest"
settle
OPCAT_HTTP_CORS="https://allowed.example, https://other.example" \
    start_gateway --timeout 30000

# ------------------------------------------- 1. answers against the doc
headers /api/openapi.json
expect_eq "$(code)" 200 "GET /api/openapi.json"
cmp -s "$T/b" "$DOC" || fail "/api/openapi.json is not the file of the tree"
python3 "$OPCAT_SOURCE_DIR/tests/openapi_check.py" --base "$GW" --doc "$DOC" \
    --skip /api/stream >"$T/check" 2>&1 <<'EOF' || fail "$(cat "$T/check")"
/api/stats?as_of=2025-12-31 200
/api/stats?as_of=2025-12-31&from=2025-07-01 200
/api/stats?as_of=2025-02-30 400
/api/stats?asof=2025-12-31 400
/api/states 200
/api/states?region=weog&status=party 200
/api/states?region=mars 400
/api/states?format=csv 200
/api/states?format=xml 400
/api/visits 200
/api/visits?region=weog&format=csv 200
/api/visits?region=mars 400
/api/years 200
/api/years?from=2010&to=2012 200
/api/years?format=csv 200
/api/states/PER 200
/api/states/ARG?as_of=2010-01-01 200
/api/states/ZZZ 404
/api/reminders 200
/api/reminders?state=PER 200
/api/reminders?state=per 400
/api/reminders?format=csv 200
/api/events?limit=3 200
/api/events?from=2&topic=state.&limit=5 200
/api/events?limit=0 400
/api/report?as_of=2025-12-31 200
/api/report?as_of=2025-12-31&lang=fr 200
/api/report?lang=la 400
/api/report?as_of=2025-12-31&lang=ar&format=html 200
/api/report?format=pdf 400
/api/names 200
/api/names?lang=zh 200
/api/names?lang=de 400
/api/openapi.json 200
/healthz 200
/metrics 200
/metrics?verbose=1 400
/api/stream?last_event_id=99999999 400
EOF
cat "$T/check"

# ------------------------------------------------ 2. problem details
headers "/api/stats?as_of=2025-02-30"
expect_eq "$(code)" 400 "bad date"
expect_eq "$(header Content-Type)" "application/problem+json; charset=utf-8" \
    "a 400's Content-Type"
expect_eq "$(jq -r '[.type, .title, .status, .parameter] | join("|")' "$T/b")" \
    "urn:opcat:problem:bad-parameter|Bad parameter|400|as_of" "a 400's problem"
jq -e '.detail | test("as_of")' "$T/b" >/dev/null || fail "detail: $(cat "$T/b")"
headers /api/nothing
expect_eq "$(jq -r '[.status, .title] | join("|")' "$T/b")" "404|Not found" \
    "an unknown endpoint"

# ------------------------------------------------------------ 3. ETags
headers "/api/stats?as_of=2025-12-31"
etag=$(header ETag)
[[ $etag =~ ^\"[0-9a-f]{16}\"$ ]] || fail "no ETag on /api/stats: '$etag'"
expect_eq "$(header Cache-Control)" no-cache "Cache-Control with an ETag"
headers "/api/stats?as_of=2025-12-31" -H "If-None-Match: $etag"
expect_eq "$(code)" 304 "If-None-Match with the current ETag"
[ ! -s "$T/b" ] || fail "a 304 with a body"
expect_eq "$(header ETag)" "$etag" "the 304's ETag"
headers "/api/stats?as_of=2025-12-31" -H "If-None-Match: \"0\", W/$etag"
expect_eq "$(code)" 304 "If-None-Match listing the weak form"
headers "/api/stats?as_of=2024-12-31" -H "If-None-Match: $etag"
expect_eq "$(code)" 200 "another query with the first's ETag"
[ "$(header ETag)" != "$etag" ] || fail "two queries with one ETag"
headers "/api/events?limit=2"
events_etag=$(header ETag)
[ -n "$events_etag" ] || fail "no ETag on /api/events"
headers "/api/states/PER"
state_etag=$(header ETag)
[ -n "$state_etag" ] || fail "no ETag on /api/states/PER"
headers "/api/stats?as_of=2025-12-31" -H "If-None-Match: \"0123456789abcdef\""
expect_eq "$(code)" 200 "If-None-Match with an unknown ETag"
ctl --timeout 60000 import "$OPCAT_SOURCE_DIR/data/spt19-2025.jsonl" >/dev/null ||
    fail "import spt19-2025.jsonl"
settle
for p in "/api/stats?as_of=2025-12-31|$etag" "/api/events?limit=2|$events_etag" \
    "/api/states/PER|$state_etag"; do
    headers "${p%%|*}" -H "If-None-Match: ${p#*|}"
    expect_eq "$(code)" 200 "${p%%|*} after an import, with the old ETag"
    [ "$(header ETag)" != "${p#*|}" ] || fail "${p%%|*}: the ETag did not move"
done
headers /healthz
[ -z "$(header ETag)" ] || fail "an ETag on /healthz"
expect_eq "$(header Cache-Control)" no-store "Cache-Control without an ETag"

# -------------------------------------------------------------- 4. CORS
headers /api/states -H "Origin: https://allowed.example"
expect_eq "$(header Access-Control-Allow-Origin)" https://allowed.example \
    "an allowed origin"
header Vary | grep -q Origin || fail "no Vary: Origin"
header Access-Control-Expose-Headers | grep -q ETag ||
    fail "the ETag is not exposed to the allowed origin"
headers /api/states -H "Origin: https://evil.example"
[ -z "$(header Access-Control-Allow-Origin)" ] || fail "an origin not allowed was"
headers /api/states -X OPTIONS -H "Origin: https://other.example" \
    -H "Access-Control-Request-Method: GET"
expect_eq "$(code)" 204 "a preflight from an allowed origin"
header Access-Control-Allow-Headers | grep -q If-None-Match ||
    fail "the preflight does not allow If-None-Match"
headers /api/states -X OPTIONS -H "Origin: https://evil.example"
expect_eq "$(code)" 405 "a preflight from another origin"

# ---------------------------------------------------------- 5. keep-alive
connects=$(curl -s -o /dev/null -o /dev/null -o /dev/null -w '%{num_connects} ' \
    "$GW/healthz" "$GW/api/stats?as_of=2025-12-31" "$GW/api/nothing")
expect_eq "$connects" "1 0 0 " "connections opened for three requests"
headers /api/states
[ -z "$(header Connection)" ] || fail "Connection: $(header Connection)"

# --------------------------- without the setting, a service down: 503
stop "$gw_PID"
start_gateway --timeout 2000
headers /api/states -H "Origin: https://allowed.example"
[ -z "$(header Access-Control-Allow-Origin)$(header Vary)" ] ||
    fail "CORS headers without OPCAT_HTTP_CORS"
stop "$rem_PID"
headers /api/reminders
expect_eq "$(code)" 503 "reminders with the reminder service stopped"
expect_eq "$(jq -r '[.status, .service, .title] | join("|")' "$T/b")" \
    "503|reminders|Service unavailable" "the 503's problem"
python3 "$OPCAT_SOURCE_DIR/tests/openapi_check.py" --base "$GW" --doc "$DOC" \
    --skip /api/stream --skip /api/stats --skip /api/states \
    --skip "/api/states/{state}" --skip /api/events --skip /api/report \
    --skip /api/visits --skip /api/years --skip /api/names \
    --skip /api/openapi.json --skip /healthz --skip /metrics \
    >"$T/check" 2>&1 <<'EOF' || fail "$(cat "$T/check")"
/api/reminders 503
EOF
echo ok
