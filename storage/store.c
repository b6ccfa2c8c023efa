/*  store: LMDB event log with group commit.  See store.h for the layout. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <lmdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "applier.h"
#include "be64.h"
#include "clog.h"
#include "kv.h"
#include "log.h"
#include "monotime.h"
#include "tail.h"
#include "validate.h"
#include "xref.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40)
/*  Records one store_read may look at, so that a sparse topic filter does
    not hold the daemon's loop for a whole scan of the log. */
#define STORE_SCAN_MAX 65536
/*  Free bytes under which a failed write is taken for a full disk. */
#define STORE_LOW_SPACE ((uint64_t)8 << 20)
/*  Events logged but not yet applied to LMDB that are held in memory
    (commit-log mode): beyond them, or beyond STORE_TAIL_BYTES of records,
    a write waits for the applier first. */
#define DEFAULT_PENDING_MAX 16384
#define STORE_TAIL_BYTES ((size_t)64 << 20)
/*  Bytes of a commit log record beyond its envelope's packed size as
    received: frame, topic, and the id, sequence and recorded_at the store
    may set. */
#define STORE_RECORD_SLACK (16 + 1 + EVENT_TOPIC_MAX + EVENT_ID_MAX + 32)

/*  What the reports index keeps of a transmitted report. */
typedef tail_report_t report_ref_t;

struct store {
    MDB_env *env;
    MDB_dbi log, ids, by_state, reports, visits;
    const codes_t *codes; /* borrowed */
    size_t map_size, max_map_size;
    uint64_t head; /* last committed sequence (writer only) */
    bool read_only;
    /* commit-log mode: what the log holds beyond LMDB's 'applied' is in
       'tail', which every lookup and read of the writer looks at before
       LMDB, and the applier thread puts it into LMDB behind the acks */
    clog_t *clog;
    tail_t *tail;
    applier_t *applier;
    uint64_t applied;
    size_t apply_events, pending_max;
    /* on open only: the records of the commit log put in again */
    MDB_txn *txn;
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

static int s_open_clog(store_t *self, const store_options_t *options,
                       err_t *err);

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
    self->apply_events = options ? options->apply_events : 0;
    self->pending_max = options && options->pending_max ? options->pending_max
                                                        : DEFAULT_PENDING_MAX;
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
    if (s_open_dbs(self, err) ||
        (!self->read_only && s_open_clog(self, options, err)))
        store_destroy(&self);
    return self;
}

void store_destroy(store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    store_t *self = *self_p;
    applier_destroy(&self->applier); /* after applying what it holds */
    tail_destroy(&self->tail);
    if (self->txn)
        mdb_txn_abort(self->txn);
    clog_destroy(&self->clog);
    if (self->env)
        mdb_env_close(self->env);
    free(self);
    *self_p = NULL;
}

static int s_begin_read(store_t *self, MDB_txn **txn, err_t *err);
static void s_end_read(store_t *self, MDB_txn *txn);

uint64_t store_head(store_t *self)
{
    if (!self->read_only)
        return self->head;
    MDB_txn *txn;
    err_t err;
    if (s_begin_read(self, &txn, &err))
        return 0;
    uint64_t head = s_last_sequence(txn, self->log);
    s_end_read(self, txn);
    return head;
}

size_t store_map_size(store_t *self)
{
    return self->applier ? applier_map_size(self->applier) : self->map_size;
}

/* --------------------------------------------------------------- writing */

/*  The state of one store_write: the transaction and the next sequence. */
typedef struct {
    store_t *store;
    MDB_txn *txn;
    uint64_t next_seq;
    int64_t now_ms;
    /* commit-log mode: looked at before 'txn' (then a read transaction);
       new events go there and to the commit log's buffer, not to LMDB */
    tail_t *tail;
    bool restore; /* the batch being applied keeps its sequences */
    err_t *err;   /* why, when a step fails with an OPCAT code (may be
                     NULL); an LMDB code is translated where the group
                     ends (s_write_error) */
} group_t;

static int s_get_report(group_t *g, const char *report_id, report_ref_t *ref)
{
    const tail_entry_t *t =
        g->tail ? tail_find_ref(g->tail, TAIL_REF_REPORT, report_id) : NULL;
    if (t) {
        *ref = t->report;
        return 0;
    }
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    int rc = mdb_get(g->txn, g->store->reports, &key, &val);
    if (rc == 0 && val.mv_size == sizeof *ref)
        memcpy(ref, val.mv_data, sizeof *ref);
    return rc;
}

