/*  query: the OPCAT_REMINDERS answers.

      {"op": "reminders", "as_of": "YYYY-MM-DD", "state": "PER",
       "rule": "art12", "limit": N}
        -> {"as_of": D, "count": n, "truncated": false, "reminders": [
              {"rule", "kind", "state", "subject", "opened_on", "due_on",
               "stage", "days_late"[, "opened_on_precision",
               "due_upper_bound"]}, ...],
            "encouragements": [{"rule", "kind", "state", "subject",
               "opened_on", "due_on", "stage"[, ...]}, ...]}
                                            each sorted by due_on, rule,
                                            subject
           "reminders" holds the obligations (kind "obligation", with
           days_late) and the notices (kind "notice", never late);
           "encouragements" the art. 16 publication reminders (kind
           "encouragement"), listed apart because the treaty sets no
           deadline for them: no days_late.  count covers both lists,
           limit both together.  An obligation's stage is "unknown"
           (days_late 0) when the dataset.coverage events leave out a
           day, from the earliest it may have opened on to as_of, on
           which the fact closing it could lie.

      {"op": "issued", "state": ..., "rule": ..., "limit": N}
        -> {"count": n, "truncated": false, "issued": [
              {"rule", "state", "subject", "stage", "due_on", "issued_on"}]}
                                            sorted by issued_on, rule, subject

      {"op": "due", "as_of": "YYYY-MM-DD", "limit": N}
        -> {"as_of": D, "count": n, "truncated": false, "pending_index": k,
            "due": [{"rule", "state", "subject", "due_on", "next_on",
            "stage"}, ...]}                 in next_on order
           what the firing timer would look at for day D: the open
           deadlines whose next stage occurrence is on or before D, read
           from the by-day index only (nothing past D, nothing past the
           limit).  pending_index: index changes staged during a catch-up
           and not merged yet (the answer may lag them; 0 when caught up).

      {"op": "service"}
        -> the consumer's status (position, head, lag, caught_up, ...) and
           {"today": D, "idle": true when every reminder due today was
           handled after the last event applied, "issued", "duplicates",
           "refused", "failed_rounds": counts of this run}

    Every member of a request but "op" is optional; as_of defaults to the
    service's today.  A deadline is open as of D when it opened on or
    before D and its closing event is not dated on or before D. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "metrics.h"
#include "proj.h"
#include "rem.h"

#define QUERY_LIMIT_DEFAULT 100000

/*  A parsed request. */
typedef struct {
    const rem_t *self;
    const kv_t *kv;
    int32_t as_of;
    const char *state; /* NULL: any */
    const char *rule;  /* prefix, NULL: any */
    size_t limit;
    json_t *list;
    json_t *encouragements; /* "reminders": the encouragement kind */
    bool truncated;
    size_t pending;    /* "due": staged index changes */
    coverage_t *cover; /* the dataset.coverage intervals, while reading */
} filter_t;

static int s_parse(filter_t *f, const json_t *req, err_t *err)
{
    const json_t *as_of = json_object_get(req, "as_of");
    const json_t *state = json_object_get(req, "state");
    const json_t *rule = json_object_get(req, "rule");
    const json_t *limit = json_object_get(req, "limit");
    f->as_of = dayclock_today(&f->self->clock);
    f->limit = QUERY_LIMIT_DEFAULT;
    if (as_of && !date_parse(json_string_value(as_of), &f->as_of))
        return err_set(err, OPCAT_EINVAL, "as_of",
                       "as_of: must be a date YYYY-MM-DD");
    if (state && (!json_is_string(state) || json_string_length(state) != 3))
        return err_set(err, OPCAT_EINVAL, "state",
                       "state: must be an ISO 3166-1 alpha-3 code");
    if (rule && !json_is_string(rule))
        return err_set(err, OPCAT_EINVAL, "rule",
                       "rule: must be a string (a prefix of rule names)");
    if (limit && (!json_is_integer(limit) || json_integer_value(limit) < 1))
        return err_set(err, OPCAT_EINVAL, "limit",
                       "limit: must be a positive whole number");
    f->state = json_string_value(state);
    f->rule = json_string_value(rule);
    if (limit)
        f->limit = (size_t)json_integer_value(limit);
    return OPCAT_OK;
}

