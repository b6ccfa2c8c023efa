/*  states: the "states_parties" and "signatories" objects of the stats
    (DOMAIN.md, "Stats contract"), from one scan of the States table: the
    totals and their breakdown by UN regional group on the as-of day, the
    parties that joined in the period and the signatories.  A section of
    agg_stats_build() (see agg_build.h). */
#ifndef OPCAT_AGG_STATES_H
#define OPCAT_AGG_STATES_H

#include <jansson.h>

typedef struct agg_build agg_build_t; /* agg_build.h */

/*  Sets "states_parties" and "signatories" in 'out', adds the parties
    with an NPM designated by the as-of day to 'b->npm_total', and marks
    incomplete the figures a State's imprecise dates or the coverage of
    state.ratified and state.signed leave open; a total marked marks its
    "by_region" too. */
void agg_states_section(agg_build_t *b, json_t *out);

#endif
