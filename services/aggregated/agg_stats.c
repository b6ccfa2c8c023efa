/*  stats: one section of the contract per function.  A build keeps the
    first error in b->rc; once it is set, the sections add nothing more. */
#include "agg_stats.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_known.h"
#include "date.h"
#include "datefmt.h"
#include "err.h"
#include "kv.h"

#define MAX_CURRENCIES 32

typedef struct {
    char code[4];
    int64_t cents;
} amount_t;

/*  The period.summary figures that fall in the period, added up. */
typedef struct {
    uint64_t places[PLACE_KINDS];
    uint64_t interviews, persons, grants, grant_states;
    uint64_t places_stated; /* the summaries' totals of places: as stated,
                               else their categories' sum */
    bool more_than;         /* a summary gives "more than" figures */
    uint64_t reports;       /* the visit reports transmitted, as stated */
    bool reports_stated;    /* a summary in the period states them */
    int32_t reports_until;  /* the stating summaries cover the period from
                               its start up to this day without a gap */
    amount_t amounts[MAX_CURRENCIES];
    int currencies;
    json_t *named; /* grant States the summaries name */
} summaries_t;

typedef struct {
    agg_tx_t *tx;
    const agg_regions_t *regions;
    int32_t as_of, from;
    int rc;
    coverage_t *cover; /* the dataset.coverage intervals */
    summaries_t sum;
    json_int_t npm_total; /* parties with an NPM designated by as_of */
    json_t *incomplete;   /* key paths of the figures marked incomplete */
} build_t;

/*  Marks the figure at 'path' incomplete (once). */
static void s_incomplete(build_t *b, const char *path)
{
    agg_known_insert(b->incomplete, path);
}

/*  Marks 'path' incomplete unless every fact of 'type' is recorded for
    the figure: from the period's start, or ('cumulative') since the
    beginning, a baseline standing for what came before coverage. */
static void s_coverage(build_t *b, const char *path, const char *type,
                       bool cumulative)
{
    bool covered = true;
    if (!b->rc)
        b->rc = agg_known_covered(b->tx, b->cover, type, b->from, b->as_of,
                                  cumulative, &covered);
    if (!covered)
        s_incomplete(b, path);
}

/*  Lists in 'sorted' the vague facts of 'kind' that surely lie in the
    period ('from' INT32_MIN: up to the as-of day, for a total) and marks
    'path' incomplete if one may or may not. */
static void s_vague(build_t *b, const char *path, char kind, int32_t from,
                    json_t *sorted)
{
    bool partial = false;
    if (!b->rc)
        b->rc =
            agg_known_vague_in(b->tx, kind, from, b->as_of, sorted, &partial);
    if (partial)
        s_incomplete(b, path);
}

