/*  store: LMDB event log with group commit.  See store.h for the layout. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "be64.h"
#include "kv.h"
#include "log.h"
#include "validate.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40)
/*  Records one store_read may look at, so that a sparse topic filter does
    not hold the daemon's loop for a whole scan of the log. */
#define STORE_SCAN_MAX 65536
/*  Free bytes under which a failed write is taken for a full disk. */
#define STORE_LOW_SPACE ((uint64_t)8 << 20)

/*  What the reports index keeps of a transmitted report. */
typedef struct {
    uint64_t sequence;
    char state[4];
    char recipient; /* 's' state, 'n' npm */
} report_ref_t;

struct store {
    MDB_env *env;
    MDB_dbi log, ids, by_state, reports, visits;
    const codes_t *codes; /* borrowed */
    size_t map_size, max_map_size;
    uint64_t head; /* last committed sequence (writer only) */
    bool read_only;
    char dir[4096]; /* for telling a full file system from an I/O error */
};

/*  LMDB return codes are translated in one place, kv_error (kv.h). */

/*  The last sequence in the log, 0 if it is empty. */
static uint64_t s_last_sequence(MDB_txn *txn, MDB_dbi log)
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

static int s_open_dbs(store_t *self, err_t *err)
{
    MDB_txn *txn;
    unsigned flags = self->read_only ? 0 : MDB_CREATE;
    int rc =
        mdb_txn_begin(self->env, NULL, self->read_only ? MDB_RDONLY : 0, &txn);
    if (rc)
        return kv_error(err, rc, "begin");
    if ((rc = mdb_dbi_open(txn, "log", flags, &self->log)) ||
        (rc = mdb_dbi_open(txn, "ids", flags, &self->ids)) ||
        (rc = mdb_dbi_open(txn, "by_state", flags, &self->by_state)) ||
        (rc = mdb_dbi_open(txn, "reports", flags, &self->reports)) ||
        (rc = mdb_dbi_open(txn, "visits", flags, &self->visits))) {
        mdb_txn_abort(txn);
        return kv_error(err, rc, "open databases");
    }
    self->head = s_last_sequence(txn, self->log);
    rc = mdb_txn_commit(txn);
    return rc ? kv_error(err, rc, "commit") : OPCAT_OK;
}

store_t *store_open(const char *dir, const codes_t *codes,
                    const store_options_t *options, err_t *err)
{
    store_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    self->codes = codes;
    snprintf(self->dir, sizeof self->dir, "%s", dir);
    self->map_size = options && options->initial_map_size
                         ? options->initial_map_size
                         : DEFAULT_MAP_SIZE;
    self->max_map_size = options && options->max_map_size
                             ? options->max_map_size
                             : DEFAULT_MAX_MAP_SIZE;
    self->read_only = options && options->read_only;
    int rc = mdb_env_create(&self->env);
    if (rc) {
        kv_error(err, rc, "create environment");
        free(self);
        return NULL;
    }
    mdb_env_set_maxdbs(self->env, 8);
    mdb_env_set_mapsize(self->env, self->map_size);
    rc = mdb_env_open(self->env, dir,
                      MDB_NOTLS | (self->read_only ? MDB_RDONLY : 0), 0644);
    if (rc) {
        kv_error(err, rc, dir);
        store_destroy(&self);
        return NULL;
    }
    MDB_envinfo info;
    mdb_env_info(self->env, &info); /* an existing file may be bigger */
    self->map_size = info.me_mapsize;
    if (s_open_dbs(self, err))
        store_destroy(&self);
    return self;
}

void store_destroy(store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_t *self = *self_p;
    if (self->env)
        mdb_env_close(self->env);
    free(self);
    *self_p = NULL;
}

static int s_begin_read(store_t *self, MDB_txn **txn);

uint64_t store_head(store_t *self)
{
    if (!self->read_only)
        return self->head;
    MDB_txn *txn;
    if (s_begin_read(self, &txn))
        return 0;
    uint64_t head = s_last_sequence(txn, self->log);
    mdb_txn_abort(txn);
    return head;
}

size_t store_map_size(store_t *self)
{
    return self->map_size;
}

/* --------------------------------------------------------------- writing */

