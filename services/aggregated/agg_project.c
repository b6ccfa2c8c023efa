/*  project: one event into the tables.  Every function returns 0 or an
    mdb_* call's code, for kv_write to translate (kv.h). */
#include "agg_project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_known.h"
#include "agg_fund.h"
#include "be64.h"
#include "date.h"
#include "datefmt.h"
#include "err.h"
#include "validate.h"

typedef Opcat__V1__Envelope__BodyCase body_case_t;

/*  The earliest day the event's date may stand for; 'day' is its latest. */
static int32_t s_from(const event_t *e, int32_t day)
{
    return event_earliest(e, day);
}

/*  Keeps in (*on, *from) the first of two dates, each a latest day and an
    earliest; on a tie, the better known (the later earliest day). */
static void s_keep_first(int32_t *on, int32_t *from, int32_t day,
                         int32_t day_from)
{
    if (day < *on || (day == *on && day_from > *from)) {
        *on = day;
        *from = day_from;
    }
}

/*  Counts the event in SETS when its day is known, else in VAGUE. */
static int s_set_add(agg_tx_t *tx, const event_t *e, char kind, int32_t day,
                     int32_t delta)
{
    int32_t from = s_from(e, day);
    if (from == day)
        return agg_tab_set_add(tx, kind, e->state, day, delta);
    return agg_known_vague_add(tx, kind, e->state, day, from, delta);
}

static int s_mark(agg_tx_t *tx, int db, const uint8_t *key, size_t len)
{
    uint8_t one = 1;
    return agg_tab_put(tx, db, key, len, &one, 1);
}

/*  Keeps the first date of a State fact (signed, ratified, designated).
    The record is compared and stored whole, so its padding is zeroed
    first: bytes left undefined would make two equal records differ. */
static int s_state_fact(agg_tx_t *tx, const event_t *e, int32_t day)
{
    agg_state_rec_t rec, old;
    const agg_state_rec_t none = AGG_STATE_REC_NONE;
    memset(&rec, 0, sizeof rec);
    rec.signed_on = none.signed_on, rec.signed_from = none.signed_from;
    rec.ratified_on = none.ratified_on, rec.ratified_from = none.ratified_from;
    rec.designated_on = none.designated_on;
    rec.designated_from = none.designated_from;
    rec.instrument = none.instrument;
    int rc = agg_tab_get(tx, AGG_DB_STATES, e->state, 3, &rec, sizeof rec);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    memcpy(&old, &rec, sizeof rec);
    int32_t from = s_from(e, day);
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED:
        s_keep_first(&rec.signed_on, &rec.signed_from, day, from);
        break;
    case OPCAT__V1__ENVELOPE__BODY_STATE_RATIFIED: {
        char inst = e->state_ratified->instrument[0];
        if (day < rec.ratified_on ||
            (day == rec.ratified_on && inst < rec.instrument))
            rec.instrument = inst;
        s_keep_first(&rec.ratified_on, &rec.ratified_from, day, from);
        break;
    }
    default: /* npm.designated */
        s_keep_first(&rec.designated_on, &rec.designated_from, day, from);
        break;
    }
    if (rc == 0 && memcmp(&old, &rec, sizeof rec) == 0)
        return 0;
    return agg_tab_put(tx, AGG_DB_STATES, e->state, 3, &rec, sizeof rec);
}

/*  Key state(3) day(4) seq(8) of the ART24 and NPM tables. */
static void s_dated_key(uint8_t key[15], const event_t *e, int32_t day)
{
    memcpy(key, e->state, 3);
    date_key_put(key + 3, day);
    be64_put(key + 7, e->sequence);
}

static int s_art24(agg_tx_t *tx, const event_t *e, int32_t day)
{
    uint8_t key[15];
    s_dated_key(key, e, day);
    const Opcat__V1__StateDeclaredArt24 *b = e->state_declared_art24;
    uint8_t val[3] = {strcmp(b->part, "IV") == 0 ? 4 : 3, (uint8_t)b->years,
                      b->extension ? 1 : 0};
    return agg_tab_put(tx, AGG_DB_ART24, key, sizeof key, val, sizeof val);
}

static int s_npm(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__NpmDesignated *b =
        e->body_case == OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED
            ? e->npm_designated
            : e->npm_changed;
    uint8_t key[15];
    s_dated_key(key, e, day);
    char val[VALIDATE_TEXT_MAX + 24];
    int n = snprintf(
        val, sizeof val, "%c%s%c%s",
        e->body_case == OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED ? 'd' : 'c',
        b->model, 0, b->body);
    if (n < 0 || (size_t)n >= sizeof val)
        n = sizeof val - 1;
    int rc = agg_tab_put(tx, AGG_DB_NPM, key, sizeof key, val, (size_t)n + 1);
    if (rc || e->body_case != OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED)
        return rc;
    rc = s_set_add(tx, e, AGG_SET_DESIGNATED, day, 1);
    return rc ? rc : s_state_fact(tx, e, day);
}