void agg_stats_amount(int64_t cents, char out[32])
{
    snprintf(out, 32, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
}

static json_t *s_date(int32_t day)
{
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    return json_string(text);
}

/* ---------------------------------------------------------------- States */

static json_t *s_regions_object(const uint32_t counts[AGG_REGION_COUNT + 1])
{
    json_t *obj = json_object();
    for (int i = 0; i < AGG_REGION_COUNT; i++)
        json_object_set_new(obj, agg_regions_name(i), json_integer(counts[i]));
    if (counts[AGG_REGION_COUNT]) /* States the regions file does not list */
        json_object_set_new(obj, "unknown",
                            json_integer(counts[AGG_REGION_COUNT]));
    return obj;
}

static const char *s_instrument(char c)
{
    return c == 'a' ? "accession" : c == 's' ? "succession" : "ratification";
}

/*  Marks the State figures incomplete where this State's dates may or
    may not lie before the as-of day or in the period. */
static void s_state_known(build_t *b, const agg_state_rec_t *rec)
{
    bool party_unsure =
        rec->ratified_from <= b->as_of && rec->ratified_on > b->as_of;
    if (party_unsure) {
        s_incomplete(b, "states_parties.total");
        s_incomplete(b, "signatories.total");
    }
    if (rec->ratified_on <= b->as_of && rec->ratified_on >= b->from &&
        rec->ratified_from < b->from)
        s_incomplete(b, "states_parties.joined_in_period");
    if (party_unsure && rec->ratified_from >= b->from)
        s_incomplete(b, "states_parties.joined_in_period");
    if (rec->ratified_on > b->as_of && rec->signed_from <= b->as_of &&
        rec->signed_on > b->as_of)
        s_incomplete(b, "signatories.total");
}

/*  The code and record of a STATES record; false if it is not one. */
static bool s_state_of(const MDB_val *key, const MDB_val *val, char code[4],
                       agg_state_rec_t *rec)
{
    if (key->mv_size != 3 || val->mv_size != sizeof *rec)
        return false;
    memcpy(code, key->mv_data, 3);
    code[3] = '\0';
    memcpy(rec, val->mv_data, sizeof *rec);
    return true;
}

/*  The States figures as one scan of the States table adds them up. */
typedef struct {
    build_t *b;
    uint32_t parties[AGG_REGION_COUNT + 1], signs[AGG_REGION_COUNT + 1];
    uint32_t nparties;
    json_t *joined, *joined_on, *signatories;
} states_t;

/*  One State: a party, a signatory or neither on the as-of day. */
static int s_state_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    states_t *st = arg;
    build_t *b = st->b;
    agg_state_rec_t rec;
    char code[4];
    if (!s_state_of(key, val, code, &rec))
        return 0;
    int r = agg_regions_at(b->regions, code, b->as_of);
    r = r < 0 ? AGG_REGION_COUNT : r;
    s_state_known(b, &rec);
    if (rec.ratified_on <= b->as_of) {
        st->nparties++;
        st->parties[r]++;
        b->npm_total += rec.designated_on <= b->as_of;
        if (rec.ratified_from >= b->from) {
            json_array_append_new(st->joined, json_string(code));
            json_array_append_new(
                st->joined_on, json_pack("{s:s,s:o,s:s}", "state", code, "on",
                                         s_date(rec.ratified_on), "instrument",
                                         s_instrument(rec.instrument)));
        }
    } else if (rec.signed_on <= b->as_of) {
        st->signs[r]++;
        json_array_append_new(st->signatories, json_string(code));
    }
    return 0;
}

static void s_states(build_t *b, json_t *out)
{
    states_t st = {.b = b,
                   .joined = json_array(),
                   .joined_on = json_array(),
                   .signatories = json_array()};
    b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_STATES], NULL, NULL, 0,
                    s_state_record, &st);
    json_object_set_new(
        out, "states_parties",
        json_pack("{s:i,s:o,s:o,s:o}", "total", (json_int_t)st.nparties,
                  "by_region", s_regions_object(st.parties), "joined_in_period",
                  st.joined, "joined_in_period_on", st.joined_on));
    json_object_set_new(out, "signatories",
                        json_pack("{s:i,s:o,s:o}", "total",
                                  (json_int_t)json_array_size(st.signatories),
                                  "by_region", s_regions_object(st.signs),
                                  "states", st.signatories));
}

/* ------------------------------------------------------- sets and sums */

/*  The sorted States with a 'kind' entry in the period. */
static json_t *s_set(build_t *b, char kind)
{
    json_t *array = json_array();
    if (!b->rc)
        b->rc = agg_tab_set_states(b->tx, kind, b->from, b->as_of, array);
    return array;
}

/*  s_set() for the figure at 'path', counting facts of 'type': with the
    vague facts that surely lie in the period, and marked incomplete where
    one may or may not, or where coverage starts after the period's. */
static json_t *s_figure(build_t *b, const char *path, char kind,
                        const char *type)
{
    json_t *array = s_set(b, kind);
    s_vague(b, path, kind, b->from, array);
    s_coverage(b, path, type, false);
    return array;
}

