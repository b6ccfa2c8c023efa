/*  reports: the "reports", "replies" and "followup_dialogues_in_period"
    objects of the stats (DOMAIN.md, "Stats contract"): the visit reports
    transmitted and published (totals since the beginning, and those of
    the period), the replies received and published, the States whose
    reply is overdue, and the follow-up dialogues.  A section of
    agg_stats_build() (see agg_build.h). */
#ifndef OPCAT_AGG_REPORTS_H
#define OPCAT_AGG_REPORTS_H

#include <jansson.h>

typedef struct agg_build agg_build_t; /* agg_build.h */

/*  Sets the three objects in 'out', with the count of reports the
    period's summaries state ('b->sum') where one does. */
void agg_reports_section(agg_build_t *b, json_t *out);

#endif