static int s_art17(agg_tx_t *tx, const event_t *e, int32_t day)
{
    uint8_t key[8];
    memcpy(key, e->state, 3);
    date_key_put(key + 3, day);
    key[7] = e->body_case == OPCAT__V1__ENVELOPE__BODY_ART17_LISTED
                 ? AGG_ART17_LISTED
                 : AGG_ART17_DELISTED;
    int rc = s_mark(tx, AGG_DB_ART17, key, sizeof key);
    /* a listing or delisting whose day is not known takes effect on its
       latest day; VAGUE tells the lists it may have come earlier */
    if (!rc && s_from(e, day) != day)
        rc = agg_known_vague_add(tx, AGG_VAGUE_ART17, e->state, day,
                                 s_from(e, day), 1);
    return rc;
}

/* ---------------------------------------------------------------- visits */

static const char *s_visit_id(const event_t *e)
{
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
        return e->visit_planned->visit_id;
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
        return e->visit_postponed->visit_id;
    default:
        return e->visit_completed->visit_id;
    }
}

static int32_t s_date_or_never(const char *text)
{
    int32_t day;
    return text && date_parse(text, &day) ? day : AGG_NEVER;
}

/*  Merges a visit.completed into the visit's record: the first day, with
    its start and how well it is known (on a tie, the better known, so
    that the record does not depend on the order of the events). */
static void s_visit_completed(agg_visit_rec_t *v, const event_t *e, int32_t day)
{
    uint8_t precision = (uint8_t)datefmt_precision_of(s_from(e, day), day);
    if (day < v->completed_on) {
        v->completed_start = s_date_or_never(e->visit_completed->start);
        v->completed_precision = precision;
    } else if (day == v->completed_on && precision < v->completed_precision) {
        v->completed_precision = precision;
    }
    v->completed_on = date_min(v->completed_on, day);
    if (!v->kind[0])
        snprintf(v->kind, sizeof v->kind, "%s", e->visit_completed->kind);
}

/*  Merges the event into the visit's record (first date of each step). */
static void s_visit_merge(agg_visit_rec_t *v, const event_t *e, int32_t day)
{
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED) {
        if (day < v->planned_on) {
            snprintf(v->kind, sizeof v->kind, "%s", e->visit_planned->kind);
            v->start = s_date_or_never(e->visit_planned->start);
        }
        v->planned_on = date_min(v->planned_on, day);
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED) {
        v->postponed_on = date_min(v->postponed_on, day);
    } else {
        s_visit_completed(v, e, day);
    }
}

/*  The counts of a completed visit: places, interviews, the State. */
static int s_visit_counts(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__VisitCompleted *b = e->visit_completed;
    uint32_t places[PLACE_KINDS];
    place_counts(b->places, places);
    int rc = s_set_add(tx, e, AGG_SET_COMPLETED, day, 1);
    for (int i = 0; i < PLACE_KINDS && !rc; i++) {
        char sub[3] = {(char)i, 0, 0};
        if (places[i])
            rc = agg_tab_sum_add(tx, AGG_SUM_PLACES, sub, day, places[i]);
    }
    if (!rc && b->interviews)
        rc = agg_tab_sum_add(tx, AGG_SUM_INTERVIEWS, NULL, day, b->interviews);
    if (!rc && b->persons_interviewed)
        rc = agg_tab_sum_add(tx, AGG_SUM_PERSONS, NULL, day,
                             b->persons_interviewed);
    return rc;
}

static int s_visit(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const char *id = s_visit_id(e);
    uint8_t key[3 + AGG_ID_MAX];
    size_t id_len = strnlen(id, AGG_ID_MAX);
    memcpy(key, e->state, 3);
    memcpy(key + 3, id, id_len);
    agg_visit_rec_t v;
    memset(&v, 0, sizeof v);
    v.planned_on = v.start = v.postponed_on = v.completed_on =
        v.completed_start = AGG_NEVER;
    int rc = agg_tab_get(tx, AGG_DB_VISITS, key, 3 + id_len, &v, sizeof v);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    s_visit_merge(&v, e, day);
    rc = agg_tab_put(tx, AGG_DB_VISITS, key, 3 + id_len, &v, sizeof v);
    if (rc)
        return rc;
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED)
        return s_set_add(tx, e, AGG_SET_POSTPONED, day, 1);
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED)
        return s_visit_counts(tx, e, day);
    return 0;
}