/*  A counter's sum over 'from'..'to'. */
static int64_t s_sum(build_t *b, char tag, const char *sub, int32_t from,
                     int32_t to)
{
    int64_t v = 0;
    if (!b->rc)
        b->rc = agg_tab_sum_range(b->tx, tag, sub, from, to, &v);
    return v;
}

static void s_add_amount(summaries_t *s, const char *code, int64_t cents)
{
    for (int i = 0; i < s->currencies; i++)
        if (strcmp(s->amounts[i].code, code) == 0) {
            s->amounts[i].cents += cents;
            return;
        }
    if (s->currencies < MAX_CURRENCIES) {
        snprintf(s->amounts[s->currencies].code, 4, "%s", code);
        s->amounts[s->currencies++].cents = cents;
    }
}

/*  Adds the codes of 'named' ("ARG BEN") to 'sum->named'. */
static void s_add_named(summaries_t *sum, const char *named)
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
static void s_summary_straddles(build_t *b, const agg_summary_rec_t *rec)
{
    if (s_states_places(rec)) {
        s_incomplete(b, "visits.places_in_period");
        s_incomplete(b, "visits.places_total_in_period");
    }
    if (rec->interviews)
        s_incomplete(b, "visits.interviews_in_period");
    if (rec->persons)
        s_incomplete(b, "visits.persons_interviewed_in_period");
    if (rec->grants)
        s_incomplete(b, "fund.grants_in_period");
    if (rec->reports_transmitted)
        s_incomplete(b, "reports.transmitted_in_period_stated");
}

/*  Adds a summary's count of reports, stated for [from, to] inside the
    period; summaries come in 'from' order, so a gap between them (or
    before the first) shows here. */
static void s_add_reports(summaries_t *sum, const agg_summary_rec_t *rec,
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
static void s_add_summary(summaries_t *sum, const agg_summary_rec_t *rec)
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
        s_add_amount(sum, rec->currency, rec->grant_cents);
}

/*  One summary, in from order: added if inside the period. */
static int s_summary_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    build_t *b = arg;
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

/*  Adds up every period.summary with from..to inside the period; one
    that overlaps the period without lying inside it makes its figures
    incomplete.  The table is small: one summary per year at most. */
static void s_summaries(build_t *b)
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
    build_t *b;
    json_t *dates, *planned;
} visits_t;

/*  {state, start, end}, and "end_precision" ("month", "year",
    "not_after") where the last day is not known exactly. */
static json_t *s_visit_dates(const char *code, const agg_visit_rec_t *v)
{
    json_t *item =
        json_pack("{s:s,s:o,s:o}", "state", code, "start",
                  v->completed_start == AGG_NEVER ? json_null()
                                                  : s_date(v->completed_start),
                  "end", s_date(v->completed_on));
    if (datefmt_is_imprecise(v->completed_precision))
        json_object_set_new(
            item, "end_precision",
            json_string(datefmt_precision_name(v->completed_precision)));
    return item;
}

static int s_visit_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    visits_t *vs = arg;
    build_t *b = vs->b;
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

static void s_visit_records(build_t *b, json_t *dates, json_t *planned)
{
    visits_t vs = {b, dates, planned};
    if (!b->rc)
        b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_VISITS], NULL, NULL, 0,
                        s_visit_record, &vs);
}

/*  Whether 'path' is marked incomplete. */
static bool s_marked(build_t *b, const char *path)
{
    size_t i;
    json_t *v;
    json_array_foreach(b->incomplete, i, v)
    {
        if (strcmp(json_string_value(v), path) == 0)
            return true;
    }
    return false;
}

/*  The figures of the visits' places and interviews. */
static const char *const s_details[] = {
    "visits.places_in_period", "visits.interviews_in_period",
    "visits.persons_interviewed_in_period", "visits.places_total_in_period"};

