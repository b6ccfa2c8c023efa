/*  fund: amounts of money as text, and the "fund" object of the stats
    (DOMAIN.md, "Stats contract"): the Special Fund's grants (count,
    States, totals by currency) and contributions in the period.  The
    section is one of agg_stats_build() (see agg_build.h); the text of an
    amount serves the projection too. */
#ifndef OPCAT_AGG_FUND_H
#define OPCAT_AGG_FUND_H

#include <jansson.h>
#include <stdint.h>

typedef struct agg_build agg_build_t; /* agg_build.h */

/*  Writes 'cents' as a decimal string with two places ("423926.00"). */
void agg_fund_amount(int64_t cents, char out[32]);

/*  Sets "fund" in 'out': the recorded grants and contributions and
    'b->sum''s grants. */
void agg_fund_section(agg_build_t *b, json_t *out);

#endif
