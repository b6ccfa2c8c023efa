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
#include "date.h"
#include "datefmt.h"

/*  Whether a session item (agg_project.c), listed on its latest day,
    may not have been held before 'from': one known to the day always;
    else its "occurred_on" at its precision, or its "not_before", is the
    first day it may have been held on. */
static bool s_session_after(const json_t *item, int32_t from)
{
    int32_t latest, bound;
    int precision = datefmt_precision_parse(
        json_string_value(json_object_get(item, "occurred_on_precision")));
    if (precision <= 0 ||
        !date_parse(json_string_value(json_object_get(item, "occurred_on")),
                    &latest))
        return true;
    if (date_parse(json_string_value(json_object_get(item, "not_before")),
                   &bound))
        return bound >= from;
    return datefmt_earliest(latest, precision) >= from;
}

/*  "sessions_in_period": the sessions whose every possible day lies in
    the period.  One known only to a month (or year) that the period holds
    in part may or may not lie in it: it is left out and the list marked
    incomplete (docs/DOMAIN.md, "Precision of a date"). */
static void s_sessions(agg_build_t *b, json_t *out)
{
    json_t *all = agg_build_items(b, AGG_ITEM_SESSION), *list = json_array(),
           *item;
    size_t i;
    json_array_foreach(all, i, item)
    {
        if (s_session_after(item, b->from))
            json_array_append(list, item);
    }
    json_decref(all);
    json_object_set_new(out, "sessions_in_period", list);
    agg_build_vague(b, "sessions_in_period", AGG_VAGUE_SESSION, b->from, NULL);
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
