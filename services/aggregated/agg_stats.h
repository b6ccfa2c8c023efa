/*  stats: the stats object of DOMAIN.md ("Stats contract"), key for key,
    built from the tables (tables.h) for any as-of date and period.

    A query reads per-State records (< 250), one or two seeks per State
    and per list, and bucketed counters (at most the years before D,
    eleven months and thirty-one days per counter): never the events. */
#ifndef OPCAT_AGG_STATS_H
#define OPCAT_AGG_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agg_regions.h"
#include "agg_tables.h"
#include "obligation.h"

/*  The earliest day any counter is read from (1900-01-01). */
#define AGG_FIRST_DAY (-25567)

/*  Builds the stats object for the period 'from'..'as_of'.  Returns a new
    object, or NULL with '*rc' set to the LMDB (or OPCAT_ENOMEM) code. */
json_t *agg_stats_build(agg_tx_t *tx, const agg_regions_t *regions,
                        int32_t as_of, int32_t from, int *rc);

/*  The facts common/domain/obligation.h computes from, for 'state' whose
    record is 'rec': its first instrument and designation, and its art. 24
    declarations, each with its own date.  Returns 0 or an mdb_* code. */
int agg_stats_oblig_facts(agg_tx_t *tx, const char *state,
                          const agg_state_rec_t *rec, oblig_facts_t *facts);

/*  The NPM designation deadline of 'state' as known on 'as_of'
    (oblig_npm_due(): entry into force + 1 year + the art. 24 Part IV
    years declared on or before 'as_of'); AGG_NEVER if not a party.
    '*years' gets those years (may be NULL).  Returns 0 or an mdb_* code. */
int agg_stats_npm_due(agg_tx_t *tx, const char *state,
                      const agg_state_rec_t *rec, int32_t as_of, int32_t *due,
                      int *years);

/*  Whether 'state' is on the SPT's art. 17 list as of 'as_of' (its last
    listed/delisted event on or before that day is a listing).  Returns 0
    or an mdb_* code. */
int agg_stats_art17_listed(agg_tx_t *tx, const char *state, int32_t as_of,
                           bool *listed);

/*  Appends to 'array' (sorted) the States on the art. 17 list as of
    'as_of'.  Returns 0 or an mdb_* code. */
int agg_stats_art17_list(agg_tx_t *tx, int32_t as_of, json_t *array);

/*  Appends to 'array' (sorted) the parties whose NPM deadline is before
    'as_of' with no npm.designated on or before it.  Returns 0 or an mdb_*
    code. */
int agg_stats_art17_overdue(agg_tx_t *tx, int32_t as_of, json_t *array);

/*  Writes 'cents' as a decimal string with two places ("423926.00"). */
void agg_stats_amount(int64_t cents, char out[32]);

#endif
