/*  coverage: which periods of which kinds of fact a log records
    completely (DOMAIN.md, "What is known, and how well"; docs/DOMAIN.md,
    "Coverage").

    A dataset.coverage event names type prefixes and an interval of days,
    `from` to `until` (inclusive; no `until`: open-ended): every fact of
    those kinds in the interval is recorded.  Several events combine: a
    kind is complete on the union of the intervals of every prefix that
    matches it.  A kind that no event names is complete on every day (a
    user's own log usually is).

    One answer for every service, so that the aggregation service's
    figures and the reminder service's deadlines never disagree:

      a figure over a period is known when the whole period lies inside
      the union for its kind;
      a deadline is known when the window in which its closing fact could
      lie (from the earliest day it may have opened to the day asked
      about) lies inside the union for the closing kind.

    A coverage_t is an in-memory set of intervals, filled from the
    events or from the records a service keeps of them in its LMDB
    projection (coverage_record_key(), coverage_add_record()); the record
    layout is defined here so that the services store it alike.  Days are
    date.h day numbers. */
#ifndef OPCAT_COVERAGE_H
#define OPCAT_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/*  The last day of an open-ended interval (no `until`). */
#define COVERAGE_OPEN INT32_MAX

/*  The longest type prefix kept (longer ones are cut, as the services'
    keys always were). */
#define COVERAGE_PREFIX_MAX 64

/*  The size of a record key: the prefix, a NUL, then from and until as
    date_key_put() writes them. */
#define COVERAGE_KEY_MAX (COVERAGE_PREFIX_MAX + 1 + 8)

typedef struct coverage coverage_t;

/*  An empty set: every kind complete.  NULL on out of memory. */
coverage_t *coverage_new(void);

/*  Frees '*self_p' and sets it to NULL; does nothing when it is NULL. */
void coverage_destroy(coverage_t **self_p);

/*  Adds the interval 'from'..'until' (COVERAGE_OPEN: no last day) for
    the type or prefix 'prefix' (a prefix ends in ".").  'until' < 'from'
    is misuse.  Returns 0 or OPCAT_ENOMEM. */
int coverage_add(coverage_t *self, const char *prefix, int32_t from,
                 int32_t until);

/*  The interval of a dataset.coverage event: '*from' and '*until'
    (COVERAGE_OPEN when `until` is empty).  False when a date does not
    parse (the store validates them, so a consumer skips such an event). */
bool coverage_event_days(const event_t *event, int32_t *from, int32_t *until);

/*  Whether some interval was added at all: without one every kind is
    complete, and a caller may skip its look-ups. */
bool coverage_any(const coverage_t *self);

/*  Whether some interval names 'type' (by a prefix that matches it). */
bool coverage_names(const coverage_t *self, const char *type);

/*  Whether every fact of 'type' dated 'from'..'to' (inclusive) is
    recorded: no interval names the type, or the union of the intervals
    whose prefix matches it contains every day of the period.  An empty
    period ('to' < 'from') is covered. */
bool coverage_covers(const coverage_t *self, const char *type, int32_t from,
                     int32_t to);

/*  The first day on which a fact of 'type' can have happened, so that a
    union reaching back to it leaves nothing of the kind unrecorded: a
    State's own acts ("state." and "npm." types: signing, ratifying,
    declaring, designating its NPM, which may precede ratification) from
    the Protocol's adoption (2002-12-18); every other kind records the
    Subcommittee's work or the Special Fund's, which exist only under the
    Protocol in force (2006-06-22). */
int32_t coverage_first_day(const char *type);

/*  Whether a total of 'type' since the beginning, as at 'to', is complete
    without a baseline: no interval names the type, or the union holds
    every day from coverage_first_day(type) to 'to'. */
bool coverage_covers_history(const coverage_t *self, const char *type,
                             int32_t to);

/*  Whether the coverage prefix 'prefix' (its first 'len' bytes) matches
    'type': equal to it, or a prefix of it ending in ".". */
bool coverage_prefix_matches(const char *prefix, size_t len, const char *type);

/*  Writes into 'out' the key of a projection record for one prefix of a
    coverage event and returns its length.  The key sorts by prefix, so a
    caller puts a tag byte of its own before it. */
size_t coverage_record_key(const char *prefix, int32_t from, int32_t until,
                           uint8_t out[COVERAGE_KEY_MAX]);

/*  Adds the interval of one projection record: 'key' (without the
    caller's tag) as coverage_record_key() wrote it, or a record of the
    layout kept before intervals had an end, whose key is the prefix
    alone and whose value starts with `from` as an int32 (open-ended).
    A record of neither layout is skipped.  Returns 0 or OPCAT_ENOMEM. */
int coverage_add_record(coverage_t *self, const void *key, size_t key_len,
                        const void *val, size_t val_len);

#endif
