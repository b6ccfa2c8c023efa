#!/usr/bin/env bash
# Integration: the data directory's file system fills up (a small tmpfs
# made by the test; needs root).  Writers get a clear error, nothing
# acknowledged is lost, the store stays up, and it resumes when space is
# freed.
source "$(dirname "$0")/lib.sh"
if [ "$(id -u)" != 0 ]; then echo "it_diskfull: skipped (needs root to mount a tmpfs)"; exit 77; fi
mkdir -p "$T/small"
mount -t tmpfs -o size=16m tmpfs "$T/small" || { echo "it_diskfull: skipped (mount refused)"; exit 77; }
AT_EXIT+=("umount '$T/small'")
export OPCAT_DATA="$T/small/data"
# leave about 3 MB free for the store
dd if=/dev/zero of="$T/small/filler" bs=1M count=13 status=none

awk 'BEGIN { for (i = 1; i <= 8000; i++)
    printf "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\",\"id\":\"full-%d\",\"note\":\"%0300d\"}\n", i, i }' >"$T/in.jsonl"

start_store
if ctl --timeout 5000 import --batch 200 --window 2 --acked "$T/acked" "$T/in.jsonl" >"$T/out" 2>"$T/err"; then
    fail "the whole import fitted in 3 MB: make the input bigger"
fi
grep -q "No space left on device" "$T/err" || fail "writers were not told the disk is full: $(head -3 "$T/err")"
kill -0 "$store_PID" || fail "the store died when the disk filled"
acked=$(wc -l <"$T/acked")
head=$(ctl head)
echo "disk full after $acked acknowledged events (head $head)"
[ "$head" -ge "$acked" ] || fail "head $head < acknowledged $acked"
ctl --timeout 30000 tail --from 1 --until-head --json | sed 's/.*"id":"\([^"]*\)".*/\1/' | sort >"$T/stored"
missing=$(cut -d' ' -f1 "$T/acked" | sort | comm -23 - "$T/stored" | head -3)
[ -z "$missing" ] || fail "acknowledged but lost: $missing"

rm "$T/small/filler"
ctl --timeout 30000 import --batch 200 "$T/in.jsonl" >"$T/out2" || fail "no resume after space was freed: $(cat "$T/out2")"
expect_eq "$(ctl head)" 8000 "every event once after resuming"
grep -q "commit failed" "$T/store.log" || fail "the store did not log the failed commit"
stop "$store_PID"
figure it_diskfull "events acknowledged before the disk was full" "$acked"
figure it_diskfull "acknowledged events lost" 0
echo "it_diskfull: 1 passed, 0 failed"
