/*  kv: an LMDB environment for a consumer's own state.

    The reminder and aggregation services each keep their projection and
    their checkpoint (the last store sequence applied) in an environment of
    their own.  kv opens it with named databases plus a "meta" database for
    the checkpoint, runs write transactions that are redone in a bigger map
    when the map is full, and translates LMDB errors.

    Errors: every function returns 0 or a negative OPCAT_E* code (err.h)
    with 'err' filled, never an LMDB code.  kv_error() is the one
    translation of LMDB's return codes (and the errno values LMDB passes
    on); the message keeps LMDB's own text (mdb_strerror).  Only the
    callbacks that run inside a transaction (kv_txn_fn, kv_record_fn)
    and kv_set_checkpoint() see LMDB's codes: they hand them back
    untouched and kv_write(), kv_read() translate them.

    The rule that makes consumers crash-safe: apply a batch of events and
    move the checkpoint in the same kv_write() transaction. */
#ifndef OPCAT_KV_H
#define OPCAT_KV_H

#include <lmdb.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct kv kv_t;

#define KV_MAX_DBS 16

/*  Opens (creating) the environment in directory 'dir' (created if
    missing) with the 'count' databases named in 'names' (plus "meta").
    'flags' are per-database mdb_dbi_open flags (NULL: none).  Returns NULL
    and fills 'err' on failure.  Some possible errors are:
      OPCAT_ECORRUPT  the directory holds a file that is not an LMDB
                      environment, or one LMDB finds damaged;
      OPCAT_EINVAL    more than KV_MAX_DBS names;
      OPCAT_ENOSPC, OPCAT_EIO, OPCAT_ENOMEM  from the file system. */
kv_t *kv_open(const char *dir, const char *const *names, const unsigned *flags,
              size_t count, err_t *err);

/*  Closes the environment and opens it again, as kv_open() did.
    LMDB keeps the pages a write transaction dirtied in a pool it reuses
    and frees only when the environment closes, so after big transactions
    (a catch-up) the pool holds their size; this gives it back.  No
    transaction may be open.  On failure (logged by the caller) the
    environment is closed and every other call fails (OPCAT_EIO) until a
    reopen succeeds.  Errors: those of kv_open(). */
int kv_reopen(kv_t *self, err_t *err);

/*  Closes the environment; '*self' becomes NULL.  NULL allowed. */
void kv_destroy(kv_t **self);

/*  The handle of database 'index' (the order of 'names'). */
MDB_dbi kv_dbi(const kv_t *self, size_t index);

/*  Called inside a transaction.  Returns 0 to commit, or a non-zero
    code to abort: an mdb_* call's code as it came (MDB_MAP_FULL makes
    kv_write grow the map and call again; kv_write translates the others)
    or an OPCAT_E* code, 'err' then filled by the callback itself.  May be
    called more than once for one kv_write (after the map grew), so it
    must not keep side effects outside the transaction. */
typedef int (*kv_txn_fn)(void *arg, MDB_txn *txn);

/*  Runs 'fn' in a write transaction and commits it durably, growing the
    map (doubling it, up to 1 TiB) when it is full.  Returns 0, or a
    negative OPCAT_E* code with 'err' filled.  Some possible errors are:
      OPCAT_EFULL     the map is at its 1 TiB limit (the message names it);
      OPCAT_ENOSPC    the file system is full;
      OPCAT_ETOOBIG   the transaction dirtied more pages than LMDB allows,
                      or a key is longer than LMDB's limit;
      OPCAT_ECORRUPT  LMDB found a damaged page;
      OPCAT_EIO       the environment is closed (a failed kv_reopen), or
                      an I/O error;
      fn's own OPCAT code. */
int kv_write(kv_t *self, kv_txn_fn fn, void *arg, err_t *err);

/*  Runs 'fn' in a read transaction.  Returns 0 or a negative OPCAT_E*
    code with 'err' filled.  Some possible errors are:
      OPCAT_ENOTFOUND  fn returned MDB_NOTFOUND;
      OPCAT_ESTATE     every reader slot is taken (MDB_READERS_FULL);
      OPCAT_ECORRUPT   LMDB found a damaged page;
      OPCAT_EIO        the environment is closed, or an I/O error;
      fn's own OPCAT code. */
int kv_read(kv_t *self, kv_txn_fn fn, void *arg, err_t *err);

