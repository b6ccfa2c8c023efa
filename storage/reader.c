/*  reader: the store's reads across LMDB and the tail.  See reader.h. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

#include "be64.h"
#include "kv.h"

/*  Records one reader_read may look at, so that a sparse topic filter does
    not hold the daemon's loop for a whole scan of the log. */
#define STORE_SCAN_MAX 65536

struct reader {
    applier_dbs_t dbs;
    /* commit-log mode (reader_follow), borrowed; else NULL */
    const tail_t *tail;
    applier_t *applier;
};

reader_t *reader_new(const applier_dbs_t *dbs)
{
    reader_t *self = calloc(1, sizeof *self);
    if (self)
        self->dbs = *dbs;
    return self;
}

void reader_destroy(reader_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free(*self_p);
    *self_p = NULL;
}

void reader_follow(reader_t *self, const tail_t *tail, applier_t *applier)
{
    self->tail = tail;
    self->applier = applier;
}

/*  The last sequence in the log, 0 if it is empty. */
uint64_t reader_last_sequence(MDB_txn *txn, MDB_dbi log)
{
    MDB_cursor *cur;
    MDB_val key, val;
    uint64_t last = 0;
    if (mdb_cursor_open(txn, log, &cur) == 0) {
        if (mdb_cursor_get(cur, &key, &val, MDB_LAST) == 0 && key.mv_size == 8)
            last = be64_get(key.mv_data);
        mdb_cursor_close(cur);
    }
    return last;
}

/*  Begins a read transaction, adopting a map grown by another process.
    The writer in commit-log mode holds the applier's map lock while it
    reads.  0 or an OPCAT code with 'err' filled. */
int reader_begin(reader_t *self, MDB_txn **txn, err_t *err)
{
    if (self->applier)
        applier_read_begin(self->applier);
    int rc = mdb_txn_begin(self->dbs.env, NULL, MDB_RDONLY, txn);
    if (rc == MDB_MAP_RESIZED && !self->applier) {
        mdb_env_set_mapsize(self->dbs.env, 0);
        rc = mdb_txn_begin(self->dbs.env, NULL, MDB_RDONLY, txn);
        if (rc == MDB_MAP_RESIZED) {
            mdb_env_set_mapsize(self->dbs.env, 0);
            rc = mdb_txn_begin(self->dbs.env, NULL, MDB_RDONLY, txn);
        }
    }
    if (rc && self->applier)
        applier_read_end(self->applier);
    return rc ? kv_error(err, rc, "read") : OPCAT_OK;
}

/*  Ends what reader_begin began. */
void reader_end(reader_t *self, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    if (self->applier)
        applier_read_end(self->applier);
}

uint64_t reader_lmdb_head(reader_t *self)
{
    MDB_txn *txn;
    err_t err;
    if (reader_begin(self, &txn, &err))
        return 0;
    uint64_t head = reader_last_sequence(txn, self->dbs.log);
    reader_end(self, txn);
    return head;
}

/*  One reader_read: its bounds and filter, and how far it got. */
typedef struct {
    uint64_t to;
    size_t max, sent, scanned;
    const char *prefix;
    size_t prefix_len;
    store_read_fn fn;
    void *arg;
    uint64_t *next;
    bool stopped; /* ended before the records ran out */
} read_t;

/*  kv_record_fn of reader_read: one record of the log. */
static int s_read_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    read_t *r = arg;
    uint64_t seq = be64_get(key->mv_data);
    if ((r->to && seq > r->to) || r->sent >= r->max ||
        r->scanned++ >= STORE_SCAN_MAX) {
        r->stopped = true;
        return KV_STOP;
    }
    const uint8_t *rec = val->mv_data;
    size_t topic_len = rec[0];
    *r->next = seq + 1;
    if (r->prefix_len && (topic_len < r->prefix_len ||
                          memcmp(rec + 1, r->prefix, r->prefix_len) != 0))
        return 0;
    r->sent++;
    if (r->fn(r->arg, seq, (const char *)rec + 1, topic_len,
              rec + 1 + topic_len, val->mv_size - 1 - topic_len)) {
        r->stopped = true;
        return KV_STOP;
    }
    return 0;
}

/*  reader_read over what LMDB holds. */
static int s_read_lmdb(reader_t *self, uint64_t from, uint64_t to, size_t max,
                       const char *prefix, store_read_fn fn, void *arg,
                       uint64_t *next, err_t *err)
{
    MDB_txn *txn;
    *next = from;
    int rc = reader_begin(self, &txn, err);
    if (rc)
        return rc;
    uint8_t from_key[8];
    be64_put(from_key, from);
    MDB_val start = {8, from_key};
    read_t r = {.to = to,
                .max = max,
                .prefix = prefix,
                .prefix_len = prefix ? strlen(prefix) : 0,
                .fn = fn,
                .arg = arg,
                .next = next};
    rc = kv_each(txn, self->dbs.log, &start, NULL, 0, s_read_record, &r);
    if (!rc && !r.stopped && !to) {
        /* reached the end: the next read starts after the head */
        uint64_t last = reader_last_sequence(txn, self->dbs.log);
        if (last && last + 1 > *next)
            *next = last + 1;
    }
    reader_end(self, txn);
    return rc ? kv_error(err, rc, "read") : OPCAT_OK;
}

/*  A read that goes on from LMDB into the tail: the caller's function,
    and whether it stopped the read. */
typedef struct {
    store_read_fn fn;
    void *arg;
    size_t sent;
    bool stopped;
} onward_t;

