#!/usr/bin/env bash
# it_stats: opcat-aggregated through the real daemons.
#
# On the embedded dataset (data/states.jsonl, then data/spt19-2025.jsonl):
#   1. `opcatctl stats --as-of 2025-12-31 --json` reproduces every figure
#      of data/expected-2025.json (keys in its "_omitted" skipped);
#   2. a set of answers (stats at several dates and periods, state, art17)
#      is recorded, then must come out identical
#        - after a restart (resumes from its checkpoint),
#        - after a kill -9 in the middle of a catch-up and a restart,
#        - after --rebuild,
#        - on a fresh store holding the same events imported in shuffled
#          order (cross-reference targets first, users after, each group
#          shuffled: occurred_on order differs from recorded order).
# Filler events (npm.changed for ISL, changing none of the answers)
# make the catch-up long enough to be interrupted.
source "$(dirname "$0")/lib.sh"

DATA="$OPCAT_SOURCE_DIR/data"
FILLER=${FILLER:-150000}

stats_status() { ctl --timeout 2000 stats --status; }
caught_up() { stats_status | grep -q '"caught_up":true'; }

# wait_caught_up: until the service has applied everything the store has.
wait_caught_up() {
    local head
    head=$(ctl head)
    for _ in $(seq 600); do
        if stats_status 2>/dev/null | grep -q "\"position\":$head,"; then
            return 0
        fi
        sleep 0.1
    done
    fail "opcat-aggregated did not reach $head: $(stats_status 2>&1)"
}

# answers FILE: every answer the test compares, one JSON line each.
answers() {
    {
        ctl stats --as-of 2025-12-31 --json
        ctl stats --as-of 2025-06-30 --json
        ctl stats --as-of 2016-12-31 --from 2007-01-01 --json
        ctl stats --as-of 2026-07-01 --json
        ctl stats --as-of 2011-02-28 --json
        ctl art17 --as-of 2025-12-31 --json
        ctl art17 --as-of 2018-01-01 --json
        for s in PER AUS SEN HRV BEN KAZ; do
            ctl --reminders "$OPCAT_STATS" state "$s" \
                --as-of 2025-12-31 --json | jq -c 'del(.reminders_note)'
        done
    } | jq -c . >"$1"
}

# same A B WHAT: the two answer files are identical.
same() {
    if ! cmp -s "$1" "$2"; then
        diff <(jq -S . "$1") <(jq -S . "$2") | head -40 >&2
        fail "$3: the answers differ from the first run"
    fi
}

