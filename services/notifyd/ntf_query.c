/*  query: the OPCAT_NOTIFY answers.

      {"op": "deliveries", "status": "pending|failed|delivered",
       "limit": N}
        -> {"count": n, "truncated": false, "deliveries": [
              {"id": "351-0", "reminder_id", "sequence", "rule",
               "subject", "state", "stage", "due_on", "issued_on",
               "channel", "destination", "status", "attempts",
               "last_error", "created_at", "last_attempt_at",
               "next_attempt_at", "delivered_at" | "failed_at"}, ...]}
                                                    in id order
      {"op": "retry", "id": "351-0" | "all"}
        -> {"retried": n, "ids": [...]}   a failed (or pending) delivery
           becomes pending, due now, with its attempts reset; "all":
           every failed one
      {"op": "service"}
        -> the consumer's status plus {"pending", "failed",
           "delivered", "in_flight", "destinations", "today", and this
           run's "enqueued", "too_old", "attempts_failed", "given_up",
           "delivered_this_run"}

    "status" and "limit" are optional.  A bad member gets an error naming
    it; nothing a request holds can stop the daemon. */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "metrics.h"
#include "ntf.h"
#include "ntf_queue.h"

#define QUERY_LIMIT_DEFAULT 100000

/*  A "deliveries" request being answered. */
typedef struct {
    const kv_t *kv;
    int status; /* -1: any */
    size_t limit;
    json_t *list;
    bool truncated;
} list_t;

static int s_on_delivery(void *arg, MDB_txn *txn, const ntf_delivery_t *d)
{
    (void)txn;
    list_t *l = arg;
    if (l->status >= 0 && (int)d->status != l->status)
        return 0;
    if (json_array_size(l->list) >= l->limit) {
        l->truncated = true;
        return 1; /* stop */
    }
    json_t *item = ntf_delivery_describe(d);
    return item && json_array_append_new(l->list, item) == 0 ? 0 : OPCAT_ENOMEM;
}

static int s_read_list(void *arg, MDB_txn *txn)
{
    list_t *l = arg;
    int rc = ntf_queue_each(l->kv, txn, s_on_delivery, l);
    return rc == 1 ? 0 : rc;
}

static int s_parse_list(list_t *l, const json_t *req, err_t *err)
{
    const json_t *status = json_object_get(req, "status");
    const json_t *limit = json_object_get(req, "limit");
    l->status = -1;
    l->limit = QUERY_LIMIT_DEFAULT;
    if (status && (l->status = ntf_status_parse(json_string_value(status))) < 0)
        return err_set(err, OPCAT_EINVAL, "status",
                       "status: must be pending, failed or delivered");
    if (limit && (!json_is_integer(limit) || json_integer_value(limit) < 1))
        return err_set(err, OPCAT_EINVAL, "limit",
                       "limit: must be a positive whole number");
    if (limit)
        l->limit = (size_t)json_integer_value(limit);
    return OPCAT_OK;
}

static json_t *s_deliveries(consumer_t *consumer, const json_t *req, err_t *err)
{
    list_t l = {.kv = consumer_kv(consumer)};
    if (s_parse_list(&l, req, err))
        return NULL;
    if (!(l.list = json_array())) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (kv_read(consumer_kv(consumer), s_read_list, &l, err)) {
        json_decref(l.list);
        return NULL;
    }
    json_t *reply =
        json_pack("{s:I,s:b}", "count", (json_int_t)json_array_size(l.list),
                  "truncated", l.truncated);
    if (reply)
        json_object_set_new(reply, "deliveries", l.list);
    else
        json_decref(l.list);
    return reply;
}

/* ------------------------------------------------------------ retry */

#define RETRY_MAX 100000

/*  A "retry" request: the keys to retry, then what was retried. */
typedef struct {
    const kv_t *kv;
    bool all;
    uint64_t sequence;
    unsigned index;
    err_t *err;
    json_t *ids;
    uint64_t (*keys)[2];
    size_t nkeys;
} retry_t;

static int s_collect_failed(void *arg, MDB_txn *txn, const ntf_delivery_t *d)
{
    (void)txn;
    retry_t *r = arg;
    if (d->status != NTF_FAILED)
        return 0;
    if (r->nkeys == RETRY_MAX)
        return 1;
    r->keys[r->nkeys][0] = d->sequence;
    r->keys[r->nkeys][1] = d->index;
    r->nkeys++;
    return 0;
}

/*  Makes one delivery pending again and notes its id. */
static int s_retry_one(retry_t *r, MDB_txn *txn, uint64_t sequence,
                       unsigned index)
{
    ntf_delivery_t d;
    char id[NTF_ID_TEXT_MAX];
    int rc = ntf_queue_get(r->kv, txn, sequence, index, &d);
    if (rc == MDB_NOTFOUND)
        return err_set(r->err, OPCAT_ENOTFOUND, "id", "id: no delivery %llu-%u",
                       (unsigned long long)sequence, index);
    if (rc)
        return rc;
    ntf_delivery_id(&d, id);
    if (!ntf_delivery_retry(&d, ntf_now_ms()))
        return err_set(r->err, OPCAT_ESTATE, "id",
                       "id: delivery %s was delivered already; nothing to "
                       "retry",
                       id);
    rc = ntf_queue_save(r->kv, txn, &d);
    if (!rc && json_array_append_new(r->ids, json_string(id)))
        rc = OPCAT_ENOMEM;
    return rc;
}

