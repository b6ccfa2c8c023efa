/*  query: parameters, dispatch, and the "state" and "art17" answers. */
#include "agg_query.h"

#include <ctype.h>
#include <string.h>

#include "agg_known.h"
#include "date.h"
#include "datefmt.h"
#include "kv.h"
#include "agg_npm.h"
#include "agg_project.h"
#include "agg_stats.h"

typedef struct {
    kv_t *kv;
    const agg_regions_t *regions;
    const names_t *names;
    const char *op;
    int32_t today; /* the as_of of a request that gives none */
    int32_t as_of, from;
    char state[4];
    json_t *reply;
} request_t;

void agg_query_tx(kv_t *kv, MDB_txn *txn, agg_tx_t *tx)
{
    tx->txn = txn;
    for (int i = 0; i < AGG_DB_COUNT; i++)
        tx->dbi[i] = kv_dbi(kv, (size_t)i);
    tx->delta = NULL;
}

int agg_query_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
                    const event_t *event)
{
    agg_service_t *service = arg;
    agg_tx_t tx;
    agg_query_tx(consumer_kv(consumer), txn, &tx);
    tx.delta = service->delta;
    return agg_proj_apply(&tx, event);
}

int agg_query_batch_begin(void *arg, consumer_t *consumer, MDB_txn *txn)
{
    (void)consumer, (void)txn;
    agg_service_t *service = arg;
    if (service->delta)
        agg_delta_reset(service->delta);
    return 0;
}

int agg_query_batch_end(void *arg, consumer_t *consumer, MDB_txn *txn)
{
    agg_service_t *service = arg;
    agg_tx_t tx;
    agg_query_tx(consumer_kv(consumer), txn, &tx);
    tx.delta = service->delta;
    return agg_tab_flush(&tx);
}

void agg_query_release(void *arg, consumer_t *consumer)
{
    (void)consumer;
    agg_service_t *service = arg;
    if (service->delta)
        agg_delta_shrink(service->delta, AGG_DELTA_KEEP);
}

static json_t *s_date_or_null(int32_t day, int32_t as_of)
{
    if (day == AGG_NEVER || day > as_of)
        return json_null();
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    return json_string(text);
}

/*  Sets 'key' to the date 'on' (or null, as s_date_or_null) and, when it
    is not known to the day ('from', its earliest, differs), 'key' +
    "_precision" beside it: "month", "year" or "not_after". */
static void s_set_date(json_t *out, const char *key, int32_t on, int32_t from,
                       int32_t as_of)
{
    json_object_set_new(out, key, s_date_or_null(on, as_of));
    if (on == AGG_NEVER || on > as_of || from == on)
        return;
    char name[64];
    snprintf(name, sizeof name, "%s_precision", key);
    json_object_set_new(
        out, name,
        json_string(datefmt_precision_name(datefmt_precision_of(from, on))));
}

/* ------------------------------------------------------------ parameters */

/*  Reads the date 'name' of 'request' into '*day' ('dflt' if absent). */
static int s_day(const json_t *request, const char *name, int32_t dflt,
                 int32_t *day, err_t *err)
{
    const json_t *v = json_object_get(request, name);
    *day = dflt;
    if (!v || json_is_null(v))
        return OPCAT_OK;
    if (!json_is_string(v) || !date_parse(json_string_value(v), day))
        return err_set(err, OPCAT_EINVAL, name,
                       "%s: not a real date (YYYY-MM-DD, 1900-2999)", name);
    return OPCAT_OK;
}

static int s_params(request_t *r, const json_t *request, err_t *err)
{
    int rc = s_day(request, "as_of", r->today, &r->as_of, err);
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    if (!rc)
        rc = s_day(request, "from", date_from_ymd(y, 1, 1), &r->from, err);
    if (!rc && r->from > r->as_of)
        rc =
            err_set(err, OPCAT_EINVAL, "from", "from: must not be after as_of");
    if (rc || strcmp(r->op, "state") != 0)
        return rc;
    const char *s = json_string_value(json_object_get(request, "state"));
    if (!s || strlen(s) != 3 || !isupper((unsigned char)s[0]) ||
        !isupper((unsigned char)s[1]) || !isupper((unsigned char)s[2]))
        return err_set(err, OPCAT_EINVAL, "state",
                       "state: is required (ISO 3166-1 alpha-3, e.g. PER)");
    memcpy(r->state, s, 4);
    return OPCAT_OK;
}

/* ----------------------------------------------------------------- state */

static const char *s_instrument(char c)
{
    return c == 'a' ? "accession" : c == 's' ? "succession" : "ratification";
}

