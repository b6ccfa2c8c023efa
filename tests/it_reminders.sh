#!/usr/bin/env bash
# Integration: opcat-reminderd against a real opcat-stored, with a fixed
# clock.  "Advancing the day" is restarting reminderd with a later
# OPCAT_NOW.
#   1. a report's reply deadline: pending, upcoming, due, overdue, a late
#      reply closes it (the overdue reminder stays), nothing more fires;
#      a restart on the same day fires nothing again;
#   2. out-of-order facts: a back-dated reply, an art. 24 declaration
#      recorded before the ratification, history that must not flood;
#   3. kill -9 mid-catch-up and mid-firing, restart: every due reminder
#      issued exactly once, and the state equals a --rebuild's.
source "$(dirname "$0")/lib.sh"

REM_LOG="$T/rem.log"

# start_rem DAY [ARGS...]: starts reminderd with OPCAT_NOW=DAY and waits
# until it has caught up with the store and handled the day.
start_rem() {
    OPCAT_NOW=$1 start rem opcat-reminderd "${@:2}"
    settle
}

# settle: caught up with the store, and every reminder due today handled
# after the last event it applied (its own reminders included).
idle() {
    ctl --timeout 500 ping --service reminders --caught-up &&
        ctl --timeout 500 reminders --status | grep -q '"idle":true' &&
        ctl --timeout 500 ping --service reminders --caught-up
}
settle() { wait_for idle; }

stop_rem() { stop "$rem_PID"; }

import() { ctl import "$1" >/dev/null || fail "import $1"; }

issued() { ctl reminders --issued --json "$@"; }
count() { grep -c . || true; }

# the reminder.issued events in the store
store_reminders() {
    ctl --timeout 30000 tail --from 1 --until-head --topic reminder.issued --json
}

# ------------------------------------------------ 1. one reply deadline
start_store
cat >"$T/r1.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-01-15","state":"PER","report_id":"R1","recipient":"state"}
JSON
import "$T/r1.jsonl"

start_rem 2025-06-01
expect_eq "$(issued | count)" 0 "issued before upcoming"
row=$(ctl reminders --json --rule art12)
expect_eq "$(echo "$row" | count)" 1 "open reply deadlines"
grep -q '"due_on":"2025-07-15".*"stage":"pending"' <<<"$row" ||
    fail "R1 should be pending, due 2025-07-15: $row"
# the by-day index: R1's next stage (upcoming) is 30 days before it is due
due=$(ctl reminders --due --json --as-of 2025-06-15)
grep -q '"next_on":"2025-06-15".*"subject":"R1"' <<<"$due" ||
    fail "--due as of 2025-06-15 should hold R1 next on 2025-06-15: $due"
expect_eq "$(ctl reminders --due --json --as-of 2025-06-14 | count)" 0 "nothing due the day before"
if out=$(ctl reminders --due --state PER 2>&1); then fail "--due --state accepted"; fi
grep -q 'state: not a filter of op due' <<<"$out" || fail "--due --state: $out"
stop_rem

start_rem 2025-06-15
expect_eq "$(issued --rule art12 | grep -c '"stage":"upcoming"')" 1 "upcoming issued"
expect_eq "$(issued | count)" 1 "issued on the upcoming day"
stop_rem
start_rem 2025-06-15 # same day again: nothing new
expect_eq "$(issued | count)" 1 "issued after a restart on the same day"
stop_rem

start_rem 2025-07-15
expect_eq "$(issued | grep -c '"stage":"due","state":"PER","subject":"R1"')" 1 "due issued"
stop_rem
start_rem 2025-07-16
expect_eq "$(issued | grep -c '"issued_on":"2025-07-16","kind":"obligation","rule":"art12.state_reply","stage":"overdue"')" 1 "overdue issued"
stop_rem
start_rem 2025-08-01
expect_eq "$(issued | count)" 3 "nothing between overdue occurrences"

# a late reply (after the due day) arrives live; the overdue stays issued
cat >"$T/r1-reply.jsonl" <<'JSON'
{"type":"reply.received","occurred_on":"2025-08-10","state":"PER","report_id":"R1"}
JSON
import "$T/r1-reply.jsonl"
settle
expect_eq "$(ctl reminders --json --as-of 2025-08-10 --rule art12 | count)" 0 "closed on the reply's day"
row=$(ctl reminders --json --as-of 2025-07-20 --rule art12)
grep -q '"days_late":5,.*"stage":"overdue"' <<<"$row" ||
    fail "as of 2025-07-20 R1 was 5 days late: $row"