/*  May run twice (kv_write after the map grew): starts afresh. */
static int s_retry_txn(void *arg, MDB_txn *txn)
{
    retry_t *r = arg;
    json_array_clear(r->ids);
    if (!r->all)
        return s_retry_one(r, txn, r->sequence, r->index);
    /* keys first, changes after: no write under an open cursor */
    r->nkeys = 0;
    int rc = ntf_queue_each(r->kv, txn, s_collect_failed, r);
    for (size_t i = 0; (!rc || rc == 1) && i < r->nkeys; i++)
        rc = s_retry_one(r, txn, r->keys[i][0], (unsigned)r->keys[i][1]);
    return rc == 1 ? 0 : rc;
}

static int s_parse_retry(retry_t *r, const json_t *req, err_t *err)
{
    const char *id = json_string_value(json_object_get(req, "id"));
    if (!id)
        return err_set(err, OPCAT_EINVAL, "id",
                       "id: required: a delivery id SEQ-N or \"all\"");
    r->all = strcmp(id, "all") == 0;
    if (!r->all && !ntf_delivery_id_parse(id, &r->sequence, &r->index))
        return err_set(err, OPCAT_EINVAL, "id",
                       "id: \"%.40s\" is not a delivery id SEQ-N or \"all\"",
                       id);
    return OPCAT_OK;
}

static json_t *s_retry(consumer_t *consumer, const json_t *req, err_t *err)
{
    retry_t r = {.kv = consumer_kv(consumer), .err = err};
    err_clear(err);
    if (s_parse_retry(&r, req, err))
        return NULL;
    r.ids = json_array();
    r.keys = r.all ? malloc(RETRY_MAX * sizeof *r.keys) : NULL;
    json_t *reply = NULL;
    if (!r.ids || (r.all && !r.keys))
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
    else if (!kv_write(consumer_kv(consumer), s_retry_txn, &r, err))
        reply = json_pack("{s:I,s:O}", "retried",
                          (json_int_t)json_array_size(r.ids), "ids", r.ids);
    json_decref(r.ids);
    free(r.keys);
    return reply;
}

/* ------------------------------------------------------------ service */

static int s_read_counts(void *arg, MDB_txn *txn)
{
    void **a = arg;
    return ntf_queue_counts(a[0], txn, a[1]);
}

static json_t *s_service(const ntf_t *self, consumer_t *consumer, err_t *err)
{
    size_t counts[3];
    char today[DATE_TEXT_LEN];
    if (kv_read(consumer_kv(consumer), s_read_counts,
                (void *[]){consumer_kv(consumer), counts}, err))
        return NULL;
    date_format(dayclock_today(&self->clock), today);
    json_t *reply = json_pack(
        "{s:I,s:I,s:I,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I}", "pending",
        (json_int_t)counts[NTF_PENDING], "failed",
        (json_int_t)counts[NTF_FAILED], "delivered",
        (json_int_t)counts[NTF_DELIVERED], "in_flight",
        (json_int_t)ntf_sender_count(self->sender), "destinations",
        (json_int_t)ntf_config_destinations(self->config), "today", today,
        "enqueued", (json_int_t)self->enqueued, "too_old",
        (json_int_t)self->too_old, "attempts_failed", (json_int_t)self->failed,
        "given_up", (json_int_t)self->given_up, "delivered_this_run",
        (json_int_t)self->delivered);
    if (reply)
        consumer_status(consumer, reply);
    return reply;
}

json_t *ntf_query(void *arg, consumer_t *consumer, const json_t *request,
                  err_t *err)
{
    const char *op = json_string_value(json_object_get(request, "op"));
    if (strcmp(op, "deliveries") == 0)
        return s_deliveries(consumer, request, err);
    if (strcmp(op, "retry") == 0)
        return s_retry(consumer, request, err);
    if (strcmp(op, "service") == 0)
        return s_service(arg, consumer, err);
    err_set(err, OPCAT_EINVAL, "op",
            "op: unknown operation \"%.40s\" (deliveries, retry, service, "
            "status, ping)",
            op);
    return NULL;
}

int ntf_metrics(void *arg, consumer_t *consumer, json_t *set, err_t *err)
{
    const ntf_t *self = arg;
    size_t counts[3];
    static const char *const states[3] = {"pending", "failed", "delivered"};
    const size_t index[3] = {NTF_PENDING, NTF_FAILED, NTF_DELIVERED};
    if (kv_read(consumer_kv(consumer), s_read_counts,
                (void *[]){consumer_kv(consumer), counts}, err))
        return err->code;
    for (size_t i = 0; i < 3; i++)
        metrics_add(set, "opcat_notify_deliveries", "gauge",
                    "Deliveries (one per reminder and destination) in the "
                    "queue, by state.",
                    json_pack("{s:s}", "state", states[i]),
                    (double)counts[index[i]]);
    const struct {
        const char *outcome;
        uint64_t value;
    } outcomes[] = {{"delivered", self->delivered},
                    {"attempt_failed", self->failed},
                    {"given_up", self->given_up},
                    {"too_old", self->too_old}};
    for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++)
        metrics_add(set, "opcat_notify_deliveries_total", "counter",
                    "Delivery attempts of this run by outcome (a failed "
                    "attempt is retried; given_up: retries exhausted; "
                    "too_old: a reminder too old to send).",
                    json_pack("{s:s}", "outcome", outcomes[i].outcome),
                    (double)outcomes[i].value);
    metrics_add(set, "opcat_notify_enqueued_total", "counter",
                "Deliveries queued this run.", NULL, (double)self->enqueued);
    metrics_add(set, "opcat_notify_in_flight", "gauge",
                "Deliveries being sent now.", NULL,
                (double)ntf_sender_count(self->sender));
    return OPCAT_OK;
}