typedef struct {
    int32_t as_of;
    json_t *npm;
} npm_body_t;

/*  One NPM change of the State: its body and model replace the earlier
    ones, up to 'as_of'. */
static int s_npm_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    npm_body_t *b = arg;
    const char *v = val->mv_data;
    if (key->mv_size != 15 ||
        date_key_get((const uint8_t *)key->mv_data + 3) > b->as_of)
        return KV_STOP;
    if (val->mv_size < 3 || v[val->mv_size - 1] != '\0')
        return 0;
    json_object_set_new(b->npm, "model", json_string(v + 1));
    json_object_set_new(b->npm, "body", json_string(v + strlen(v) + 1));
    return 0;
}

/*  The latest NPM body and model on or before 'as_of'. */
static int s_npm_body(agg_tx_t *tx, const request_t *r, json_t *npm)
{
    uint8_t start[7];
    memcpy(start, r->state, 3);
    date_key_put(start + 3, INT32_MIN);
    MDB_val from = {sizeof start, start};
    npm_body_t b = {r->as_of, npm};
    return kv_each(tx->txn, tx->dbi[AGG_DB_NPM], &from, r->state, 3,
                   s_npm_record, &b);
}

static int s_state_npm(agg_tx_t *tx, const request_t *r,
                       const agg_state_rec_t *rec, json_t *out)
{
    json_t *npm = json_object();
    json_object_set_new(out, "npm", npm);
    int32_t due = AGG_NEVER;
    int years = 0;
    bool listed = false;
    int rc = 0;
    if (rec->ratified_on <= r->as_of)
        rc = agg_npm_due(tx, r->state, rec, r->as_of, &due, &years);
    if (!rc)
        rc = agg_npm_art17_listed(tx, r->state, r->as_of, &listed);
    if (rc)
        return rc;
    char text[DATE_TEXT_LEN] = "";
    if (due != AGG_NEVER)
        date_format(due, text);
    json_object_set_new(npm, "due",
                        due == AGG_NEVER ? json_null() : json_string(text));
    json_object_set_new(npm, "art24_part_iv_years", json_integer(years));
    s_set_date(npm, "designated_on", rec->designated_on, rec->designated_from,
               r->as_of);
    if (rec->ratified_from != rec->ratified_on && due != AGG_NEVER)
        json_object_set_new(npm, "due_upper_bound", json_true());
    json_object_set_new(
        npm, "overdue",
        json_boolean(due < r->as_of && rec->designated_on > r->as_of));
    json_object_set_new(npm, "on_art17_list", json_boolean(listed));
    return s_npm_body(tx, r, npm);
}

static json_t *s_visit_json(const char *id, const agg_visit_rec_t *v,
                            int32_t as_of)
{
    json_t *visit = json_pack(
        "{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "visit_id", id, "kind", v->kind,
        "planned_on", s_date_or_null(v->planned_on, as_of), "start",
        s_date_or_null(v->completed_start != AGG_NEVER ? v->completed_start
                                                       : v->start,
                       AGG_NEVER - 1),
        "postponed_on", s_date_or_null(v->postponed_on, as_of), "completed_on",
        s_date_or_null(v->completed_on, as_of), "status",
        json_string(v->completed_on <= as_of   ? "completed"
                    : v->postponed_on <= as_of ? "postponed"
                                               : "planned"));
    if (v->completed_on <= as_of &&
        datefmt_is_imprecise(v->completed_precision))
        json_object_set_new(
            visit, "completed_on_precision",
            json_string(datefmt_precision_name(v->completed_precision)));
    return visit;
}

/*  Calls 'fn' for every key of 'db' that starts with the State's code. */
typedef int (*row_fn)(agg_tx_t *tx, const request_t *r, const MDB_val *key,
                      const MDB_val *val, json_t *out);

typedef struct {
    agg_tx_t *tx;
    const request_t *r;
    row_fn fn;
    json_t *out;
} rows_t;

static int s_row(void *arg, const MDB_val *key, const MDB_val *val)
{
    rows_t *rows = arg;
    return rows->fn(rows->tx, rows->r, key, val, rows->out);
}

static int s_rows(agg_tx_t *tx, const request_t *r, int db, row_fn fn,
                  json_t *out)
{
    rows_t rows = {tx, r, fn, out};
    return kv_each(tx->txn, tx->dbi[db], NULL, r->state, 3, s_row, &rows);
}