/* --------------------------------------------------------------- reports */

/*  Adds ('sign' 1) or takes out (-1) everything a report record counts
    for: totals, per-State sets and the reply-overdue coverage. */
static int s_report_effects(agg_tx_t *tx, const agg_report_rec_t *r, int sign)
{
    if (r->recipient != 's' || r->transmitted_on == AGG_NEVER)
        return 0;
    const struct {
        int32_t day, from;
        char tag;
    } steps[] = {
        {r->transmitted_on, r->transmitted_from, AGG_SUM_TRANSMITTED},
        {r->published_on, r->published_from, AGG_SUM_PUBLISHED},
        {r->received_on, r->received_from, AGG_SUM_RECEIVED},
        {r->reply_published_on, r->reply_published_from, AGG_SUM_REPLY_PUB}};
    int rc = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && !rc; i++) {
        if (steps[i].day == AGG_NEVER)
            continue;
        /* SUMS tags and SETS kinds share their letters; a step whose day
           is not known counts on its latest day and lists in VAGUE */
        rc = agg_tab_sum_add(tx, steps[i].tag, NULL, steps[i].day, sign);
        if (!rc && steps[i].from == steps[i].day)
            rc =
                agg_tab_set_add(tx, steps[i].tag, r->state, steps[i].day, sign);
        else if (!rc)
            rc = agg_known_vague_add(tx, steps[i].tag, r->state, steps[i].day,
                                     steps[i].from, sign);
    }
    /* overdue on the days [deadline + 1, first reply) */
    int32_t late = date_add_months(r->transmitted_on, 6) + 1;
    if (!rc)
        rc = agg_tab_sum_add(tx, AGG_SUM_OVERDUE, r->state, late, sign);
    if (!rc && r->received_on != AGG_NEVER)
        rc = agg_tab_sum_add(tx, AGG_SUM_OVERDUE, r->state,
                             r->received_on > late ? r->received_on : late,
                             -sign);
    return rc;
}

/*  Keeps the first (date, symbol) of a step. */
static void s_first(int32_t *on, int32_t *from, char *symbol, int32_t day,
                    int32_t day_from, const char *sym)
{
    if (day < *on || (day == *on && day_from > *from) ||
        (day == *on && day_from == *from && strcmp(sym, symbol) < 0)) {
        *on = day;
        *from = day_from;
        snprintf(symbol, AGG_ID_MAX + 1, "%s", sym);
    }
}

static void s_report_merge(agg_report_rec_t *r, const event_t *e, int32_t day)
{
    int32_t from = s_from(e, day);
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
        r->recipient = e->report_transmitted->recipient[0] == 'n' ? 'n' : 's';
        s_keep_first(&r->transmitted_on, &r->transmitted_from, day, from);
        snprintf(r->visit_id, sizeof r->visit_id, "%s",
                 e->report_transmitted->visit_id);
        break;
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
        s_first(&r->published_on, &r->published_from, r->symbol, day, from,
                e->report_published->symbol);
        break;
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
        s_keep_first(&r->received_on, &r->received_from, day, from);
        break;
    default: /* reply.published */
        s_first(&r->reply_published_on, &r->reply_published_from,
                r->reply_symbol, day, from, e->reply_published->symbol);
        break;
    }
}

static int s_report(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const char *id = event_report_id(e);
    size_t id_len = strnlen(id, AGG_ID_MAX);
    agg_report_rec_t old, rec;
    memset(&old, 0, sizeof old);
    memcpy(old.state, e->state, 3);
    old.transmitted_on = old.published_on = old.received_on =
        old.reply_published_on = AGG_NEVER;
    old.transmitted_from = old.published_from = old.received_from =
        old.reply_published_from = AGG_NEVER;
    int rc = agg_tab_get(tx, AGG_DB_REPORTS, id, id_len, &old, sizeof old);
    if (rc && rc != MDB_NOTFOUND)
        return rc;
    bool fresh = rc == MDB_NOTFOUND;
    rec = old;
    s_report_merge(&rec, e, day);
    if (!fresh && memcmp(&old, &rec, sizeof rec) == 0)
        return 0;
    rc = s_report_effects(tx, &old, -1);
    if (!rc)
        rc = s_report_effects(tx, &rec, 1);
    if (!rc)
        rc = agg_tab_put(tx, AGG_DB_REPORTS, id, id_len, &rec, sizeof rec);
    if (!rc && fresh) {
        uint8_t key[3 + AGG_ID_MAX];
        memcpy(key, rec.state, 3);
        memcpy(key + 3, id, id_len);
        rc = s_mark(tx, AGG_DB_BYSTATE, key, 3 + id_len);
    }
    return rc;
}