static bool s_match(const filter_t *f, rem_rule_t rule, const char *state)
{
    const char *name = rem_rule_name(rule);
    if (!name || (f->state && strcmp(f->state, state) != 0))
        return false;
    return !f->rule || strncmp(name, f->rule, strlen(f->rule)) == 0;
}

static json_t *s_day(int32_t day)
{
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    return json_string(text);
}

/*  Adds 'item' to 'list' (the answer's or its encouragements), or notes
    that the limit, over both lists, was reached. */
static int s_add_to(filter_t *f, json_t *list, json_t *item)
{
    if (json_array_size(f->list) + json_array_size(f->encouragements) >=
        f->limit) {
        f->truncated = true;
        json_decref(item);
        return 0;
    }
    return item && json_array_append_new(list, item) == 0 ? 0 : OPCAT_ENOMEM;
}

static int s_add(filter_t *f, json_t *item)
{
    return s_add_to(f, f->list, item);
}

/*  The due day of 'd' as known on 'as_of': an NPM deadline moves with
    the art. 24 declarations made by then (common/domain/obligation.h). */
static int32_t s_due_as_of(const filter_t *f, MDB_txn *txn,
                           const rem_deadline_t *d)
{
    if (d->rule != REM_RULE_NPM_DESIGNATION)
        return d->due;
    return rem_proj_npm_due(f->kv, txn, d->state, d->due, f->as_of);
}

/*  Adds to 'item' what says how well the deadline is known: the opening
    day's precision and "due_upper_bound" when that day is not known
    (the due day was computed from its latest possible day). */
static void s_precision(json_t *item, const rem_deadline_t *d)
{
    if (d->opened_from == d->opened || d->opened_from == REM_NEVER)
        return;
    json_object_set_new(item, "opened_on_precision",
                        json_string(datefmt_precision_name(
                            datefmt_precision_of(d->opened_from, d->opened))));
    json_object_set_new(item, "due_upper_bound", json_true());
}

static int s_on_deadline(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    filter_t *f = arg;
    if (d->opened > f->as_of || d->closed <= f->as_of ||
        !s_match(f, d->rule, d->state))
        return 0;
    rem_kind_t kind = rem_rule_kind(d->rule);
    rem_occurrence_t occ = rem_stage_at(&f->self->rules, d->rule, d->opened,
                                        s_due_as_of(f, txn, d), f->as_of);
    /* an obligation whose closing fact could be unrecorded is "unknown",
       never overdue, and has no days late */
    bool unknown = kind == REM_KIND_OBLIGATION && coverage_any(f->cover) &&
                   rem_proj_unknown(f->cover, d, f->as_of);
    json_t *item = json_pack(
        "{s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "rule", rem_rule_name(d->rule), "kind",
        rem_kind_name(kind), "state", d->state, "subject", d->subject,
        "opened_on", s_day(d->opened), "due_on", s_day(occ.due), "stage",
        unknown ? "unknown" : rem_stage_name(occ.stage));
    if (item && kind == REM_KIND_OBLIGATION)
        json_object_set_new(item, "days_late",
                            json_integer(!unknown && f->as_of > occ.due
                                             ? f->as_of - occ.due
                                             : 0));
    if (item)
        s_precision(item, d);
    return s_add_to(
        f, kind == REM_KIND_ENCOURAGEMENT ? f->encouragements : f->list, item);
}

static int s_on_fired(void *arg, const rem_fired_t *r)
{
    filter_t *f = arg;
    if (!s_match(f, r->rule, r->state))
        return 0;
    json_t *item = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:o,s:o}", "rule", rem_rule_name(r->rule), "kind",
        rem_kind_name(rem_rule_kind(r->rule)), "state", r->state, "subject",
        r->subject, "stage", rem_stage_name(r->stage), "due_on", s_day(r->due),
        "issued_on", s_day(r->issued_on));
    return s_add(f, item);
}

static int s_read_deadlines(void *arg, MDB_txn *txn)
{
    filter_t *f = arg;
    int rc = rem_proj_coverage(f->kv, txn, &f->cover);
    if (!rc)
        rc = rem_proj_each_deadline(f->kv, txn, s_on_deadline, f);
    coverage_destroy(&f->cover);
    return rc;
}