stop_rem
start_rem 2025-10-14 # the next overdue occurrence: closed, so nothing
expect_eq "$(issued --rule art12 | count)" 3 "nothing fires after the reply"
expect_eq "$(grep -c 'reminder issued' "$REM_LOG")" 3 "log lines, one per reminder"
expect_eq "$(store_reminders | count)" 3 "reminder.issued events in the store"

# ------------------------------------------------ 2. out of order
# reminderd is running (today 2025-10-14); these arrive live.
cat >"$T/ooo.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-03-01","state":"FRA","report_id":"R2","recipient":"npm"}
{"type":"reply.received","occurred_on":"2025-05-01","state":"FRA","report_id":"R2"}
{"type":"state.declared_art24","occurred_on":"2017-12-21","state":"AUS","part":"IV","years":3}
{"type":"state.ratified","occurred_on":"2017-12-21","state":"AUS","instrument":"ratification"}
{"type":"report.transmitted","occurred_on":"2020-01-10","state":"MEX","report_id":"R3","recipient":"state"}
{"type":"visit.planned","occurred_on":"2025-09-01","state":"BRA","visit_id":"V1","kind":"regular","start":"2025-12-01"}
JSON
import "$T/ooo.jsonl"
settle
expect_eq "$(issued | grep -c '"subject":"R2"')" 0 "back-dated reply: nothing fires for R2"
expect_eq "$(ctl reminders --json --as-of 2025-04-01 | grep -c '"subject":"R2"')" 1 "R2 was open on 2025-04-01"
row=$(ctl reminders --json --state AUS)
grep -q '"due_on":"2022-01-20"' <<<"$row" ||
    fail "AUS: entry into force 2018-01-20 + 1 + 3 years = 2022-01-20: $row"
# R3 is years past due on both rules: one reminder each, the current stage
# (publication, an encouragement: the yearly reminder of 2025-01-10)
expect_eq "$(issued | grep -c '"subject":"R3"')" 2 "history does not flood"
grep -q '"due_on":"2025-01-10","issued_on":"2025-10-14","kind":"encouragement","rule":"art16.publication","stage":"reminder","state":"MEX"' <(issued) ||
    fail "R3 publication: the reminder of 2025-01-10: $(issued | grep R3)"
# an encouragement is never overdue, has no days late, is listed apart
for d in 2021-01-09 2021-01-10 2021-01-11 2025-10-14; do
    rows=$(ctl reminders --json --as-of "$d" --state MEX --rule art16)
    expect_eq "$(grep -c '"kind":"encouragement"' <<<"$rows")" 1 "MEX encouragement as of $d"
    if grep -q '"overdue"\|days_late' <<<"$rows"; then fail "art16 overdue or late as of $d: $rows"; fi
done
grep -q '"due_on":"2021-01-10".*"stage":"reminder"' <(ctl reminders --json --as-of 2021-01-10 --state MEX --rule art16) ||
    fail "first publication reminder on 2021-01-10"
grep -q '"stage":"pending"' <(ctl reminders --json --as-of 2021-01-09 --state MEX --rule art16) ||
    fail "no publication reminder the day before the first"
# the visit (start 2025-12-01) is a notice: upcoming from 2025-11-01,
# starting on 2025-12-01, never overdue, even during or after the visit
expect_eq "$(issued | grep -c '"subject":"V1"')" 0 "visit V1: nothing before 2025-11-01"
for d in 2025-10-31:pending 2025-11-01:upcoming 2025-11-30:upcoming 2025-12-01:starting 2025-12-02:starting 2026-03-01:starting; do
    row=$(ctl reminders --json --as-of "${d%%:*}" --state BRA)
    grep -q '"due_on":"2025-12-01","kind":"notice",.*"stage":"'"${d##*:}"'"' <<<"$row" ||
        fail "visit V1 as of ${d%%:*}: expected ${d##*:}: $row"
    if grep -q days_late <<<"$row"; then fail "a notice has days late: $row"; fi
done
# the declaration's extension, recorded after the reminder fired, moves it
cat >"$T/aus-ext.jsonl" <<'JSON'
{"type":"state.declared_art24","occurred_on":"2020-12-01","state":"AUS","part":"IV","years":2,"extension":true}
JSON
import "$T/aus-ext.jsonl"
settle
grep -q '"due_on":"2024-01-20"' <(ctl reminders --json --state AUS) ||
    fail "AUS with the 2-year extension: due 2024-01-20"
