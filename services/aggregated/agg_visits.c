/*  visits: the period's summaries, and the visits section of a stats
    answer. */
#include "agg_visits.h"

#include <string.h>

#include "agg_build.h"
#include "date.h"
#include "datefmt.h"
#include "kv.h"

/* ------------------------------------------------------------ summaries */

/*  Adds the codes of 'named' ("ARG BEN") to 'sum->named'. */
static void s_add_named(agg_summaries_t *sum, const char *named)
{
    for (const char *p = named; strlen(p) >= 3; p += 3 + (p[3] == ' ')) {
        char code[4] = {p[0], p[1], p[2], 0};
        json_array_append_new(sum->named, json_string(code));
    }
}

/*  Whether 'rec' states a count of places. */
static bool s_states_places(const agg_summary_rec_t *rec)
{
    for (int i = 0; i < PLACE_KINDS; i++)
        if (rec->places[i])
            return true;
    return rec->places_total != 0;
}

/*  A summary that covers part of the period only: its totals cannot be
    split, so the figures it states are not known for the period.  Those
    it does not state (a summary may give the reports alone) are not
    touched by it. */
static void s_summary_straddles(agg_build_t *b, const agg_summary_rec_t *rec)
{
    if (s_states_places(rec)) {
        agg_build_incomplete(b, "visits.places_in_period");
        agg_build_incomplete(b, "visits.places_total_in_period");
    }
    if (rec->interviews)
        agg_build_incomplete(b, "visits.interviews_in_period");
    if (rec->persons)
        agg_build_incomplete(b, "visits.persons_interviewed_in_period");
    if (rec->grants)
        agg_build_incomplete(b, "fund.grants_in_period");
    if (rec->reports_transmitted)
        agg_build_incomplete(b, "reports.transmitted_in_period_stated");
}

/*  Adds a summary's count of reports, stated for [from, to] inside the
    period; summaries come in 'from' order, so a gap between them (or
    before the first) shows here. */
static void s_add_reports(agg_summaries_t *sum, const agg_summary_rec_t *rec,
                          int32_t from, int32_t to)
{
    if (!rec->reports_transmitted)
        return;
    sum->reports += rec->reports_transmitted;
    sum->reports_stated = true;
    if (from <= sum->reports_until + 1 && to > sum->reports_until)
        sum->reports_until = to;
}

/*  Adds the figures of one summary to the build's. */
static void s_add_summary(agg_summaries_t *sum, const agg_summary_rec_t *rec)
{
    uint64_t places = 0;
    for (int i = 0; i < PLACE_KINDS; i++) {
        sum->places[i] += rec->places[i];
        places += rec->places[i];
    }
    sum->interviews += rec->interviews;
    sum->persons += rec->persons;
    sum->places_stated += rec->places_total ? rec->places_total : places;
    sum->more_than |= rec->more_than;
    s_add_named(sum, rec->named);
    sum->grants += rec->grants;
    sum->grant_states += rec->grant_states;
    if (rec->currency[0])
        agg_build_add_amount(sum, rec->currency, rec->grant_cents);
}

/*  One summary, in from order: added if inside the period. */
static int s_summary_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    agg_build_t *b = arg;
    const uint8_t *k = key->mv_data;
    agg_summary_rec_t rec;
    int32_t from = date_key_get(k), to = date_key_get(k + 4);
    if (from > b->as_of)
        return KV_STOP;
    if (to < b->from || val->mv_size < AGG_SUMMARY_REC_MIN ||
        val->mv_size > sizeof rec)
        return 0;
    memset(&rec, 0, sizeof rec); /* an earlier, shorter layout: see
                                    AGG_SUMMARY_REC_MIN */
    memcpy(&rec, val->mv_data, val->mv_size);
    if (from < b->from || to > b->as_of) {
        s_summary_straddles(b, &rec);
        return 0;
    }
    s_add_summary(&b->sum, &rec);
    s_add_reports(&b->sum, &rec, from, to);
    return 0;
}

void agg_visits_summaries(agg_build_t *b)
{
    b->sum.reports_until = b->from - 1;
    b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_SUMMARY], NULL, NULL, 0,
                    s_summary_record, b);
}

/* --------------------------------------------------------------- visits */

/*  One scan of the visits table: the dates of the visits completed in
    the period, and the States of the visits planned in the period that
    are neither completed nor postponed at as_of (announced, still
    ahead). */
typedef struct {
    agg_build_t *b;
    json_t *dates, *planned;
} visits_t;

/*  {state, start, end}, and "end_precision" ("month", "year",
    "not_after") where the last day is not known exactly. */
