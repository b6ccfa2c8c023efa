/*  known: what the log says about how well it knows its facts (DOMAIN.md,
    "What is known, and how well"; docs/DOMAIN.md, "Precision of a date"
    and "Coverage").

    Two tables:

      AGG_DB_VAGUE  kind(1) state(3) latest(4) earliest(4) -> int32 count
      AGG_DB_COVER  'C' type-prefix 0 from(4) until(4)     -> 1 byte
                    'B' day(4)                             -> 1 byte

    VAGUE holds the facts whose date is not known to the day, by the SETS
    kind they would have (agg_tables.h) and their possible days; they are
    kept out of SETS so that a period's list names a State only when the
    fact surely lies in the period.  Counters (SUMS) count them on their
    latest day.  COVER holds, per type prefix of a dataset.coverage event,
    its interval (the key coverage.h defines; the union of all of them is
    the claim, so the order of events does not matter), and the days of
    baseline events, which stand for the history before coverage in
    cumulative totals.  A 'C' key of the prefix alone, value int32 `from`,
    is the open-ended layout of earlier projections, still read. */
#ifndef OPCAT_AGG_KNOWN_H
#define OPCAT_AGG_KNOWN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agg_tables.h"
#include "coverage.h"
#include "event.h"

/*  The VAGUE kind of art17.listed and art17.delisted (no SETS kind). */
#define AGG_VAGUE_ART17 'L'

/*  The VAGUE kind of session.held (listed in ITEMS, no SETS kind). */
#define AGG_VAGUE_SESSION 'S'

/*  Adds 'delta' to the count of a vague fact ('state' NULL or "": none).
    Returns 0 or an mdb_* code. */
int agg_known_vague_add(agg_tx_t *tx, char kind, const char *state,
                        int32_t latest, int32_t earliest, int32_t delta);

/*  Projects a dataset.coverage event.  Returns 0 or an mdb_* code. */
int agg_known_coverage(agg_tx_t *tx, const event_t *e);

/*  Records that a baseline is dated 'day'.  Returns 0 or an mdb_* code. */
int agg_known_baseline(agg_tx_t *tx, int32_t day);

/*  '*cover' = a new coverage_t (the caller's to destroy) holding every
    dataset.coverage projected so far.  Returns 0, an mdb_* code or
    OPCAT_ENOMEM ('*cover' NULL then). */
int agg_known_cover_load(agg_tx_t *tx, coverage_t **cover);

/*  Whether a figure counting the facts of 'type' in 'from'..'to' is
    complete as far as coverage ('cover', from agg_known_cover_load())
    goes: every day of the period is covered, or ('cumulative', a total
    since the beginning) every day from the first on which such a fact
    could exist (coverage_first_day()) up to 'to' is covered, or the
    latest baseline dated up to 'to' stands for what came before it and
    every day after it up to 'to' is covered.
    Returns 0 or an mdb_* code. */
int agg_known_covered(agg_tx_t *tx, const coverage_t *cover, const char *type,
                      int32_t from, int32_t to, bool cumulative, bool *covered);

/*  Visits the vague facts of 'kind' against the period 'from'..'to':
    inserts into 'sorted' (a sorted array of codes; may be NULL) the State
    of each fact whose every possible day lies in the period, and sets
    '*partial' when a fact may or may not lie in it.  Returns 0 or an mdb_*
    code. */
int agg_known_vague_in(agg_tx_t *tx, char kind, int32_t from, int32_t to,
                       json_t *sorted, bool *partial);

/*  '*any' = whether a vague fact of 'kind' is recorded at all.  Returns 0
    or an mdb_* code. */
int agg_known_vague_any(agg_tx_t *tx, char kind, bool *any);

/*  Inserts 'code' into the sorted array 'sorted' unless it is there. */
void agg_known_insert(json_t *sorted, const char *code);

#endif
