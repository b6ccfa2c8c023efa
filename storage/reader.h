/*  reader: the store's reads, across LMDB and the tail.

    Every read of the event log (store_read, store_get, store_find_id,
    store_count_state, store_is_npm_report in store.h) is answered here.
    LMDB is read in short read transactions; in commit-log mode the events
    the commit log holds beyond LMDB are in the tail (tail.h), which the
    reader looks at too, before LMDB for a lookup and after it for a read
    in sequence order, so that what is only in the commit log is seen the
    same way as what is applied.

    Read transactions: the map may be grown by another process (a reader
    beside the daemon adopts the new size) or, in commit-log mode, by the
    applier thread of this one, which must find no transaction of this
    process open: reader_begin then holds the applier's map lock
    (applier_read_begin) until reader_end.

    Errors: 0 or a negative OPCAT_E* code (err.h) with 'err' filled;
    LMDB's codes are translated by kv_error (kv.h). */
#ifndef OPCAT_READER_H
#define OPCAT_READER_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applier.h"
#include "err.h"
#include "store_types.h"
#include "tail.h"

typedef struct reader reader_t;

/*  A reader of the databases 'dbs' (copied; the environment stays the
    caller's and must outlive the reader).  NULL when out of memory. */
reader_t *reader_new(const applier_dbs_t *dbs);

/*  Frees the reader; '*self' becomes NULL.  NULL is allowed. */
void reader_destroy(reader_t **self);

/*  Commit-log mode: from now on reads look at 'tail' too, and hold
    'applier''s map lock around each read transaction.  Both are
    borrowed and must outlive the reader. */
void reader_follow(reader_t *self, const tail_t *tail, applier_t *applier);

/*  The last sequence of log database 'log' as 'txn' sees it, 0 if the log
    is empty. */
uint64_t reader_last_sequence(MDB_txn *txn, MDB_dbi log);

/*  Begins a read transaction into '*txn', adopting a map grown by another
    process.  0 or an OPCAT code (OPCAT_ESTATE: every reader slot taken)
    with 'err' filled.  End it with reader_end, on the same thread. */
int reader_begin(reader_t *self, MDB_txn **txn, err_t *err);

/*  Ends what reader_begin began. */
void reader_end(reader_t *self, MDB_txn *txn);

/*  The last sequence LMDB holds, read in a transaction of its own; 0 if
    the log is empty or cannot be read. */
uint64_t reader_lmdb_head(reader_t *self);

/*  store_read (store.h): LMDB first (it holds everything below the
    tail's first sequence, and maybe more), then the tail after what LMDB
    gave, unless the read ended before. */
int reader_read(reader_t *self, uint64_t from, uint64_t to, size_t max,
                const char *prefix, store_read_fn fn, void *arg, uint64_t *next,
                err_t *err);

/*  store_get (store.h). */
int reader_get(reader_t *self, uint64_t sequence, uint8_t **data, size_t *len,
               err_t *err);

/*  store_find_id (store.h). */
int reader_find_id(reader_t *self, const char *id, uint64_t *sequence,
                   err_t *err);

/*  store_count_state (store.h). */
int reader_count_state(reader_t *self, const char *state, uint64_t *count,
                       err_t *err);

/*  store_is_npm_report (store.h). */
bool reader_is_npm_report(reader_t *self, const char *report_id);

#endif
