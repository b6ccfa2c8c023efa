/*  states: the table of States parties and signatories, and one State.

    Both come from the aggregation service's answers only.  The list of
    parties is the stats answer's states_parties.joined_in_period for a
    period starting on 1900-01-01 (every State that became a party up to
    as_of), the signatories its signatories.states; each State's row is a
    summary of its "state" answer (one query per State, about a hundred,
    sent at once on one DEALER and answered in a few milliseconds). */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "gw.h"

#define ALL_TIME "1900-01-01" /* the earliest date the services accept */

/*  The aggregation service's regions and the statuses a filter takes. */
static const char *const s_regions[] = {
    "africa",         "asia_pacific",
    "eastern_europe", "latin_america_caribbean",
    "weog",           NULL};
static const char *const s_statuses[] = {"party", "signatory", NULL};

static bool s_one_of(const char *value, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(value, *list) == 0)
            return true;
    return false;
}

static const char *s_str(const json_t *object, const char *key)
{
    return json_string_value(json_object_get(object, key));
}

/*  Days from date 'from' to date 'to' (texts); 0 if either is missing. */
static json_int_t s_days(const char *from, const char *to)
{
    int32_t a, b;
    if (!from || !to || !date_parse(from, &a) || !date_parse(to, &b))
        return 0;
    return (json_int_t)b - a;
}

/*  Copies member 'key' of 'from' into 'to' (null when absent). */
static void s_copy(json_t *to, const json_t *from, const char *key)
{
    json_t *v = json_object_get(from, key);
    json_object_set(to, key, v ? v : json_null());
}

/*  Copies 'key' + "_precision" of 'from' into 'to' when it is there: the
    precision of a date not known to the day ("month", "year",
    "not_after"); absent means known to the day. */
static void s_copy_precision(json_t *to, const json_t *from, const char *key)
{
    char name[64];
    snprintf(name, sizeof name, "%s_precision", key);
    json_t *v = json_object_get(from, name);
    if (v)
        json_object_set(to, name, v);
}

/* ------------------------------------------------------------ summaries */

static json_t *s_npm_summary(const json_t *state, const char *as_of)
{
    const json_t *npm = json_object_get(state, "npm");
    json_t *out = json_object();
    static const char *const keys[] = {
        "due",           "designated_on",       "overdue",
        "on_art17_list", "art24_part_iv_years", "body",
        "model"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        s_copy(out, npm, keys[i]);
    s_copy_precision(out, npm, "designated_on");
    if (json_is_true(json_object_get(npm, "due_upper_bound")))
        json_object_set_new(out, "due_upper_bound", json_true());
    bool overdue = json_is_true(json_object_get(npm, "overdue"));
    json_object_set_new(
        out, "days_overdue",
        json_integer(overdue ? s_days(s_str(npm, "due"), as_of) : 0));
    return out;
}

static json_t *s_visits_summary(const json_t *state)
{
    json_int_t completed = 0, postponed = 0, planned = 0;
    const char *last = NULL;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(state, "visits"), i, v)
    {
        const char *status = s_str(v, "status");
        const char *on = s_str(v, "completed_on");
        completed += status && strcmp(status, "completed") == 0;
        postponed += status && strcmp(status, "postponed") == 0;
        planned += status && strcmp(status, "planned") == 0;
        if (on && (!last || strcmp(on, last) > 0))
            last = on;
    }
    return json_pack("{s:I,s:I,s:I,s:o}", "completed", completed, "planned",
                     planned, "postponed", postponed, "last_completed_on",
                     last ? json_string(last) : json_null());
}

/*  Reports to the State and to its NPM, and where their replies stand. */
static json_t *s_reports_summary(const json_t *state)
{
    json_int_t sent = 0, to_npm = 0, published = 0, received = 0;
    json_int_t awaited = 0, overdue = 0, unknown = 0;
    const char *next_due = NULL, *oldest_overdue = NULL;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(state, "reports"), i, r)
    {
        bool npm = strcmp(s_str(r, "recipient") ? s_str(r, "recipient") : "",
                          "npm") == 0;
        const char *due = s_str(r, "reply_due");
        bool answered = json_is_string(json_object_get(r, "reply_received_on"));
        bool late = json_is_true(json_object_get(r, "reply_overdue"));
        /* a reply that may have come unrecorded is neither awaited nor
           overdue */
        const char *status = s_str(r, "reply_status");
        bool unsure = status && strcmp(status, "unknown") == 0;
        sent += !npm;
        to_npm += npm;
        published += json_is_string(json_object_get(r, "published_on"));
        received += answered;
        unknown += unsure;
        awaited += !answered && !late && !unsure;
        overdue += late;
        if (!answered && !late && !unsure && due &&
            (!next_due || strcmp(due, next_due) < 0))
            next_due = due;
        if (late && due && (!oldest_overdue || strcmp(due, oldest_overdue) < 0))
            oldest_overdue = due;
    }
    return json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o,s:o}", "transmitted", sent, "to_npm",
        to_npm, "published", published, "replies_received", received,
        "replies_awaited", awaited, "replies_overdue", overdue,
        "replies_unknown", unknown, "next_reply_due",
        next_due ? json_string(next_due) : json_null(),
        "oldest_reply_overdue_since",
        oldest_overdue ? json_string(oldest_overdue) : json_null());
}