/*  The state of one store_write: the transaction and the next sequence. */
typedef struct {
    store_t *store;
    MDB_txn *txn;
    uint64_t next_seq;
    int64_t now_ms;
    bool restore; /* the batch being applied keeps its sequences */
} group_t;

static int s_get_report(group_t *g, const char *report_id, report_ref_t *ref)
{
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    int rc = mdb_get(g->txn, g->store->reports, &key, &val);
    if (rc == 0 && val.mv_size == sizeof *ref)
        memcpy(ref, val.mv_data, sizeof *ref);
    return rc;
}

/*  Checks a report.published/reply.* against the transmitted report. */
static int s_check_report_ref(group_t *g, const event_t *e,
                              const char *report_id, err_t *err)
{
    report_ref_t ref;
    int rc = s_get_report(g, report_id, &ref);
    if (rc == MDB_NOTFOUND)
        return err_set(err, OPCAT_EREF, "report_id",
                       "report_id: \"%.64s\" was never transmitted (a "
                       "report.transmitted must come first)",
                       report_id);
    if (rc)
        return kv_error(err, rc, "reports");
    if (strcmp(ref.state, e->state) != 0)
        return err_set(err, OPCAT_EREF, "state",
                       "state: report \"%.64s\" was transmitted to %s, not %s",
                       report_id, ref.state, e->state);
    if (ref.recipient == 'n' &&
        e->body_case == OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED)
        return err_set(err, OPCAT_EREF, "report_id",
                       "report_id: reports to NPMs are never published "
                       "(SPT annual report para 30)");
    return OPCAT_OK;
}

static int s_key_exists(group_t *g, MDB_dbi dbi, const char *id)
{
    MDB_val key = {strlen(id), (void *)id}, val;
    return mdb_get(g->txn, dbi, &key, &val);
}

static int s_check_visit_ref(group_t *g, const event_t *e, err_t *err)
{
    const char *visit_id;
    int rc;
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
        visit_id = e->visit_planned->visit_id;
        rc = s_key_exists(g, g->store->visits, visit_id);
        if (rc == 0)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" is already planned", visit_id);
        break;
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
        visit_id = e->visit_postponed->visit_id;
        rc = s_key_exists(g, g->store->visits, visit_id);
        if (rc == MDB_NOTFOUND)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" was never planned", visit_id);
        break;
    default: /* visit.completed */
        visit_id = e->visit_completed->visit_id;
        rc = s_key_exists(g, g->store->visits, visit_id);
        if (rc == MDB_NOTFOUND && !*e->visit_completed->start)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" was never planned; a visit "
                           "that stands alone needs state and start",
                           visit_id);
        break;
    }
    return rc && rc != MDB_NOTFOUND ? kv_error(err, rc, "visits") : OPCAT_OK;
}

/*  Every rule that needs what is already stored. */
static int s_check_refs(group_t *g, const event_t *e, err_t *err)
{
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED: {
        int rc = s_key_exists(g, g->store->reports,
                              e->report_transmitted->report_id);
        if (rc == 0)
            return err_set(err, OPCAT_EREF, "report_id",
                           "report_id: \"%.64s\" was already transmitted",
                           e->report_transmitted->report_id);
        return rc == MDB_NOTFOUND ? OPCAT_OK : kv_error(err, rc, "reports");
    }
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
        return s_check_report_ref(g, e, e->report_published->report_id, err);
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
        return s_check_report_ref(g, e, e->reply_received->report_id, err);
    case OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED:
        return s_check_report_ref(g, e, e->reply_published->report_id, err);
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED:
        return s_check_visit_ref(g, e, err);
    default:
        return OPCAT_OK;
    }
}

/*  Writes the cross-reference entries 'e' creates. */
static int s_put_refs(group_t *g, const event_t *e)
{
    const char *id = NULL;
    MDB_dbi dbi = g->store->visits;
    report_ref_t ref = {.sequence = e->sequence};
    MDB_val val = {sizeof ref.sequence, &ref.sequence};
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED) {
        id = e->report_transmitted->report_id;
        dbi = g->store->reports;
        memcpy(ref.state, e->state, 3);
        ref.recipient =
            strcmp(e->report_transmitted->recipient, "npm") == 0 ? 'n' : 's';
        val.mv_size = sizeof ref;
        val.mv_data = &ref;
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED) {
        id = e->visit_planned->visit_id;
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED) {
        id = e->visit_completed->visit_id;
    }
    if (!id)
        return 0;
    MDB_val key = {strlen(id), (void *)id};
    int rc = mdb_put(g->txn, dbi, &key, &val, 0);
    return rc == MDB_KEYEXIST ? 0 : rc;
}

