#!/usr/bin/env bash
# Integration: kill -9 of opcat-aggregated while it applies live events.
# Contributions trickle in (small batches) while the aggregator follows
# PUBLISH; it is killed mid-stream (a failpoint: after it applied the first
# live batch that ends at or past sequence 500, before that batch commits),
# restarted, and its answers must equal
# those of a fresh --rebuild over the same store: nothing lost, nothing
# applied twice (a contribution counted twice would change the sums).
source "$(dirname "$0")/lib.sh"
stats_at() { ctl stats --as-of "$1" --json; }
answers() { for d in 2025-03-31 2025-06-30 2025-12-31; do stats_at "$d"; done; }
wait_caught_up() {
    local head; head=$(ctl head)
    for _ in $(seq 600); do
        ctl ping --service stats --json 2>/dev/null | grep -q "\"position\":$head," && return 0
        sleep 0.1
    done
    fail "opcat-aggregated did not reach $head"
}

awk 'BEGIN { split("AUT DNK DEU ESP CHE ARM SAU", s, " ");
    for (i = 1; i <= 3000; i++)
        printf "{\"type\":\"fund.contribution\",\"occurred_on\":\"2025-%02d-%02d\",\"state\":\"%s\",\"amount\":\"%d.%02d\",\"currency\":\"%s\",\"id\":\"live-%d\"}\n",
            i % 12 + 1, i % 28 + 1, s[i % 7 + 1], i, i % 100, (i % 3 ? "USD" : "EUR"), i }' >"$T/live.jsonl"

need_failpoints
start_store
OPCAT_FAILPOINT=consumer.after_apply:crash@500 start agg opcat-aggregated
wait_for ctl --timeout 500 ping --service stats
ctl --timeout 30000 import --batch 20 --window 1 "$T/live.jsonl" >/dev/null &
import_pid=$!
died_at "$agg_PID" consumer.after_apply "$T/agg.log"
killed=$(kv_checkpoint "$OPCAT_DATA/aggregated")
[ "$killed" -gt 0 ] && [ "$killed" -lt 500 ] ||
    fail "not killed mid-live: checkpoint $killed (live batches before 500 commit)"
wait "$import_pid" || fail "the import failed"
echo "killed at checkpoint $killed while live; store head $(ctl head)"
start agg opcat-aggregated
wait_caught_up
answers >"$T/after-kill.jsonl"
stop "$agg_PID"
start agg opcat-aggregated --rebuild
wait_caught_up
answers >"$T/rebuild.jsonl"
cmp -s "$T/after-kill.jsonl" "$T/rebuild.jsonl" ||
    fail "after kill -9 mid-live the answers differ from a --rebuild"
grep -q '"USD"' "$T/rebuild.jsonl" || fail "the contributions were not counted at all"
figure it_stats_live "kill -9 of opcat-aggregated mid-live: answers unlike a fresh --rebuild" 0
stop "$agg_PID"
stop "$store_PID"
echo "it_stats_live: 1 passed, 0 failed"
