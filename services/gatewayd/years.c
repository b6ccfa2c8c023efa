/*  years: the figures of each calendar year, for the dashboard's charts
    and its yearly table.

    One stats question per year (as of 31 December, or today for the
    current year; the period from 1 January), all sent at once on one
    DEALER: the aggregation service answers stats for any date, so the
    series needs no state of its own.  Each row keeps the stats' own
    numbers (a list becomes its length), so a chart's bar equals what
    /api/stats?as_of=YEAR-12-31 says, and names in "incomplete" the row
    keys whose stats figure is marked incomplete: a number recorded for a
    year before coverage is no count of that year, and a view says "not
    recorded" for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "gw.h"

#define YEARS_FIRST 2006 /* the Protocol entered into force in June 2006 */
#define YEARS_MIN 1900   /* the earliest year the services accept */
#define YEARS_MAX 100    /* years in one answer */

/*  Member 'b' of member 'a' of 'o', or null (never NULL, for "O"). */
static json_t *s_get(const json_t *o, const char *a, const char *b)
{
    json_t *v = json_object_get(json_object_get(o, a), b);
    return v ? v : json_null();
}

static json_int_t s_size(const json_t *list)
{
    return (json_int_t)json_array_size(list);
}

/*  Each row key and the stats figure it comes from. */
static const char *const s_paths[][2] = {
    {"states_parties", "states_parties.total"},
    {"by_region", "states_parties.by_region"},
    {"joined", "states_parties.joined_in_period"},
    {"signatories", "signatories.total"},
    {"visits_completed", "visits.completed_in_period"},
    {"visits_postponed", "visits.postponed_in_period"},
    {"interviews", "visits.interviews_in_period"},
    {"reports_transmitted", "reports.transmitted_in_period"},
    {"reports_published", "reports.published_in_period"},
    {"npm_designated", "npm.designated_in_period"},
    {"fund_grants", "fund.grants_in_period.count"},
    {"fund_grant_states", "fund.grants_in_period.states"},
    {"fund_grants_total", "fund.grants_in_period.total"},
    {"fund_contributions", "fund.contributions_in_period"},
};

/*  Whether stats path 'a' is 'b' or one of its parts ("a.x" of "a"). */
static bool s_within(const char *a, const char *b)
{
    size_t n = strlen(b);
    return strncmp(a, b, n) == 0 && (!a[n] || a[n] == '.');
}

/*  Whether the stats 's' mark 'path' incomplete: the figure itself, a
    figure it is part of, or a part of it. */
static bool s_marked(const json_t *s, const char *path)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(s, "incomplete"), i, v)
    {
        const char *key = json_string_value(v);
        if (key && (s_within(path, key) || s_within(key, path)))
            return true;
    }
    return false;
}

/*  The row keys whose figures the stats 's' mark incomplete. */
static json_t *s_incomplete(const json_t *s)
{
    json_t *keys = json_array();
    for (size_t i = 0; keys && i < sizeof s_paths / sizeof s_paths[0]; i++)
        if (s_marked(s, s_paths[i][1]))
            json_array_append_new(keys, json_string(s_paths[i][0]));
    return keys;
}

/*  One year's row from its stats answer. */
static json_t *s_row(int year, const json_t *s)
{
    const json_t *fund = json_object_get(s, "fund");
    json_t *row = json_pack(
        "{s:i,s:O,s:O,s:O,s:I,s:O,s:I,s:I,s:O,s:I,s:I,s:I}", "year", year,
        "as_of", s_get(s, "period", "to"), "states_parties",
        s_get(s, "states_parties", "total"), "by_region",
        s_get(s, "states_parties", "by_region"), "joined",
        s_size(s_get(s, "states_parties", "joined_in_period")), "signatories",
        s_get(s, "signatories", "total"), "visits_completed",
        s_size(s_get(s, "visits", "completed_in_period")), "visits_postponed",
        s_size(s_get(s, "visits", "postponed_in_period")), "interviews",
        s_get(s, "visits", "interviews_in_period"), "reports_transmitted",
        s_size(s_get(s, "reports", "transmitted_in_period")),
        "reports_published", s_size(s_get(s, "reports", "published_in_period")),
        "npm_designated", s_size(s_get(s, "npm", "designated_in_period")));
    if (!row)
        return NULL;
    json_object_set(row, "fund_grants",
                    s_get(fund, "grants_in_period", "count"));
    json_object_set(row, "fund_grant_states",
                    s_get(fund, "grants_in_period", "states"));
    json_object_set(row, "fund_grants_total",
                    s_get(fund, "grants_in_period", "total"));
    json_object_set(row, "fund_contributions",
                    s_get(s, "fund", "contributions_in_period"));
    json_t *incomplete = s_incomplete(s);
    if (!incomplete || json_object_set_new(row, "incomplete", incomplete)) {
        json_decref(row);
        return NULL;
    }
    return row;
}

