/*  queue: delivery records and their due index. */
#include "ntf_queue.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "be64.h"

#define KEY_LEN 10            /* seq(8) n(2) */
#define DUE_LEN (8 + KEY_LEN) /* at_ms(8) seq(8) n(2) */

static const char *const s_dbs[NTF_DB_COUNT] = {"deliveries", "due"};
static const char *const s_statuses[] = {"pending", "failed", "delivered"};

const char *const *ntf_queue_dbs(void)
{
    return s_dbs;
}

const char *ntf_status_name(int status)
{
    return status >= 0 && status < 3 ? s_statuses[status] : NULL;
}

int ntf_status_parse(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (strcmp(name, s_statuses[i]) == 0)
            return i;
    return -1;
}

int64_t ntf_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ------------------------------------------------------------ values */

#define COPY(dst, src) snprintf((dst), sizeof(dst), "%s", (src) ? (src) : "")

bool ntf_reminder_trusted(const event_t *e)
{
    return e->written_by && strcmp(e->written_by, NTF_REMINDER_ROLE) == 0;
}

bool ntf_reminder_from_event(const event_t *e, ntf_reminder_t *r)
{
    if (e->body_case != OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED ||
        !e->reminder_issued)
        return false;
    const Opcat__V1__ReminderIssued *b = e->reminder_issued;
    memset(r, 0, sizeof *r);
    COPY(r->id, e->id);
    r->sequence = e->sequence;
    COPY(r->rule, b->rule);
    COPY(r->subject, b->subject);
    COPY(r->state, e->state);
    COPY(r->stage, b->stage);
    COPY(r->due_on, b->due_on);
    COPY(r->issued_on, e->occurred_on);
    return true;
}

void ntf_delivery_id(const ntf_delivery_t *d, char out[NTF_ID_TEXT_MAX])
{
    snprintf(out, NTF_ID_TEXT_MAX, "%" PRIu64 "-%u", d->sequence, d->index);
}

bool ntf_delivery_id_parse(const char *text, uint64_t *sequence,
                           unsigned *index)
{
    char *end;
    if (!text || *text < '1' || *text > '9')
        return false;
    unsigned long long seq = strtoull(text, &end, 10);
    if (*end != '-' || end[1] < '0' || end[1] > '9')
        return false;
    unsigned long n = strtoul(end + 1, &end, 10);
    if (*end || n > 0xffff)
        return false;
    *sequence = seq;
    *index = (unsigned)n;
    return true;
}

void ntf_delivery_init(ntf_delivery_t *d, const ntf_reminder_t *r,
                       unsigned index, ntf_channel_t channel,
                       const char *destination, int64_t now_ms)
{
    memset(d, 0, sizeof *d);
    d->sequence = r->sequence;
    d->index = index;
    d->reminder = *r;
    d->channel = channel;
    COPY(d->destination, destination);
    d->status = NTF_PENDING;
    d->created_ms = now_ms;
    d->next_ms = now_ms;
}

ntf_outcome_t ntf_outcome(ntf_channel_t channel, bool transferred, long status)
{
    if (channel == NTF_EMAIL) {
        if (transferred)
            return NTF_SENT;
        return status >= 500 && status < 600 ? NTF_REFUSED : NTF_RETRY;
    }
    if (transferred && status >= 200 && status < 300)
        return NTF_SENT;
    if (status == 408 || status == 425 || status == 429)
        return NTF_RETRY; /* timeout, too early, too many: asked to wait */
    return status >= 300 && status < 500 ? NTF_REFUSED : NTF_RETRY;
}

void ntf_delivery_attempted(ntf_delivery_t *d, const ntf_settings_t *s,
                            ntf_outcome_t outcome, const char *error,
                            int64_t now_ms)
{
    d->attempts++;
    d->last_ms = now_ms;
    if (outcome == NTF_SENT) {
        d->status = NTF_DELIVERED;
        d->finished_ms = now_ms;
        d->last_error[0] = '\0';
        return;
    }
    COPY(d->last_error, error ? error : "failed");
    if (outcome == NTF_REFUSED || d->attempts >= s->max_attempts) {
        d->status = NTF_FAILED;
        d->finished_ms = now_ms;
        return;
    }
    d->status = NTF_PENDING;
    d->next_ms =
        now_ms + ntf_backoff_ms(s->retry_base_ms, s->retry_max_ms, d->attempts);
}

bool ntf_delivery_retry(ntf_delivery_t *d, int64_t now_ms)
{
    if (d->status == NTF_DELIVERED)
        return false;
    d->status = NTF_PENDING;
    d->attempts = 0;
    d->next_ms = now_ms;
    d->finished_ms = 0;
    return true;
}

/* ------------------------------------------------------------ records */

