#!/usr/bin/env bash
# Integration: a power cut simulated under a 4-writer load, ROUNDS times.
# opcat-stored runs with the tests/powercut.c shim, which journals what
# each write to the data directory replaced; at a random head the store
# is killed with SIGKILL and tests/powercut_restore.py undoes every write
# made after its file's last fdatasync (what a power cut throws away).
# The store restarted on what is left must hold every acknowledged event,
# once, with the sequence it was acknowledged with, and no hole.
source "$(dirname "$0")/lib.sh"
ROUNDS=${ROUNDS:-20}
CLIENTS=4
PER_CLIENT=1000
SHIM="$OPCAT_BIN/libpowercut.so"
[ -f "$SHIM" ] || fail "no $SHIM: build the tests"
# an ASan build loads its runtime first; the shim comes after it
[ "${OPCAT_SANITIZED:-0}" = 1 ] && export ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0"

for c in $(seq $CLIENTS); do
    awk -v c="$c" -v n=$PER_CLIENT 'BEGIN {
        for (i = 1; i <= n; i++)
            printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-%02d-%02d\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"pc-%d-%d\"}\n", i % 12 + 1, i % 28 + 1, c, i
    }' >"$T/in-$c.jsonl"
done

# every acknowledged event once, at its acknowledged sequence; no hole
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
    [ -z "$missing" ] || fail "acknowledged but lost in the power cut (id seq): $missing"
    echo "  head $head, acknowledged $(grep -c . "$T/acked"), all present once"
    total_acked=$((total_acked + $(grep -c . "$T/acked")))
}

total_acked=0
undone=0
for round in $(seq "$ROUNDS"); do
    export OPCAT_DATA="$T/data-$round"
    mkdir -p "$OPCAT_DATA"
    rm -f "$T"/acked-* "$T/journal"
    POWERCUT_DIR="$OPCAT_DATA/" POWERCUT_JOURNAL="$T/journal" LD_PRELOAD="$SHIM" start_store
    pids=()
    for c in $(seq $CLIENTS); do
        ctl --timeout 3000 import --batch $((RANDOM % 100 + 1)) --window 4 --acked "$T/acked-$c" "$T/in-$c.jsonl" \
            >/dev/null 2>>"$T/import.log" &
        pids+=($!)
    done
    target=$((RANDOM % 3500 + 100)) head=0
    for _ in $(seq 1000); do
        head=$(ctl --timeout 1000 head 2>/dev/null || echo 0)
        [ "$head" -ge "$target" ] && break
        [ "$head" -ge $((CLIENTS * PER_CLIENT)) ] && break
        sleep 0.01
    done
    kill -9 "$store_PID"
    for p in "${pids[@]}"; do wait "$p" || true; done
    out=$(python3 "$OPCAT_SOURCE_DIR/tests/powercut_restore.py" "$T/journal")
    echo "round $round: power cut at head $head (target $target); $out"
    undone=$((undone + $(echo "$out" | awk '{print $2}')))
    start_store
    check_store
    stop "$store_PID"
done
[ "$undone" -gt 0 ] || fail "no round threw anything away: the cut proves nothing"
figure it_powercut "power cuts simulated under 4 concurrent writers (rounds)" "$ROUNDS"
figure it_powercut "acknowledged events checked after the cuts" "$total_acked"
figure it_powercut "acknowledged events lost or stored twice" 0
echo "it_powercut: 1 passed, 0 failed"