static int s_key_exists(group_t *g, MDB_dbi dbi, const char *id)
{
    MDB_val key = {strlen(id), (void *)id}, val;
    return mdb_get(g->txn, dbi, &key, &val);
}

/*  xref_history_t.report over the reports index, pending or applied. */
static int s_history_report(void *arg, const char *report_id, char state[4],
                            char *recipient, err_t *err)
{
    report_ref_t ref;
    int rc = s_get_report(arg, report_id, &ref);
    if (rc == MDB_NOTFOUND)
        return OPCAT_ENOTFOUND;
    if (rc)
        return kv_error(err, rc, "reports");
    memcpy(state, ref.state, 4);
    *recipient = ref.recipient;
    return OPCAT_OK;
}

/*  xref_history_t.visit over the visits index. */
static int s_history_visit(void *arg, const char *visit_id, err_t *err)
{
    group_t *g = arg;
    if (g->tail && tail_find_ref(g->tail, TAIL_REF_VISIT, visit_id))
        return OPCAT_OK;
    int rc = s_key_exists(g, g->store->visits, visit_id);
    if (rc == MDB_NOTFOUND)
        return OPCAT_ENOTFOUND;
    return rc ? kv_error(err, rc, "visits") : OPCAT_OK;
}

/*  Every rule that needs what is already stored (common/domain/xref.h). */
static int s_check_refs(group_t *g, const event_t *e, err_t *err)
{
    xref_history_t history = {s_history_report, s_history_visit, g};
    return xref_check(&history, e, err);
}

/*  The cross-reference 'e' creates, if any, into 'entry'. */
static void s_ref_of(const event_t *e, tail_entry_t *entry)
{
    entry->ref = TAIL_REF_NONE;
    entry->ref_key = NULL;
    entry->report = (report_ref_t){.sequence = e->sequence};
    if (e->body_case == OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED) {
        entry->ref = TAIL_REF_REPORT;
        entry->ref_key = e->report_transmitted->report_id;
        memcpy(entry->report.state, e->state, 3);
        entry->report.recipient =
            strcmp(e->report_transmitted->recipient, "npm") == 0 ? 'n' : 's';
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED) {
        entry->ref = TAIL_REF_VISIT;
        entry->ref_key = e->visit_planned->visit_id;
    } else if (e->body_case == OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED) {
        entry->ref = TAIL_REF_VISIT;
        entry->ref_key = e->visit_completed->visit_id;
    }
}

/*  Writes the cross-reference entries 'e' creates: a report's reference,
    or a visit's sequence. */
static int s_put_refs(group_t *g, const event_t *e)
{
    tail_entry_t t;
    s_ref_of(e, &t);
    if (t.ref == TAIL_REF_NONE)
        return 0;
    MDB_val key = {strlen(t.ref_key), (void *)t.ref_key};
    MDB_val val = {sizeof t.report.sequence, &t.report.sequence};
    MDB_dbi dbi = g->store->visits;
    if (t.ref == TAIL_REF_REPORT) {
        dbi = g->store->reports;
        val = (MDB_val){sizeof t.report, &t.report};
    }
    int rc = mdb_put(g->txn, dbi, &key, &val, 0);
    return rc == MDB_KEYEXIST ? 0 : rc;
}

/*  Appends a packed record to the LMDB log. */
static int s_put_packed(group_t *g, uint64_t seq, const uint8_t *rec,
                        size_t len)
{
    uint8_t seq_key[8];
    be64_put(seq_key, seq);
    MDB_val key = {8, seq_key}, val = {len, (void *)rec};
    return mdb_put(g->txn, g->store->log, &key, &val, MDB_APPEND);
}

/*  Packs topic and envelope into one record and appends it to the log
    (and to the commit log's buffer). */
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

/*  Commit-log mode: packs the record into the commit log's buffer and
    into the tail, with the index entries the applier will write. */