# as of a day before the extension, the deadline it had then
grep -q '"days_late":0,"due_on":"2022-01-20"' <(ctl reminders --json --state AUS --as-of 2020-11-30) ||
    fail "AUS as of 2020-11-30: due 2022-01-20: $(ctl reminders --json --state AUS --as-of 2020-11-30)"
grep -q '"due_on":"2024-01-20"' <(ctl reminders --json --state AUS --as-of 2020-12-01) ||
    fail "AUS as of 2020-12-01 (the extension's day): due 2024-01-20"
# a report transmitted on a day not known ("not after 2024-12-31"), and
# replies recorded only from 2025: its reply, like R3's (2020), could have
# come unrecorded. Both are "unknown": listed, never overdue, never fired.
cat >"$T/known.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2024-12-31","precision":"not_after","state":"KAZ","report_id":"K1","recipient":"state"}
{"type":"dataset.coverage","occurred_on":"2025-12-31","types":["reply."],"from":"2025-01-01"}
JSON
import "$T/known.jsonl"
settle
expect_eq "$(issued --rule art12 | grep -c '"subject":"K1"')" 0 "an unknown reply deadline fires nothing"
row=$(ctl reminders --json --state KAZ --rule art12)
grep -q '"days_late":0.*"due_on":"2025-06-30".*"due_upper_bound":true.*"opened_on_precision":"not_after".*"stage":"unknown"' <<<"$row" ||
    fail "K1 reply should be unknown, due 2025-06-30 at the latest: $row"
grep -q 'K1 *by 2024-12-31  by 2025-06-30  unknown *-$' <(ctl reminders --state KAZ --rule art12) ||
    fail "K1 in the table: $(ctl reminders --state KAZ --rule art12)"
grep -q '"stage":"unknown"' <(ctl reminders --json --state MEX --rule art12) ||
    fail "R3 (2020) is unknown once replies are covered from 2025 only"
# a transmission known only as a range inside the covered period (March
# 2025 at the latest, not before 10 March): its reply, had it come, would be
# recorded, so the deadline is known and overdue, due by its upper bound
cat >"$T/range.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2025-03-31","precision":"not_after","not_before":"2025-03-10","state":"KGZ","report_id":"K2","recipient":"state"}
JSON
import "$T/range.jsonl"
settle
row=$(ctl reminders --json --state KGZ --rule art12)
grep -q '"due_on":"2025-09-30".*"due_upper_bound":true.*"opened_on_precision":"not_after".*"stage":"overdue"' <<<"$row" ||
    fail "K2 reply should be overdue, due 2025-09-30 at the latest: $row"
# replies also recorded for 2016 alone (a closed interval): a report of
# March 2016 has its reply overdue as of the end of 2016, and unknown as
# of any later day (the reply could have come unrecorded in 2017-2024),
# so it never fires
cat >"$T/closed.jsonl" <<'JSON'
{"type":"report.transmitted","occurred_on":"2016-03-01","state":"TUN","report_id":"T1","recipient":"state"}
{"type":"dataset.coverage","occurred_on":"2025-12-31","types":["reply.received"],"from":"2016-01-01","until":"2016-12-31"}
JSON
import "$T/closed.jsonl"
settle
row=$(ctl reminders --json --state TUN --rule art12 --as-of 2016-12-31)
grep -q '"due_on":"2016-09-01".*"stage":"overdue"' <<<"$row" ||
    fail "T1 reply should be overdue as of 2016-12-31: $row"
row=$(ctl reminders --json --state TUN --rule art12 --as-of 2017-01-01)
grep -q '"stage":"unknown"' <<<"$row" ||
    fail "T1 reply should be unknown as of 2017-01-01: $row"
expect_eq "$(issued --rule art12 | grep -c '"subject":"T1"')" 0 "a reply deadline unknown today fires nothing"
stop_rem
stop "$store_PID"