static int s_on_due(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    (void)txn;
    filter_t *f = arg;
    rem_occurrence_t occ =
        rem_stage_at(&f->self->rules, d->rule, d->opened, d->due, f->as_of);
    return s_add(f, json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "rule",
                              rem_rule_name(d->rule), "kind",
                              rem_kind_name(rem_rule_kind(d->rule)), "state",
                              d->state, "subject", d->subject, "due_on",
                              s_day(occ.due), "next_on", s_day(d->next),
                              "stage", rem_stage_name(occ.stage)));
}

/*  The "due" answer: one more than the limit is read, to tell whether
    the list was cut. */
static int s_read_due(void *arg, MDB_txn *txn)
{
    filter_t *f = arg;
    f->pending = rem_proj_staged(f->kv, txn);
    return rem_proj_due(f->kv, txn, f->as_of, f->limit + 1, s_on_due, f, NULL);
}

static int s_read_fired(void *arg, MDB_txn *txn)
{
    filter_t *f = arg;
    return rem_proj_each_fired(f->kv, txn, s_on_fired, f);
}

/*  Orders answers by 'first' (a date member), then rule, then subject. */
static int s_compare(const json_t *a, const json_t *b, const char *first)
{
    static const char *const keys[] = {"", "rule", "subject", "stage"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *k = i ? keys[i] : first;
        int c = strcmp(json_string_value(json_object_get(a, k)),
                       json_string_value(json_object_get(b, k)));
        if (c)
            return c;
    }
    return 0;
}

static int s_by_due(const void *a, const void *b)
{
    return s_compare(*(json_t *const *)a, *(json_t *const *)b, "due_on");
}

static int s_by_issued(const void *a, const void *b)
{
    return s_compare(*(json_t *const *)a, *(json_t *const *)b, "issued_on");
}

/*  Sorts the JSON array 'list' in place with 'cmp'. */
static int s_sort(json_t *list, int (*cmp)(const void *, const void *))
{
    size_t n = json_array_size(list);
    json_t **items = malloc((n ? n : 1) * sizeof *items);
    if (!items)
        return OPCAT_ENOMEM;
    for (size_t i = 0; i < n; i++)
        items[i] = json_incref(json_array_get(list, i));
    qsort(items, n, sizeof *items, cmp);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, items[i]);
    free(items);
    return OPCAT_OK;
}

static json_t *s_service(const rem_t *self, consumer_t *consumer)
{
    int32_t today = dayclock_today(&self->clock);
    bool idle = consumer_caught_up(consumer) && self->done_day == today &&
                self->done_at == consumer_position(consumer);
    json_t *reply = json_pack(
        "{s:o,s:b,s:I,s:I,s:I,s:I}", "today", s_day(today), "idle", idle,
        "issued", (json_int_t)self->fired, "duplicates",
        (json_int_t)self->duplicates, "refused", (json_int_t)self->refused,
        "failed_rounds", (json_int_t)self->failures);
    if (reply)
        consumer_status(consumer, reply);
    return reply;
}

static json_t *s_due(const rem_t *self, consumer_t *consumer,
                     const json_t *request, err_t *err)
{
    filter_t f = {.self = self, .kv = consumer_kv(consumer)};
    if (s_parse(&f, request, err) || !(f.list = json_array()))
        return NULL;
    if (f.state || f.rule) {
        json_decref(f.list);
        err_set(err, OPCAT_EINVAL, f.state ? "state" : "rule",
                "%s: not a filter of op due (it reads the index in day "
                "order only)",
                f.state ? "state" : "rule");
        return NULL;
    }
    if (kv_read(consumer_kv(consumer), s_read_due, &f, err)) {
        json_decref(f.list);
        return NULL;
    }
    return json_pack("{s:o,s:i,s:b,s:I,s:o}", "as_of", s_day(f.as_of), "count",
                     (json_int_t)json_array_size(f.list), "truncated",
                     f.truncated, "pending_index", (json_int_t)f.pending, "due",
                     f.list);
}