static void s_visits(build_t *b, json_t *out)
{
    json_t *places = json_object();
    int64_t itemized = 0;
    for (int i = 0; i < PLACE_KINDS; i++) {
        char sub[3] = {(char)i, 0, 0};
        int64_t n = s_sum(b, AGG_SUM_PLACES, sub, b->from, b->as_of);
        itemized += n;
        n += (int64_t)b->sum.places[i];
        if (n)
            json_object_set_new(places, place_key(i), json_integer(n));
    }
    int64_t interviews = s_sum(b, AGG_SUM_INTERVIEWS, NULL, b->from, b->as_of) +
                         (int64_t)b->sum.interviews;
    int64_t persons = s_sum(b, AGG_SUM_PERSONS, NULL, b->from, b->as_of) +
                      (int64_t)b->sum.persons;
    json_t *more_than = json_array(), *dates = json_array(),
           *planned = json_array();
    static const char *const bounds[] = {"interviews_in_period",
                                         "persons_interviewed_in_period",
                                         "places_total_in_period"};
    for (size_t i = 0; b->sum.more_than && i < 3; i++)
        json_array_append_new(more_than, json_string(bounds[i]));
    s_visit_records(b, dates, planned);
    json_t *completed = s_figure(b, "visits.completed_in_period",
                                 AGG_SET_COMPLETED, "visit.completed");
    bool partial = s_marked(b, "visits.completed_in_period");
    if (partial) /* the dates of the same visits */
        s_incomplete(b, "visits.completed_dates_in_period");
    /* places and interviews: those of the same visits, and those the
       period's summaries state (complete only where the coverage of
       period.summary, if any names it, says so) */
    for (size_t i = 0; i < sizeof s_details / sizeof s_details[0]; i++) {
        if (partial)
            s_incomplete(b, s_details[i]);
        else
            s_coverage(b, s_details[i], "period.summary", false);
    }
    json_object_set_new(
        out, "visits",
        json_pack("{s:o,s:o,s:o,s:I,s:I,s:I,s:o,s:o,s:o}",
                  "completed_in_period", completed, "postponed_in_period",
                  s_figure(b, "visits.postponed_in_period", AGG_SET_POSTPONED,
                           "visit.postponed"),
                  "places_in_period", places, "interviews_in_period",
                  (json_int_t)interviews, "persons_interviewed_in_period",
                  (json_int_t)persons, "places_total_in_period",
                  (json_int_t)(itemized + (int64_t)b->sum.places_stated),
                  "more_than", more_than, "completed_dates_in_period", dates,
                  "planned_in_period", planned));
}

/*  The ITEMS of 'kind' dated in the period, in date order: the sessions
    held (by their last day), the contributions received. */
typedef struct {
    int32_t as_of;
    json_t *array;
} items_t;

static int s_item_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    items_t *it = arg;
    if (key->mv_size != AGG_ITEM_KEY_LEN ||
        date_key_get((const uint8_t *)key->mv_data + 1) > it->as_of)
        return KV_STOP;
    json_t *item = json_loadb(val->mv_data, val->mv_size, 0, NULL);
    if (item)
        json_array_append_new(it->array, item);
    return 0;
}

static json_t *s_items(build_t *b, char kind)
{
    items_t it = {b->as_of, json_array()};
    uint8_t start[5] = {(uint8_t)kind};
    date_key_put(start + 1, b->from);
    MDB_val from = {sizeof start, start};
    if (!b->rc)
        b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_ITEMS], &from, start, 1,
                        s_item_record, &it);
    return it.array;
}

/* ------------------------------------------------------ reports, replies */

/*  Whether the State 'code' has a report whose reply is surely overdue on
    the as-of day ('*sure'), and whether one may be ('*unsure'): the reply
    could lie before the coverage of reply.received, or on a day not known.
    The counter (SUM 'O') already says that one is overdue if every reply
    was recorded; this looks at that State's reports only. */
typedef struct {
    build_t *b;
    bool *sure, *unsure;
} overdue_t;

/*  One report of the State (a BYSTATE key): whether its reply is
    overdue, surely or maybe. */
