#!/usr/bin/env bash
# it_metrics: every daemon's metrics through the gateway's /metrics.
#   1. with every daemon up: opcat_up 1 for each, each daemon's own
#      families (build, process, latency histograms, its counters), the
#      text in the exposition format, each family once;
#   2. an import moves the counters: events appended (store), replayed,
#      applied (each consumer) by as many events as the head moved, the
#      commit histograms by at least one commit;
#   3. every family the Grafana dashboard (docker/grafana-opcat.json)
#      graphs is in the scrape;
#   4. with one daemon stopped (the aggregation service): its opcat_up 0
#      and none of its samples, every other daemon still there, the
#      scrape answered without waiting for the gateway's --timeout.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_gateway.sh"

export OPCAT_NOW=2026-03-01
command -v curl >/dev/null || fail "curl is required (scripts/install-deps)"

DAEMONS=(stored aggregated reminderd notifyd gatewayd)

scrape() { # FILE
    curl -s --max-time 10 -o "$1" -w '%{http_code}' "$GW/metrics" >"$T/status" ||
        fail "GET /metrics: no answer within 10 s"
    expect_eq "$(cat "$T/status")" 200 "GET /metrics status"
}

# value FILE SAMPLE: the value of the sample line SAMPLE (name{labels}).
value() {
    awk -v s="$2" '$1 == s { print $2; found = 1 } END { exit !found }' "$1" ||
        fail "metrics: no sample $2"
}

# well_formed FILE: every line a comment or a sample, each family once.
well_formed() {
    local label='[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"' bad
    bad=$(grep -v '^# \(HELP\|TYPE\) ' "$1" |
        grep -Evx "[a-zA-Z_:][a-zA-Z0-9_:]*(\{$label(,$label)*\})? (-?[0-9.e+-]+|\+Inf)" ||
        true)
    [ -z "$bad" ] || fail "metrics lines not in the text format: $bad"
    expect_eq "$(grep -c '^# TYPE ' "$1")" \
        "$(grep '^# TYPE ' "$1" | sort -u | wc -l)" "metric families written once"
}

# ------------------------------------------------------------- set-up
start_pipeline
ctl --timeout 60000 import "$OPCAT_SOURCE_DIR/data/states.jsonl" >/dev/null ||
    fail "import states.jsonl"
settle
start_gateway --timeout 30000

# ------------------------------------------------- 1. every daemon up
scrape "$T/m1"
well_formed "$T/m1"
for d in "${DAEMONS[@]}"; do
    expect_eq "$(value "$T/m1" "opcat_up{daemon=\"$d\"}")" 1 "opcat_up of $d"
    grep -q "^opcat_build_info{version=\"[0-9.]*\",daemon=\"$d\"} 1$" "$T/m1" ||
        fail "metrics: no opcat_build_info of $d"
    for p in process_resident_memory_bytes process_open_fds \
        process_start_time_seconds; do
        n=$(value "$T/m1" "$p{daemon=\"$d\"}")
        awk -v n="$n" 'BEGIN { exit !(n > 0) }' || fail "metrics: $p of $d is $n"
    done
    value "$T/m1" "process_cpu_seconds_total{daemon=\"$d\"}" >/dev/null
done
for d in aggregated reminderd notifyd; do
    for f in opcat_consumer_lag opcat_consumer_last_event_age_seconds \
        opcat_consumer_commit_seconds_count; do
        value "$T/m1" "$f{daemon=\"$d\"}" >/dev/null
    done
done
# the query latency of the ops asked so far (status, by the set-up)
grep -q '^opcat_query_seconds_bucket{op="status",daemon="aggregated",le="+Inf"} [1-9]' \
    "$T/m1" || fail "metrics: no query latency of the aggregation service"
grep -q '^opcat_reminders_open{rule="[^"]*",stage="[a-z]*",daemon="reminderd"} [1-9]' \
    "$T/m1" || fail "metrics: no open deadline by rule and stage"
for o in delivered attempt_failed given_up too_old; do
    value "$T/m1" "opcat_notify_deliveries_total{outcome=\"$o\",daemon=\"notifyd\"}" \
        >/dev/null