# ------------------------------------------------ 3. kill -9, restart
export OPCAT_DATA="$T/data-k9"
N=${N:-60000}
awk -v n="$N" 'BEGIN {
    split("PER FRA DEU BRA MEX ARG CHL ITA", st, " ")
    for (i = 1; i <= n; i++)
        printf "{\"type\":\"report.transmitted\",\"occurred_on\":\"%d-%02d-%02d\",\"state\":\"%s\",\"report_id\":\"K%d\",\"recipient\":\"%s\"}\n",
            2022 + i % 4, i % 12 + 1, i % 28 + 1, st[i % 8 + 1], i, i % 2 ? "state" : "npm"
    for (i = 3; i <= n; i += 3)
        printf "{\"type\":\"reply.received\",\"occurred_on\":\"2025-%02d-%02d\",\"state\":\"%s\",\"report_id\":\"K%d\"}\n",
            i % 9 + 1, i % 28 + 1, st[i % 8 + 1], i
}' >"$T/k9.jsonl"
start_store
ctl --timeout 60000 import --batch 2000 "$T/k9.jsonl" >/dev/null || fail "import k9"
HEAD=$(ctl head)
DAY=2025-10-14

# checkpoint: reminderd's checkpoint, read with -n while it is stopped
checkpoint() {
    "$OPCAT_BIN/opcat-reminderd" -n 2>&1 | sed -n 's/.*checkpoint \([0-9]*\).*/\1/p'
}

# The kills land where they claim through failpoints (common/failpoint.h):
# mid-catch-up, after a batch was applied but before it committed (the
# first batch ending at or past sequence 20,000, so some committed before);
# then mid-firing, after the store acknowledged the first reminders but
# before reminderd recorded them as fired.
need_failpoints
# one replay page per transaction (the default's 65,536 events would make
# this catch-up two commits): the kill lands between several
OPCAT_FAILPOINT=consumer.after_apply:crash@20000 OPCAT_NOW=$DAY \
    start rem opcat-reminderd --catch-up-batch 16384
died_at "$rem_PID" consumer.after_apply "$T/rem.log"
# transactions of 16,384 events: 1-16,384 committed, 16,385-32,768 not
cp=$(checkpoint)
expect_eq "$cp" 16384 "checkpoint after the crash mid-catch-up (of $HEAD)"
expect_eq "$(store_reminders | count)" 0 "reminders fired before the catch-up ended"
echo "  checkpoint after the crash mid-catch-up: $cp of $HEAD"
# caught up, the first round merges the staged index changes: the crash
# comes after two slices of 4,096 committed, before the rest; nothing fired
OPCAT_FAILPOINT=reminders.mid_merge:crash@8192 OPCAT_NOW=$DAY start rem opcat-reminderd
died_at "$rem_PID" reminders.mid_merge "$T/rem.log"
expect_eq "$(checkpoint)" "$HEAD" "checkpoint after the crash mid-merge"
expect_eq "$(store_reminders | count)" 0 "reminders fired before the merge ended"
OPCAT_FAILPOINT=reminders.after_append:crash OPCAT_NOW=$DAY start rem opcat-reminderd
died_at "$rem_PID" reminders.after_append "$T/rem.log"
fired=$(store_reminders | count)
[ "$fired" -gt 0 ] || fail "not killed mid-firing: no reminder in the store"
echo "  crashed after the store acknowledged $fired reminders, before recording them"
OPCAT_NOW=$DAY start rem opcat-reminderd
settle

# every deadline open on DAY and past its first stage fired once, on DAY
ctl --timeout 30000 reminders --json --as-of $DAY >"$T/open"
expected=$(grep -vc '"stage":"pending"' "$T/open")
issued >"$T/issued"
expect_eq "$(grep -c "\"issued_on\":\"$DAY\"" "$T/issued")" "$expected" "reminders issued = deadlines due"
store_reminders >"$T/store-rem"
expect_eq "$(grep -c . "$T/store-rem")" "$expected" "reminder.issued events in the store"
field() { sed -E "s/.*\"$1\":\"([^\"]*)\".*/\\1/" "$T/store-rem"; }
dups=$(paste -d' ' <(field rule) <(field subject) <(field stage) | sort | uniq -d | head -3)
[ -z "$dups" ] || fail "a reminder was issued twice: $dups"
echo "  $expected reminders, each once; $(grep -c . "$T/open") open deadlines"
stop_rem

# the state equals one rebuilt from sequence 1
OPCAT_NOW=$DAY start rem opcat-reminderd --rebuild
settle
ctl --timeout 30000 reminders --json --as-of $DAY | cmp -s - "$T/open" ||
    fail "open deadlines differ from a --rebuild"
issued | cmp -s - "$T/issued" || fail "issued reminders differ from a --rebuild"
expect_eq "$(store_reminders | count)" "$expected" "nothing fired after --rebuild"
stop_rem
figure it_reminders "kill -9 of opcat-reminderd mid-catch-up and mid-firing: reminders fired twice or lost" 0
echo "it_reminders: ok"