static int s_overdue_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    overdue_t *o = arg;
    build_t *b = o->b;
    agg_report_rec_t p;
    if (key->mv_size < 4)
        return KV_STOP;
    int rc = agg_tab_get(b->tx, AGG_DB_REPORTS, (const char *)key->mv_data + 3,
                         key->mv_size - 3, &p, sizeof p);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    if (p.recipient != 's' || p.transmitted_on == AGG_NEVER ||
        date_add_months(p.transmitted_on, 6) >= b->as_of ||
        p.received_from <= b->as_of)
        return 0;
    /* the reply could lie anywhere from the first possible day of the
       transmission to the as-of day */
    bool covered = coverage_covers(b->cover, "reply.received",
                                   p.transmitted_from, b->as_of);
    if (covered && p.received_on > b->as_of)
        *o->sure = true;
    else
        *o->unsure = true;
    return 0;
}

static void s_state_overdue(build_t *b, const char *code, bool *sure,
                            bool *unsure)
{
    overdue_t o = {b, sure, unsure};
    b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_BYSTATE], NULL, code, 3,
                    s_overdue_record, &o);
}

/*  The States with a report to them overdue for a reply on 'as_of'. */
static json_t *s_overdue(build_t *b)
{
    json_t *array = json_array();
    char sub[3] = {0, 0, 0};
    bool found = true, unsure = false, vague = false;
    if (!b->rc)
        b->rc = agg_known_vague_any(b->tx, AGG_SET_RECEIVED, &vague);
    /* with every reply recorded, each to the day, the counter is exact:
       the per-report look (a read per report of the State) is skipped */
    bool exact = !coverage_names(b->cover, "reply.received") && !vague;
    while (!b->rc && found) {
        b->rc = agg_tab_sum_next_sub(b->tx, AGG_SUM_OVERDUE, sub, &found);
        if (b->rc || !found)
            break;
        if (s_sum(b, AGG_SUM_OVERDUE, sub, AGG_FIRST_DAY, b->as_of) > 0) {
            char code[4] = {sub[0], sub[1], sub[2], 0};
            bool sure = exact;
            if (!exact)
                s_state_overdue(b, code, &sure, &unsure);
            if (sure)
                json_array_append_new(array, json_string(code));
        }
    }
    if (unsure)
        s_incomplete(b, "replies.overdue");
    return array;
}

/*  A cumulative total of 'type' (SUM and VAGUE 'tag') up to as-of. */
static int64_t s_total(build_t *b, const char *path, char tag, const char *type)
{
    s_vague(b, path, tag, INT32_MIN, NULL);
    s_coverage(b, path, type, true);
    return s_sum(b, tag, NULL, AGG_FIRST_DAY, b->as_of);
}

/*  The count of visit reports the period's summaries state, if one does:
    incomplete unless they state it for every day of the period (a
    summary that straddles the period marked it already). */
static void s_reports_stated(build_t *b, json_t *reports)
{
    if (!b->sum.reports_stated)
        return;
    json_object_set_new(reports, "transmitted_in_period_stated",
                        json_integer((json_int_t)b->sum.reports));
    if (b->sum.reports_until < b->as_of)
        s_incomplete(b, "reports.transmitted_in_period_stated");
}