/*  Reads from= and to= (years); false with a 400 in '*rc'. */
static bool s_range(const gw_request_t *req, int this_year, int *first,
                    int *last, enum MHD_Result *rc)
{
    static const char *const names[] = {"from", "to"};
    int *out[] = {first, last};
    *first = YEARS_FIRST;
    *last = this_year;
    for (int i = 0; i < 2; i++) {
        const char *text = gw_param(req, names[i]);
        char *end;
        long v = text ? strtol(text, &end, 10) : 0;
        if (!text)
            continue;
        if (!text[0] || *end || v < YEARS_MIN || v > this_year) {
            *rc = gw_reply_error(req, 400, names[i], "%s: a year from %d to %d",
                                 names[i], YEARS_MIN, this_year);
            return false;
        }
        *out[i] = (int)v;
    }
    if (*first > *last || *last - *first >= YEARS_MAX) {
        *rc = gw_reply_error(req, 400, "from",
                             "from: a year at most %d years before 'to'",
                             YEARS_MAX - 1);
        return false;
    }
    return true;
}

/*  The stats requests, one per year: as of its last day or 'today'. */
static json_t *s_requests(int first, int last, const char *today)
{
    json_t *requests = json_array();
    for (int y = first; y <= last && requests; y++) {
        char as_of[DATE_TEXT_LEN], from[DATE_TEXT_LEN];
        snprintf(as_of, sizeof as_of, "%04d-12-31", y);
        snprintf(from, sizeof from, "%04d-01-01", y);
        json_array_append_new(
            requests,
            json_pack("{s:s,s:s,s:s}", "op", "stats", "as_of",
                      strcmp(as_of, today) > 0 ? today : as_of, "from", from));
    }
    return requests;
}

/*  The rows in year order: the answers come in any order, each names its
    period. */
static json_t *s_rows(const json_t *answers, int first, int last)
{
    json_t *rows = json_array();
    for (int y = first; y <= last && rows; y++) {
        size_t i;
        json_t *s;
        json_array_foreach(answers, i, s)
        {
            const char *from = json_string_value(s_get(s, "period", "from"));
            if (from && atoi(from) == y) {
                json_array_append_new(rows, s_row(y, s));
                break;
            }
        }
    }
    return rows;
}

enum MHD_Result gw_api_years(const gw_request_t *req)
{
    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&req->gw->clock), today);
    int first, last;
    bool csv;
    enum MHD_Result rc;
    if (!s_range(req, atoi(today), &first, &last, &rc) ||
        !gw_format(req, &csv, &rc))
        return rc;
    json_t *requests = s_requests(first, last, today), *answers;
    err_t err;
    int qrc = requests ? gw_query_many(req->gw, req->gw->options.cfg.stats,
                                       requests, &answers, &err)
                       : err_set(&err, OPCAT_ENOMEM, NULL, "out of memory");
    json_decref(requests);
    if (qrc)
        return gw_reply_service_error(req, "stats", &err);
    json_t *rows = s_rows(answers, first, last);
    json_decref(answers);
    return gw_reply_table(req, csv, "years", "years",
                          json_pack("{s:s,s:i,s:i,s:o}", "as_of", today, "from",
                                    first, "to", last, "years",
                                    rows ? rows : json_array()));
}
