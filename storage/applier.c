/*  applier: the commit log's events into LMDB, in a thread of its own.
    See applier.h. */
#include "applier.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "be64.h"
#include "kv.h"
#include "log.h"
#include "monotime.h"

#define DEFAULT_TXN_EVENTS 1024
#define DEFAULT_TXN_BYTES ((size_t)8 << 20)
/*  Times a transaction is redone in a map twice as big. */
#define GROW_ATTEMPTS 4

struct applier {
    applier_dbs_t dbs;
    const tail_t *tail; /* borrowed; entries read up to 'handed' */
    size_t txn_events, txn_bytes;
    pthread_t thread;
    pthread_mutex_t lock; /* guards the fields below it */
    pthread_cond_t wake;  /* the thread may have work, or must stop */
    pthread_cond_t done;  /* 'applied' moved or an attempt failed */
    uint64_t handed, applied, flush_to;
    bool stop;
    int failed; /* the last attempt's LMDB code or errno; 0: none */
    /* the map: grown by the thread while holding 'env_lock', which every
       read transaction of the store's thread holds too (recursive: a
       read's callback may read again) */
    pthread_mutex_t env_lock;
    size_t map_size, max_map_size;
};

/*  Doubles the map, with no read transaction of this process open. */
static int s_grow(applier_t *self)
{
    pthread_mutex_lock(&self->env_lock);
    int rc = MDB_MAP_FULL;
    if (self->map_size * 2 <= self->max_map_size)
        rc = mdb_env_set_mapsize(self->dbs.env, self->map_size * 2);
    if (rc == 0) {
        self->map_size *= 2;
        log_info("store: map grown to %zu KiB", self->map_size >> 10);
    }
    pthread_mutex_unlock(&self->env_lock);
    return rc;
}

/*  Writes one event's record and index entries.  An LMDB code. */
static int s_put(applier_t *self, MDB_txn *txn, const tail_entry_t *e)
{
    uint8_t seq_be[8], state_key[11];
    be64_put(seq_be, e->sequence);
    MDB_val seq_key = {8, seq_be}, rec = {e->len, (void *)e->record};
    MDB_val id = {strlen(e->id), (void *)e->id};
    int rc = mdb_put(txn, self->dbs.log, &seq_key, &rec, MDB_APPEND);
    if (!rc)
        rc = mdb_put(txn, self->dbs.ids, &id, &seq_key, 0);
    if (!rc && e->state[0]) {
        memcpy(state_key, e->state, 3);
        memcpy(state_key + 3, seq_be, 8);
        MDB_val key = {sizeof state_key, state_key}, empty = {0, NULL};
        rc = mdb_put(txn, self->dbs.by_state, &key, &empty, 0);
    }
    if (rc || e->ref == TAIL_REF_NONE)
        return rc;
    MDB_val key = {strlen(e->ref_key), (void *)e->ref_key};
    MDB_val report = {sizeof e->report, (void *)&e->report};
    return e->ref == TAIL_REF_REPORT
               ? mdb_put(txn, self->dbs.reports, &key, &report, 0)
               : mdb_put(txn, self->dbs.visits, &key, &seq_key, 0);
}

/*  One transaction: the events from 'from' on, up to 'to' and the
    transaction's bounds; '*last' gets the last one committed. */
static int s_txn(applier_t *self, uint64_t from, uint64_t to, uint64_t *last)
{
    MDB_txn *txn;
    int rc = mdb_txn_begin(self->dbs.env, NULL, 0, &txn);
    if (rc)
        return rc;
    size_t bytes = 0;
    uint64_t seq = from;
    for (; !rc && seq <= to && seq - from < self->txn_events &&
           bytes < self->txn_bytes;
         seq++) {
        const tail_entry_t *e = tail_handed(self->tail, seq);
        rc = s_put(self, txn, e);
        bytes += e->len;
    }
    if (rc) {
        mdb_txn_abort(txn);
        return rc;
    }
    if ((rc = mdb_txn_commit(txn)) == 0)
        *last = seq - 1;
    return rc;
}

/*  Applies from 'from' on, redoing a transaction in a bigger map. */
static int s_apply(applier_t *self, uint64_t from, uint64_t to, uint64_t *last)
{
    double t0 = monotime_s();
    for (int attempt = 0;; attempt++) {
        int rc = s_txn(self, from, to, last);
        if (rc == 0)
            log_debug("store: %llu events applied to LMDB in %.1f ms",
                      (unsigned long long)(*last - from + 1),
                      (monotime_s() - t0) * 1e3);
        if (rc != MDB_MAP_FULL || attempt >= GROW_ATTEMPTS || s_grow(self))
            return rc;
    }
}