static int s_put_logged(group_t *g, const event_t *e)
{
    char topic[EVENT_TOPIC_MAX];
    event_topic(e, topic);
    size_t topic_len = strlen(topic);
    size_t len = 1 + topic_len + opcat__v1__envelope__get_packed_size(e);
    uint8_t *rec = malloc(len);
    if (!rec)
        return ENOMEM;
    rec[0] = (uint8_t)topic_len;
    memcpy(rec + 1, topic, topic_len);
    opcat__v1__envelope__pack(e, rec + 1 + topic_len);
    tail_entry_t t = {
        .sequence = e->sequence, .record = rec, .len = len, .id = e->id};
    if (*e->state)
        memcpy(t.state, e->state, 3);
    s_ref_of(e, &t);
    int rc = clog_append(g->store->clog, e->sequence, rec, len, g->err);
    /* the tail had room (the group made it): a failure there is memory */
    if (!rc && tail_add(g->tail, &t))
        rc = ENOMEM;
    free(rec);
    return rc;
}

/*  Writes every index entry of a new event. */
static int s_put_indexes(group_t *g, const event_t *e)
{
    uint8_t seq_be[8], state_key[11];
    be64_put(seq_be, e->sequence);
    MDB_val id_key = {strlen(e->id), e->id}, seq_val = {8, seq_be};
    int rc = mdb_put(g->txn, g->store->ids, &id_key, &seq_val, 0);
    if (!rc && *e->state) {
        memcpy(state_key, e->state, 3);
        memcpy(state_key + 3, seq_be, 8);
        MDB_val key = {sizeof state_key, state_key}, empty = {0, NULL};
        rc = mdb_put(g->txn, g->store->by_state, &key, &empty, 0);
    }
    return rc ? rc : s_put_refs(g, e);
}

/*  An id already stored is a duplicate only with the same content;
    with other content it is a conflict (OPCAT_EDUP in 'err'), not a
    silent drop of the new event.  Only a found id pays for reading the
    stored envelope.  Returns 0, OPCAT_EDUP or an LMDB error. */
static int s_check_same(group_t *g, uint64_t seq, const event_t *e, err_t *err)
{
    uint8_t seq_be[8];
    be64_put(seq_be, seq);
    MDB_val key = {8, seq_be}, val;
    const tail_entry_t *t = g->tail ? tail_get(g->tail, seq) : NULL;
    int rc = 0;
    if (t)
        val = (MDB_val){t->len, (void *)t->record};
    else if ((rc = mdb_get(g->txn, g->store->log, &key, &val)))
        return rc;
    const uint8_t *rec = val.mv_data;
    event_t *stored =
        val.mv_size > 1u + rec[0]
            ? event_unpack(rec + 1 + rec[0], val.mv_size - 1 - rec[0])
            : NULL;
    bool same = stored && event_same_content(stored, e);
    event_free(&stored);
    if (same)
        return 0;
    return err_set(err, OPCAT_EDUP, "id",
                   "id: \"%.64s\" already stored with different content "
                   "(sequence %llu)",
                   e->id, (unsigned long long)seq);
}

/*  Writes the log record and every index entry of a new event. */
static int s_put_event(group_t *g, event_t *e)
{
    if (g->tail)
        return s_put_logged(g, e);
    int rc = s_put_record(g, e);
    return rc ? rc : s_put_indexes(g, e);
}

/*  The one lookup of an event id for idempotency: the sequence it is
    stored under, whether applied to LMDB or only in the commit log (the
    group's transaction holds both).  0, MDB_NOTFOUND or an LMDB code. */
static int s_find_id(group_t *g, const char *id, uint64_t *sequence)
{
    if (g->tail && tail_find_id(g->tail, id, sequence))
        return 0;
    MDB_val key = {strlen(id), (void *)id}, val;
    int rc = mdb_get(g->txn, g->store->ids, &key, &val);
    if (rc == 0)
        *sequence = val.mv_size == 8 ? be64_get(val.mv_data) : 0;
    return rc;
}

