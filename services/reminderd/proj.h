/*  proj: the reminder service's projection in LMDB.

    Five databases in the service's own environment (storage/kv.h):

      facts      kind(1) id          -> fact       what is known per subject
      deadlines  rule(1) subject     -> deadline   every deadline, open or not
      by_day     day(4) rule(1) subj -> ""         open deadlines by next day
      fired      rule(1) subj 0 stage(1) day(4) -> issued   what has fired
      staged     n(8)                -> op(1) by_day key    pending index ops

    'kind' is 'R' (report_id), 'V' (visit_id), 'S' (State code) or 'C'
    (a dataset.coverage type prefix and interval, keyed as coverage.h
    lays out, value one byte; a key of the prefix alone, whose fact's
    'opened' holds `from`, is the open-ended layout of earlier
    projections, still read).  A day
    in a key is the day number plus 2^31, big-endian, so that LMDB's byte
    order is date order.  Values are fixed-size records of int32 days
    (REM_NEVER: none) and a State code.

    Facts are kept per subject rather than per event, so the order in
    which events arrive does not matter: a deadline is recomputed from
    its subject's facts after each event (a back-dated reply closes the
    reply deadline; an art. 24 declaration recorded before or after the
    ratification moves the NPM deadline the same way).

    by_day holds each open deadline once, under the day its next stage
    occurrence may fire.  Finding what is due on a day reads the index
    from its first key up to that day and nothing beyond.

    Changes to by_day are not made in place: they are appended to
    'staged' (sequential keys, so cheap) and rem_proj_merge() applies them
    in one go.  Why: due days arrive in no order, so each index insert
    lands on a different B-tree page, and LMDB copies and rewrites every
    page a transaction touches.  A catch-up commits every few thousand
    events; inserting into by_day directly rewrote most of its pages at
    each commit (catch-up fell to ~40,000 events/s at 300k deadlines).
    Merging once when caught up touches each page once.  by_day is only
    read for firing, which happens only when caught up, after a merge.

    Every function here runs inside a caller's transaction and returns an
    mdb_* call's code as it came (0, MDB_NOTFOUND, MDB_MAP_FULL, ...),
    which kv_write or kv_read translates (kv_error, kv.h), or
    OPCAT_ENOMEM. */
#ifndef OPCAT_REM_PROJ_H
#define OPCAT_REM_PROJ_H

#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

#include "coverage.h"
#include "event.h"
#include "kv.h"
#include "rules.h"

/*  The databases, in kv_open() order. */
enum {
    REM_DB_FACTS,
    REM_DB_DEADLINES,
    REM_DB_BY_DAY,
    REM_DB_FIRED,
    REM_DB_STAGED,
    REM_DB_COUNT
};

/*  Their names, REM_DB_COUNT of them (static). */
const char *const *rem_proj_dbs(void);

/*  One deadline as stored. */
typedef struct {
    rem_rule_t rule;
    char subject[EVENT_ID_MAX + 1];
    char state[4];  /* ISO alpha-3 or "" */
    int32_t opened; /* the day of the opening event */
    int32_t due;    /* first due day (cycle 0) */
    int32_t closed; /* the day of the closing event, or REM_NEVER */
    int32_t next;   /* its day in by_day, or REM_NEVER if not there */
    /* the earliest day 'opened' may stand for: 'opened' itself when the
       opening event's day is known, else the due day is an upper bound */
    int32_t opened_from;
} rem_deadline_t;

/*  One reminder that fired. */
typedef struct {
    rem_rule_t rule;
    char subject[EVENT_ID_MAX + 1];
    char state[4];
    rem_stage_t stage;
    int32_t day;       /* the stage occurrence it stands for */
    int32_t due;       /* due day of its cycle */
    int32_t issued_on; /* the firing day (the event's occurred_on) */
} rem_fired_t;

/*  Called per record by the scans; non-zero stops the scan and is
    returned. */
typedef int (*rem_deadline_fn)(void *arg, MDB_txn *txn,
                               const rem_deadline_t *deadline);
typedef int (*rem_fired_fn)(void *arg, const rem_fired_t *fired);

/*  Applies one event of the store (only the types the rules read; the
    rest are ignored).  'kv' and 'cfg' are borrowed. */
int rem_proj_apply(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                   const event_t *event);

/*  Whether deadline 'd' is unknown on 'as_of': the coverage 'cover'
    (from rem_proj_coverage()) leaves out a day, from the earliest the
    deadline may have opened on up to 'as_of', on which its closing fact
    could lie unrecorded.  Such a deadline never fires, and is listed as
    "unknown", never "overdue". */
bool rem_proj_unknown(const coverage_t *cover, const rem_deadline_t *d,
                      int32_t as_of);