/*  One table row from a "state" answer. */
static json_t *s_row(const json_t *state, const char *as_of)
{
    json_t *row = json_object();
    static const char *const keys[] = {
        "state",     "name",        "region",     "status",
        "signed_on", "party_since", "instrument", "entry_into_force"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        s_copy(row, state, keys[i]);
    s_copy_precision(row, state, "signed_on");
    s_copy_precision(row, state, "party_since");
    json_object_set_new(row, "npm", s_npm_summary(state, as_of));
    json_object_set_new(row, "visits", s_visits_summary(state));
    json_object_set_new(row, "reports", s_reports_summary(state));
    return row;
}

/* ----------------------------------------------------------------- list */

typedef struct filter filter_t;

/*  Appends what one "state" answer gives the list (a row, or its
    visits). */
typedef void row_fn(json_t *rows, const json_t *state, const filter_t *f);

struct filter {
    const char *as_of, *region, *status;
    row_fn *add; /* s_add_row or s_add_visits */
};

static void s_add_row(json_t *rows, const json_t *state, const filter_t *f)
{
    json_array_append_new(rows, s_row(state, f->as_of));
}

/*  One row per visit of the State, its dates as the service gives them. */
static void s_add_visits(json_t *rows, const json_t *state, const filter_t *f)
{
    (void)f;
    static const char *const keys[] = {"visit_id",
                                       "kind",
                                       "status",
                                       "planned_on",
                                       "start",
                                       "completed_on",
                                       "completed_on_precision",
                                       "postponed_on",
                                       "days"};
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(state, "visits"), i, v)
    {
        json_t *row = json_object();
        s_copy(row, state, "state");
        s_copy(row, state, "name");
        s_copy(row, state, "region");
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
            if (json_object_get(v, keys[k]))
                s_copy(row, v, keys[k]);
        json_array_append_new(rows, row);
    }
}

/*  Appends a "state" request for each code of 'codes' (a JSON array). */
static void s_requests(const json_t *codes, const char *as_of, json_t *requests)
{
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code)
    {
        if (json_is_string(code))
            json_array_append_new(requests,
                                  json_pack("{s:s,s:O,s:s}", "op", "state",
                                            "state", code, "as_of", as_of));
    }
}

/*  Asks for every State of the stats answer (all at once, one DEALER)
    and appends the rows that pass the filter. */
static int s_add_states(gw_t *gw, const filter_t *f, const json_t *stats,
                        json_t *rows, err_t *err)
{
    json_t *requests = json_array(), *answers, *state;
    s_requests(json_object_get(json_object_get(stats, "states_parties"),
                               "joined_in_period"),
               f->as_of, requests);
    s_requests(json_object_get(json_object_get(stats, "signatories"), "states"),
               f->as_of, requests);
    int rc = gw_query_many(gw, gw->options.cfg.stats, requests, &answers, err);
    json_decref(requests);
    if (rc)
        return rc;
    size_t i;
    json_array_foreach(answers, i, state)
    {
        const char *region = s_str(state, "region");
        const char *status = s_str(state, "status");
        if ((!f->region || (region && strcmp(region, f->region) == 0)) &&
            (!f->status || (status && strcmp(status, f->status) == 0)))
            f->add(rows, state, f);
    }
    json_decref(answers);
    return OPCAT_OK;
}

/*  Sorts rows by region, then name (then visit). */
static int s_by_region(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    int c = strcmp(s_str(x, "region") ? s_str(x, "region") : "",
                   s_str(y, "region") ? s_str(y, "region") : "");
    if (c)
        return c;
    const char *nx = s_str(x, "name") ? s_str(x, "name") : s_str(x, "state");
    const char *ny = s_str(y, "name") ? s_str(y, "name") : s_str(y, "state");
    if ((c = strcmp(nx ? nx : "", ny ? ny : "")))
        return c;
    /* visits of one State: by their id, so the order never varies */
    const char *vx = s_str(x, "visit_id"), *vy = s_str(y, "visit_id");
    return strcmp(vx ? vx : "", vy ? vy : "");
}

static void s_sort(json_t *rows)
{
    size_t n = json_array_size(rows);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(rows, i));
    qsort(items, n, sizeof *items, s_by_region);
    json_array_clear(rows);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(rows, items[i]);
    free(items);
}

