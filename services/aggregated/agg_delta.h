/*  delta: a batch's counter changes, combined before they reach LMDB.

    During a catch-up the aggregation service applies thousands of events
    per transaction, and most of their writes are small additions to the
    same few counters (SUMS: one key per year, month and day; SETS: one
    key per State and day).  Written one by one, each addition is an LMDB
    get and put that walks the B-tree.  Collected here instead, they are
    sorted, added up per key and written once per key, in key order, when
    the batch ends.

    The buffer only holds additions; nothing reads a counter while a batch
    is being applied (queries use their own read transactions), so the
    deferred write changes no answer.  Additions commute, and within a
    batch a count never goes below zero before it comes back up (an
    effect is only withdrawn after it was added), so the sum written once
    equals what the additions one by one would have left. */
#ifndef OPCAT_AGG_DELTA_H
#define OPCAT_AGG_DELTA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AGG_DELTA_KEY_MAX 15

typedef struct agg_delta agg_delta_t;

/*  An empty buffer, or NULL when out of memory. */
agg_delta_t *agg_delta_new(void);

void agg_delta_destroy(agg_delta_t **self);

/*  Forgets every addition (a batch starts, or was abandoned).  Keeps the
    memory for the next batch. */
void agg_delta_reset(agg_delta_t *self);

/*  Gives the memory back when it has room for more than 'keep' keys and
    holds none (after a catch-up's big batches; live batches are small).
    Returns whether it did. */
bool agg_delta_shrink(agg_delta_t *self, size_t keep);

/*  Records 'delta' to key 'key' ('len' <= AGG_DELTA_KEY_MAX bytes) of
    database number 'db'.  Returns 0, or OPCAT_ENOMEM / OPCAT_EINVAL. */
int agg_delta_add(agg_delta_t *self, int db, const void *key, size_t len,
                  int64_t delta);

/*  How many additions were recorded since the last reset (each addition
    to a key already there combines with it at once). */
size_t agg_delta_count(const agg_delta_t *self);

/*  Called once per distinct (db, key) with the sum of its additions, in
    (db, key) byte order; sums of zero are skipped.  A non-zero return
    stops the walk and is returned. */
typedef int (*agg_delta_fn)(void *arg, int db, const uint8_t *key, size_t len,
                            int64_t sum);

/*  Calls 'fn' for each key with the sum of its additions, in key order,
    then empties the buffer (also when 'fn' stopped the walk). */
int agg_delta_drain(agg_delta_t *self, agg_delta_fn fn, void *arg);

#endif