/*  Applies one event: rules, idempotency, append.  Returns 0 with the
    result filled for an outcome (stored, duplicate, refused), or an LMDB
    code or an OPCAT code (g->err filled) that aborts the whole group. */
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
            return err_set(g->err, OPCAT_ENOMEM, "", "out of memory");
    }
    uint64_t original;
    int rc = s_find_id(g, e->id, &original);
    if (rc == 0) {
        if ((rc = s_check_same(g, original, e, &res->error)))
            return rc == OPCAT_EDUP ? (res->status = STORE_REFUSED, 0) : rc;
        res->status = STORE_DUPLICATE;
        res->sequence = original;
        return 0;
    }
    if (rc != MDB_NOTFOUND)
        return rc;
    int ref = s_check_refs(g, e, &res->error);
    if (ref) {
        res->status = STORE_REFUSED;
        if (ref == OPCAT_EREF || ref == OPCAT_EINVAL)
            return 0;
        /* the lookup itself failed (kv_error filled res->error) */
        if (g->err)
            *g->err = res->error;
        return ref;
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

/*  Applies an atomic batch in a nested transaction (commit-log mode: in
    the tail and the commit log's buffer, rewound if refused); a
    validate-only batch too, every event applied but always dropped. */
static int s_apply_atomic(group_t *g, store_batch_t *b)
{
    MDB_txn *parent = g->txn;
    uint64_t first_seq = g->next_seq;
    size_t mark = g->tail ? clog_mark(g->store->clog) : 0;
    int rc = g->tail ? 0 : mdb_txn_begin(g->store->env, parent, 0, &g->txn);
    if (rc) {
        g->txn = parent;
        return rc;
    }
    bool refused = false;
    for (size_t i = 0; i < b->count && !rc; i++) {
        rc = s_apply_event(g, b->events[i], &b->results[i]);
        refused |= b->results[i].status == STORE_REFUSED;
    }
    if (rc || refused || b->validate_only) {
        if (g->tail) {
            tail_rewind(g->tail, first_seq);
            clog_rewind(g->store->clog, mark);
        } else {
            mdb_txn_abort(g->txn);
        }
        g->next_seq = first_seq;
        if (!rc && !b->validate_only)
            s_mark_batch(b, STORE_NOT_STORED);
        for (size_t i = 0; b->validate_only && i < b->count; i++)
            if (b->results[i].status == STORE_STORED)
                b->results[i].sequence = 0; /* would be stored */
    } else if (!g->tail) {
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
        if ((b->atomic && b->count > 1) || b->validate_only) {
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
        kv_error_map(err, rc, "write", store_map_size(self));
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

static bool s_is_opcat(int rc);

/*  Without a commit log: every group is one durable LMDB commit. */
static int s_write_direct(store_t *self, store_batch_t *batches, size_t count,
                          err_t *err)
{
    for (;;) {
        group_t g = {.store = self,
                     .next_seq = self->head + 1,
                     .now_ms = s_now_ms(),
                     .err = err};
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
        if (!s_is_opcat(rc))
            s_write_error(self, err, rc);
        s_fail_all(batches, count, err);
        return err->code;
    }
}

/* ------------------------------------------------------- the commit log */

/*  Whether a failure's code is already an OPCAT code, 'err' filled
    where it arose (the commit log, a group's step), rather than an LMDB
    code (or errno value) still to translate. */
static bool s_is_opcat(int rc)
{
    return rc != 0 && err_is_code(rc);
}

/*  Puts one record of the commit log into LMDB (recovery, or a rebuilt
    pending transaction): the record as it was logged, and its indexes
    from its decoded envelope. */
static int s_reapply(void *arg, uint64_t seq, const uint8_t *rec, size_t len)
{
    store_t *self = arg;
    group_t g = {.store = self, .txn = self->txn, .next_seq = seq};
    size_t topic_len = len ? rec[0] : 0;
    if (len < 1 + topic_len)
        return MDB_CORRUPTED;
    event_t *e = event_unpack(rec + 1 + topic_len, len - 1 - topic_len);
    if (!e)
        return MDB_CORRUPTED;
    int rc =
        e->sequence == seq ? s_put_packed(&g, seq, rec, len) : MDB_CORRUPTED;
    if (!rc)
        rc = s_put_indexes(&g, e);
    event_free(&e);
    return rc;
}

/*  Opens the pending transaction if none is open, with every record of
    the commit log after LMDB's last sequence put into it again.  Returns
    0 or an LMDB or OPCAT code. */
static int s_pending_txn(store_t *self, err_t *err)
{
    while (!self->txn) {
        int rc = mdb_txn_begin(self->env, NULL, 0, &self->txn);
        if (rc) {
            self->txn = NULL;
            return rc;
        }
        self->applied = s_last_sequence(self->txn, self->log);
        rc = clog_read(self->clog, self->applied, s_reapply, self, err);
        if (rc == 0)
            break;
        mdb_txn_abort(self->txn);
        self->txn = NULL;
        if (rc != MDB_MAP_FULL || s_grow(self))
            return rc;
    }
    return 0;
}

/*  Commits what s_pending_txn put in again (on open), redone in a bigger
    map when full.  0, or an OPCAT code with 'err' filled. */
static int s_commit_pending(store_t *self, err_t *err)
{
    for (int attempt = 0; self->txn; attempt++) {
        double t0 = monotime_s();
        int rc = mdb_txn_commit(self->txn);
        self->txn = NULL;
        if (rc == 0) {
            log_debug("store: %llu events applied to LMDB in %.1f ms",
                      (unsigned long long)(self->head - self->applied),
                      (monotime_s() - t0) * 1e3);
            self->applied = self->head;
            clog_release(self->clog, self->applied, NULL);
            return OPCAT_OK;
        }
        /* what failed stays in the commit log: put it again, bigger */
        if (rc != MDB_MAP_FULL || attempt > 4 || s_grow(self) ||
            (rc = s_pending_txn(self, err))) {
            if (!s_is_opcat(rc))
                s_write_error(self, err, rc);
            return err->code;
        }
    }
    return OPCAT_OK;
}

/*  Takes in the applier's progress: what LMDB now holds leaves the tail,
    and the commit log's segments wholly below it go. */
static void s_collect(store_t *self)
{
    uint64_t applied = self->applier ? applier_applied(self->applier) : 0;
    if (applied <= self->applied)
        return;
    tail_release(self->tail, applied);
    clog_release(self->clog, applied, NULL);
    self->applied = applied;
}

int store_apply(store_t *self, err_t *err)
{
    if (!self->applier)
        return OPCAT_OK;
    int rc = applier_flush(self->applier, self->head, err);
    s_collect(self);
    if (rc)
        s_write_error(self, err, rc);
    return rc ? err->code : OPCAT_OK;
}

uint64_t store_applied(store_t *self)
{
    return self->applier ? applier_applied(self->applier) : self->head;
}

uint64_t store_pending(store_t *self)
{
    s_collect(self);
    return self->clog ? self->head - self->applied : 0;
}

/*  Drops the transaction s_pending_txn began (on open). */
static void s_drop_txn(store_t *self)
{
    if (self->txn)
        mdb_txn_abort(self->txn);
    self->txn = NULL;
}

/*  The most bytes the group's records can take in the commit log (the
    store sets id, sequence and recorded_at before packing). */
static size_t s_group_bytes(const store_batch_t *batches, size_t count)
{
    size_t bytes = 0;
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < batches[i].count; k++)
            bytes +=
                opcat__v1__envelope__get_packed_size(batches[i].events[k]) +
                STORE_RECORD_SLACK;
    return bytes;
}

/*  A group larger than the tail can hold: once the applier has put all
    that is pending into LMDB, the empty tail grows to hold it. */
static int s_make_room_big(store_t *self, size_t events, err_t *err)
{
    int rc = applier_flush(self->applier, self->head, err);
    s_collect(self);
    if (rc) {
        s_write_error(self, err, rc);
        return err->code;
    }
    if (tail_grow(self->tail, events))
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    log_info("store: %zu events in one group: up to that many wait in "
             "memory now",
             events);
    return OPCAT_OK;
}

/*  Backpressure: when the tail has no room for the group's 'events' (or
    holds STORE_TAIL_BYTES of records), waits until the applier has put
    enough of it into LMDB.  The group is never dropped: it waits, or
    fails with an error that says why. */
static int s_make_room(store_t *self, size_t events, err_t *err)
{
    if (events > tail_count(self->tail) + tail_room(self->tail))
        return s_make_room_big(self, events, err);
    size_t room = tail_room(self->tail);
    size_t need = events > room ? events - room : 0;
    if (tail_bytes(self->tail) >= STORE_TAIL_BYTES &&
        need < tail_count(self->tail) / 2 + 1)
        need = tail_count(self->tail) / 2 + 1; /* half of it, not all */
    if (!need)
        return OPCAT_OK;
    int rc =
        applier_flush(self->applier, tail_first(self->tail) + need - 1, err);
    s_collect(self);
    if (rc)
        s_write_error(self, err, rc);
    return rc ? err->code : OPCAT_OK;
}

static size_t s_group_events(const store_batch_t *batches, size_t count)
{
    size_t events = 0;
    for (size_t i = 0; i < count; i++)
        events += batches[i].count;
    return events;
}

/*  One group: its rules checked against the tail and LMDB (a read
    transaction), its records put into the tail and the commit log's
    buffer, and synced; then handed to the applier.  A failure drops
    what the group put into the tail and the buffer.  Returns 0, an LMDB
    code (> 0), or an OPCAT code (< 0) with 'err' filled. */
static int s_group_logged(store_t *self, store_batch_t *batches, size_t count,
                          err_t *err)
{
    group_t g = {.store = self,
                 .next_seq = self->head + 1,
                 .now_ms = s_now_ms(),
                 .tail = self->tail,
                 .err = err};
    int rc = s_begin_read(self, &g.txn, err);
    if (rc)
        return rc;
    rc = s_apply_group(&g, batches, count);
    s_end_read(self, g.txn);
    if (!rc)
        rc = clog_sync(self->clog, err);
    if (rc) {
        clog_rewind(self->clog, 0);
        tail_rewind(self->tail, self->head + 1);
        return rc;
    }
    self->head = g.next_seq - 1;
    applier_hand(self->applier, self->head);
    return OPCAT_OK;
}

/*  Room in the tail and in the log is made first, so that a full disk
    refuses the group before anything is applied. */
static int s_write_logged(store_t *self, store_batch_t *batches, size_t count,
                          err_t *err)
{
    s_collect(self);
    int rc = s_make_room(self, s_group_events(batches, count), err);
    if (!rc)
        rc = clog_reserve(self->clog, s_group_bytes(batches, count), err);
    if (!rc)
        rc = s_group_logged(self, batches, count, err);
    if (!rc)
        return OPCAT_OK;
    if (!s_is_opcat(rc) || rc == OPCAT_ENOSPC)
        s_write_error(self, err, rc == OPCAT_ENOSPC ? ENOSPC : rc);
    s_fail_all(batches, count, err);
    return err->code;
}

int store_write(store_t *self, store_batch_t *batches, size_t count, err_t *err)
{
    if (self->read_only) {
        err_set(err, OPCAT_ESTATE, "", "the store is open read-only");
        s_fail_all(batches, count, err);
        return err->code;
    }
    return self->clog ? s_write_logged(self, batches, count, err)
                      : s_write_direct(self, batches, count, err);
}

/*  The tail and the applier thread behind it (commit-log mode). */
static int s_start_applier(store_t *self, err_t *err)
{
    applier_dbs_t dbs = {self->env,      self->log,     self->ids,
                         self->by_state, self->reports, self->visits};
    applier_options_t options = {self->apply_events, 0, self->map_size,
                                 self->max_map_size};
    self->tail = tail_new(self->head + 1, self->pending_max);
    if (!self->tail)
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    self->applier = applier_new(&dbs, self->tail, self->head, &options, err);
    return self->applier ? OPCAT_OK : err->code;
}

/*  Opens the commit log and applies what it holds beyond LMDB.  Without
    'options->commit_log' that is all: a log left by an earlier run is
    applied, then closed, and writes go to LMDB directly. */
static int s_open_clog(store_t *self, const store_options_t *options,
                       err_t *err)
{
    store_options_t none = {0};
    if (!options)
        options = &none;
    clog_options_t copts = {options->segment_size, options->extent,
                            options->keep_segments};
    self->applied = self->head;
    if (!(self->clog = clog_open(self->dir, self->head, &copts, err)))
        return err->code;
    int rc = s_pending_txn(self, err);
    if (rc)
        return s_is_opcat(rc) ? rc : kv_error(err, rc, "commit log");
    self->head = clog_last(self->clog);
    if (self->head > self->applied) {
        log_info("store: %llu events of the commit log after sequence %llu "
                 "applied again",
                 (unsigned long long)(self->head - self->applied),
                 (unsigned long long)self->applied);
        rc = s_commit_pending(self, err);
    } else {
        s_drop_txn(self);
        clog_release(self->clog, self->applied, NULL);
    }
    if (!rc && !options->commit_log)
        clog_destroy(&self->clog);
    return rc || !self->clog ? rc : s_start_applier(self, err);
}

/* --------------------------------------------------------------- reading */

/*  Begins a read transaction, adopting a map grown by another process.
    The writer in commit-log mode holds the applier's map lock while it
    reads.  0 or an OPCAT code with 'err' filled. */
static int s_begin_read(store_t *self, MDB_txn **txn, err_t *err)
{
    if (self->applier)
        applier_read_begin(self->applier);
    int rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, txn);
    if (rc == MDB_MAP_RESIZED && !self->applier) {
        mdb_env_set_mapsize(self->env, 0);
        rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, txn);
        if (rc == MDB_MAP_RESIZED) {
            mdb_env_set_mapsize(self->env, 0);
            rc = mdb_txn_begin(self->env, NULL, MDB_RDONLY, txn);
        }
    }
    if (rc && self->applier)
        applier_read_end(self->applier);
    return rc ? kv_error(err, rc, "read") : OPCAT_OK;
}

/*  Ends what s_begin_read began. */
static void s_end_read(store_t *self, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    if (self->applier)
        applier_read_end(self->applier);
}

/*  One store_read: its bounds and filter, and how far it got. */
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

/*  kv_record_fn of store_read: one record of the log. */
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

/*  store_read over what LMDB holds. */
static int s_read_lmdb(store_t *self, uint64_t from, uint64_t to, size_t max,
                       const char *prefix, store_read_fn fn, void *arg,
                       uint64_t *next, err_t *err)
{
    MDB_txn *txn;
    *next = from;
    int rc = s_begin_read(self, &txn, err);
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
    rc = kv_each(txn, self->log, &start, NULL, 0, s_read_record, &r);
    if (!rc && !r.stopped && !to) {
        /* reached the end: the next read starts after the head */
        uint64_t last = s_last_sequence(txn, self->log);
        if (last && last + 1 > *next)
            *next = last + 1;
    }
    s_end_read(self, txn);
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

/*  store_read over the tail, from 'from' (which it holds) on. */
static void s_read_tail(store_t *self, uint64_t from, uint64_t to, size_t max,
                        const char *prefix, onward_t *r, uint64_t *next)
{
    size_t prefix_len = prefix ? strlen(prefix) : 0, scanned = 0;
    uint64_t last = to && to < self->head ? to : self->head;
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
int store_read(store_t *self, uint64_t from, uint64_t to, size_t max,
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
    if (self->tail && tail_find_id(self->tail, id, sequence))
        return OPCAT_OK;
    MDB_txn *txn;
    int rc = s_begin_read(self, &txn, err);
    if (rc)
        return rc;
    MDB_val key = {strlen(id), (void *)id}, val;
    rc = mdb_get(txn, self->ids, &key, &val);
    if (rc == 0 && val.mv_size == 8)
        *sequence = be64_get(val.mv_data);
    s_end_read(self, txn);
    return rc ? kv_error(err, rc, id) : OPCAT_OK;
}

/*  kv_record_fn of store_count_state: one key of the State. */
static int s_count_key(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    uint64_t *count = arg;
    *count += key->mv_size == 11;
    return 0;
}

int store_count_state(store_t *self, const char *state, uint64_t *count,
                      err_t *err)
{
    MDB_txn *txn;
    *count = 0;
    int rc = s_begin_read(self, &txn, err);
    if (rc)
        return rc;
    rc = kv_each(txn, self->by_state, NULL, state, 3, s_count_key, count);
    /* the tail's events that this transaction's LMDB does not hold */
    if (!rc && self->tail)
        *count += tail_count_state(self->tail, state,
                                   s_last_sequence(txn, self->log) + 1);
    s_end_read(self, txn);
    return rc ? kv_error(err, rc, "by_state") : OPCAT_OK;
}

bool store_is_npm_report(store_t *self, const char *report_id)
{
    MDB_txn *txn;
    const tail_entry_t *t =
        self->tail && report_id
            ? tail_find_ref(self->tail, TAIL_REF_REPORT, report_id)
            : NULL;
    if (t)
        return t->report.recipient == 'n';
    err_t err;
    if (!report_id || !*report_id || s_begin_read(self, &txn, &err))
        return false;
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    report_ref_t ref = {0};
    /* LMDB values are not aligned: copy before reading */
    if (mdb_get(txn, self->reports, &key, &val) == 0 &&
        val.mv_size == sizeof ref)
        memcpy(&ref, val.mv_data, sizeof ref);
    s_end_read(self, txn);
    return ref.recipient == 'n';
}