static void s_reports(build_t *b, json_t *out)
{
    int64_t transmitted = s_total(b, "reports.transmitted_total",
                                  AGG_SUM_TRANSMITTED, "report.transmitted");
    int64_t published = s_total(b, "reports.published_total", AGG_SUM_PUBLISHED,
                                "report.published");
    json_t *reports = json_pack(
        "{s:I,s:o,s:I,s:o}", "transmitted_total", (json_int_t)transmitted,
        "transmitted_in_period",
        s_figure(b, "reports.transmitted_in_period", AGG_SET_TRANSMITTED,
                 "report.transmitted"),
        "published_total", (json_int_t)published, "published_in_period",
        s_figure(b, "reports.published_in_period", AGG_SET_PUBLISHED,
                 "report.published"));
    s_reports_stated(b, reports);
    json_object_set_new(out, "reports", reports);
    json_object_set_new(
        out, "replies",
        json_pack("{s:o,s:o,s:o}", "received_in_period",
                  s_figure(b, "replies.received_in_period", AGG_SET_RECEIVED,
                           "reply.received"),
                  "published_in_period",
                  s_figure(b, "replies.published_in_period", AGG_SET_REPLY_PUB,
                           "reply.published"),
                  "overdue", s_overdue(b)));
    json_object_set_new(
        out, "followup_dialogues_in_period",
        json_pack("{s:o,s:o}", "state",
                  s_figure(b, "followup_dialogues_in_period.state",
                           AGG_SET_DIALOGUE, "followup.dialogue"),
                  "npm",
                  s_figure(b, "followup_dialogues_in_period.npm",
                           AGG_SET_DIALOGUE_N, "followup.dialogue")));
}

/* ------------------------------------------------------------------ NPM */

/*  One art. 24 declaration of the State. */
static int s_art24_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    oblig_facts_t *facts = arg;
    const uint8_t *k = key->mv_data, *v = val->mv_data;
    if (key->mv_size != 15)
        return KV_STOP;
    /* a 2-byte value predates the extension flag: an initial one */
    if (val->mv_size >= 2)
        oblig_note_art24(facts, v[0] == 4 ? "IV" : "III", v[1],
                         val->mv_size > 2 && v[2], date_key_get(k + 3));
    return 0;
}

int agg_stats_oblig_facts(agg_tx_t *tx, const char *state,
                          const agg_state_rec_t *rec, oblig_facts_t *facts)
{
    uint8_t start[7];
    memcpy(start, state, 3);
    date_key_put(start + 3, INT32_MIN);
    MDB_val from = {sizeof start, start};
    oblig_facts_init(facts);
    if (rec->ratified_on != AGG_NEVER)
        oblig_note_deposit(facts, rec->ratified_on);
    if (rec->designated_on != AGG_NEVER)
        oblig_note_designation(facts, rec->designated_on);
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART24], &from, state, 3,
                   s_art24_record, facts);
}

int agg_stats_npm_due(agg_tx_t *tx, const char *state,
                      const agg_state_rec_t *rec, int32_t as_of, int32_t *due,
                      int *years)
{
    oblig_facts_t facts;
    int rc = agg_stats_oblig_facts(tx, state, rec, &facts);
    if (years)
        *years = oblig_art24_years(&facts, as_of);
    int32_t d = oblig_npm_due(&facts, as_of);
    *due = d == OBLIG_NEVER ? AGG_NEVER : d;
    return rc;
}

typedef struct {
    int32_t as_of;
    bool *listed;
} listed_t;

/*  One change of the State's listing, in date order: up to as_of, the
    last one says whether it is on the list. */
static int s_listing_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    listed_t *l = arg;
    const uint8_t *k = key->mv_data;
    if (key->mv_size != 8 || date_key_get(k + 3) > l->as_of)
        return KV_STOP;
    *l->listed = k[7] == AGG_ART17_LISTED;
    return 0;
}

int agg_stats_art17_listed(agg_tx_t *tx, const char *state, int32_t as_of,
                           bool *listed)
{
    listed_t l = {as_of, listed};
    *listed = false;
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART17], NULL, state, 3,
                   s_listing_record, &l);
}

typedef struct {
    agg_tx_t *tx;
    int32_t as_of;
    char last[4]; /* the State of the previous record */
    json_t *array;
} art17_list_t;

/*  The first record of each State: the State listed or not on as_of. */
static int s_art17_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    art17_list_t *a = arg;
    if (memcmp(key->mv_data, a->last, 3) == 0)
        return 0;
    memcpy(a->last, key->mv_data, 3);
    bool listed;
    int rc = agg_stats_art17_listed(a->tx, a->last, a->as_of, &listed);
    if (!rc && listed)
        json_array_append_new(a->array, json_string(a->last));
    return rc;
}

