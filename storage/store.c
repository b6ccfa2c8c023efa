/*  store: LMDB event log with group commit.  See store.h for the layout.

    This file opens and closes the store and runs its writes: a group
    straight into one LMDB transaction, or into the commit log and the
    tail with the applier behind it, with backpressure and the recovery
    of what the commit log holds beyond LMDB.  What one group does to each
    event is group.c's; every read is reader.c's. */
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <sys/statvfs.h>
#include <lmdb.h>
#include <stdlib.h>

#include "applier.h"
#include "clog.h"
#include "group.h"
#include "kv.h"
#include "log.h"
#include "monotime.h"
#include "reader.h"
#include "tail.h"

#define DEFAULT_MAP_SIZE ((size_t)64 << 20)
#define DEFAULT_MAX_MAP_SIZE ((size_t)1 << 40)
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

struct store {
    applier_dbs_t dbs;    /* the environment and its databases */
    reader_t *reader;     /* every read (reader.h) */
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

static int s_open_dbs(store_t *self, err_t *err)
{
    MDB_txn *txn;
    unsigned flags = self->read_only ? 0 : MDB_CREATE;
    int rc = mdb_txn_begin(self->dbs.env, NULL,
                           self->read_only ? MDB_RDONLY : 0, &txn);
    if (rc)
        return kv_error(err, rc, "begin");
    if ((rc = mdb_dbi_open(txn, "log", flags, &self->dbs.log)) ||
        (rc = mdb_dbi_open(txn, "ids", flags, &self->dbs.ids)) ||
        (rc = mdb_dbi_open(txn, "by_state", flags, &self->dbs.by_state)) ||
        (rc = mdb_dbi_open(txn, "reports", flags, &self->dbs.reports)) ||
        (rc = mdb_dbi_open(txn, "visits", flags, &self->dbs.visits))) {
        mdb_txn_abort(txn);
        return kv_error(err, rc, "open databases");
    }
    self->head = reader_last_sequence(txn, self->dbs.log);
    rc = mdb_txn_commit(txn);
    if (rc)
        return kv_error(err, rc, "commit");
    self->reader = reader_new(&self->dbs);
    return self->reader ? OPCAT_OK
                        : err_set(err, OPCAT_ENOMEM, "", "out of memory");
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
    int rc = mdb_env_create(&self->dbs.env);
    if (rc) {
        kv_error(err, rc, "create environment");
        free(self);
        return NULL;
    }
    mdb_env_set_maxdbs(self->dbs.env, 8);
    mdb_env_set_mapsize(self->dbs.env, self->map_size);
    rc = mdb_env_open(self->dbs.env, dir,
                      MDB_NOTLS | (self->read_only ? MDB_RDONLY : 0), 0644);
    if (rc) {
        kv_error(err, rc, dir);
        store_destroy(&self);
        return NULL;
    }
    MDB_envinfo info;
    mdb_env_info(self->dbs.env, &info); /* an existing file may be bigger */
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
    reader_destroy(&self->reader);
    applier_destroy(&self->applier); /* after applying what it holds */
    tail_destroy(&self->tail);
    if (self->txn)
        mdb_txn_abort(self->txn);
    clog_destroy(&self->clog);
    if (self->dbs.env)
        mdb_env_close(self->dbs.env);
    free(self);
    *self_p = NULL;
}

uint64_t store_head(store_t *self)
{
    return self->read_only ? reader_lmdb_head(self->reader) : self->head;
}

size_t store_map_size(store_t *self)
{
    return self->applier ? applier_map_size(self->applier) : self->map_size;
}

/* --------------------------------------------------------------- writing */

/*  Doubles the map; only possible with no transaction open. */
static int s_grow(store_t *self)
{
    if (self->map_size * 2 > self->max_map_size)
        return MDB_MAP_FULL;
    int rc = mdb_env_set_mapsize(self->dbs.env, self->map_size * 2);
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

/*  Where a group of this store goes (group.h): into the commit log and
    the tail when it has them, else into LMDB. */
static group_target_t s_target(const store_t *self)
{
    return (group_target_t){self->codes, self->dbs, self->clog, self->tail};
}

/*  Without a commit log: every group is one durable LMDB commit. */
static int s_write_direct(store_t *self, store_batch_t *batches, size_t count,
                          err_t *err)
{
    group_target_t target = s_target(self);
    for (;;) {
        uint64_t next_seq = self->head + 1;
        MDB_txn *txn;
        int rc = mdb_txn_begin(self->dbs.env, NULL, 0, &txn);
        if (rc == 0) {
            rc = group_apply(&target, txn, &next_seq, batches, count, err);
            if (rc)
                mdb_txn_abort(txn);
            else
                rc = mdb_txn_commit(txn);
        }
        if (rc == 0) {
            self->head = next_seq - 1;
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

/*  clog_record_fn of s_pending_txn: one record of the commit log into
    the pending transaction (recovery, or a rebuilt pending transaction). */
static int s_reapply(void *arg, uint64_t seq, const uint8_t *rec, size_t len)
{
    store_t *self = arg;
    return group_reapply(&self->dbs, self->txn, seq, rec, len);
}

/*  Opens the pending transaction if none is open, with every record of
    the commit log after LMDB's last sequence put into it again.  Returns
    0 or an LMDB or OPCAT code. */
static int s_pending_txn(store_t *self, err_t *err)
{
    while (!self->txn) {
        int rc = mdb_txn_begin(self->dbs.env, NULL, 0, &self->txn);
        if (rc) {
            self->txn = NULL;
            return rc;
        }
        self->applied = reader_last_sequence(self->txn, self->dbs.log);
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
    group_target_t target = s_target(self);
    uint64_t next_seq = self->head + 1;
    MDB_txn *txn;
    int rc = reader_begin(self->reader, &txn, err);
    if (rc)
        return rc;
    rc = group_apply(&target, txn, &next_seq, batches, count, err);
    reader_end(self->reader, txn);
    if (!rc)
        rc = clog_sync(self->clog, err);
    if (rc) {
        clog_rewind(self->clog, 0);
        tail_rewind(self->tail, self->head + 1);
        return rc;
    }
    self->head = next_seq - 1;
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
    applier_options_t options = {self->apply_events, 0, self->map_size,
                                 self->max_map_size};
    self->tail = tail_new(self->head + 1, self->pending_max);
    if (!self->tail)
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    self->applier =
        applier_new(&self->dbs, self->tail, self->head, &options, err);
    if (!self->applier)
        return err->code;
    reader_follow(self->reader, self->tail, self->applier);
    return OPCAT_OK;
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

int store_read(store_t *self, uint64_t from, uint64_t to, size_t max,
               const char *prefix, store_read_fn fn, void *arg, uint64_t *next,
               err_t *err)
{
    return reader_read(self->reader, from, to, max, prefix, fn, arg, next, err);
}

int store_get(store_t *self, uint64_t sequence, uint8_t **data, size_t *len,
              err_t *err)
{
    return reader_get(self->reader, sequence, data, len, err);
}

int store_find_id(store_t *self, const char *id, uint64_t *sequence, err_t *err)
{
    return reader_find_id(self->reader, id, sequence, err);
}

int store_count_state(store_t *self, const char *state, uint64_t *count,
                      err_t *err)
{
    return reader_count_state(self->reader, state, count, err);
}

bool store_is_npm_report(store_t *self, const char *report_id)
{
    return reader_is_npm_report(self->reader, report_id);
}