done
value "$T/m1" 'opcat_store_commit_seconds_count{daemon="stored"}' >/dev/null
value "$T/m1" 'opcat_request_seconds_count{endpoint="append",daemon="stored"}' \
    >/dev/null

# ------------------------------------------- 2. an import moves them
head1=$(value "$T/m1" 'opcat_store_head{daemon="stored"}')
expect_eq "$(ctl head)" "$head1" "opcat_store_head before the import"
ctl --timeout 60000 import "$OPCAT_SOURCE_DIR/data/spt19-2025.jsonl" >/dev/null ||
    fail "import spt19-2025.jsonl"
settle
wait_for ctl --timeout 2000 ping --service notify --caught-up
head2=$(ctl head)
moved=$((head2 - head1))
[ "$moved" -gt 0 ] || fail "the import stored nothing"
scrape "$T/m2"
well_formed "$T/m2"
delta() { # SAMPLE: its value in m2 less its value in m1
    awk -v a="$(value "$T/m1" "$1")" -v b="$(value "$T/m2" "$1")" \
        'BEGIN { printf "%d\n", b - a }'
}
expect_eq "$(value "$T/m2" 'opcat_store_head{daemon="stored"}')" "$head2" \
    "opcat_store_head after the import"
expect_eq "$(delta 'opcat_events_appended_total{daemon="stored"}')" "$moved" \
    "events appended by the import"
for d in aggregated reminderd notifyd; do
    expect_eq "$(delta "opcat_events_applied_total{daemon=\"$d\"}")" "$moved" \
        "events applied by $d"
    [ "$(delta "opcat_consumer_commit_seconds_count{daemon=\"$d\"}")" -ge 1 ] ||
        fail "metrics: no commit of $d counted"
done
# the consumers were live: the events came on PUBLISH, not REPLAY, so the
# replayed counter moves only by what the gateway's own reads add
[ "$(delta 'opcat_store_commit_seconds_count{daemon="stored"}')" -ge 1 ] ||
    fail "metrics: no store commit counted"
before=$(value "$T/m2" 'opcat_events_replayed_total{endpoint="public",daemon="stored"}')
curl -s -o /dev/null "$GW/api/events?limit=5" || fail "GET /api/events"
scrape "$T/m3"
expect_eq "$(value "$T/m3" 'opcat_events_replayed_total{endpoint="public",daemon="stored"}')" \
    "$((before + 5))" "events replayed for a page of 5"

# ----------------------------------------- 3. the dashboard's families
families=$(jq -r '.panels[].targets[].expr' \
    "$OPCAT_SOURCE_DIR/docker/grafana-opcat.json" |
    grep -o '\b\(opcat\|process\)_[a-z_]*' | sed 's/_bucket$//' | sort -u)
[ -n "$families" ] || fail "no family in docker/grafana-opcat.json"
for f in $families; do
    grep -q "^# TYPE $f " "$T/m3" || fail "the dashboard graphs $f, not exported"
done

# ------------------------------------------ 4. one daemon stopped
stop "$agg_PID"
started=$(date +%s%N)
scrape "$T/m4"
took_ms=$((($(date +%s%N) - started) / 1000000))
well_formed "$T/m4"
expect_eq "$(value "$T/m4" 'opcat_up{daemon="aggregated"}')" 0 \
    "opcat_up of the stopped aggregation service"
grep -v '^opcat_up' "$T/m4" | grep -q 'daemon="aggregated"' &&
    fail "metrics: samples of an aggregation service that did not answer"
for d in stored reminderd notifyd gatewayd; do
    expect_eq "$(value "$T/m4" "opcat_up{daemon=\"$d\"}")" 1 "opcat_up of $d"
    grep -q "^opcat_build_info{version=\"[0-9.]*\",daemon=\"$d\"} 1$" "$T/m4" ||
        fail "metrics: no opcat_build_info of $d with aggregated stopped"
done
value "$T/m4" 'opcat_consumer_lag{daemon="reminderd"}' >/dev/null
[ "$took_ms" -lt 5000 ] || fail "the scrape waited ${took_ms} ms for a stopped daemon"
figure it_metrics "scrape with one daemon stopped, ms" "$took_ms"
echo "ok"