/*  '*cover' = a new coverage_t (the caller's to destroy) holding every
    dataset.coverage applied so far; coverage_any() says whether there
    is one, so that scans may skip rem_proj_unknown().  Returns 0, an
    mdb_* code or OPCAT_ENOMEM ('*cover' NULL then). */
int rem_proj_coverage(const kv_t *kv, MDB_txn *txn, coverage_t **cover);

/*  Records that 'fired' was issued (idempotent: the first record stays)
    and moves its deadline's next day past 'fired->issued_on'. */
int rem_proj_mark_fired(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                        const rem_fired_t *fired);

/*  Moves deadline (rule, subject) in by_day to its first occurrence
    after 'day', if that is later than where it is. */
int rem_proj_advance(const kv_t *kv, const rem_config_t *cfg, MDB_txn *txn,
                     rem_rule_t rule, const char *subject, int32_t day);

/*  The NPM designation deadline of 'state' as known on 'as_of'
    (common/domain/obligation.h: art. 24 declarations count from their own
    dates); 'due', the deadline as stored, if the State's facts are
    missing. */
int32_t rem_proj_npm_due(const kv_t *kv, MDB_txn *txn, const char *state,
                         int32_t due, int32_t as_of);

/*  Whether (rule, subject, stage, day) has fired. */
bool rem_proj_has_fired(const kv_t *kv, MDB_txn *txn, rem_rule_t rule,
                        const char *subject, rem_stage_t stage, int32_t day);

/*  Applies the oldest 'max' staged index changes to by_day and removes
    them from 'staged', in this one transaction: rem_proj_chunk_read(),
    _apply() of all of it, _done().  '*merged' (may be NULL) gets how
    many staged changes it took. */
int rem_proj_merge(const kv_t *kv, MDB_txn *txn, size_t max, size_t *merged);

/*  A chunk of staged index changes copied out of LMDB (on the heap),
    sorted by key, each key's last change only: a put and a removal each
    leave the same state whatever came before them, so a deadline opened
    and closed within the chunk costs nothing.  Applied in key order, the
    chunk walks by_day from its first page to its last; applied in
    slices, one transaction each, a transaction dirties only the pages
    of its slice's key range (about slice/chunk of the index) instead of
    most of the index, and LMDB's heap of dirty pages, which keeps the
    largest transaction's worth, stays small.  Applying a change twice
    does no harm, so a crash between slices is mended by merging again. */
typedef struct rem_chunk rem_chunk_t;

/*  Reads the oldest 'max' staged changes; '*chunk' is NULL if there are
    none.  Destroy it with rem_chunk_destroy(). */
int rem_proj_chunk_read(const kv_t *kv, MDB_txn *txn, size_t max,
                        rem_chunk_t **chunk);

/*  The changes to apply (distinct keys), and the staged entries they
    were read from. */
size_t rem_chunk_count(const rem_chunk_t *chunk);
size_t rem_chunk_staged(const rem_chunk_t *chunk);

/*  Applies changes [from, from + count) of the chunk to by_day. */
int rem_proj_chunk_apply(const kv_t *kv, MDB_txn *txn, const rem_chunk_t *chunk,
                         size_t from, size_t count);

/*  Removes the staged entries the chunk was read from (the oldest ones;
    staging only appends, so they are still the oldest). */
int rem_proj_chunk_done(const kv_t *kv, MDB_txn *txn, const rem_chunk_t *chunk);

/*  Frees the chunk and sets '*chunk' to NULL (NULL-safe). */
void rem_chunk_destroy(rem_chunk_t **chunk);

/*  How many index changes are staged, not yet merged. */
size_t rem_proj_staged(const kv_t *kv, MDB_txn *txn);

/*  Calls 'fn' for each open deadline whose next day is on or before
    'day', in day order, at most 'max' of them.  Reads by_day up to 'day'
    only; call rem_proj_merge() first.  '*count' (may be NULL) gets how
    many were passed to 'fn'. */
int rem_proj_due(const kv_t *kv, MDB_txn *txn, int32_t day, size_t max,
                 rem_deadline_fn fn, void *arg, size_t *count);

/*  Calls 'fn' for every deadline, open or closed, in key order. */
int rem_proj_each_deadline(const kv_t *kv, MDB_txn *txn, rem_deadline_fn fn,
                           void *arg);

/*  Calls 'fn' for every reminder that fired, in key order. */
int rem_proj_each_fired(const kv_t *kv, MDB_txn *txn, rem_fired_fn fn,
                        void *arg);

/*  The number of deadlines, of open deadlines and of reminders fired. */
void rem_proj_counts(const kv_t *kv, MDB_txn *txn, size_t *deadlines,
                     size_t *open, size_t *fired);

#endif
