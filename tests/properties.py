"""properties: checks the answers of tests/it_properties.sh against the
dataset's own events.

usage: properties.py DATA_DIR ANSWERS_DIR

ANSWERS_DIR holds three files per month-end D: D.stats (opcatctl stats
--as-of D --json), D.art17 (opcatctl art17 --as-of D --json) and
D.reminders (opcatctl reminders --as-of D --json: JSON lines).  The
facts (party, signatory, designation, reports, precision, coverage) are
read from the dataset's files, so that a service's mistake cannot hide
behind another service's.  Prints every violation; exits 1 if any.
"""
import calendar
import datetime
import json
import os
import sys
from collections import defaultdict

PROTOCOL_IN_FORCE = datetime.date(2006, 6, 22)  # OPCAT art. 28(1)


def day(text):
    return datetime.date.fromisoformat(text)


def add_months(d, months):
    y, m = divmod(d.month - 1 + months, 12)
    y, m = d.year + y, m + 1
    return datetime.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


class Facts:
    """What the dataset says, each fact at its earliest date."""

    def __init__(self, data_dir):
        self.ratified, self.signed, self.designated = {}, {}, {}
        self.withdrawn = defaultdict(list)  # state -> [day]
        self.reports = {}  # report_id -> {state, recipient, on, precision}
        self.published, self.replied = {}, {}
        self.coverage = []  # (type prefixes, from, until or None)
        for name in open(f"{data_dir}/manifest").read().split():
            for line in open(f"{data_dir}/{name}"):
                if line.strip():
                    self._add(json.loads(line))

    @staticmethod
    def _first(table, key, on):
        if key not in table or on < table[key]:
            table[key] = on

    def _add(self, e):
        t, on, st = e["type"], day(e["occurred_on"]), e.get("state")
        if t == "state.ratified":
            self._first(self.ratified, st, on)
        elif t == "state.signed":
            self._first(self.signed, st, on)
        elif t == "npm.designated":
            # a designation known only to the month or year counts from
            # that period's last day (the computations' convention)
            self._first(self.designated, st,
                        latest_day(on, e.get("precision", "day")))
        elif "withdr" in t or "denounc" in t:
            self.withdrawn[st].append(on)
        elif t == "report.transmitted":
            rid = e["report_id"]
            if rid not in self.reports or on < self.reports[rid]["on"]:
                self.reports[rid] = {"state": st, "recipient": e["recipient"],
                                     "on": on,
                                     "precision": e.get("precision", "day"),
                                     "not_before": e.get("not_before")}
        elif t == "report.published":
            self._first(self.published, e["report_id"], on)
        elif t == "reply.received":
            self._first(self.replied, e["report_id"], on)
        elif t == "dataset.coverage":
            self.coverage.append((e.get("types", []), day(e["from"]),
                                  day(e["until"]) if e.get("until")
                                  else None))

    def party(self, state, d):
        return state in self.ratified and self.ratified[state] <= d

    def earliest_npm_due(self, state):
        """The NPM deadline without any art. 24 postponement: a lower
        bound of the real one (art. 28, art. 17)."""
        eif = max(PROTOCOL_IN_FORCE,
                  self.ratified[state] + datetime.timedelta(days=30))
        return add_months(eif, 12)

    def covered(self, event_type, lo, hi):
        """Whether every event of 'event_type' dated lo..hi (lo None: no
        lower bound) is recorded: the dataset names no coverage for it
        (complete, DOMAIN.md), or the union of its intervals holds every
        day of lo..hi."""
        spans = sorted((f, u) for types, f, u in self.coverage
                       if any(event_type == p or
                              (p.endswith(".") and event_type.startswith(p))
                              for p in types))
        if not spans:
            return True
        if lo is None:
            return False
        for f, u in spans:  # by first day: extend the run from lo
            if f > lo:
                return False
            if u is None or u >= hi:
                return True
            lo = max(lo, u + datetime.timedelta(days=1))
        return False


def latest_day(on, precision):
    """The latest day a date known to 'precision' may stand for."""
    if precision == "month":
        return add_months(on.replace(day=1), 1) - datetime.timedelta(days=1)
    if precision == "year":
        return on.replace(month=12, day=31)
    return on


def earliest_day(on, precision, not_before=None):
    """The earliest day a date known to 'precision' may stand for (None:
    no bound, for a date known only as "not after" without a "not_before")."""
    if precision == "month":
        return on.replace(day=1)
    if precision == "year":
        return on.replace(month=1, day=1)
    if precision == "not_after":
        return day(not_before) if not_before else None
    return on