static json_t *s_encode(const ntf_delivery_t *d)
{
    const ntf_reminder_t *r = &d->reminder;
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:I,s:I,s:s}",
        "reminder_id", r->id, "rule", r->rule, "subject", r->subject, "state",
        r->state, "stage", r->stage, "due_on", r->due_on, "issued_on",
        r->issued_on, "channel", ntf_channel_name(d->channel), "destination",
        d->destination, "status", ntf_status_name(d->status), "attempts",
        d->attempts, "created_ms", (json_int_t)d->created_ms, "next_ms",
        (json_int_t)d->next_ms, "last_ms", (json_int_t)d->last_ms,
        "finished_ms", (json_int_t)d->finished_ms, "last_error", d->last_error);
}

static const char *s_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static int64_t s_int(const json_t *o, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(o, key));
}

/*  Decodes a record read under key (sequence, index).  Returns 0 or
    OPCAT_EPROTO if it is not one of ours. */
static int s_decode(const MDB_val *val, uint64_t sequence, unsigned index,
                    ntf_delivery_t *d)
{
    json_t *o = json_loadb(val->mv_data, val->mv_size, 0, NULL);
    int channel = ntf_channel_parse(s_str(o, "channel"));
    int status = ntf_status_parse(s_str(o, "status"));
    if (!o || channel < 0 || status < 0) {
        json_decref(o);
        return OPCAT_EPROTO;
    }
    memset(d, 0, sizeof *d);
    d->sequence = d->reminder.sequence = sequence;
    d->index = index;
    ntf_reminder_t *r = &d->reminder;
    COPY(r->id, s_str(o, "reminder_id"));
    COPY(r->rule, s_str(o, "rule"));
    COPY(r->subject, s_str(o, "subject"));
    COPY(r->state, s_str(o, "state"));
    COPY(r->stage, s_str(o, "stage"));
    COPY(r->due_on, s_str(o, "due_on"));
    COPY(r->issued_on, s_str(o, "issued_on"));
    d->channel = (ntf_channel_t)channel;
    d->status = (ntf_status_t)status;
    COPY(d->destination, s_str(o, "destination"));
    COPY(d->last_error, s_str(o, "last_error"));
    d->attempts = (int)s_int(o, "attempts");
    d->created_ms = s_int(o, "created_ms");
    d->next_ms = s_int(o, "next_ms");
    d->last_ms = s_int(o, "last_ms");
    d->finished_ms = s_int(o, "finished_ms");
    json_decref(o);
    return OPCAT_OK;
}

static void s_key(uint8_t key[KEY_LEN], uint64_t sequence, unsigned index)
{
    be64_put(key, sequence);
    key[8] = (uint8_t)(index >> 8);
    key[9] = (uint8_t)index;
}

static void s_due_key(uint8_t key[DUE_LEN], const ntf_delivery_t *d)
{
    be64_put(key, (uint64_t)d->next_ms);
    s_key(key + 8, d->sequence, d->index);
}

int ntf_queue_get(const kv_t *kv, MDB_txn *txn, uint64_t sequence,
                  unsigned index, ntf_delivery_t *d)
{
    uint8_t key[KEY_LEN];
    s_key(key, sequence, index);
    MDB_val k = {KEY_LEN, key}, v;
    int rc = mdb_get(txn, kv_dbi(kv, NTF_DB_DELIVERIES), &k, &v);
    return rc ? rc : s_decode(&v, sequence, index, d);
}