static json_t *s_visit_dates(const char *code, const agg_visit_rec_t *v)
{
    json_t *item = json_pack("{s:s,s:o,s:o}", "state", code, "start",
                             v->completed_start == AGG_NEVER
                                 ? json_null()
                                 : agg_build_date(v->completed_start),
                             "end", agg_build_date(v->completed_on));
    if (datefmt_is_imprecise(v->completed_precision))
        json_object_set_new(
            item, "end_precision",
            json_string(datefmt_precision_name(v->completed_precision)));
    return item;
}

static int s_visit_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    visits_t *vs = arg;
    agg_build_t *b = vs->b;
    agg_visit_rec_t v;
    char code[4] = {0};
    if (key->mv_size < 3 || val->mv_size != sizeof v)
        return 0;
    memcpy(code, key->mv_data, 3);
    memcpy(&v, val->mv_data, sizeof v);
    size_t n = json_array_size(vs->planned);
    const char *last =
        n ? json_string_value(json_array_get(vs->planned, n - 1)) : "";
    if (v.completed_on >= b->from && v.completed_on <= b->as_of)
        json_array_append_new(vs->dates, s_visit_dates(code, &v));
    else if (v.planned_on >= b->from && v.planned_on <= b->as_of &&
             v.completed_on > b->as_of && v.postponed_on > b->as_of &&
             strcmp(last, code) != 0)
        json_array_append_new(vs->planned, json_string(code));
    return 0;
}

static void s_visit_records(agg_build_t *b, json_t *dates, json_t *planned)
{
    visits_t vs = {b, dates, planned};
    if (!b->rc)
        b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_VISITS], NULL, NULL, 0,
                        s_visit_record, &vs);
}

/*  The figures of the visits' places and interviews. */
static const char *const s_details[] = {
    "visits.places_in_period", "visits.interviews_in_period",
    "visits.persons_interviewed_in_period", "visits.places_total_in_period"};

void agg_visits_section(agg_build_t *b, json_t *out)
{
    json_t *places = json_object();
    int64_t itemized = 0;
    for (int i = 0; i < PLACE_KINDS; i++) {
        char sub[3] = {(char)i, 0, 0};
        int64_t n = agg_build_sum(b, AGG_SUM_PLACES, sub, b->from, b->as_of);
        itemized += n;
        n += (int64_t)b->sum.places[i];
        if (n)
            json_object_set_new(places, place_key(i), json_integer(n));
    }
    int64_t interviews =
        agg_build_sum(b, AGG_SUM_INTERVIEWS, NULL, b->from, b->as_of) +
        (int64_t)b->sum.interviews;
    int64_t persons =
        agg_build_sum(b, AGG_SUM_PERSONS, NULL, b->from, b->as_of) +
        (int64_t)b->sum.persons;
    json_t *more_than = json_array(), *dates = json_array(),
           *planned = json_array();
    static const char *const bounds[] = {"interviews_in_period",
                                         "persons_interviewed_in_period",
                                         "places_total_in_period"};
    for (size_t i = 0; b->sum.more_than && i < 3; i++)
        json_array_append_new(more_than, json_string(bounds[i]));
    s_visit_records(b, dates, planned);
    json_t *completed = agg_build_figure(b, "visits.completed_in_period",
                                         AGG_SET_COMPLETED, "visit.completed");
    bool partial = agg_build_marked(b, "visits.completed_in_period");
    if (partial) /* the dates of the same visits */
        agg_build_incomplete(b, "visits.completed_dates_in_period");
    /* places and interviews: those of the same visits, and those the
       period's summaries state (complete only where the coverage of
       period.summary, if any names it, says so) */
    for (size_t i = 0; i < sizeof s_details / sizeof s_details[0]; i++) {
        if (partial)
            agg_build_incomplete(b, s_details[i]);
        else
            agg_build_coverage(b, s_details[i], "period.summary", false);
    }
    json_object_set_new(
        out, "visits",
        json_pack("{s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o,s:o}",
                  "completed_in_period", completed, "postponed_in_period",
                  agg_build_figure(b, "visits.postponed_in_period",
                                   AGG_SET_POSTPONED, "visit.postponed"),
                  "places_in_period", places, "interviews_in_period",
                  (json_int_t)interviews, "persons_interviewed_in_period",
                  (json_int_t)persons, "places_total_in_period",
                  (json_int_t)(itemized + (int64_t)b->sum.places_stated),
                  "more_than", more_than, "completed_dates_in_period", dates,
                  "planned_in_period", planned));
}
