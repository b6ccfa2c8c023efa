#!/usr/bin/env bash
# it_properties: the views are true at every month-end, not only at the end
# of 2025.  On the embedded dataset (data/manifest), one opcat-stored, one
# opcat-aggregated and one opcat-reminderd answer for every month-end from
# 2006-06-30 to 2026-12-31:
#   stats --as-of D, art17 --as-of D, reminders --as-of D (all --json),
# and tests/properties.py checks each answer against the dataset's events
# (read from the files, not from the services):
#   - no State art. 17-overdue before its NPM due date or on or after its
#     designation, and the aggregation and reminder services give it the
#     same NPM due date;
#   - no State on the computed list that was not yet a party;
#   - no reply overdue whose transmission date is not known to the day or
#     whose reply could lie outside the recorded coverage;
#   - parties + signatories never drop without a withdrawal event;
#   - the SPT's official list never holds a non-party;
#   - a notice or an encouragement is never overdue and has no days late;
#     every report transmitted to a State and not yet published has its
#     encouragement.
# Then the dated cases the rules got wrong: GBR and LBR in force on
# 2006-06-22 (art. 28(1)), no State art. 17-overdue at the end of 2006,
# one NPM due date for AUS in the state view and its reminders on
# 2022-03-01 (art. 24 extension counted from its own date).
source "$(dirname "$0")/lib.sh"

DATA="$OPCAT_SOURCE_DIR/data"
HERE="$(cd "$(dirname "$0")" && pwd)"

start_store
while read -r f; do ctl import "$DATA/$f" >/dev/null; done <"$DATA/manifest"
start agg opcat-aggregated
OPCAT_NOW=2026-12-31 start rem opcat-reminderd
# the reminder service appends what it fires: the head moves on, so wait
# for "caught up" (everything imported was there before both started)
agg_caught_up() { grep -q '"caught_up":true' <(ctl --timeout 500 stats --status); }
wait_for agg_caught_up
wait_for ctl --timeout 500 ping --service reminders --caught-up

# month_ends: 2006-06-30 ... 2026-12-31
month_ends() {
    python3 -c '
import calendar
y, m = 2006, 6
while (y, m) <= (2026, 12):
    print("%04d-%02d-%02d" % (y, m, calendar.monthrange(y, m)[1]))
    y, m = (y + 1, 1) if m == 12 else (y, m + 1)'
}

started=$(date +%s)
n=0
mkdir "$T/answers"
for d in $(month_ends); do
    ctl stats --as-of "$d" --json >"$T/answers/$d.stats"
    ctl art17 --as-of "$d" --json >"$T/answers/$d.art17"
    ctl reminders --as-of "$d" --json >"$T/answers/$d.reminders"
    n=$((n + 1))
done
echo "$n month-ends asked in $(($(date +%s) - started)) s"
expect_eq "$n" 247 "month-ends from 2006-06 to 2026-12"

python3 "$HERE/properties.py" "$DATA" "$T/answers" ||
    fail "a property does not hold (above)"

# --- the dated cases -----------------------------------------------------
for s in GBR LBR; do
    st=$(ctl state "$s" --as-of 2025-12-31 --json)
    expect_eq "$(jq -r .entry_into_force <<<"$st")" 2006-06-22 "$s in force (art. 28(1))"
    expect_eq "$(jq -r .npm.due <<<"$st")" 2007-06-22 "$s NPM due"
done
grep -q 'in force 2006-06-22' <(ctl state GBR --as-of 2025-12-31) ||
    fail "opcatctl state GBR: $(ctl state GBR --as-of 2025-12-31 | head -5)"
grep -q 'NPM due           2007-06-22' <(ctl state GBR --as-of 2025-12-31) ||
    fail "opcatctl state GBR: NPM due 2007-06-22"
expect_eq "$(ctl stats --as-of 2006-12-31 --json | jq -c .npm.art17_overdue_computed)" \
    "[]" "art. 17-overdue at the end of 2006"
aus=$(ctl state AUS --as-of 2022-03-01 --json)
expect_eq "$(jq -r .npm.due <<<"$aus")" 2022-01-20 "AUS NPM due as of 2022-03-01"
expect_eq "$(jq -r '[.reminders_open[] | select(.rule == "art17.npm_designation") | .due_on] | unique | join(",")' <<<"$aus")" \
    2022-01-20 "AUS NPM reminder as of 2022-03-01"
grep -q 'due 2022-01-20  overdue, 40 days late' <(ctl state AUS --as-of 2022-03-01) ||
    fail "opcatctl state AUS --as-of 2022-03-01: $(ctl state AUS --as-of 2022-03-01)"
if grep -q 2023-01-20 <(ctl state AUS --as-of 2022-03-01); then
    fail "AUS as of 2022-03-01 shows the extension's date before it was granted"
fi
expect_eq "$(ctl state AUS --as-of 2022-06-03 --json | jq -r .npm.due)" 2023-01-20 \
    "AUS NPM due from the extension's day"
# Benin notified its NPM between 2025-01-01 and 2025-02-07 (not_after with
# not_before): listed and art. 17-overdue before that bound, neither after
# it, printed by its upper bound, and among the designations of 2025
for c in 2025-01-31:true 2025-03-01:false; do
    st=$(ctl stats --as-of "${c%%:*}" --json)
    expect_eq "$(jq -c '[.npm.art17_list, .npm.art17_overdue_computed] | map(index("BEN") != null)' <<<"$st")" \
        "[${c##*:},${c##*:}]" "BEN listed and overdue as of ${c%%:*}"
done
ben=$(ctl state BEN --as-of 2025-03-01 --json)
expect_eq "$(jq -r '.npm.designated_on + " " + .npm.designated_on_precision' <<<"$ben")" \
    "2025-02-07 not_after" "BEN designated, as of 2025-03-01"
expect_eq "$(ctl stats --as-of 2025-12-31 --json | jq -c '.npm.designated_in_period | index("BEN") != null')" \
    true "BEN among the 2025 designations"
stop "$rem_PID"
stop "$agg_PID"
stop "$store_PID"
echo "it_properties: ok"