static int s_read_one(void *arg, uint64_t seq, const char *topic,
                      size_t topic_len, const uint8_t *env, size_t env_len)
{
    onward_t *r = arg;
    r->sent++;
    r->stopped = r->fn(r->arg, seq, topic, topic_len, env, env_len) != 0;
    return r->stopped;
}

/*  reader_read over the tail, from 'from' (which it holds) on. */
static void s_read_tail(reader_t *self, uint64_t from, uint64_t to, size_t max,
                        const char *prefix, onward_t *r, uint64_t *next)
{
    size_t prefix_len = prefix ? strlen(prefix) : 0, scanned = 0;
    /* the tail's last entry is the writer's head: a write rewinds the
       tail to its head unless it commits, and no read runs during one */
    uint64_t head = tail_mark(self->tail) - 1;
    uint64_t last = to && to < head ? to : head;
    for (uint64_t seq = from; seq <= last && r->sent < max && !r->stopped &&
                              scanned++ < STORE_SCAN_MAX;
         seq++) {
        const tail_entry_t *t = tail_get(self->tail, seq);
        const uint8_t *rec = t->record;
        *next = seq + 1;
        if (prefix_len &&
            (rec[0] < prefix_len || memcmp(rec + 1, prefix, prefix_len) != 0))
            continue;
        s_read_one(r, seq, (const char *)rec + 1, rec[0], rec + 1 + rec[0],
                   t->len - 1 - rec[0]);
    }
}

/*  In commit-log mode LMDB is read first (it holds everything below the
    tail's first sequence, and maybe more), and the read goes on in the
    tail after what LMDB gave, unless it ended before. */
int reader_read(reader_t *self, uint64_t from, uint64_t to, size_t max,
                const char *prefix, store_read_fn fn, void *arg, uint64_t *next,
                err_t *err)
{
    *next = from;
    if (!self->tail)
        return s_read_lmdb(self, from, to, max, prefix, fn, arg, next, err);
    uint64_t first = tail_first(self->tail);
    onward_t r = {fn, arg, 0, false};
    if (from < first && first > 1) {
        int rc =
            s_read_lmdb(self, from, to, max, prefix, s_read_one, &r, next, err);
        if (rc || (to && to < first) || r.stopped || r.sent >= max ||
            *next < first)
            return rc;
    }
    uint64_t start = from > first ? from : first;
    s_read_tail(self, *next > start ? *next : start, to, max, prefix, &r, next);
    return OPCAT_OK;
}

typedef struct {
    uint8_t *data;
    size_t len;
} copy_t;

static int s_copy_one(void *arg, uint64_t seq, const char *topic,
                      size_t topic_len, const uint8_t *env, size_t env_len)
{
    (void)seq, (void)topic, (void)topic_len;
    copy_t *copy = arg;
    copy->data = malloc(env_len ? env_len : 1);
    if (copy->data) {
        memcpy(copy->data, env, env_len);
        copy->len = env_len;
    }
    return 1;
}

int reader_get(reader_t *self, uint64_t sequence, uint8_t **data, size_t *len,
               err_t *err)
{
    copy_t copy = {NULL, 0};
    uint64_t next;
    int rc = reader_read(self, sequence, sequence, 1, NULL, s_copy_one, &copy,
                         &next, err);
    if (rc)
        return rc;
    if (!copy.data)
        return err_set(err, OPCAT_ENOTFOUND, "sequence",
                       "sequence %llu: no such event",
                       (unsigned long long)sequence);
    *data = copy.data;
    *len = copy.len;
    return OPCAT_OK;
}

int reader_find_id(reader_t *self, const char *id, uint64_t *sequence,
                   err_t *err)
{
    if (self->tail && tail_find_id(self->tail, id, sequence))
        return OPCAT_OK;
    MDB_txn *txn;
    int rc = reader_begin(self, &txn, err);
    if (rc)
        return rc;
    MDB_val key = {strlen(id), (void *)id}, val;
    rc = mdb_get(txn, self->dbs.ids, &key, &val);
    if (rc == 0 && val.mv_size == 8)
        *sequence = be64_get(val.mv_data);
    reader_end(self, txn);
    return rc ? kv_error(err, rc, id) : OPCAT_OK;
}

/*  kv_record_fn of reader_count_state: one key of the State. */
static int s_count_key(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    uint64_t *count = arg;
    *count += key->mv_size == 11;
    return 0;
}

int reader_count_state(reader_t *self, const char *state, uint64_t *count,
                       err_t *err)
{
    MDB_txn *txn;
    *count = 0;
    int rc = reader_begin(self, &txn, err);
    if (rc)
        return rc;
    rc = kv_each(txn, self->dbs.by_state, NULL, state, 3, s_count_key, count);
    /* the tail's events that this transaction's LMDB does not hold */
    if (!rc && self->tail)
        *count += tail_count_state(
            self->tail, state, reader_last_sequence(txn, self->dbs.log) + 1);
    reader_end(self, txn);
    return rc ? kv_error(err, rc, "by_state") : OPCAT_OK;
}

bool reader_is_npm_report(reader_t *self, const char *report_id)
{
    MDB_txn *txn;
    const tail_entry_t *t =
        self->tail && report_id
            ? tail_find_ref(self->tail, TAIL_REF_REPORT, report_id)
            : NULL;
    if (t)
        return t->report.recipient == 'n';
    err_t err;
    if (!report_id || !*report_id || reader_begin(self, &txn, &err))
        return false;
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    tail_report_t ref = {0};
    /* LMDB values are not aligned: copy before reading */
    if (mdb_get(txn, self->dbs.reports, &key, &val) == 0 &&
        val.mv_size == sizeof ref)
        memcpy(&ref, val.mv_data, sizeof ref);
    reader_end(self, txn);
    return ref.recipient == 'n';
}