int agg_stats_art17_list(agg_tx_t *tx, int32_t as_of, json_t *array)
{
    art17_list_t a = {tx, as_of, "", array};
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART17], NULL, NULL, 0,
                   s_art17_record, &a);
}

typedef struct {
    agg_tx_t *tx;
    int32_t as_of;
    json_t *array;
} art17_overdue_t;

/*  One State: in the array if its NPM is overdue on as_of. */
static int s_overdue_state(void *arg, const MDB_val *key, const MDB_val *val)
{
    art17_overdue_t *a = arg;
    agg_state_rec_t rec;
    char code[4];
    if (!s_state_of(key, val, code, &rec))
        return 0;
    oblig_facts_t facts;
    int rc = agg_stats_oblig_facts(a->tx, code, &rec, &facts);
    if (!rc && oblig_npm_overdue(&facts, a->as_of))
        json_array_append_new(a->array, json_string(code));
    return rc;
}

int agg_stats_art17_overdue(agg_tx_t *tx, int32_t as_of, json_t *array)
{
    art17_overdue_t a = {tx, as_of, array};
    return kv_each(tx->txn, tx->dbi[AGG_DB_STATES], NULL, NULL, 0,
                   s_overdue_state, &a);
}

static void s_npm(build_t *b, json_t *out)
{
    json_t *designated = s_figure(b, "npm.designated_in_period",
                                  AGG_SET_DESIGNATED, "npm.designated");
    /* the lists as of a day hold every fact before it */
    s_coverage(b, "npm.art17_list", "art17.", true);
    s_vague(b, "npm.art17_list", AGG_VAGUE_ART17, INT32_MIN, NULL);
    s_coverage(b, "npm.art17_overdue_computed", "npm.designated", true);
    json_t *list = json_array(), *overdue = json_array();
    if (!b->rc)
        b->rc = agg_stats_art17_list(b->tx, b->as_of, list);
    if (!b->rc)
        b->rc = agg_stats_art17_overdue(b->tx, b->as_of, overdue);
    json_object_set_new(out, "npm",
                        json_pack("{s:o,s:o,s:o,s:I}", "designated_in_period",
                                  designated, "art17_list", list,
                                  "art17_overdue_computed", overdue,
                                  "designated_total", b->npm_total));
}

/* ----------------------------------------------------------------- fund */

typedef struct {
    build_t *b;
    char tag;
    summaries_t *acc;
} amounts_t;

/*  One currency of the counter (a NAMES key): its sum in the period. */
static int s_currency_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    amounts_t *a = arg;
    char code[4] = {0};
    if (key->mv_size != 4)
        return KV_STOP;
    memcpy(code, (const char *)key->mv_data + 1, 3);
    s_add_amount(a->acc, code,
                 s_sum(a->b, a->tag, code, a->b->from, a->b->as_of));
    return 0;
}

/*  Adds to 'acc' the amounts of counter 'tag' in every currency it has. */
static void s_amounts(build_t *b, char tag, summaries_t *acc)
{
    uint8_t probe[4] = {(uint8_t)tag, 0, 0, 0};
    MDB_val from = {sizeof probe, probe};
    amounts_t a = {b, tag, acc};
    if (b->rc)
        return;
    int rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_NAMES], &from, probe, 1,
                     s_currency_record, &a);
    if (!b->rc)
        b->rc = rc;
}

/*  The object {currency: "123.00"} of the non-zero amounts, sorted. */
static json_t *s_amount_object(summaries_t *acc)
{
    json_t *obj = json_object();
    for (int i = 0; i < acc->currencies; i++) {
        int min = i;
        for (int j = i + 1; j < acc->currencies; j++)
            if (strcmp(acc->amounts[j].code, acc->amounts[min].code) < 0)
                min = j;
        if (min != i) {
            amount_t tmp = acc->amounts[i];
            acc->amounts[i] = acc->amounts[min];
            acc->amounts[min] = tmp;
        }
        char text[32];
        agg_stats_amount(acc->amounts[i].cents, text);
        if (acc->amounts[i].cents)
            json_object_set_new(obj, acc->amounts[i].code, json_string(text));
    }
    return obj;
}

