/*  known: what the log says about how well it knows its facts (DOMAIN.md,
    "What is known, and how well"; docs/DOMAIN.md, "Precision of a date"
    and "Coverage").

    Two tables:

      AGG_DB_VAGUE  kind(1) state(3) latest(4) earliest(4) -> int32 count
      AGG_DB_COVER  'C' type-prefix                        -> int32 from
                    'B' day(4)                             -> 1 byte

    VAGUE holds the facts whose date is not known to the day, by the SETS
    kind they would have (agg_tables.h) and their possible days; they are
    kept out of SETS so that a period's list names a State only when the
    fact surely lies in the period.  Counters (SUMS) count them on their
    latest day.  COVER holds, per type prefix of a dataset.coverage event,
    the earliest `from` given (the strongest claim; commutative), and the
    days of baseline events, which stand for the history before coverage
    in cumulative totals. */
#ifndef OPCAT_AGG_KNOWN_H
#define OPCAT_AGG_KNOWN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agg_tables.h"
#include "event.h"

/*  The VAGUE kind of art17.listed and art17.delisted (no SETS kind). */
#define AGG_VAGUE_ART17 'L'

/*  No coverage event names the type: its facts are complete. */
#define AGG_COVER_ALL INT32_MIN

/*  Adds 'delta' to the count of a vague fact ('state' NULL or "": none).
    Returns 0 or an mdb_* code. */
int agg_known_vague_add(agg_tx_t *tx, char kind, const char *state,
                        int32_t latest, int32_t earliest, int32_t delta);

/*  Projects a dataset.coverage event.  Returns 0 or an mdb_* code. */
int agg_known_coverage(agg_tx_t *tx, const event_t *e);

/*  Records that a baseline is dated 'day'.  Returns 0 or an mdb_* code. */
int agg_known_baseline(agg_tx_t *tx, int32_t day);

/*  '*from' = the day from which every fact of 'type' is recorded: the
    earliest `from` of the coverage prefixes that match it, or
    AGG_COVER_ALL.  Returns 0 or an mdb_* code. */
int agg_known_cover_from(agg_tx_t *tx, const char *type, int32_t *from);

/*  Whether a figure counting the facts of 'type' in 'from'..'to' is
    complete as far as coverage goes: the type is covered from 'from' on,
    or ('cumulative', a total since the beginning) a baseline dated between
    the day before coverage and 'to' stands for what came before.
    Returns 0 or an mdb_* code. */
int agg_known_covered(agg_tx_t *tx, const char *type, int32_t from, int32_t to,
                      bool cumulative, bool *covered);

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