static int s_visit_row(agg_tx_t *tx, const request_t *r, const MDB_val *key,
                       const MDB_val *val, json_t *out)
{
    (void)tx;
    agg_visit_rec_t v;
    char id[AGG_ID_MAX + 1];
    size_t len = key->mv_size - 3 < AGG_ID_MAX ? key->mv_size - 3 : AGG_ID_MAX;
    if (val->mv_size != sizeof v)
        return 0;
    memcpy(&v, val->mv_data, sizeof v);
    memcpy(id, (const char *)key->mv_data + 3, len);
    id[len] = '\0';
    if (v.planned_on <= r->as_of || v.completed_on <= r->as_of)
        json_array_append_new(out, s_visit_json(id, &v, r->as_of));
    return 0;
}

/*  The reply's status on 'as_of': "received", "pending" (not yet due),
    "overdue", or "unknown" when its reply could have come unrecorded (on
    a day from the transmission to 'as_of' that the coverage 'cover' of
    reply.received leaves out) or on a day not known. */
static const char *s_reply_status(const agg_report_rec_t *p,
                                  const coverage_t *cover, int32_t as_of)
{
    if (p->received_on <= as_of)
        return "received";
    if (p->received_from <= as_of)
        return "unknown";
    if (date_add_months(p->transmitted_on, 6) >= as_of)
        return "pending";
    if (!coverage_covers(cover, "reply.received", p->transmitted_from, as_of))
        return "unknown";
    return "overdue";
}

static json_t *s_report_json(const char *id, const agg_report_rec_t *p,
                             const coverage_t *cover, int32_t as_of)
{
    int32_t due = date_add_months(p->transmitted_on, 6);
    char text[DATE_TEXT_LEN];
    date_format(due, text);
    const char *status = s_reply_status(p, cover, as_of);
    json_t *out = json_pack(
        "{s:s,s:s,s:s,s:b,s:s,s:o,s:s,s:o,s:s}", "report_id", id, "recipient",
        p->recipient == 'n' ? "npm" : "state", "reply_due", text,
        "reply_overdue", strcmp(status, "overdue") == 0, "reply_status", status,
        "published_on", s_date_or_null(p->published_on, as_of), "symbol",
        p->published_on <= as_of ? p->symbol : "", "reply_published_on",
        s_date_or_null(p->reply_published_on, as_of), "reply_symbol",
        p->reply_published_on <= as_of ? p->reply_symbol : "");
    s_set_date(out, "transmitted_on", p->transmitted_on, p->transmitted_from,
               as_of);
    s_set_date(out, "reply_received_on", p->received_on, p->received_from,
               as_of);
    if (p->transmitted_from != p->transmitted_on)
        json_object_set_new(out, "reply_due_upper_bound", json_true());
    return out;
}

static int s_report_row(agg_tx_t *tx, const request_t *r, const MDB_val *key,
                        const MDB_val *val, json_t *out)
{
    (void)val;
    agg_report_rec_t p;
    char id[AGG_ID_MAX + 1];
    size_t len = key->mv_size - 3 < AGG_ID_MAX ? key->mv_size - 3 : AGG_ID_MAX;
    memcpy(id, (const char *)key->mv_data + 3, len);
    id[len] = '\0';
    int rc = agg_tab_get(tx, AGG_DB_REPORTS, id, len, &p, sizeof p);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    coverage_t *cover = NULL;
    rc = agg_known_cover_load(tx, &cover);
    if (!rc && p.transmitted_on <= r->as_of)
        json_array_append_new(out, s_report_json(id, &p, cover, r->as_of));
    coverage_destroy(&cover);
    return rc;
}

typedef struct {
    int32_t as_of;
    json_t *out;
} dialogue_t;

/*  One dialogue not known to the day, if its latest possible day is on
    or before as_of. */
static int s_vague_dialogue(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    dialogue_t *d = arg;
    const uint8_t *f = key->mv_data;
    if (key->mv_size != 12)
        return KV_STOP;
    int32_t on = date_key_get(f + 4), from = date_key_get(f + 8);
    if (on <= d->as_of)
        json_array_append_new(
            d->out,
            json_pack("{s:o,s:s}", "on", s_date_or_null(on, on), "precision",
                      datefmt_precision_name(datefmt_precision_of(from, on))));
    return 0;
}

/*  The dialogues of 'kind' not known to the day (VAGUE) whose latest
    possible day is on or before as_of, into 'out' as {"on", "precision"}. */
static int s_vague_dialogues(agg_tx_t *tx, const request_t *r, char kind,
                             json_t *out)
{
    uint8_t k[4] = {(uint8_t)kind};
    memcpy(k + 1, r->state, 3);
    dialogue_t d = {r->as_of, out};
    return kv_each(tx->txn, tx->dbi[AGG_DB_VAGUE], NULL, k, sizeof k,
                   s_vague_dialogue, &d);
}

