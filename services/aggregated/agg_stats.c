/*  stats: the answer assembled from its sections (agg_build.h draws the
    files), and the sessions. */
#include "agg_stats.h"

#include "agg_build.h"
#include "agg_fund.h"
#include "agg_known.h"
#include "agg_npm.h"
#include "agg_reports.h"
#include "agg_states.h"
#include "agg_visits.h"
#include "coverage.h"

/*  "sessions_in_period": the sessions held in the period. */
static void s_sessions(agg_build_t *b, json_t *out)
{
    json_object_set_new(out, "sessions_in_period",
                        agg_build_items(b, AGG_ITEM_SESSION));
    agg_build_coverage(b, "sessions_in_period", "session.held", false);
}

json_t *agg_stats_build(agg_tx_t *tx, const agg_regions_t *regions,
                        int32_t as_of, int32_t from, int *rc)
{
    agg_build_t b = {.tx = tx,
                     .regions = regions,
                     .as_of = as_of,
                     .from = from,
                     .incomplete = json_array()};
    b.sum.named = json_array();
    b.rc = agg_known_cover_load(tx, &b.cover);
    json_t *out = json_object();
    json_object_set_new(out, "as_of", agg_build_date(as_of));
    json_object_set_new(out, "period",
                        json_pack("{s:o,s:o}", "from", agg_build_date(from),
                                  "to", agg_build_date(as_of)));
    agg_visits_summaries(&b);
    agg_states_section(&b, out);
    agg_visits_section(&b, out);
    agg_reports_section(&b, out);
    agg_npm_section(&b, out);
    agg_fund_section(&b, out);
    s_sessions(&b, out);
    agg_build_coverage(&b, "visits.planned_in_period", "visit.planned", false);
    agg_build_coverage(&b, "npm.designated_total", "npm.designated", true);
    json_decref(b.sum.named);
    coverage_destroy(&b.cover);
    if (json_array_size(b.incomplete))
        json_object_set_new(out, "incomplete", b.incomplete);
    else
        json_decref(b.incomplete);
    if (b.rc) {
        json_decref(out);
        *rc = b.rc;
        return NULL;
    }
    *rc = 0;
    return out;
}
