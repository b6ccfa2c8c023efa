/*  group: one write group's events.  See group.h. */
#include "group.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "be64.h"
#include "kv.h"
#include "validate.h"
#include "xref.h"

/*  The state of one group_apply: the transaction and the next sequence. */
typedef struct {
    const codes_t *codes;
    const applier_dbs_t *dbs;
    clog_t *clog;
    MDB_txn *txn;
    uint64_t next_seq;
    int64_t now_ms;
    /* commit-log mode: looked at before 'txn' (then a read transaction);
       new events go there and to the commit log's buffer, not to LMDB */
    tail_t *tail;
    bool restore; /* the batch being applied keeps its sequences */
    err_t *err;   /* why, when a step fails with an OPCAT code (may be
                     NULL); an LMDB code is translated where the group
                     ends (the store's s_write_error) */
} group_t;

static int s_get_report(group_t *g, const char *report_id, tail_report_t *ref)
{
    const tail_entry_t *t =
        g->tail ? tail_find_ref(g->tail, TAIL_REF_REPORT, report_id) : NULL;
    if (t) {
        *ref = t->report;
        return 0;
    }
    MDB_val key = {strlen(report_id), (void *)report_id}, val;
    int rc = mdb_get(g->txn, g->dbs->reports, &key, &val);
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
    tail_report_t ref;
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
    int rc = s_key_exists(g, g->dbs->visits, visit_id);
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
    entry->report = (tail_report_t){.sequence = e->sequence};
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
    MDB_dbi dbi = g->dbs->visits;
    if (t.ref == TAIL_REF_REPORT) {
        dbi = g->dbs->reports;
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
    return mdb_put(g->txn, g->dbs->log, &key, &val, MDB_APPEND);
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
    int rc = mdb_put(g->txn, g->dbs->log, &key, &val, MDB_APPEND | MDB_RESERVE);
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
    int rc = clog_append(g->clog, e->sequence, rec, len, g->err);
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
    int rc = mdb_put(g->txn, g->dbs->ids, &id_key, &seq_val, 0);
    if (!rc && *e->state) {
        memcpy(state_key, e->state, 3);
        memcpy(state_key + 3, seq_be, 8);
        MDB_val key = {sizeof state_key, state_key}, empty = {0, NULL};
        rc = mdb_put(g->txn, g->dbs->by_state, &key, &empty, 0);
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
    else if ((rc = mdb_get(g->txn, g->dbs->log, &key, &val)))
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
    int rc = mdb_get(g->txn, g->dbs->ids, &key, &val);
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
    if (validate_event(g->codes, e, &res->error)) {
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
    size_t mark = g->tail ? clog_mark(g->clog) : 0;
    int rc = g->tail ? 0 : mdb_txn_begin(g->dbs->env, parent, 0, &g->txn);
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
            clog_rewind(g->clog, mark);
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

int group_apply(const group_target_t *target, MDB_txn *txn, uint64_t *next_seq,
                store_batch_t *batches, size_t count, err_t *err)
{
    group_t g = {.codes = target->codes,
                 .dbs = &target->dbs,
                 .clog = target->clog,
                 .txn = txn,
                 .next_seq = *next_seq,
                 .now_ms = s_now_ms(),
                 .tail = target->tail,
                 .err = err};
    int rc = s_apply_group(&g, batches, count);
    *next_seq = g.next_seq;
    return rc;
}

int group_reapply(const applier_dbs_t *dbs, MDB_txn *txn, uint64_t seq,
                  const uint8_t *rec, size_t len)
{
    group_t g = {.dbs = dbs, .txn = txn, .next_seq = seq};
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
