/*  npm: a State's NPM obligations and the SPT's art. 17 list, read from
    the tables (for the State and art. 17 queries, and the stats), and the
    "npm" object of the stats (DOMAIN.md, "Stats contract"), a section of
    agg_stats_build() (see agg_build.h).  The functions that take an
    agg_tx_t run inside its transaction and return 0 or an mdb_* code. */
#ifndef OPCAT_AGG_NPM_H
#define OPCAT_AGG_NPM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agg_tables.h"
#include "obligation.h"

typedef struct agg_build agg_build_t; /* agg_build.h */

/*  The facts common/domain/obligation.h computes from, for 'state' whose
    record is 'rec': its first instrument and designation, and its art. 24
    declarations, each with its own date. */
int agg_npm_oblig_facts(agg_tx_t *tx, const char *state,
                        const agg_state_rec_t *rec, oblig_facts_t *facts);

/*  The NPM designation deadline of 'state' as known on 'as_of'
    (oblig_npm_due(): entry into force + 1 year + the art. 24 Part IV
    years declared on or before 'as_of'); AGG_NEVER if not a party.
    '*years' gets those years (may be NULL). */
int agg_npm_due(agg_tx_t *tx, const char *state, const agg_state_rec_t *rec,
                int32_t as_of, int32_t *due, int *years);

/*  Whether 'state' is on the SPT's art. 17 list as of 'as_of' (its last
    listed/delisted event on or before that day is a listing). */
int agg_npm_art17_listed(agg_tx_t *tx, const char *state, int32_t as_of,
                         bool *listed);

/*  Appends to 'array' (sorted) the States on the art. 17 list as of
    'as_of'. */
int agg_npm_art17_list(agg_tx_t *tx, int32_t as_of, json_t *array);

/*  Appends to 'array' (sorted) the parties whose NPM deadline is before
    'as_of' with no npm.designated on or before it. */
int agg_npm_art17_overdue(agg_tx_t *tx, int32_t as_of, json_t *array);

/*  Sets "npm" in 'out': the designations of the period, the art. 17 list
    and the computed overdue parties on the as-of day, and
    'b->npm_total'. */
void agg_npm_section(agg_build_t *b, json_t *out);

#endif