/* ------------------------------------------------------------------ fund */

static int s_money(agg_tx_t *tx, char tag, const char *amount,
                   const char *currency, int32_t day)
{
    int64_t cents;
    if (!validate_parse_amount(amount, &cents) || strlen(currency) != 3)
        return 0; /* the store validated it; nothing to count otherwise */
    uint8_t name[4] = {(uint8_t)tag};
    memcpy(name + 1, currency, 3);
    int rc = s_mark(tx, AGG_DB_NAMES, name, sizeof name);
    return rc ? rc : agg_tab_sum_add(tx, tag, currency, day, cents);
}

/*  A contribution whose day is not known is also noted in VAGUE, so that
    a period it may or may not lie in is known to be incomplete. */
static int s_contribution(agg_tx_t *tx, const event_t *e, int32_t day)
{
    int rc = s_money(tx, AGG_SUM_CONTRIB, e->fund_contribution->amount,
                     e->fund_contribution->currency, day);
    if (!rc && s_from(e, day) != day)
        rc = agg_known_vague_add(tx, AGG_SUM_CONTRIB, e->state, day,
                                 s_from(e, day), 1);
    return rc;
}

static int s_grant(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__FundGrant *b = e->fund_grant;
    int rc = agg_tab_sum_add(tx, AGG_SUM_GRANTS, NULL, day, 1);
    if (!rc)
        rc = s_money(tx, AGG_SUM_GRANT_AMOUNT, b->amount, b->currency, day);
    if (!rc && e->state[0])
        rc = s_set_add(tx, e, AGG_SET_GRANT, day, 1);
    else if (!rc && s_from(e, day) != day)
        rc = agg_known_vague_add(tx, AGG_SET_GRANT, NULL, day, s_from(e, day),
                                 1);
    return rc;
}

static int s_summary(agg_tx_t *tx, const event_t *e)
{
    const Opcat__V1__PeriodSummary *b = e->period_summary;
    int32_t from, to;
    if (!date_parse(b->from, &from) || !date_parse(b->to, &to))
        return 0;
    agg_summary_rec_t rec;
    memset(&rec, 0, sizeof rec);
    place_counts(b->places, rec.places);
    rec.interviews = b->interviews;
    rec.persons = b->persons_interviewed;
    rec.grants = b->grants;
    rec.grant_states = b->grant_states;
    if (b->grants && validate_parse_amount(b->grant_amount, &rec.grant_cents))
        snprintf(rec.currency, sizeof rec.currency, "%s", b->grant_currency);
    rec.places_total = b->places_total;
    rec.more_than = b->more_than;
    snprintf(rec.named, sizeof rec.named, "%s", b->grant_states_named);
    rec.reports_transmitted = b->reports_transmitted;
    uint8_t key[16];
    date_key_put(key, from);
    date_key_put(key + 4, to);
    be64_put(key + 8, e->sequence);
    int rc = agg_tab_put(tx, AGG_DB_SUMMARY, key, sizeof key, &rec, sizeof rec);
    if (!rc && rec.currency[0]) {
        uint8_t name[4] = {AGG_SUM_GRANT_AMOUNT};
        memcpy(name + 1, rec.currency, 3);
        rc = s_mark(tx, AGG_DB_NAMES, name, sizeof name);
    }
    return rc;
}

/*  Writes 'item' (stolen) to ITEMS under ('kind', 'day', 'sub' (8 bytes
    that order the items of one day by content, not by arrival), the
    event's sequence). */