/*  Reads and checks the list's parameters; false with a 400 in '*rc'. */
static bool s_filter(const gw_request_t *req, char *as_of, filter_t *f,
                     enum MHD_Result *rc)
{
    if (!gw_param_date(req, "as_of", as_of)) {
        *rc = gw_reply_error(req, 400, "as_of",
                             "as_of: not a real date (YYYY-MM-DD)");
        return false;
    }
    if (!as_of[0])
        date_format(dayclock_today(&req->gw->clock), as_of);
    *f = (filter_t){as_of, gw_param(req, "region"), gw_param(req, "status"),
                    NULL};
    if (f->region && !s_one_of(f->region, s_regions))
        *rc = gw_reply_error(req, 400, "region",
                             "region: africa, asia_pacific, eastern_europe, "
                             "latin_america_caribbean or weog");
    else if (f->status && !s_one_of(f->status, s_statuses))
        *rc = gw_reply_error(req, 400, "status", "status: party or signatory");
    else
        return true;
    return false;
}

/*  The rows 'f->add' makes of every State party and signatory as of
    'as_of', sorted by region and name when they are States' rows. */
static enum MHD_Result s_list(const gw_request_t *req, const char *name,
                              filter_t *f, bool csv)
{
    json_t *stats, *rows = json_array();
    err_t err;
    int qrc = gw_query(req->gw, req->gw->options.cfg.stats,
                       json_pack("{s:s,s:s,s:s}", "op", "stats", "as_of",
                                 f->as_of, "from", ALL_TIME),
                       &stats, &err);
    if (!qrc) {
        qrc = s_add_states(req->gw, f, stats, rows, &err);
        json_decref(stats);
    }
    if (qrc) {
        json_decref(rows);
        return gw_reply_service_error(req, "stats", &err);
    }
    s_sort(rows);
    return gw_reply_table(req, csv, name, name,
                          json_pack("{s:s,s:I,s:o}", "as_of", f->as_of, "count",
                                    (json_int_t)json_array_size(rows), name,
                                    rows));
}

/*  A list's answer: its parameters read, then 'add' run on each State. */
static enum MHD_Result s_list_request(const gw_request_t *req, const char *name,
                                      row_fn *add)
{
    char as_of[DATE_TEXT_LEN];
    filter_t f;
    enum MHD_Result rc;
    bool csv;
    if (!s_filter(req, as_of, &f, &rc) || !gw_format(req, &csv, &rc))
        return rc;
    f.add = add;
    return s_list(req, name, &f, csv);
}

enum MHD_Result gw_states_list(const gw_request_t *req)
{
    return s_list_request(req, "states", s_add_row);
}

enum MHD_Result gw_states_visits(const gw_request_t *req)
{
    return s_list_request(req, "visits", s_add_visits);
}

/* ------------------------------------------------------------ one State */

/*  Adds the State's open deadlines, or why they are missing. */
static void s_add_reminders(gw_t *gw, const char *code, const char *as_of,
                            json_t *state)
{
    json_t *reply;
    err_t err;
    if (gw_query(gw, gw->options.cfg.reminders,
                 json_pack("{s:s,s:s,s:s}", "op", "reminders", "state", code,
                           "as_of", as_of),
                 &reply, &err) == 0) {
        json_object_set(state, "reminders_open",
                        json_object_get(reply, "reminders"));
        json_object_set(state, "encouragements_open",
                        json_object_get(reply, "encouragements"));
        json_decref(reply);
    } else
        json_object_set_new(state, "reminders_error", json_string(err.message));
}

enum MHD_Result gw_states_one(const gw_request_t *req, const char *code)
{
    char as_of[DATE_TEXT_LEN];
    if (strlen(code) != 3 || !isupper((unsigned char)code[0]) ||
        !isupper((unsigned char)code[1]) || !isupper((unsigned char)code[2]))
        return gw_reply_error(req, 400, "state",
                              "state: ISO 3166-1 alpha-3 code in capitals, "
                              "e.g. /api/states/PER");
    if (!codes_is_state(req->gw->codes, code))
        return gw_reply_error(req, 404, "state",
                              "state: %s is not an ISO 3166-1 code", code);
    if (!gw_param_date(req, "as_of", as_of))
        return gw_reply_error(req, 400, "as_of",
                              "as_of: not a real date (YYYY-MM-DD)");
    if (!as_of[0])
        date_format(dayclock_today(&req->gw->clock), as_of);
    json_t *state;
    err_t err;
    if (gw_query(req->gw, req->gw->options.cfg.stats,
                 json_pack("{s:s,s:s,s:s}", "op", "state", "state", code,
                           "as_of", as_of),
                 &state, &err))
        return gw_reply_service_error(req, "stats", &err);
    json_object_set_new(state, "summary", s_row(state, as_of));
    s_add_reminders(req->gw, code, as_of, state);
    return gw_reply_json(req, 200, state);
}