/*  Whether the thread has something to apply now (lock held). */
static bool s_has_work(const applier_t *self)
{
    if (self->failed || self->handed == self->applied)
        return false;
    return self->stop || self->flush_to > self->applied ||
           self->handed - self->applied >= self->txn_events;
}

static void *s_run(void *arg)
{
    applier_t *self = arg;
    pthread_mutex_lock(&self->lock);
    for (;;) {
        if (s_has_work(self)) {
            uint64_t from = self->applied + 1, to = self->handed, last = 0;
            pthread_mutex_unlock(&self->lock);
            int rc = s_apply(self, from, to, &last);
            pthread_mutex_lock(&self->lock);
            if (rc)
                self->failed = rc;
            else
                self->applied = last;
            pthread_cond_broadcast(&self->done);
        } else if (self->stop) {
            break;
        } else {
            pthread_cond_wait(&self->wake, &self->lock);
        }
    }
    pthread_mutex_unlock(&self->lock);
    return NULL;
}

applier_t *applier_new(const applier_dbs_t *dbs, const tail_t *tail,
                       uint64_t applied, const applier_options_t *options,
                       err_t *err)
{
    applier_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    self->dbs = *dbs;
    self->tail = tail;
    self->txn_events =
        options->txn_events ? options->txn_events : DEFAULT_TXN_EVENTS;
    self->txn_bytes =
        options->txn_bytes ? options->txn_bytes : DEFAULT_TXN_BYTES;
    self->map_size = options->map_size;
    self->max_map_size = options->max_map_size;
    self->handed = self->applied = self->flush_to = applied;
    pthread_mutexattr_t recursive;
    pthread_mutexattr_init(&recursive);
    pthread_mutexattr_settype(&recursive, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&self->lock, NULL);
    pthread_mutex_init(&self->env_lock, &recursive); /* reads nest */
    pthread_mutexattr_destroy(&recursive);
    pthread_cond_init(&self->wake, NULL);
    pthread_cond_init(&self->done, NULL);
    int rc = pthread_create(&self->thread, NULL, s_run, self);
    if (rc) {
        err_set(err, err_from_errno(rc), "", "applier thread: %s",
                strerror(rc));
        pthread_cond_destroy(&self->done);
        pthread_cond_destroy(&self->wake);
        pthread_mutex_destroy(&self->env_lock);
        pthread_mutex_destroy(&self->lock);
        free(self);
        return NULL;
    }
    return self;
}

void applier_destroy(applier_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    applier_t *self = *self_p;
    pthread_mutex_lock(&self->lock);
    self->stop = true;
    pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
    pthread_join(self->thread, NULL);
    if (self->failed)
        log_warnx("store: %llu events not applied to LMDB (%s); the commit "
                  "log keeps them for the next start",
                  (unsigned long long)(self->handed - self->applied),
                  mdb_strerror(self->failed));
    pthread_cond_destroy(&self->done);
    pthread_cond_destroy(&self->wake);
    pthread_mutex_destroy(&self->env_lock);
    pthread_mutex_destroy(&self->lock);
    free(self);
    *self_p = NULL;
}

void applier_hand(applier_t *self, uint64_t sequence)
{
    pthread_mutex_lock(&self->lock);
    if (sequence > self->handed)
        self->handed = sequence;
    if (s_has_work(self))
        pthread_cond_signal(&self->wake);
    pthread_mutex_unlock(&self->lock);
}

int applier_flush(applier_t *self, uint64_t sequence, err_t *err)
{
    pthread_mutex_lock(&self->lock);
    if (sequence > self->handed)
        sequence = self->handed;
    if (sequence > self->flush_to)
        self->flush_to = sequence;
    self->failed = 0; /* try again */
    pthread_cond_signal(&self->wake);
    while (self->applied < sequence && !self->failed)
        pthread_cond_wait(&self->done, &self->lock);
    int rc = self->applied < sequence ? self->failed : 0;
    pthread_mutex_unlock(&self->lock);
    return rc ? kv_error(err, rc, "apply to LMDB"), rc : 0;
}

uint64_t applier_applied(applier_t *self)
{
    pthread_mutex_lock(&self->lock);
    uint64_t applied = self->applied;
    pthread_mutex_unlock(&self->lock);
    return applied;
}

size_t applier_map_size(applier_t *self)
{
    pthread_mutex_lock(&self->env_lock);
    size_t size = self->map_size;
    pthread_mutex_unlock(&self->env_lock);
    return size;
}

void applier_read_begin(applier_t *self)
{
    pthread_mutex_lock(&self->env_lock);
}

void applier_read_end(applier_t *self)
{
    pthread_mutex_unlock(&self->env_lock);
}