/*  One dialogue date (a SETS key), up to as_of. */
static int s_dialogue(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    dialogue_t *d = arg;
    const uint8_t *f = key->mv_data;
    if (key->mv_size != 8 || date_key_get(f + 4) > d->as_of)
        return KV_STOP;
    json_array_append_new(d->out,
                          s_date_or_null(date_key_get(f + 4), d->as_of));
    return 0;
}

/*  The dialogue dates (SETS 'F' and 'f') on or before as_of; those not
    known to the day under "state_not_to_the_day" and
    "npm_not_to_the_day". */
static int s_dialogues(agg_tx_t *tx, const request_t *r, json_t *out)
{
    static const char kinds[2] = {AGG_SET_DIALOGUE, AGG_SET_DIALOGUE_N};
    int rc = 0;
    for (int i = 0; i < 2 && !rc; i++) {
        dialogue_t d = {r->as_of, json_array()};
        json_object_set_new(out, i == 0 ? "state" : "npm", d.out);
        uint8_t k[8] = {(uint8_t)kinds[i]};
        memcpy(k + 1, r->state, 3);
        date_key_put(k + 4, INT32_MIN);
        MDB_val from = {sizeof k, k};
        rc =
            kv_each(tx->txn, tx->dbi[AGG_DB_SETS], &from, k, 4, s_dialogue, &d);
        json_t *vague = json_array();
        json_object_set_new(
            out, i == 0 ? "state_not_to_the_day" : "npm_not_to_the_day", vague);
        if (!rc)
            rc = s_vague_dialogues(tx, r, kinds[i], vague);
    }
    return rc;
}