/*  Packs topic and envelope into one record and appends it to the log. */
static int s_put_record(group_t *g, const event_t *e)
{
    char topic[EVENT_TOPIC_MAX];
    event_topic(e, topic);
    size_t topic_len = strlen(topic);
    size_t env_len = opcat__v1__envelope__get_packed_size(e);
    uint8_t seq_key[8];
    be64_put(seq_key, e->sequence);
    MDB_val key = {8, seq_key};
    MDB_val val = {1 + topic_len + env_len, NULL};
    int rc =
        mdb_put(g->txn, g->store->log, &key, &val, MDB_APPEND | MDB_RESERVE);
    if (rc)
        return rc;
    uint8_t *out = val.mv_data;
    out[0] = (uint8_t)topic_len;
    memcpy(out + 1, topic, topic_len);
    opcat__v1__envelope__pack(e, out + 1 + topic_len);
    return 0;
}

/*  Writes the log record and every index entry of a new event. */
static int s_put_event(group_t *g, event_t *e)
{
    uint8_t seq_be[8], state_key[11];
    be64_put(seq_be, e->sequence);
    int rc = s_put_record(g, e);
    MDB_val id_key = {strlen(e->id), e->id}, seq_val = {8, seq_be};
    if (!rc)
        rc = mdb_put(g->txn, g->store->ids, &id_key, &seq_val, 0);
    if (!rc && *e->state) {
        memcpy(state_key, e->state, 3);
        memcpy(state_key + 3, seq_be, 8);
        MDB_val key = {sizeof state_key, state_key}, empty = {0, NULL};
        rc = mdb_put(g->txn, g->store->by_state, &key, &empty, 0);
    }
    return rc ? rc : s_put_refs(g, e);
}

/*  Applies one event: rules, idempotency, append.  Returns 0 with the
    result filled for an outcome (stored, duplicate, refused), or an LMDB
    error that aborts the whole group. */
static int s_apply_event(group_t *g, event_t *e, store_result_t *res)
{
    err_clear(&res->error);
    if (validate_event(g->store->codes, e, &res->error)) {
        res->status = STORE_REFUSED;
        return 0;
    }
    if (!*e->id) {
        char id[EVENT_ID_MAX + 1];
        if (event_derive_id(e, id) || event_set_string(&e->id, id))
            return ENOMEM;
    }
    MDB_val key = {strlen(e->id), e->id}, val;
    int rc = mdb_get(g->txn, g->store->ids, &key, &val);
    if (rc == 0) {
        res->status = STORE_DUPLICATE;
        res->sequence = val.mv_size == 8 ? be64_get(val.mv_data) : 0;
        return 0;
    }
    if (rc != MDB_NOTFOUND)
        return rc;
    int ref = s_check_refs(g, e, &res->error);
    if (ref) {
        res->status = STORE_REFUSED;
        return ref == OPCAT_EREF || ref == OPCAT_EINVAL ? 0 : EIO;
    }
    if (g->restore && e->sequence != g->next_seq) {
        res->status = STORE_REFUSED;
        err_set(&res->error, OPCAT_EINVAL, "sequence",
                "sequence: a restored event must carry the log's next "
                "sequence %llu, not %llu",
                (unsigned long long)g->next_seq,
                (unsigned long long)e->sequence);
        return 0;
    }
    if (!g->restore)
        e->recorded_at = g->now_ms;
    e->sequence = g->next_seq;
    if ((rc = s_put_event(g, e)))
        return rc;
    g->next_seq++;
    res->status = STORE_STORED;
    res->sequence = e->sequence;
    return 0;
}

static void s_mark_batch(store_batch_t *b, store_status_t status)
{
    for (size_t i = 0; i < b->count; i++)
        if (b->results[i].status == STORE_STORED ||
            b->results[i].status == STORE_DUPLICATE) {
            b->results[i].status = status;
            b->results[i].sequence = 0;
        }
}

