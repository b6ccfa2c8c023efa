/*  visits: the period.summary records that fall in the period, added up
    (their totals serve the visits, the reports and the fund), and the
    "visits" object of the stats (DOMAIN.md, "Stats contract"): visits
    completed and postponed, places by kind, interviews, the dates of the
    completed visits and the visits announced.  Sections of
    agg_stats_build() (see agg_build.h). */
#ifndef OPCAT_AGG_VISITS_H
#define OPCAT_AGG_VISITS_H

#include <jansson.h>

typedef struct agg_build agg_build_t; /* agg_build.h */

/*  Adds up into 'b->sum' every period.summary whose from..to lies inside
    the period; one that overlaps the period without lying inside it
    marks the figures it states incomplete.  Call it before the sections
    that read 'b->sum'. */
void agg_visits_summaries(agg_build_t *b);

/*  Sets "visits" in 'out': the recorded visits and 'b->sum''s figures. */
void agg_visits_section(agg_build_t *b, json_t *out);

#endif
