/*  group: one write group's events, each checked and put in its place.

    store_write (store.h) hands every batch that arrived while the
    previous commit ran to group_apply as one group.  Each event is
    checked against the single-event rules (validate.h), made idempotent
    by its id (a duplicate; or, stored with other content, a conflict),
    checked against what is stored (the cross-reference rules, xref.h)
    and given the log's next sequence.  An atomic batch of more than one
    event keeps all of its events or none; a validate-only batch keeps
    none.

    Where a new event goes:
      without a commit log: its record and index entries into the
        caller's LMDB write transaction (store.h draws the databases);
      with one ('clog' and 'tail' of the target set): its record into
        the commit log's buffer and, with the index entries the applier
        will write, into the tail (tail.h); the caller's transaction is
        then a read transaction.
    Every lookup looks at the tail before LMDB, so that an event only in
    the commit log counts as stored. */
#ifndef OPCAT_GROUP_H
#define OPCAT_GROUP_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "applier.h"
#include "clog.h"
#include "codes.h"
#include "err.h"
#include "store_types.h"
#include "tail.h"

/*  Where a group's events are checked and put.  Everything is borrowed. */
typedef struct {
    const codes_t *codes; /* the catalogue the rules check against */
    applier_dbs_t dbs;    /* the environment and the store's databases */
    clog_t *clog;         /* commit-log mode: the commit log, */
    tail_t *tail;         /* and the tail; both NULL without one */
} group_target_t;

/*  Applies 'count' batches in 'txn', giving new events the sequences from
    '*next_seq' on, and fills every batch's results; '*next_seq' becomes
    the sequence after the last one given.  Returns 0 (the results then
    say what happened to each event), an LMDB code or errno value (> 0)
    still to translate, or an OPCAT code (< 0) with 'err' filled.  On a
    failure the caller drops the whole group: it aborts 'txn', or rewinds
    the tail and the commit log's buffer. */
int group_apply(const group_target_t *target, MDB_txn *txn, uint64_t *next_seq,
                store_batch_t *batches, size_t count, err_t *err);

/*  Puts one record of the commit log, logged at sequence 'seq', into the
    LMDB write transaction 'txn' as it was logged, with the index entries
    of its decoded envelope (recovery on open).  Returns 0, MDB_CORRUPTED
    for a record that does not decode or carries another sequence, or an
    LMDB code. */
int group_reapply(const applier_dbs_t *dbs, MDB_txn *txn, uint64_t seq,
                  const uint8_t *rec, size_t len);

#endif