static int s_item(agg_tx_t *tx, char kind, const event_t *e, int32_t day,
                  const uint8_t sub[8], json_t *item)
{
    char *text = item ? json_dumps(item, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(item);
    if (!text)
        return OPCAT_ENOMEM;
    uint8_t key[AGG_ITEM_KEY_LEN] = {(uint8_t)kind};
    date_key_put(key + 1, day);
    memcpy(key + 5, sub, 8);
    be64_put(key + 13, e->sequence);
    int rc = agg_tab_put(tx, AGG_DB_ITEMS, key, sizeof key, text, strlen(text));
    free(text);
    return rc;
}

/*  {number, start, end, place}; a session not dated to the day keeps
    only the days a source gives, and "occurred_on" (its latest day) with
    "occurred_on_precision", which the views print it by (and the
    "not_before" of a bounded not_after date).  Such a session is noted in
    VAGUE too, so that a period holding only part of its month is known
    to be incomplete. */
static int s_session(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__SessionHeld *b = e->session_held;
    uint8_t sub[8] = {0};
    be64_put(sub, b->number);
    json_t *item =
        json_pack("{s:i,s:s}", "number", (int)b->number, "place", b->place);
    if (item && b->start && *b->start)
        json_object_set_new(item, "start", json_string(b->start));
    if (item && b->end && *b->end)
        json_object_set_new(item, "end", json_string(b->end));
    if (item && datefmt_is_imprecise((int)e->precision)) {
        char text[DATE_TEXT_LEN];
        date_format(day, text);
        json_object_set_new(item, "occurred_on", json_string(text));
        json_object_set_new(
            item, "occurred_on_precision",
            json_string(datefmt_precision_name((int)e->precision)));
        if (e->not_before && *e->not_before)
            json_object_set_new(item, "not_before", json_string(e->not_before));
    }
    int rc = s_item(tx, AGG_ITEM_SESSION, e, day, sub, item);
    if (!rc && s_from(e, day) != day)
        rc = agg_known_vague_add(tx, AGG_VAGUE_SESSION, NULL, day,
                                 s_from(e, day), 1);
    return rc;
}

static int s_donor(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__FundContribution *b = e->fund_contribution;
    int64_t cents;
    if (!e->state[0] || !validate_parse_amount(b->amount, &cents))
        return 0; /* an anonymous contribution counts in the sums only */
    char amount[32];
    agg_fund_amount(cents, amount);
    uint8_t sub[8] = {0};
    memcpy(sub, e->state, 3);
    memcpy(sub + 3, b->currency, strnlen(b->currency, 3));
    return s_item(tx, AGG_ITEM_CONTRIB, e, day, sub,
                  json_pack("{s:s,s:s,s:s,s:b}", "state", e->state, "amount",
                            amount, "currency", b->currency, "first",
                            b->first));
}

static int s_baseline(agg_tx_t *tx, const event_t *e, int32_t day)
{
    const Opcat__V1__Baseline *b = e->baseline;
    const struct {
        char tag;
        uint64_t n;
    } counts[] = {{AGG_SUM_TRANSMITTED, b->reports_transmitted},
                  {AGG_SUM_PUBLISHED, b->reports_published},
                  {AGG_SUM_RECEIVED, b->replies_received},
                  {AGG_SUM_REPLY_PUB, b->replies_published}};
    int rc = 0;
    for (size_t i = 0; i < 4 && !rc; i++)
        if (counts[i].n)
            rc = agg_tab_sum_add(tx, counts[i].tag, NULL, day,
                                 (int64_t)counts[i].n);
    return rc ? rc : agg_known_baseline(tx, day);
}

/*  Whether the event needs a State code and lacks one. */
static bool s_stateless(const event_t *e)
{
    return strlen(e->state) != 3;
}

int agg_proj_apply(agg_tx_t *tx, const event_t *e)
{
    int32_t day;
    if (!e->occurred_on || !date_parse(e->occurred_on, &day))
        return 0;
    /* where a computation needs one day, it takes the latest possible */
    day = datefmt_latest(day, (int)e->precision);
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_FUND_CONTRIBUTION: {
        int rc = s_contribution(tx, e, day);
        return rc ? rc : s_donor(tx, e, day);
    }
    case OPCAT__V1__ENVELOPE__BODY_SESSION_HELD:
        return s_session(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_DATASET_COVERAGE:
        return agg_known_coverage(tx, e);
    case OPCAT__V1__ENVELOPE__BODY_FUND_GRANT:
        return s_grant(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_BASELINE:
        return s_baseline(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_PERIOD_SUMMARY:
        return s_summary(tx, e);
    default:
        break;
    }
    if (s_stateless(e))
        return 0;
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED:
    case OPCAT__V1__ENVELOPE__BODY_STATE_RATIFIED:
        return s_state_fact(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_STATE_DECLARED_ART24:
        return s_art24(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED:
        return s_visit(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
    case OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED:
        return s_report(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_FOLLOWUP_DIALOGUE:
        return s_set_add(tx, e,
                         strcmp(e->followup_dialogue->with, "npm") == 0
                             ? AGG_SET_DIALOGUE_N
                             : AGG_SET_DIALOGUE,
                         day, 1);
    case OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED:
    case OPCAT__V1__ENVELOPE__BODY_NPM_CHANGED:
        return s_npm(tx, e, day);
    case OPCAT__V1__ENVELOPE__BODY_ART17_LISTED:
    case OPCAT__V1__ENVELOPE__BODY_ART17_DELISTED:
        return s_art17(tx, e, day);
    default: /* reminder.issued: not counted */
        return 0;
    }
}