static int s_code_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*  A new array of the strings of 'codes', sorted, each once. */
static json_t *s_sorted_unique(const json_t *codes)
{
    size_t n = json_array_size(codes), i;
    const char **v = n ? calloc(n, sizeof *v) : NULL;
    json_t *out = json_array(), *item;
    if (n && !v)
        return out;
    json_array_foreach((json_t *)codes, i, item) v[i] = json_string_value(item);
    if (n)
        qsort(v, n, sizeof *v, s_code_cmp);
    for (i = 0; i < n; i++)
        if (v[i] && (i == 0 || !v[i - 1] || strcmp(v[i - 1], v[i]) != 0))
            json_array_append_new(out, json_string(v[i]));
    free(v);
    return out;
}

static void s_fund(build_t *b, json_t *out)
{
    summaries_t grants = {0}, contributions = {0};
    for (int i = 0; i < b->sum.currencies; i++)
        s_add_amount(&grants, b->sum.amounts[i].code, b->sum.amounts[i].cents);
    s_amounts(b, AGG_SUM_GRANT_AMOUNT, &grants);
    s_amounts(b, AGG_SUM_CONTRIB, &contributions);
    int64_t count = s_sum(b, AGG_SUM_GRANTS, NULL, b->from, b->as_of) +
                    (int64_t)b->sum.grants;
    json_t *states =
        s_figure(b, "fund.grants_in_period", AGG_SET_GRANT, "fund.grant");
    s_vague(b, "fund.contributions_in_period", AGG_SUM_CONTRIB, b->from, NULL);
    s_coverage(b, "fund.contributions_in_period", "fund.contribution", false);
    s_coverage(b, "fund.contributions_by_donor_in_period", "fund.contribution",
               false);
    s_coverage(b, "fund.grants_in_period", "fund.grant", false);
    json_int_t nstates =
        (json_int_t)(json_array_size(states) + b->sum.grant_states);
    json_array_extend(states, b->sum.named);
    json_t *named = s_sorted_unique(states);
    json_decref(states);
    json_object_set_new(
        out, "fund",
        json_pack("{s:{s:I,s:I,s:o,s:o},s:o,s:o}", "grants_in_period", "count",
                  (json_int_t)count, "states", nstates, "total",
                  s_amount_object(&grants), "states_named", named,
                  "contributions_in_period", s_amount_object(&contributions),
                  "contributions_by_donor_in_period",
                  s_items(b, AGG_ITEM_CONTRIB)));
}

json_t *agg_stats_build(agg_tx_t *tx, const agg_regions_t *regions,
                        int32_t as_of, int32_t from, int *rc)
{
    build_t b = {.tx = tx,
                 .regions = regions,
                 .as_of = as_of,
                 .from = from,
                 .incomplete = json_array()};
    b.sum.named = json_array();
    b.rc = agg_known_cover_load(tx, &b.cover);
    json_t *out = json_object();
    json_object_set_new(out, "as_of", s_date(as_of));
    json_object_set_new(
        out, "period",
        json_pack("{s:o,s:o}", "from", s_date(from), "to", s_date(as_of)));
    s_summaries(&b);
    s_states(&b, out);
    s_visits(&b, out);
    s_reports(&b, out);
    s_npm(&b, out);
    s_fund(&b, out);
    json_object_set_new(out, "sessions_in_period",
                        s_items(&b, AGG_ITEM_SESSION));
    s_coverage(&b, "sessions_in_period", "session.held", false);
    s_coverage(&b, "visits.planned_in_period", "visit.planned", false);
    s_coverage(&b, "npm.designated_total", "npm.designated", true);
    json_decref(b.sum.named);
    s_coverage(&b, "states_parties.total", "state.ratified", true);
    s_coverage(&b, "signatories.total", "state.signed", true);
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
