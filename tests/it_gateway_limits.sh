#!/usr/bin/env bash
# it_gateway_limits: opcat-gatewayd against careless and hostile clients,
# on 127.0.0.1 and a free port (clients bind other 127.0.0.x addresses
# so that the per-address limit sees several clients):
#   1. --help names the limits and their variables;
#   2. invalid encodings (%ff, %00, a bad escape) and a repeated
#      parameter are 400s naming the parameter (or the path);
#   3. a Last-Event-ID past the store's head is a 400;
#   4. past --max-per-client and --max-connections requests get 503 with
#      Retry-After, while /healthz and /metrics answer within 1 s;
#   5. connections whose headers come too slowly are closed after
#      --header-timeout, /healthz answering meanwhile;
#   6. /metrics counts the refusals and the closes.
# The limits are given through their OPCAT_HTTP_* variables.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"
command -v curl >/dev/null || fail "curl is required (scripts/install-deps)"
command -v jq >/dev/null || fail "jq is required (scripts/install-deps)"


# bad PATH NAME [CURL ARGS...]: a 400 naming NAME.
bad() {
    local path=$1 name=$2 body
    shift 2
    body=$(get "$path" "$@")
    expect_eq "$(cat "$T/status")" 400 "status of GET $path ($body)"
    expect_eq "$(jq -r .error.parameter <<<"$body")" "$name" \
        "what GET $path names ($body)"
}

# good PATH: a 200.
good() {
    local body
    body=$(get "$1")
    expect_eq "$(cat "$T/status")" 200 "status of GET $1 ($body)"
}

# ------------------------------------------------------------- 1. --help
help=$("$OPCAT_BIN/opcat-gatewayd" --help 2>&1 || true)
for word in --max-connections --max-per-client --header-timeout \
    --stall-timeout OPCAT_HTTP_MAX_CONNECTIONS OPCAT_HTTP_MAX_PER_CLIENT \
    OPCAT_HTTP_HEADER_TIMEOUT OPCAT_HTTP_STALL_TIMEOUT; do
    grep -q -- "$word" <<<"$help" || fail "--help does not name $word"
done

export OPCAT_HTTP_MAX_CONNECTIONS=20 OPCAT_HTTP_MAX_PER_CLIENT=8
export OPCAT_HTTP_HEADER_TIMEOUT=2 OPCAT_HTTP_STALL_TIMEOUT=2
start_pipeline
start_gateway
port=${GW##*:}
grep -q "limits: 20 requests at once, 8 per client address" "$T/gw.log" ||
    fail "the gateway did not take its limits from OPCAT_HTTP_*"

# ------------------------------------------------------ 2. encodings
bad '/api/reminders?rule=zzz%ff' rule
bad '/api/reminders?rule=a%00b' rule
bad '/api/stats?as_of=2020-01-01%00junk' as_of
bad '/api/reminders?state=PER&state=FRA' state
bad '/api/reminders?rule=%zz' rule
bad '/api/reminders?ru%ffle=x' 'ru%ffle'
bad '/app.js%00.html' path
bad '/api/stats%00' path
bad '/%ff' path
bad "/api/stats?$(seq -s '&' -f 'p%g=1' 33)" p33
good '/api/reminders?rule=%C3%A9'
good '/app.js'
good '/api/reminders?state=PER&rule=npm'

# ------------------------------------------ 3. Last-Event-ID past the head
ctl import /dev/stdin >/dev/null <<'JSON'
{"type":"followup.dialogue","occurred_on":"2025-05-05","state":"AUS","with":"state","id":"lim-1"}
JSON
head=$(ctl head)
bad /api/stream Last-Event-ID -H "Last-Event-ID: $((head + 1))" --max-time 5
bad "/api/stream?last_event_id=$((head + 1000))" last_event_id --max-time 5
curl -s -o /dev/null -w '%{http_code}' -H "Last-Event-ID: $head" \
    --max-time 1 "$GW/api/stream" >"$T/status" || true
expect_eq "$(cat "$T/status")" 200 "a stream resuming at the head"

# --------------------------------- 4, 5. limits, reserve, slow headers
# /healthz within 1 s; under the sanitizers (a 2-3x slower gateway) 3 s
health_max=1
[ "${OPCAT_SANITIZED:-0}" = 1 ] && health_max=3
python3 "$OPCAT_SOURCE_DIR/tests/gw_load.py" limits --port "$port" \
    --max 20 --per 8 --slow 15 --header-timeout 2 \
    --health-max "$health_max" >"$T/limits.json" 2>"$T/limits.err" ||
    fail "limits: $(cat "$T/limits.err") $(cat "$T/limits.json")"
echo "limits: $(cat "$T/limits.json")"

# ------------------------------------------------------------ 6. metrics
get /metrics >"$T/metrics"
for m in 'opcat_gateway_refused_total{limit="busy",daemon="gatewayd"}' \
    'opcat_gateway_refused_total{limit="client",daemon="gatewayd"}' \
    'opcat_gateway_closed_total{reason="header_timeout",daemon="gatewayd"}' \
    'opcat_gateway_closed_total{reason="crowded",daemon="gatewayd"}'; do
    n=$(grep -F "$m" "$T/metrics" | awk '{print $2}')
    [ "${n:-0}" -ge 1 ] || fail "metrics: $m is ${n:-missing}"
done
closed=$(jq .slow_closed "$T/limits.json")
after=$(jq -r '.slow_closed_after_s | "\(.[0])-\(.[1])"' "$T/limits.json")
figure it_gateway_limits "requests past --max-connections and --max-per-client answered 503 + Retry-After" 2
figure it_gateway_limits "slow-header connections (15, --header-timeout 2 s) closed after, s" "$after"
figure it_gateway_limits "slowest /healthz at the limits and among slow headers, s" "$(jq '[.health_slowest_s, .crowded_health_slowest_s, .["/healthz"][1]] | max' "$T/limits.json")"
stop "$gw_PID"
echo "it_gateway_limits: passed"