/*  The checkpoint (0 if none) as of 'txn'. */
uint64_t kv_checkpoint(const kv_t *self, MDB_txn *txn);

/*  Sets the checkpoint in 'txn', for a kv_txn_fn to hand back.  Returns
    0 or mdb_put's code (MDB_MAP_FULL, MDB_TXN_FULL, EACCES ...):
    kv_write translates it. */
int kv_set_checkpoint(const kv_t *self, MDB_txn *txn, uint64_t sequence);

/*  Reads the checkpoint in a read transaction of its own.  Errors: those
    of kv_read(). */
int kv_load_checkpoint(kv_t *self, uint64_t *sequence, err_t *err);

/*  Empties every database, checkpoint included (for --rebuild).  Errors:
    those of kv_write(). */
int kv_clear(kv_t *self, err_t *err);

/*  Called with one record of a scan (kv_each); 'key' and 'value' are
    valid until it returns.  Returns 0 to go on, KV_STOP to end the scan
    without an error, or any other code to end it with that code. */
typedef int (*kv_record_fn)(void *arg, const MDB_val *key,
                            const MDB_val *value);
#define KV_STOP 1

/*  Calls 'fn' with the records of 'dbi' in key order, from the first key
    at or after 'from' (NULL: from the first key), for as long as their
    keys start with the 'len' bytes of 'prefix' (len 0: every key).  The
    one loop over an LMDB cursor that every scan uses: the cursor is
    opened and always closed here.  Returns 0 when the records ran out or
    'fn' said KV_STOP, fn's code, or the code of mdb_cursor_open or
    mdb_cursor_get (never MDB_NOTFOUND): it runs inside a kv_txn_fn and
    hands codes back as they came, for kv_write or kv_read to translate
    (kv_error). */
int kv_each(MDB_txn *txn, MDB_dbi dbi, const MDB_val *from, const void *prefix,
            size_t len, kv_record_fn fn, void *arg);

/*  The first record kv_each() would call its function with: in '*key'
    and '*value' the first record of 'dbi' at or after 'from' (NULL: the
    first) whose key starts with the 'len' bytes of 'prefix'.  A seek for
    the scans that jump from key to key.  Both stay valid until 'txn'
    ends or writes (they point into the map).  Returns 0, MDB_NOTFOUND
    when there is no such record, or an LMDB code. */
int kv_first(MDB_txn *txn, MDB_dbi dbi, const MDB_val *from, const void *prefix,
             size_t len, MDB_val *key, MDB_val *value);

/*  The one translation of LMDB's return codes: 'rc', an mdb_* call's
    code (an MDB_* code or an errno value), becomes an OPCAT_E* code and
    'err' a message "WHAT: LMDB's text" (mdb_strerror).  An OPCAT code
    (err_is_code) is returned as it is and 'err' left alone: it was
    filled where the code arose.  The mapping:
      MDB_NOTFOUND                   OPCAT_ENOTFOUND
      MDB_KEYEXIST                   OPCAT_EDUP
      MDB_MAP_FULL                   OPCAT_EFULL
      MDB_TXN_FULL, MDB_BAD_VALSIZE  OPCAT_ETOOBIG
      MDB_CORRUPTED, MDB_PAGE_NOTFOUND, MDB_INVALID,
      MDB_VERSION_MISMATCH           OPCAT_ECORRUPT
      MDB_READERS_FULL, MDB_MAP_RESIZED, MDB_DBS_FULL, MDB_TLS_FULL,
      MDB_CURSOR_FULL, MDB_PAGE_FULL, MDB_BAD_RSLOT, MDB_BAD_TXN,
      MDB_BAD_DBI, MDB_INCOMPATIBLE  OPCAT_ESTATE
      MDB_PANIC, any other MDB_*     OPCAT_EIO
      errno values                   err_from_errno (ENOSPC: OPCAT_ENOSPC,
                                     ENOMEM: OPCAT_ENOMEM, EIO: OPCAT_EIO)
    Returns the OPCAT code. */
int kv_error(err_t *err, int rc, const char *what);

/*  kv_error(), naming 'map_size' (bytes; 0: unknown) in the message of
    MDB_MAP_FULL: the limit the map could not grow past. */
int kv_error_map(err_t *err, int rc, const char *what, size_t map_size);

#endif
