#!/usr/bin/env bash
# it_history: the counts the SPT's annual reports state, reproduced from
# the embedded dataset.
#
# Imports data/manifest's files in order into a fresh store, starts
# opcat-aggregated, and checks every row of data/annual-counts.tsv against
# `opcatctl stats --as-of AS_OF --json`, printing one verdict per row:
#   ok         the pipeline gives the report's figure (and says when it
#              marks that figure incomplete: the dataset's coverage of
#              that kind of fact starts later);
#   MISMATCH   it does not (the test fails);
#   KNOWN GAP  a figure the pipeline cannot reproduce yet, with the reason
#              the table gives; if such a row starts to match, the test
#              fails so that the row is promoted to "check".
source "$(dirname "$0")/lib.sh"

DATA="$OPCAT_SOURCE_DIR/data"
TABLE="$DATA/annual-counts.tsv"

stats_status() { ctl --timeout 2000 stats --status; }

# wait_caught_up: until the service has applied everything the store has.
wait_caught_up() {
    local head
    head=$(ctl head)
    for _ in $(seq 600); do
        if grep -q "\"position\":$head," <(stats_status 2>/dev/null); then
            return 0
        fi
        sleep 0.1
    done
    fail "opcat-aggregated did not reach $head: $(stats_status 2>&1)"
}

start_store
while read -r f; do ctl import "$DATA/$f" >/dev/null; done <"$DATA/manifest"
start agg opcat-aggregated
wait_caught_up

# One stats answer per date of the table.
for d in $(grep -v '^#' "$TABLE" | tail -n +2 | cut -f1 | sort -u); do
    ctl stats --as-of "$d" --json >"$T/stats-$d.json"
done

python3 - "$TABLE" "$T" <<'PY'
import csv, json, sys
table, tmp = sys.argv[1], sys.argv[2]
lines = [l for l in open(table, encoding="utf-8") if not l.startswith("#")]
rows = list(csv.DictReader(lines, delimiter="\t"))
missing = object()

def lookup(stats, key):
    path, _, count = key.partition("#")
    node = stats
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return missing
        node = node[part]
    if count == "count":
        return len(node) if isinstance(node, list) else missing
    return node

checked = mismatched = gaps = promoted = 0
for row in rows:
    stats = json.load(open(f"{tmp}/stats-{row['as_of']}.json"))
    want = json.loads(row["value"])
    got = lookup(stats, row["key"])
    shown = "absent" if got is missing else json.dumps(got)
    where = f"{row['as_of']} {row['key']} = {row['value']} ({row['symbol']} {row['paragraph']})"
    if row["status"] == "gap":
        gaps += 1
        if got == want:
            promoted += 1
            print(f"NOW REPRODUCED {where}: mark the row 'check'")
        else:
            print(f"KNOWN GAP {where}: pipeline gives {shown}; {row['reason']}")
    elif row["status"] == "check":
        checked += 1
        if got == want:
            base = row["key"].partition("#")[0]
            partial = base in stats.get("incomplete", [])
            print(f"ok {where}" + (" (marked incomplete)" if partial else ""))
        else:
            mismatched += 1
            print(f"MISMATCH {where}: pipeline gives {shown}")
    else:
        sys.exit(f"{table}: status must be check or gap, not {row['status']!r}")
print(f"{checked} rows checked, {mismatched} mismatched; "
      f"{gaps} known gaps not reproduced by the pipeline yet")
sys.exit(1 if mismatched or promoted else 0)
PY