/*  Applies an atomic batch in a nested transaction. */
static int s_apply_atomic(group_t *g, store_batch_t *b)
{
    MDB_txn *parent = g->txn;
    uint64_t first_seq = g->next_seq;
    int rc = mdb_txn_begin(g->store->env, parent, 0, &g->txn);
    if (rc) {
        g->txn = parent;
        return rc;
    }
    bool refused = false;
    for (size_t i = 0; i < b->count && !rc; i++) {
        rc = s_apply_event(g, b->events[i], &b->results[i]);
        refused |= b->results[i].status == STORE_REFUSED;
    }
    if (rc || refused) {
        mdb_txn_abort(g->txn);
        g->next_seq = first_seq;
        if (!rc)
            s_mark_batch(b, STORE_NOT_STORED);
    } else {
        rc = mdb_txn_commit(g->txn);
    }
    g->txn = parent;
    return rc;
}

static int s_apply_group(group_t *g, store_batch_t *batches, size_t count)
{
    int rc = 0;
    for (size_t i = 0; i < count && !rc; i++) {
        store_batch_t *b = &batches[i];
        g->restore = b->restore;
        for (size_t k = 0; k < b->count; k++)
            b->results[k] = (store_result_t){.status = STORE_NOT_STORED};
        if (b->atomic && b->count > 1) {
            rc = s_apply_atomic(g, b);
            continue;
        }
        for (size_t k = 0; k < b->count && !rc; k++)
            rc = s_apply_event(g, b->events[k], &b->results[k]);
    }
    return rc;
}

static int64_t s_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*  Doubles the map; only possible with no transaction open. */
static int s_grow(store_t *self)
{
    if (self->map_size * 2 > self->max_map_size)
        return MDB_MAP_FULL;
    int rc = mdb_env_set_mapsize(self->env, self->map_size * 2);
    if (rc == 0) {
        self->map_size *= 2;
        log_info("store: map grown to %zu KiB", self->map_size >> 10);
    }
    return rc;
}

static void s_fail_all(store_batch_t *batches, size_t count, const err_t *err)
{
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < batches[i].count; k++) {
            batches[i].results[k].status = STORE_FAILED;
            batches[i].results[k].sequence = 0;
            batches[i].results[k].error = *err;
        }
}

/*  LMDB reports a short write as EIO, and a nearly full file system
    gives short writes: look at the file system before calling it I/O. */
static void s_write_error(store_t *self, err_t *err, int rc)
{
    struct statvfs fs;
    bool full =
        rc == ENOSPC || (rc == EIO && statvfs(self->dir, &fs) == 0 &&
                         (uint64_t)fs.f_bavail * fs.f_frsize < STORE_LOW_SPACE);
    if (!full) {
        kv_error(err, rc, "write");
        return;
    }
    uint64_t free_kib = statvfs(self->dir, &fs) == 0
                            ? (uint64_t)fs.f_bavail * fs.f_frsize / 1024
                            : 0;
    err_set(err, OPCAT_ENOSPC, "",
            "No space left on device: the file system of %s has %llu KiB "
            "free; nothing of this commit was stored",
            self->dir, (unsigned long long)free_kib);
}

int store_write(store_t *self, store_batch_t *batches, size_t count, err_t *err)
{
    if (self->read_only)
        return err_set(err, OPCAT_ESTATE, "", "the store is open read-only");
    for (;;) {
        group_t g = {self, NULL, self->head + 1, s_now_ms(), false};
        int rc = mdb_txn_begin(self->env, NULL, 0, &g.txn);
        if (rc == 0) {
            rc = s_apply_group(&g, batches, count);
            if (rc)
                mdb_txn_abort(g.txn);
            else
                rc = mdb_txn_commit(g.txn);
        }
        if (rc == 0) {
            self->head = g.next_seq - 1;
            return OPCAT_OK;
        }
        if (rc == MDB_MAP_FULL && (rc = s_grow(self)) == 0)
            continue; /* redo the whole group in the bigger map */
        s_write_error(self, err, rc);
        s_fail_all(batches, count, err);
        return err->code;
    }
}

/* --------------------------------------------------------------- reading */