class Checker:
    def __init__(self, facts):
        self.facts, self.errors = facts, []
        self.previous = None  # (as_of, parties + signatories)

    def fail(self, d, message):
        self.errors.append(f"{d}: {message}")

    def check(self, d, stats, art17, reminders):
        self._computed_list(d, stats, art17, reminders)
        self._official_list(d, stats)
        self._replies(d, stats, reminders)
        self._totals(d, stats)
        self._kinds(d, reminders)
        self._encouragements(d, reminders)

    def _computed_list(self, d, stats, art17, reminders):
        f = self.facts
        rows = {r["state"]: r for r in art17["states"]}
        npm = {r["state"]: r for r in reminders
               if r["rule"] == "art17.npm_designation"}
        computed = stats["npm"]["art17_overdue_computed"]
        for s in computed:
            if not f.party(s, d):
                self.fail(d, f"{s} art. 17-overdue but not yet a party")
                continue
            if s in f.designated and f.designated[s] <= d:
                self.fail(d, f"{s} art. 17-overdue after its designation "
                          f"({f.designated[s]})")
            if d <= f.earliest_npm_due(s):
                self.fail(d, f"{s} art. 17-overdue before its earliest "
                          f"possible due date {f.earliest_npm_due(s)}")
            due = rows.get(s, {}).get("npm_due")
            if not due or day(due) >= d:
                self.fail(d, f"{s} art. 17-overdue, NPM due {due}")
            r = npm.get(s)
            if not r or r["stage"] != "overdue" or r["due_on"] != due:
                self.fail(d, f"{s}: aggregation says NPM due {due}, overdue; "
                          f"the reminder service says {r}")
        for s, r in npm.items():
            if r["stage"] == "overdue" and s not in computed:
                self.fail(d, f"{s}: NPM reminder overdue ({r['due_on']}) but "
                          "not on the computed list")

    def _official_list(self, d, stats):
        for s in stats["npm"]["art17_list"]:
            if not self.facts.party(s, d):
                self.fail(d, f"{s} on the SPT's art. 17 list, not a party")

    def _replies(self, d, stats, reminders):
        f = self.facts
        overdue_states = set()
        for r in reminders:
            if not r["rule"].startswith("art12.") or r["stage"] != "overdue":
                continue
            rep = f.reports.get(r["subject"])
            if rep is None:
                self.fail(d, f"reply to {r['subject']} overdue: no such "
                          "report in the dataset")
                continue
            # the earliest day the transmission may have been: a reply on
            # a day from then to d that coverage leaves out would be
            # unrecorded, so the deadline could not be known to be missed
            earliest = earliest_day(rep["on"], rep["precision"],
                                    rep["not_before"])
            if not f.covered("reply.received", earliest, d):
                self.fail(d, f"reply to {r['subject']} overdue, but its "
                          f"transmission ({rep['precision']} "
                          f"{rep['on']}) or a day up to {d} lies outside "
                          f"the recording of replies")
            if r["rule"] == "art12.state_reply":
                overdue_states.add(r["state"])
        if set(stats["replies"]["overdue"]) != overdue_states:
            self.fail(d, f"replies overdue: aggregation "
                      f"{stats['replies']['overdue']}, reminders "
                      f"{sorted(overdue_states)}")

    def _totals(self, d, stats):
        total = (stats["states_parties"]["total"] +
                 stats["signatories"]["total"])
        if self.previous:
            before, n = self.previous
            withdrawn = [s for s, days in self.facts.withdrawn.items()
                         if any(before < w <= d for w in days)]
            if total < n and not withdrawn:
                self.fail(d, f"parties + signatories dropped from {n} "
                          f"({before}) to {total} with no withdrawal")
        self.previous = (d, total)

    def _kinds(self, d, reminders):
        for r in reminders:
            kind = r.get("kind")
            if kind not in ("obligation", "encouragement", "notice"):
                self.fail(d, f"reminder without a kind: {r}")
            elif kind != "obligation" and (r["stage"] == "overdue" or
                                           "days_late" in r):
                self.fail(d, f"a {kind} overdue or late: {r}")

    def _encouragements(self, d, reminders):
        f = self.facts
        have = {r["subject"] for r in reminders
                if r["rule"] == "art16.publication"}
        for rid, rep in f.reports.items():
            if rep["recipient"] != "state" or rep["on"] > d:
                continue
            published = rid in f.published and f.published[rid] <= d
            if published and rid in have:
                self.fail(d, f"{rid} published but still encouraged")
            if not published and rid not in have:
                self.fail(d, f"{rid} transmitted, unpublished, no "
                          "encouragement to publish it")


def main():
    facts = Facts(sys.argv[1])
    days = sorted(n[:-len(".stats")] for n in os.listdir(sys.argv[2])
                  if n.endswith(".stats"))
    checker = Checker(facts)
    for text in days:
        base = os.path.join(sys.argv[2], text)
        stats = json.load(open(base + ".stats"))
        art17 = json.load(open(base + ".art17"))
        reminders = [json.loads(x) for x in open(base + ".reminders")
                     if x.strip()]
        checker.check(day(text), stats, art17, reminders)
    for e in checker.errors[:50]:
        print("PROPERTY", e, file=sys.stderr)
    print(f"properties: {len(days)} month-ends, "
          f"{len(checker.errors)} violations")
    return 1 if checker.errors else 0


if __name__ == "__main__":
    sys.exit(main())
