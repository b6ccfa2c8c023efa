/*  store: the event log in LMDB.

    One environment (a directory holding data.mdb and lock.mdb) with these
    databases:

      log       seq (u64 big-endian) -> record       append-only, MDB_APPEND
      ids       event id             -> seq          idempotency
      by_state  STATE(3) seq(8 BE)   -> ""           events of one State
      reports   report_id            -> report_ref   cross-references
      visits    visit_id             -> visit_ref

    A record is the event's topic and its packed envelope:

      +--------+----------------+-------------------------------+
      | u8 len | topic (len B)  | Envelope (protobuf, to end)   |
      +--------+----------------+-------------------------------+

    so that replay can filter by topic and copy the envelope out without
    decoding it.  Big-endian keys make LMDB's order the sequence order.

    Writes come in groups: store_write() takes every batch that arrived
    while the previous commit was running, applies them in one write
    transaction and commits it durably (fsync) once.  Only then may the
    caller acknowledge them.  An atomic batch is applied in a nested
    transaction, so a refused event drops its batch and nothing else.
    When the map is full the transaction is redone in a map twice as big.

    Readers (store_read, store_get) use short read transactions and may
    run in another process at the same time as the writer.

    With a commit log (store_options_t.commit_log, clog.h) a group's
    records are appended to the commit log and synced with one fdatasync,
    and kept in memory (tail.h) until LMDB holds them: the acknowledgement
    waits for that sync alone.  A thread of the store's own (applier.h)
    puts them into LMDB behind it, in transactions of at most
    'apply_events' events, once that many are pending, when the caller
    asks (store_apply: when idle) and on close; the segments wholly below
    what LMDB holds are then removed.  Every lookup of the writer
    (duplicates, cross-references, reads, replay) looks at the tail
    before LMDB, so it sees what is only in the commit log the same way
    as what is applied.  At most 'pending_max' events wait in memory: a
    write beyond waits for the applier first (backpressure; nothing is
    dropped).  On open, the records after LMDB's last sequence are put
    in again and applied.  A read-only handle in another process sees
    only what is applied.

    Errors: every function returns 0 or a negative OPCAT_E* code (err.h)
    with 'err' filled; LMDB's codes are translated inside (kv_error,
    kv.h), its text kept in the message. */
#ifndef OPCAT_STORE_H
#define OPCAT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codes.h"
#include "err.h"
#include "event.h"
#include "store_types.h"

typedef struct store store_t;

typedef struct {
    size_t initial_map_size; /* bytes; 0: 64 MiB. The map grows as needed. */
    size_t max_map_size;     /* bytes; 0: 1 TiB */
    bool read_only;          /* a reader beside the daemon */
    bool commit_log;         /* acknowledge on the commit log's sync */
    size_t apply_events;     /* events per apply transaction, and pending
                                events that start one; 0: 1,024 */
    size_t pending_max;      /* unapplied events held in memory before a
                                write waits for the applier; 0: 16,384
                                (a bigger group waits for all to be
                                applied, and the bound grows to it) */
    size_t segment_size;     /* commit log segment bytes; 0: 64 MiB */
    size_t extent;           /* bytes a segment grows by; 0: 4 MiB */
    unsigned keep_segments;  /* applied segments kept (retention) */
} store_options_t;

/*  Opens (creating if needed) the environment in directory 'dir', which
    must exist.  'codes' is borrowed and must outlive the store.  'options'
    may be NULL.  Returns NULL and fills 'err' on failure.  Some possible
    errors are:
      OPCAT_ENOTFOUND  read-only, and 'dir' holds no store;
      OPCAT_ECORRUPT   'dir' holds a file that is not an LMDB environment,
                       or a damaged one;
      OPCAT_EIO, OPCAT_ENOSPC, OPCAT_ENOMEM  from the file system;
      and with a commit log, those of clog_open (clog.h). */
store_t *store_open(const char *dir, const codes_t *codes,
                    const store_options_t *options, err_t *err);

/*  Closes the environment; '*self' becomes NULL.  NULL is allowed. */
void store_destroy(store_t **self);

/*  Applies 'count' batches in one durable transaction, filling each
    batch's results.  Returns 0 when the transaction committed (results
    then say per event what was stored); a negative code when nothing
    could be committed, in which case every result is STORE_FAILED and
    'err' says why.  Some possible errors are:
      OPCAT_ENOSPC    the file system is full (the message says how much
                      is free);
      OPCAT_EFULL     the map cannot grow past max_map_size (the message
                      names the map's size);
      OPCAT_ETOOBIG   one transaction too big for LMDB;
      OPCAT_ECORRUPT  LMDB found a damaged page;
      OPCAT_ESTATE    the store is open read-only;
      OPCAT_ENOMEM, OPCAT_EIO. */
int store_write(store_t *self, store_batch_t *batches, size_t count,
                err_t *err);

/*  Has the applier put every pending event into LMDB now, and waits for
    it (commit-log mode; otherwise nothing to do).  On failure what was
    pending stays in the commit log and in memory, served as before, and
    the applier tries again on the next call; 'err' says why:
    OPCAT_EFULL, OPCAT_ENOSPC, OPCAT_EIO as for store_write. */
int store_apply(store_t *self, err_t *err);

/*  Events in the commit log not yet applied to LMDB (0 without one). */
uint64_t store_pending(store_t *self);

/*  The last committed sequence (0 for an empty log). */
uint64_t store_head(store_t *self);

/*  The last sequence LMDB holds as the applier reports it (store_head()
    without a commit log).  Unlike store_pending(), it releases nothing
    from memory: what LMDB holds may still be served from the tail. */
uint64_t store_applied(store_t *self);

/*  Calls 'fn' for up to 'max' events with sequence in [from, to] (to 0:
    up to the head) whose topic starts with 'prefix' (NULL or "": all).
    '*next' gets the sequence to start the next read from.  Returns 0 or
    a negative code: OPCAT_ECORRUPT, OPCAT_EIO, OPCAT_ESTATE (every
    reader slot taken), or, in commit-log mode, what putting the commit
    log in again met (those of store_write). */
int store_read(store_t *self, uint64_t from, uint64_t to, size_t max,
               const char *prefix, store_read_fn fn, void *arg, uint64_t *next,
               err_t *err);

/*  Copies the envelope stored at 'sequence' into a new buffer ('*data',
    '*len', freed by the caller).  OPCAT_ENOTFOUND if there is none;
    else the errors of store_read. */
int store_get(store_t *self, uint64_t sequence, uint8_t **data, size_t *len,
              err_t *err);

/*  The sequence under which event id 'id' is stored, or OPCAT_ENOTFOUND;
    else the errors of store_read. */
int store_find_id(store_t *self, const char *id, uint64_t *sequence,
                  err_t *err);

/*  Counts the events of State 'state' (three letters; for tests and
    `opcatctl`).  Errors: those of store_read. */
int store_count_state(store_t *self, const char *state, uint64_t *count,
                      err_t *err);

/*  Whether 'report_id' was transmitted to an NPM (false if unknown). */
bool store_is_npm_report(store_t *self, const char *report_id);

/*  The current map size in bytes (it grows when full). */
size_t store_map_size(store_t *self);

#endif
