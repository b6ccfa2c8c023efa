#!/usr/bin/env bash
# Integration: kill -9 of opcat-stored during an import of 100,000 events
# from 4 concurrent clients, ROUNDS times.  After each restart: every
# acknowledged event is present exactly once, with the sequence it was
# acknowledged with, and the sequence has no hole.  At the end, importing
# everything again completes the log to exactly 100,000 events.
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-10}
CLIENTS=4
PER_CLIENT=25000

for c in $(seq $CLIENTS); do
    awk -v c="$c" -v n=$PER_CLIENT 'BEGIN {
        for (i = 1; i <= n; i++)
            printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-%02d-%02d\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"k9-%d-%d\"}\n", i % 12 + 1, i % 28 + 1, c, i
    }' >"$T/in-$c.jsonl"
done

check_store() {
    local head; head=$(ctl head)
    ctl --timeout 30000 tail --from 1 --until-head --json >"$T/dump"
    expect_eq "$(grep -c . "$T/dump")" "$head" "events replayed = head"
    sed 's/.*"sequence":\([0-9]*\).*/\1/' "$T/dump" >"$T/seqs"
    seq 1 "$head" | cmp -s - "$T/seqs" || fail "sequence has a hole or is out of order"
    sed 's/.*"id":"\([^"]*\)".*/\1/' "$T/dump" | paste -d' ' - "$T/seqs" | sort >"$T/stored"
    [ -z "$(cut -d' ' -f1 "$T/stored" | uniq -d)" ] || fail "an id is stored twice"
    cat "$T"/acked-* 2>/dev/null | sort -u >"$T/acked"
    local missing; missing=$(comm -23 "$T/acked" "$T/stored" | head -3)
    [ -z "$missing" ] || fail "acknowledged but not stored (id seq): $missing"
    echo "  head $head, acknowledged $(grep -c . "$T/acked"), all present once"
    total_acked=$((total_acked + $(grep -c . "$T/acked")))
}

# kill_at N: waits until the store's head reaches N, then kill -9.
kill_at() {
    local target=$1 head=0
    for _ in $(seq 400); do
        head=$(ctl --timeout 1000 head 2>/dev/null || echo 0)
        [ "$head" -ge "$target" ] && break
        sleep 0.02
    done
    kill -9 "$store_PID"
    echo "round $round: killed at head $head (target $target)"
}

total_acked=0
for round in $(seq "$ROUNDS"); do
    export OPCAT_DATA="$T/data-$round"
    rm -f "$T"/acked-*
    start_store
    pids=()
    for c in $(seq $CLIENTS); do
        ctl --timeout 3000 import --batch 500 --window 8 --acked "$T/acked-$c" "$T/in-$c.jsonl" \
            >/dev/null 2>>"$T/import.log" &
        pids+=($!)
    done
    kill_at $((RANDOM % 80000 + 2000))
    for p in "${pids[@]}"; do wait "$p" || true; done
    start_store
    check_store
    stop "$store_PID"
done

# the last round's store: importing everything again completes it
start_store
for c in $(seq $CLIENTS); do
    ctl --timeout 30000 import --batch 1000 "$T/in-$c.jsonl" >/dev/null &
    pids[$c]=$!
done
for c in $(seq $CLIENTS); do wait "${pids[$c]}" || fail "final import $c failed"; done
expect_eq "$(ctl head)" "$((CLIENTS * PER_CLIENT))" "head after the final import"
check_store
stop "$store_PID"
figure it_kill9 "kill -9 of opcat-stored under 4 concurrent writers (rounds)" "$ROUNDS"
figure it_kill9 "acknowledged events checked after the kills" "$total_acked"
figure it_kill9 "acknowledged events lost or stored twice" 0
echo "it_kill9: 1 passed, 0 failed"
