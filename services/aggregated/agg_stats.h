/*  stats: the stats object of DOMAIN.md ("Stats contract"), key for key,
    built from the tables (tables.h) for any as-of date and period.

    A query reads per-State records (< 250), one or two seeks per State
    and per list, and bucketed counters (at most the years before D,
    eleven months and thirty-one days per counter): never the events.
    One section of the contract a file (agg_build.h draws them); a
    State's NPM deadline and the art. 17 lists are agg_npm.h's, the text
    of an amount agg_fund.h's. */
#ifndef OPCAT_AGG_STATS_H
#define OPCAT_AGG_STATS_H

#include <jansson.h>
#include <stdint.h>

#include "agg_regions.h"
#include "agg_tables.h"

/*  Builds the stats object for the period 'from'..'as_of'.  Returns a new
    object, or NULL with '*rc' set to the LMDB (or OPCAT_ENOMEM) code. */
json_t *agg_stats_build(agg_tx_t *tx, const agg_regions_t *regions,
                        int32_t as_of, int32_t from, int *rc);

#endif