/*  Removes the due key of the stored record of 'd', if pending. */
static int s_unindex(const kv_t *kv, MDB_txn *txn, const ntf_delivery_t *d)
{
    ntf_delivery_t old;
    int rc = ntf_queue_get(kv, txn, d->sequence, d->index, &old);
    if (rc == MDB_NOTFOUND || rc == OPCAT_EPROTO)
        return 0;
    if (rc || old.status != NTF_PENDING)
        return rc;
    uint8_t due[DUE_LEN];
    s_due_key(due, &old);
    MDB_val k = {DUE_LEN, due};
    rc = mdb_del(txn, kv_dbi(kv, NTF_DB_DUE), &k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int ntf_queue_save(const kv_t *kv, MDB_txn *txn, const ntf_delivery_t *d)
{
    int rc = s_unindex(kv, txn, d);
    json_t *o = rc ? NULL : s_encode(d);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (rc || !text)
        return rc ? rc : OPCAT_ENOMEM;
    uint8_t key[KEY_LEN];
    s_key(key, d->sequence, d->index);
    MDB_val k = {KEY_LEN, key}, v = {strlen(text), text};
    rc = mdb_put(txn, kv_dbi(kv, NTF_DB_DELIVERIES), &k, &v, 0);
    free(text);
    if (rc || d->status != NTF_PENDING)
        return rc;
    uint8_t due[DUE_LEN];
    s_due_key(due, d);
    MDB_val dk = {DUE_LEN, due}, dv = {0, ""};
    return mdb_put(txn, kv_dbi(kv, NTF_DB_DUE), &dk, &dv, 0);
}

int ntf_queue_add(const kv_t *kv, MDB_txn *txn, const ntf_delivery_t *d,
                  bool *added)
{
    ntf_delivery_t old;
    int rc = ntf_queue_get(kv, txn, d->sequence, d->index, &old);
    if (added)
        *added = rc == MDB_NOTFOUND;
    if (rc != MDB_NOTFOUND)
        return rc == OPCAT_EPROTO ? 0 : rc;
    return ntf_queue_save(kv, txn, d);
}

/* ------------------------------------------------------------ scans */

/*  Reads the record a due key names and calls 'fn'. */
static int s_due_one(const kv_t *kv, MDB_txn *txn, const uint8_t *key,
                     ntf_delivery_fn fn, void *arg)
{
    ntf_delivery_t d;
    unsigned index = (unsigned)key[16] << 8 | key[17];
    int rc = ntf_queue_get(kv, txn, be64_get(key + 8), index, &d);
    if (rc == MDB_NOTFOUND || rc == OPCAT_EPROTO)
        return 0; /* a stale index entry; never written so, but harmless */
    return rc ? rc : fn(arg, txn, &d);
}

typedef struct {
    const kv_t *kv;
    MDB_txn *txn;
    int64_t now_ms;
    size_t left;
    ntf_delivery_fn fn;
    void *arg;
} due_scan_t;

static int s_due_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    (void)v;
    due_scan_t *s = arg;
    if (!s->left || k->mv_size != DUE_LEN ||
        (int64_t)be64_get(k->mv_data) > s->now_ms)
        return KV_STOP;
    s->left--;
    return s_due_one(s->kv, s->txn, k->mv_data, s->fn, s->arg);
}

int ntf_queue_due(const kv_t *kv, MDB_txn *txn, int64_t now_ms, size_t max,
                  ntf_delivery_fn fn, void *arg)
{
    due_scan_t s = {kv, txn, now_ms, max, fn, arg};
    return kv_each(txn, kv_dbi(kv, NTF_DB_DUE), NULL, NULL, 0, s_due_record,
                   &s);
}

int64_t ntf_queue_next_due(const kv_t *kv, MDB_txn *txn)
{
    MDB_cursor *cur;
    if (mdb_cursor_open(txn, kv_dbi(kv, NTF_DB_DUE), &cur))
        return INT64_MAX;
    MDB_val k, v;
    int64_t at = INT64_MAX;
    if (!mdb_cursor_get(cur, &k, &v, MDB_FIRST) && k.mv_size == DUE_LEN)
        at = (int64_t)be64_get(k.mv_data);
    mdb_cursor_close(cur);
    return at;
}

typedef struct {
    MDB_txn *txn;
    ntf_delivery_fn fn;
    void *arg;
} each_scan_t;

static int s_each_record(void *arg, const MDB_val *k, const MDB_val *v)
{
    each_scan_t *s = arg;
    const uint8_t *key = k->mv_data;
    ntf_delivery_t d;
    if (k->mv_size != KEY_LEN ||
        s_decode(v, be64_get(key), (unsigned)key[8] << 8 | key[9], &d))
        return 0; /* not a delivery record: skip it */
    return s->fn(s->arg, s->txn, &d);
}

int ntf_queue_each(const kv_t *kv, MDB_txn *txn, ntf_delivery_fn fn, void *arg)
{
    each_scan_t s = {txn, fn, arg};
    return kv_each(txn, kv_dbi(kv, NTF_DB_DELIVERIES), NULL, NULL, 0,
                   s_each_record, &s);
}

static int s_count(void *arg, MDB_txn *txn, const ntf_delivery_t *d)
{
    (void)txn;
    ((size_t *)arg)[d->status]++;
    return 0;
}

int ntf_queue_counts(const kv_t *kv, MDB_txn *txn, size_t counts[3])
{
    counts[0] = counts[1] = counts[2] = 0;
    return ntf_queue_each(kv, txn, s_count, counts);
}

/* ------------------------------------------------------------ answers */

static json_t *s_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    char text[40];
    gmtime_r(&t, &tm);
    size_t n = strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(text + n, sizeof text - n, ".%03dZ", (int)(ms % 1000));
    return json_string(text);
}

json_t *ntf_delivery_describe(const ntf_delivery_t *d)
{
    char id[NTF_ID_TEXT_MAX];
    ntf_delivery_id(d, id);
    json_t *o = s_encode(d);
    if (!o)
        return NULL;
    static const char *const ms_keys[] = {"created_ms", "next_ms", "last_ms",
                                          "finished_ms"};
    for (size_t i = 0; i < 4; i++)
        json_object_del(o, ms_keys[i]);
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "sequence", json_integer((json_int_t)d->sequence));
    json_object_set_new(o, "created_at", s_time(d->created_ms));
    json_object_set_new(o, "last_attempt_at", s_time(d->last_ms));
    json_object_set_new(o, "next_attempt_at",
                        d->status == NTF_PENDING ? s_time(d->next_ms)
                                                 : json_null());
    json_object_set_new(o,
                        d->status == NTF_FAILED ? "failed_at" : "delivered_at",
                        s_time(d->finished_ms));
    return o;
}