/*  Begins a read transaction, adopting a map grown by another process. */
static int s_begin_read(store_t *self, MDB_txn **txn)
{
    int rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, txn);
    if (rc == MDB_MAP_RESIZED) {
        mdb_env_set_mapsize(self->env, 0);
        rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, txn);
    }
    return rc;
}

static int s_read_cursor(MDB_cursor *cur, uint64_t from, uint64_t to,
                         size_t max, const char *prefix, store_read_fn fn,
                         void *arg, uint64_t *next)
{
    size_t prefix_len = prefix ? strlen(prefix) : 0, sent = 0, scanned = 0;
    uint8_t from_key[8];
    be64_put(from_key, from);
    MDB_val key = {8, from_key}, val;
    int rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        uint64_t seq = be64_get(key.mv_data);
        if ((to && seq > to) || sent >= max || scanned++ >= STORE_SCAN_MAX)
            break;
        const uint8_t *rec = val.mv_data;
        size_t topic_len = rec[0];
        *next = seq + 1;
        if (prefix_len && (topic_len < prefix_len ||
                           memcmp(rec + 1, prefix, prefix_len) != 0))
            continue;
        sent++;
        if (fn((void *)arg, seq, (const char *)rec + 1, topic_len,
               rec + 1 + topic_len, val.mv_size - 1 - topic_len))
            return 0;
    }
    if (rc == MDB_NOTFOUND && !to) {
        /* reached the end: the next read starts after the head */
        if (mdb_cursor_get(cur, &key, &val, MDB_LAST) == 0 &&
            be64_get(key.mv_data) + 1 > *next)
            *next = be64_get(key.mv_data) + 1;
    }
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int store_read(store_t *self, uint64_t from, uint64_t to, size_t max,
               const char *prefix, store_read_fn fn, void *arg, uint64_t *next,
               err_t *err)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    *next = from;
    int rc = s_begin_read(self, &txn);
    if (rc)
        return kv_error(err, rc, "read");
    rc = mdb_cursor_open(txn, self->log, &cur);
    if (rc == 0) {
        rc = s_read_cursor(cur, from, to, max, prefix, fn, arg, next);
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    return rc ? kv_error(err, rc, "read") : OPCAT_OK;
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

int store_get(store_t *self, uint64_t sequence, uint8_t **data, size_t *len,
              err_t *err)
{
    copy_t copy = {NULL, 0};
    uint64_t next;
    int rc = store_read(self, sequence, sequence, 1, NULL, s_copy_one, &copy,
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

int store_find_id(store_t *self, const char *id, uint64_t *sequence, err_t *err)
{
    MDB_txn *txn;
    int rc = s_begin_read(self, &txn);
    if (rc)
        return kv_error(err, rc, "read");
    MDB_val key = {strlen(id), (void *)id}, val;
    rc = mdb_get(txn, self->ids, &key, &val);
    if (rc == 0 && val.mv_size == 8)
        *sequence = be64_get(val.mv_data);
    mdb_txn_abort(txn);
    return rc ? kv_error(err, rc, id) : OPCAT_OK;
}

int store_count_state(store_t *self, const char *state, uint64_t *count,
                      err_t *err)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    int rc = s_begin_read(self, &txn);
    if (rc)
        return kv_error(err, rc, "read");
    *count = 0;
    rc = mdb_cursor_open(txn, self->by_state, &cur);
    if (rc == 0) {
        MDB_val key = {3, (void *)state}, val;
        rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
        while (rc == 0 && key.mv_size == 11 &&
               memcmp(key.mv_data, state, 3) == 0) {
            ++*count;
            rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT);
        }
        mdb_cursor_close(cur);
    }
    mdb_txn_abort(txn);
    return rc && rc != MDB_NOTFOUND ? kv_error(err, rc, "by_state") : OPCAT_OK;
}

bool store_is_npm_report(store_t *self, const char *report_id)
{
    MDB_txn *txn;
    if (!report_id || !*report_id || s_begin_read(self, &txn))
        return false;
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    report_ref_t ref = {0};
    /* LMDB values are not aligned: copy before reading */
    if (mdb_get(txn, self->reports, &key, &val) == 0 &&
        val.mv_size == sizeof ref)
        memcpy(&ref, val.mv_data, sizeof ref);
    mdb_txn_abort(txn);
    return ref.recipient == 'n';
}
