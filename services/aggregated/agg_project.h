/*  project: applies one event to the aggregation tables (agg_tables.h).

    Every update is commutative: counters are added to, first dates are
    minimums, and a report's effects are recomputed from its record (its
    old effects taken out, its new ones put in) whenever one of its first
    dates moves.  So the tables depend only on the set of events applied,
    whatever order of occurred_on they were recorded in.

    Conventions (docs/AGGREGATES.md):
      - a report counts (totals, lists, replies, overdue) only when it was
        transmitted to a State; reports to NPMs count nowhere;
      - a report is published, answered and its reply published on the
        FIRST date of each such event (a second event never counts twice);
      - reply overdue: a report to a State is overdue on every day after
        date_add_months(transmitted, 6) until its first reply.received;
      - `baseline` counts are added on their occurred_on;
      - report `content` is never read. */
#ifndef OPCAT_AGG_PROJECT_H
#define OPCAT_AGG_PROJECT_H

#include "event.h"
#include "agg_tables.h"

/*  Applies 'event' inside the write transaction of 'tx'.  An event the
    tables do not use (session.held, reminder.issued, ...) or cannot use
    (a malformed date: the store never holds one) changes nothing.
    Returns 0 or an mdb_* code (the batch is then aborted and retried). */
int agg_proj_apply(agg_tx_t *tx, const event_t *event);

#endif