static int s_state_rec(agg_tx_t *tx, const request_t *r, agg_state_rec_t *rec)
{
    *rec = AGG_STATE_REC_NONE;
    int rc = agg_tab_get(tx, AGG_DB_STATES, r->state, 3, rec, sizeof *rec);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static int s_state(agg_tx_t *tx, request_t *r)
{
    agg_state_rec_t rec;
    int rc = s_state_rec(tx, r, &rec);
    if (rc)
        return rc;
    const char *name = names_en(r->names, r->state);
    bool party = rec.ratified_on <= r->as_of;
    json_t *out = r->reply = json_object();
    json_object_set_new(out, "state", json_string(r->state));
    json_object_set_new(out, "name", name ? json_string(name) : json_null());
    const char *region = agg_regions_name(agg_regions_of(r->regions, r->state));
    json_object_set_new(out, "region",
                        json_string(region ? region : "unknown"));
    json_object_set_new(out, "as_of", s_date_or_null(r->as_of, r->as_of));
    json_object_set_new(out, "status",
                        json_string(party                       ? "party"
                                    : rec.signed_on <= r->as_of ? "signatory"
                                                                : "none"));
    s_set_date(out, "signed_on", rec.signed_on, rec.signed_from, r->as_of);
    s_set_date(out, "party_since", rec.ratified_on, rec.ratified_from,
               r->as_of);
    json_object_set_new(out, "instrument",
                        party ? json_string(s_instrument(rec.instrument))
                              : json_null());
    json_object_set_new(
        out, "entry_into_force",
        party ? s_date_or_null(oblig_entry_into_force(rec.ratified_on),
                               AGG_NEVER - 1)
              : json_null());
    if ((rc = s_state_npm(tx, r, &rec, out)))
        return rc;
    json_t *visits = json_array(), *reports = json_array();
    json_t *dialogues = json_object();
    json_object_set_new(out, "visits", visits);
    json_object_set_new(out, "reports", reports);
    json_object_set_new(out, "followup_dialogues", dialogues);
    rc = s_rows(tx, r, AGG_DB_VISITS, s_visit_row, visits);
    if (!rc)
        rc = s_rows(tx, r, AGG_DB_BYSTATE, s_report_row, reports);
    return rc ? rc : s_dialogues(tx, r, dialogues);
}

/* ----------------------------------------------------------------- art17 */

static bool s_in(const json_t *sorted, const char *code)
{
    size_t i;
    json_t *v;
    json_array_foreach(sorted, i, v)
    {
        if (strcmp(json_string_value(v), code) == 0)
            return true;
    }
    return false;
}

/*  One row per State on either list, in alpha-3 order. */
static int s_art17_row(agg_tx_t *tx, request_t *r, const char *code,
                       bool listed, bool computed, json_t *rows)
{
    agg_state_rec_t rec;
    request_t one = *r;
    memcpy(one.state, code, 4);
    int rc = s_state_rec(tx, &one, &rec);
    int32_t due = AGG_NEVER;
    if (!rc && rec.ratified_on <= r->as_of)
        rc = agg_npm_due(tx, code, &rec, r->as_of, &due, NULL);
    const char *name = names_en(r->names, code);
    json_t *row =
        json_pack("{s:s,s:o,s:b,s:b,s:o,s:s?}", "state", code, "name",
                  name ? json_string(name) : json_null(), "on_spt_list", listed,
                  "overdue_computed", computed, "npm_due",
                  s_date_or_null(due, AGG_NEVER - 1), "difference",
                  listed == computed ? NULL
                  : listed           ? "spt_list_only"
                                     : "computed_only");
    s_set_date(row, "party_since", rec.ratified_on, rec.ratified_from,
               r->as_of);
    s_set_date(row, "designated_on", rec.designated_on, rec.designated_from,
               r->as_of);
    if (due != AGG_NEVER && rec.ratified_from != rec.ratified_on)
        json_object_set_new(row, "npm_due_upper_bound", json_true());
    json_array_append_new(rows, row);
    return rc;
}

static int s_art17(agg_tx_t *tx, request_t *r)
{
    json_t *list = json_array(), *computed = json_array(), *rows = json_array();
    json_t *only_list = json_array(), *only_computed = json_array();
    r->reply = json_pack("{s:o,s:o,s:o,s:o,s:{s:o,s:o}}", "as_of",
                         s_date_or_null(r->as_of, r->as_of), "art17_list", list,
                         "art17_overdue_computed", computed, "states", rows,
                         "differences", "spt_list_only", only_list,
                         "computed_only", only_computed);
    int rc = agg_npm_art17_list(tx, r->as_of, list);
    if (!rc)
        rc = agg_npm_art17_overdue(tx, r->as_of, computed);
    bool partial = false;
    if (!rc)
        rc = agg_known_vague_in(tx, AGG_VAGUE_ART17, INT32_MIN, r->as_of, NULL,
                                &partial);
    if (!rc && partial) /* a listing may or may not be in force that day */
        json_object_set_new(r->reply, "incomplete",
                            json_pack("[s]", "art17_list"));
    size_t i = 0, j = 0;
    while (!rc &&
           (i < json_array_size(list) || j < json_array_size(computed))) {
        const char *a = json_string_value(json_array_get(list, i));
        const char *b = json_string_value(json_array_get(computed, j));
        int cmp = !a ? 1 : !b ? -1 : strcmp(a, b);
        const char *code = cmp <= 0 ? a : b;
        bool in_list = s_in(list, code), in_computed = s_in(computed, code);
        rc = s_art17_row(tx, r, code, in_list, in_computed, rows);
        if (in_list != in_computed)
            json_array_append_new(in_list ? only_list : only_computed,
                                  json_string(code));
        i += cmp <= 0;
        j += cmp >= 0;
    }
    return rc;
}

/* ------------------------------------------------------------- dispatch */

static int s_read(void *arg, MDB_txn *txn)
{
    request_t *r = arg;
    agg_tx_t tx;
    agg_query_tx(r->kv, txn, &tx);
    if (strcmp(r->op, "stats") == 0) {
        int rc = 0;
        r->reply = agg_stats_build(&tx, r->regions, r->as_of, r->from, &rc);
        return rc;
    }
    if (strcmp(r->op, "state") == 0)
        return s_state(&tx, r);
    return s_art17(&tx, r);
}

json_t *agg_query_run(kv_t *kv, const agg_regions_t *regions,
                      const names_t *names, int32_t today,
                      const json_t *request, err_t *err)
{
    request_t r = {.regions = regions, .names = names, .today = today};
    r.op = json_string_value(json_object_get(request, "op"));
    if (!r.op || (strcmp(r.op, "stats") != 0 && strcmp(r.op, "state") != 0 &&
                  strcmp(r.op, "art17") != 0)) {
        err_set(err, OPCAT_EINVAL, "op",
                "op: unknown operation \"%.40s\" (stats, state, art17, "
                "status)",
                r.op ? r.op : "");
        return NULL;
    }
    if (s_params(&r, request, err))
        return NULL;
    r.kv = kv;
    if (kv_read(kv, s_read, &r, err)) {
        json_decref(r.reply);
        return NULL;
    }
    return r.reply;
}

json_t *agg_query_answer(void *arg, consumer_t *consumer, const json_t *request,
                         err_t *err)
{
    const agg_service_t *service = arg;
    return agg_query_run(consumer_kv(consumer), service->regions,
                         service->names, dayclock_today(&service->clock),
                         request, err);
}