check_expected() {
    ctl stats --as-of 2025-12-31 --json >"$T/stats-2025.json"
    if ! python3 - "$DATA/expected-2025.json" "$T/stats-2025.json" <<'EOF'
import json, sys
want = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
omitted = {o["key"] for o in want.pop("_omitted", [])}
bad = []
def lookup(obj, path):
    for part in path.split("."):
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj
# "about N" (the seed's 约有N个): the figure rounds to N at the nearest ten
for a in want.pop("_about", []):
    g = lookup(got, a["key"])
    if not isinstance(g, int) or round(g, -1) != a["value"]:
        bad.append(f"{a['key']}: expected about {a['value']}, got {g!r}")
def walk(w, g, path):
    if path in omitted:
        return
    if isinstance(w, dict):
        if not isinstance(g, dict):
            bad.append(f"{path}: expected an object, got {g!r}")
            return
        for k, v in w.items():
            walk(v, g.get(k), f"{path}.{k}" if path else k)
    elif w != g:
        bad.append(f"{path}: expected {w!r}, got {g!r}")
walk(want, got, "")
for b in bad:
    print("MISMATCH", b, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
    then
        fail "stats --as-of 2025-12-31 differ from expected-2025.json"
    fi
}

# check_report: the report through the daemons holds the seed's own
# sentences (shared/seed/spt-annual-report-19.zh.txt), word for word.
check_report() {
    ctl report --as-of 2025-12-31 --lang zh >"$T/report-zh.md"
    local want
    while IFS= read -r want; do
        grep -qF -- "$want" "$T/report-zh.md" ||
            fail "report --lang zh lacks the seed's \"$want\""
    done <<'EOF'
孟加拉国于2025年7月17日加入《任择议定书》，哥伦比亚于2025年11月10日加入。
第五十五届会议(2025年1月27日至2月7日)和第五十六届会议(2025年11月10日至14日)
小组委员会非常感谢亚美尼亚(5,000美元)和沙特阿拉伯(50,000美元)首次向特别基金捐款，并感谢奥地利(81,871美元)、丹麦(141,000美元)、德国(200,000欧元)、西班牙(10,000欧元)和瑞士(120,000美元)的持续支持。
秘鲁(6月15日至21日)、塞尔维亚(6月15日至21日)、新西兰(9月13日至25日)、莫桑比克(10月18日至30日)。
在这些查访期间，小组委员会与900多人进行了550多次单独和集体访谈
小组委员会查访了100多个剥夺自由场所：29所监狱、7个女子拘留设施、35个警察局、13个儿童拘留中心、1个精神病和医疗保健机构、5个无证移民拘留中心、3个戒毒所、4个法院拘留所、5个老年人社会护理设施。
迄今为止，全球约有80个国家防范机制在开展工作。
将于2026年对布隆迪、法国和墨西哥进行被推迟的查访。小组委员会还宣布了对巴拉圭、卢旺达和斯里兰卡进行查访的新计划，这些查访也将于2026年进行。
EOF
    # the other official languages, with the same donors and figures
    ctl report --as-of 2025-12-31 --lang fr >"$T/report-fr.md"
    grep -qF 'Arménie (5 000 dollars des États-Unis) et Arabie saoudite (50 000 dollars des États-Unis)' \
        "$T/report-fr.md" || fail "report --lang fr lacks the donors"
    ctl report --as-of 2025-12-31 --lang ar >"$T/report-ar.md"
    grep -qF 'أرمينيا (5,000 دولار من دولارات الولايات المتحدة)' \
        "$T/report-ar.md" || fail "report --lang ar lacks the donors"
    ctl report --as-of 2025-12-31 --lang de >/dev/null 2>&1 &&
        fail "report --lang de was accepted"
    ctl report --as-of 2025-12-31 --lang en >"$T/report-en.md"
    grep -qF 'Saudi Arabia ($50,000) for their first contributions' \
        "$T/report-en.md" || fail "report --lang en lacks the donors"
    # before the dataset's coverage (dataset.coverage), no count of zero
    ctl report --as-of 2024-12-31 --lang en >"$T/report-2024.md"
    grep -qF "The number of sessions held in 2024 is not recorded." \
        "$T/report-2024.md" || fail "report 2024: sessions not recorded"
    grep -qE "held no session|conducted no visit|received no contribution" \
        "$T/report-2024.md" && fail "report 2024 counts what is not recorded"
    return 0
}

make_filler() {
    python3 - "$FILLER" >"$T/filler.jsonl" <<'EOF'
import random, sys
random.seed(4)
for i in range(int(sys.argv[1])):
    print('{"type":"npm.changed","occurred_on":"%04d-%02d-%02d",'
          '"state":"ISL","body":"filler-%d","model":"other"}'
          % (random.randint(2008, 2024), random.randint(1, 12),
             random.randint(1, 28), i))
EOF
}

# shuffled OUT: the dataset's lines, targets first then users, shuffled.
shuffled() {
    python3 - $(sed "s|^|$DATA/|" "$DATA/manifest") >"$1" <<'EOF'
import json, random, sys
users = {"report.published", "reply.received", "reply.published",
         "visit.postponed", "visit.completed"}
first, then = [], []
for path in sys.argv[1:]:
    for line in open(path):
        if line.strip():
            (then if json.loads(line)["type"] in users else first).append(line)
seed = random.randrange(1 << 30)
print(f"shuffle seed {seed}", file=sys.stderr)
random.seed(seed)
random.shuffle(first)
random.shuffle(then)
sys.stdout.write("".join(first + then))
EOF
}

# --- 1. the dataset, in recorded order ----------------------------------
start_store
while read -r f; do ctl import "$DATA/$f" >/dev/null; done <"$DATA/manifest"
start agg opcat-aggregated
wait_caught_up
check_expected
check_report
# what the dataset does not know is not printed as a fact: the seven
# reports transmitted "not after 2024-12-31" are not 2024's, dialogues
# before 2025 are not recorded, TCD's signature date is a bound
out=$(ctl report --as-of 2024-12-31 --lang en)
grep -q "the reports transmitted during the reporting period are not recorded" <<<"$out" ||
    fail "report 2024: the 2024 transmissions should be not recorded: $out"
grep -q "No follow-up dialogue" <<<"$out" && fail "report 2024 states that no dialogue took place"
grep -q "seven transmitted" <<<"$out" && fail "report 2024 counts seven placeholder transmissions"
grep -q '^Follow-up dialogues, States      -   not recorded$' <(ctl stats --as-of 2024-12-31) ||
    fail "stats 2024: dialogues are not recorded: $(ctl stats --as-of 2024-12-31)"
# a total not recorded has no count by region either (2010: signatures
# are recorded only from later, with no baseline)
grep -q '^Signatories                      -   not recorded   by region not recorded$' \
    <(ctl stats --as-of 2010-12-31) ||
    fail "stats 2010: signatories by region: $(ctl stats --as-of 2010-12-31)"
# the places by kind recorded in a period whose total is not recorded
# are named as what is recorded, not as the total's parts
grep -q '^Places visited                   -   not recorded   recorded: -$' \
    <(ctl stats --as-of 2014-02-28) ||
    fail "stats 2014: places by kind: $(ctl stats --as-of 2014-02-28)"
# nor a list: the States recorded as signatories are named as such
grep -q '^  signatories                    -   not recorded (recorded: AUS ' \
    <(ctl stats --as-of 2010-12-31) ||
    fail "stats 2010: signatories' list: $(ctl stats --as-of 2010-12-31)"
# and the report prints neither their number nor their table
out=$(ctl report --as-of 2010-12-31 --lang en)
grep -q '^The number of signatories as at 31 December 2010 is not recorded\.$' <<<"$out" ||
    fail "report 2010: signatories not recorded: $out"
grep -q 'Signatories |' <<<"$out" && fail "report 2010: a table of signatories not recorded"
grep -q '^States parties                  57   africa 10, ' <(ctl stats --as-of 2010-12-31) ||
    fail "stats 2010: parties by region: $(ctl stats --as-of 2010-12-31)"
grep -q '^  signed            by 2013-10-29$' <(ctl state TCD --as-of 2025-12-31) ||
    fail "state TCD: the signature date is a bound: $(ctl state TCD --as-of 2025-12-31)"
grep -q 'KAZ-2023-ROSP .*transmitted by 2024-12-31, reply due 2025-06-30 at the latest, received - (not known whether answered)' <(ctl state KAZ --as-of 2026-06-30) ||
    fail "state KAZ: $(ctl state KAZ --as-of 2026-06-30)"
grep -q OVERDUE <(ctl state KAZ --as-of 2026-06-30) && fail "state KAZ: a placeholder date made a reply overdue"
answers "$T/first.jsonl"
[ "$(wc -l <"$T/first.jsonl")" -eq 13 ] || fail "expected 13 answers"

# --- 2. restart: resumes from the checkpoint -----------------------------
head1=$(ctl head)
stop "$agg_PID"
make_filler
ctl import --batch 10000 "$T/filler.jsonl" >/dev/null
start agg opcat-aggregated
wait_caught_up
grep -q "checkpoint $head1\$" "$T/agg.log" || fail "the restart did not resume from its checkpoint"
answers "$T/restart.jsonl"
same "$T/first.jsonl" "$T/restart.jsonl" "restart"

# --- 3. kill -9 in the middle of a catch-up ------------------------------
# Two replay pages per transaction: the catch-up gathers pages and commits
# several times (the default's 262,144 events would be one commit here).
# The failpoint kills it after it applied the first batch that ends past
# 40,000 (32,769-65,536), before that batch commits.
need_failpoints
stop "$agg_PID"
OPCAT_FAILPOINT=consumer.after_apply:crash@40000 \
    start agg opcat-aggregated --rebuild --catch-up-batch 32768
died_at "$agg_PID" consumer.after_apply "$T/agg.log"
killed=$(kv_checkpoint "$OPCAT_DATA/aggregated")
expect_eq "$killed" 32768 "checkpoint after the crash mid-catch-up"
echo "killed mid-catch-up at checkpoint $killed of $(ctl head)"
start agg opcat-aggregated
wait_caught_up
answers "$T/kill9.jsonl"
same "$T/first.jsonl" "$T/kill9.jsonl" "kill -9 mid-catch-up"
figure it_stats "kill -9 of opcat-aggregated mid-catch-up: answers unlike a fresh build" 0
check_expected

# --- 4. --rebuild -------------------------------------------------------
stop "$agg_PID"
start agg opcat-aggregated --rebuild
wait_caught_up
answers "$T/rebuild.jsonl"
same "$T/first.jsonl" "$T/rebuild.jsonl" "--rebuild"
stop "$agg_PID"
stop "$store_PID"

# --- 5. a fresh store, the same events in shuffled order ----------------
export OPCAT_DATA="$T/data2"
shuffled "$T/shuffled.jsonl"
start_store
ctl import "$T/shuffled.jsonl" >/dev/null
start agg opcat-aggregated
wait_caught_up
check_expected
answers "$T/shuffled-answers.jsonl"
same "$T/first.jsonl" "$T/shuffled-answers.jsonl" "shuffled import"

# --- 6. bad parameters and options name the field; SIGTERM exits 0 -------
out=$(ctl stats --as-of 2025-02-30 2>&1) && fail "a bad date was accepted"
grep -q "as_of: not a real date" <<<"$out" || fail "bad as_of: $out"
out=$(ctl state pe 2>&1) && fail "a bad state was accepted"
grep -q "state:" <<<"$out" || fail "bad state: $out"
out=$("$OPCAT_BIN/opcat-aggregated" --catch-up-batch 12x 2>&1) && fail "a bad --catch-up-batch was accepted"
grep -q -- '--catch-up-batch: "12x" must be a whole number from 0 to' <<<"$out" || fail "bad --catch-up-batch: $out"
stop "$agg_PID"
echo "it_stats: ok"
