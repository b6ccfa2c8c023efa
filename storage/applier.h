/*  applier: a thread that puts the commit log's events into LMDB.

    The store's thread appends a group's records to the commit log, syncs
    them, acknowledges them, and hands them over (applier_hand) with their
    index entries held in the tail (tail.h).  The applier thread takes
    them from there in order and commits them to LMDB in transactions of
    at most 'txn_events' events and about 'txn_bytes' bytes, so that
    neither an acknowledgement waits for an LMDB commit nor LMDB's dirty
    pages grow with what is pending.  It starts once 'txn_events' events
    are handed and not applied, or when asked to (applier_flush).

    LMDB's rules, kept here: the applier's thread is the environment's
    only writer (the store's thread only reads, in read transactions of
    an environment opened with MDB_NOTLS); the map is grown only when no
    transaction of this process is open, so the store's thread runs each
    read transaction between applier_read_begin and applier_read_end.

    Failures: a transaction that fails (a full disk, an I/O error, a map
    at its maximum) is aborted; LMDB keeps what was committed before, the
    commit log keeps the rest, and the applier waits until asked again
    (applier_flush).  Nothing handed is ever dropped: destroying applies
    whatever is still pending unless the last attempt failed. */
#ifndef OPCAT_APPLIER_H
#define OPCAT_APPLIER_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tail.h"

typedef struct applier applier_t;

/*  The environment and the store's databases (store.h). */
typedef struct {
    MDB_env *env;
    MDB_dbi log, ids, by_state, reports, visits;
} applier_dbs_t;

typedef struct {
    size_t txn_events;   /* events per transaction, and pending events
                            that start it; 0: 1,024 */
    size_t txn_bytes;    /* record bytes after which a transaction is
                            committed; 0: 8 MiB */
    size_t map_size;     /* the map's size now (bytes) */
    size_t max_map_size; /* the most it may grow to */
} applier_options_t;

/*  Starts the thread.  LMDB holds every sequence up to 'applied'; the
    tail's entries are read from 'applied' + 1 on.  'dbs' is copied;
    'tail' is borrowed and must outlive the applier.  NULL and 'err'
    filled on failure. */
applier_t *applier_new(const applier_dbs_t *dbs, const tail_t *tail,
                       uint64_t applied, const applier_options_t *options,
                       err_t *err);

/*  Applies what was handed (unless the last attempt failed), stops and
    joins the thread; '*self' becomes NULL.  NULL is allowed. */
void applier_destroy(applier_t **self);

/*  The tail's entries up to 'sequence' are synced in the commit log and
    may be applied. */
void applier_hand(applier_t *self, uint64_t sequence);

/*  Asks for everything up to 'sequence' (handed) to be applied now, and
    waits until it is or an attempt failed.  Returns 0, or the LMDB code
    or errno value of the failed transaction, with 'err' filled. */
int applier_flush(applier_t *self, uint64_t sequence, err_t *err);

/*  The last sequence LMDB holds for sure (its transaction committed). */
uint64_t applier_applied(applier_t *self);

/*  The map's size now (it grows when full). */
size_t applier_map_size(applier_t *self);

/*  Around each read transaction of the caller's thread: the map is not
    grown in between.  They nest (a read inside a read's callback). */
void applier_read_begin(applier_t *self);
void applier_read_end(applier_t *self);

#endif
