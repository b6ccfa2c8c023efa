/*  kv: an LMDB environment for a consumer's own state.

    The reminder and aggregation services each keep their projection and
    their checkpoint (the last store sequence applied) in an environment of
    their own.  kv opens it with named databases plus a "meta" database for
    the checkpoint, runs write transactions that are redone in a bigger map
    when the map is full, and translates LMDB errors.

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
    and fills 'err' on failure. */
kv_t *kv_open(const char *dir, const char *const *names, const unsigned *flags,
              size_t count, err_t *err);

/*  Closes the environment and opens it again, as kv_open() did.
    LMDB keeps the pages a write transaction dirtied in a pool it reuses
    and frees only when the environment closes, so after big transactions
    (a catch-up) the pool holds their size; this gives it back.  No
    transaction may be open.  On failure (logged by the caller) the
    environment is closed and every other call fails until a reopen
    succeeds. */
int kv_reopen(kv_t *self, err_t *err);

/*  Closes the environment; '*self' becomes NULL.  NULL allowed. */
void kv_destroy(kv_t **self);

/*  The handle of database 'index' (the order of 'names'). */
MDB_dbi kv_dbi(const kv_t *self, size_t index);

/*  Called inside a transaction.  Returns 0 to commit, an LMDB code
    (e.g. MDB_MAP_FULL) or a negative OPCAT_E* code to abort.  May be
    called more than once for one kv_write (after the map grew), so it
    must not keep side effects outside the transaction. */
typedef int (*kv_txn_fn)(void *arg, MDB_txn *txn);

/*  Runs 'fn' in a write transaction and commits it durably.  Returns 0,
    or a negative OPCAT_E* code with 'err' filled. */
int kv_write(kv_t *self, kv_txn_fn fn, void *arg, err_t *err);

/*  Runs 'fn' in a read transaction.  Returns 0 or a negative code. */
int kv_read(kv_t *self, kv_txn_fn fn, void *arg, err_t *err);

/*  The checkpoint (0 if none) as of 'txn'. */
uint64_t kv_checkpoint(const kv_t *self, MDB_txn *txn);

/*  Sets the checkpoint in 'txn'.  Returns an LMDB code. */
int kv_set_checkpoint(const kv_t *self, MDB_txn *txn, uint64_t sequence);

/*  Reads the checkpoint in a read transaction of its own. */
int kv_load_checkpoint(kv_t *self, uint64_t *sequence, err_t *err);

/*  Empties every database, checkpoint included (for --rebuild). */
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
    'fn' said KV_STOP, fn's code, or an LMDB code. */
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

/*  Translates an LMDB return code into an OPCAT_E* code with a message
    naming 'what'.  Negative OPCAT codes pass through. */
int kv_error(err_t *err, int rc, const char *what);

#endif