json_t *rem_query(void *arg, consumer_t *consumer, const json_t *request,
                  err_t *err)
{
    const char *op = json_string_value(json_object_get(request, "op"));
    if (strcmp(op, "service") == 0)
        return s_service(arg, consumer);
    if (strcmp(op, "due") == 0)
        return s_due(arg, consumer, request, err);
    bool issued = strcmp(op, "issued") == 0;
    if (!issued && strcmp(op, "reminders") != 0) {
        err_set(err, OPCAT_EINVAL, "op",
                "op: unknown operation \"%.40s\" (reminders, issued, due, "
                "service, status)",
                op);
        return NULL;
    }
    filter_t f = {.self = arg, .kv = consumer_kv(consumer)};
    if (s_parse(&f, request, err) || !(f.list = json_array()) ||
        (!issued && !(f.encouragements = json_array()))) {
        json_decref(f.list);
        return NULL;
    }
    int rc = kv_read(consumer_kv(consumer),
                     issued ? s_read_fired : s_read_deadlines, &f, err);
    if (!rc)
        rc = s_sort(f.list, issued ? s_by_issued : s_by_due);
    if (!rc && !issued)
        rc = s_sort(f.encouragements, s_by_due);
    json_t *reply =
        rc ? NULL
           : json_pack("{s:i,s:b}", "count",
                       (json_int_t)(json_array_size(f.list) +
                                    json_array_size(f.encouragements)),
                       "truncated", f.truncated);
    if (!reply) {
        json_decref(f.list);
        json_decref(f.encouragements);
        if (!err->code)
            err_set(err, rc ? rc : OPCAT_ENOMEM, "",
                    "reading the reminders failed");
        return NULL;
    }
    if (!issued) {
        json_object_set_new(reply, "as_of", s_day(f.as_of));
        json_object_set_new(reply, "encouragements", f.encouragements);
    }
    json_object_set_new(reply, issued ? "issued" : "reminders", f.list);
    return reply;
}

/*  Counts the deadlines of the array 'list' by rule and stage into
    'counts' ({"rule": {"stage": n}}). */
static void s_count_open(json_t *counts, const json_t *list)
{
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *rule = json_string_value(json_object_get(item, "rule"));
        const char *stage = json_string_value(json_object_get(item, "stage"));
        if (!rule || !stage)
            continue;
        json_t *by_stage = json_object_get(counts, rule);
        if (!by_stage)
            json_object_set_new(counts, rule, by_stage = json_object());
        json_int_t n = json_integer_value(json_object_get(by_stage, stage));
        json_object_set_new(by_stage, stage, json_integer(n + 1));
    }
}

int rem_metrics(void *arg, consumer_t *consumer, json_t *set, err_t *err)
{
    const rem_t *self = arg;
    json_t *request = json_pack("{s:s}", "op", "reminders");
    json_t *open = request ? rem_query(arg, consumer, request, err) : NULL;
    json_t *counts = json_object();
    json_decref(request);
    if (!open || !counts) {
        json_decref(open);
        json_decref(counts);
        return err->code ? err->code
                         : err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    }
    s_count_open(counts, json_object_get(open, "reminders"));
    s_count_open(counts, json_object_get(open, "encouragements"));
    const char *rule, *stage;
    json_t *by_stage, *n;
    json_object_foreach(counts, rule, by_stage)
    {
        json_object_foreach(by_stage, stage, n)
        {
            metrics_add(set, "opcat_reminders_open", "gauge",
                        "Deadlines open today, by rule and stage.",
                        json_pack("{s:s,s:s}", "rule", rule, "stage", stage),
                        (double)json_integer_value(n));
        }
    }
    json_decref(counts);
    json_decref(open);
    const struct {
        const char *name, *help;
        uint64_t value;
    } counters[] = {
        {"opcat_reminders_issued_total",
         "Reminders issued (reminder.issued stored) this run.", self->fired},
        {"opcat_reminders_duplicates_total",
         "Reminders found already issued when firing.", self->duplicates},
        {"opcat_reminders_refused_total", "Reminders the store refused.",
         self->refused},
        {"opcat_reminders_failed_rounds_total",
         "Firing rounds that failed and were retried.", self->failures}};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        metrics_add(set, counters[i].name, "counter", counters[i].help, NULL,
                    (double)counters[i].value);
    return OPCAT_OK;
}
