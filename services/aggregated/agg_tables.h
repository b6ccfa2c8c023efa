/*  tables: the aggregation service's LMDB tables and their key layouts.

    Every projection lives in LMDB (storage/kv.h), never on the heap, so
    resident memory stays flat however many events the store holds.  Each
    update is commutative (a count added, a minimum kept), so the tables
    depend only on the SET of events applied, not on the order in which
    they were recorded.

    Dates are day numbers (common/base/date.h) written big-endian with the sign
    bit flipped, so that byte order is date order:

      day key  = be32(day + 2^31)

    Tables (AGG_DB_* index, key -> value):

      AGG_DB_STATES   state(3)                       -> agg_state_rec_t
      AGG_DB_REPORTS  report_id                      -> agg_report_rec_t
      AGG_DB_SUMS     tag(1) sub(3) level(1) bkt(4)  -> int64 (native)
      AGG_DB_SETS     kind(1) state(3) day(4)        -> uint32 (native)
      AGG_DB_ART17    state(3) day(4) kind(1)        -> 1 byte
      AGG_DB_ART24    state(3) day(4) seq(8)         -> part years ext
      AGG_DB_VISITS   state(3) visit_id              -> agg_visit_rec_t
      AGG_DB_BYSTATE  state(3) report_id             -> 1 byte
      AGG_DB_NPM      state(3) day(4) seq(8)         -> model NUL body
      AGG_DB_NAMES    kind(1) currency(3)            -> 1 byte
      AGG_DB_SUMMARY  from(4) to(4) seq(8)           -> agg_summary_rec_t
      AGG_DB_ITEMS    kind(1) day(4) sub(8) seq(8)   -> JSON object (text)
      AGG_DB_VAGUE, AGG_DB_COVER: see agg_known.h

    A date not known to the day (DOMAIN.md, `precision`) is kept as its
    latest possible day, where a computation needs one, and its earliest
    (the *_from fields; DATEFMT_UNBOUNDED for "not after").

    SUMS are bucketed counters: every add writes three keys, one per level
    (year, month, day), so that the sum over any range of days reads at
    most the years before it, eleven months and thirty-one days:

      +-----+---------+-------+--------------------------------+
      | tag | sub (3) | level | bucket (be32)                  |
      +-----+---------+-------+--------------------------------+
      level 0: year; level 1: year*12 + month-1; level 2: day key

    SETS answer "which States had at least one K between two dates" with
    one seek per State that ever had a K (< 250), whatever the period. */
#ifndef OPCAT_AGG_TABLES_H
#define OPCAT_AGG_TABLES_H

#include <jansson.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agg_delta.h"
#include "event.h"
#include "place.h"

enum {
    AGG_DB_STATES,
    AGG_DB_REPORTS,
    AGG_DB_SUMS,
    AGG_DB_SETS,
    AGG_DB_ART17,
    AGG_DB_ART24,
    AGG_DB_VISITS,
    AGG_DB_BYSTATE,
    AGG_DB_NPM,
    AGG_DB_NAMES,
    AGG_DB_SUMMARY,
    AGG_DB_VAGUE,
    AGG_DB_COVER,
    AGG_DB_ITEMS,
    AGG_DB_COUNT
};

/*  The database names, in AGG_DB_* order (for consumer_spec_t); a
    static array. */
const char *const *agg_tab_names(void);

/*  A date that has not happened: greater than every real day. */
#define AGG_NEVER INT32_MAX

#define AGG_ID_MAX 64 /* bytes of a report, visit or project id */

/*  SUMS tags. */
enum {
    AGG_SUM_TRANSMITTED = 'T',  /* reports to States transmitted */
    AGG_SUM_PUBLISHED = 'P',    /* reports published */
    AGG_SUM_RECEIVED = 'R',     /* replies received */
    AGG_SUM_REPLY_PUB = 'Q',    /* replies published */
    AGG_SUM_PLACES = 'L',       /* places visited; sub[0] = category */
    AGG_SUM_INTERVIEWS = 'I',   /* interviews */
    AGG_SUM_PERSONS = 'p',      /* persons interviewed */
    AGG_SUM_GRANTS = 'G',       /* grants (count) */
    AGG_SUM_GRANT_AMOUNT = 'g', /* grant amounts, cents; sub = currency */
    AGG_SUM_CONTRIB = 'c',      /* contributions, cents; sub = currency */
    AGG_SUM_OVERDUE = 'O'       /* replies overdue (coverage); sub = state */
};

/*  SETS kinds. */
enum {
    AGG_SET_COMPLETED = 'C', /* visit.completed */
    AGG_SET_POSTPONED = 'X', /* visit.postponed */
    AGG_SET_TRANSMITTED = 'T',
    AGG_SET_PUBLISHED = 'P',  /* first publication of each report */
    AGG_SET_RECEIVED = 'R',   /* first reply to each report */
    AGG_SET_REPLY_PUB = 'Q',  /* first publication of each reply */
    AGG_SET_DIALOGUE = 'F',   /* followup.dialogue with the State */
    AGG_SET_DIALOGUE_N = 'f', /* followup.dialogue with the NPM */
    AGG_SET_DESIGNATED = 'N', /* npm.designated */
    AGG_SET_GRANT = 'G'       /* fund.grant to a State */
};

#define AGG_ITEM_KEY_LEN 21

/*  ITEMS kinds: facts the stats list one by one, in date order; 'sub'
    orders one day's items (session: be64 number; contribution: state(3)
    currency(3)). */
enum {
    AGG_ITEM_SESSION = 'S', /* session.held: number, start, end, place */
    AGG_ITEM_CONTRIB = 'c'  /* fund.contribution: state, amount, currency,
                               first */
};

/*  ART17 kinds: on the same day, delisted sorts after listed and wins. */
enum { AGG_ART17_LISTED = 1, AGG_ART17_DELISTED = 2 };

/*  One State's facts: the earliest date of each (AGG_NEVER: none), as its
    latest possible day, and the earliest day that date may stand for. */
typedef struct {
    int32_t signed_on;
    int32_t ratified_on;
    int32_t designated_on; /* first npm.designated */
    char instrument;       /* 'r'atification, 'a'ccession, 's'uccession */
    int32_t signed_from, ratified_from, designated_from;
} agg_state_rec_t;

/*  A State record with no facts. */
#define AGG_STATE_REC_NONE                                                     \
    ((agg_state_rec_t){AGG_NEVER, AGG_NEVER, AGG_NEVER, 0, AGG_NEVER,          \
                       AGG_NEVER, AGG_NEVER})

/*  One report: who it went to and the first date of each step. */
typedef struct {
    char state[4];
    char recipient; /* 's' State, 'n' NPM, 0 not yet transmitted */
    int32_t transmitted_on, published_on, received_on, reply_published_on;
    char visit_id[AGG_ID_MAX + 1];
    char symbol[AGG_ID_MAX + 1];       /* of the first publication */
    char reply_symbol[AGG_ID_MAX + 1]; /* of the reply's */
    /* the earliest day each date may stand for (= the date if exact) */
    int32_t transmitted_from, published_from, received_from,
        reply_published_from;
} agg_report_rec_t;

/*  One visit: the first date of each step.  'kind' holds at most 14
    bytes ("opcat_advisory") and its NUL; 'completed_precision' is the
    byte after it, which the layout without a precision (kind[16]) always
    left 0: such records keep their size and read as completed on a day
    known exactly. */
typedef struct {
    int32_t planned_on, start, postponed_on, completed_on, completed_start;
    char kind[15];
    uint8_t completed_precision; /* DATEFMT_* of completed_on */
} agg_visit_rec_t;

/*  A period.summary: figures given only as totals for [from, to]; they
    count in any period that contains [from, to]. */
typedef struct {
    uint32_t places[PLACE_KINDS];
    uint32_t interviews, persons, grants, grant_states;
    int64_t grant_cents;
    char currency[4];
    uint32_t places_total; /* as the source states it; 0: not stated */
    bool more_than;        /* interviews, persons, places_total: "more than" */
    char named[128];       /* grant States named: "ARG BEN ..." (truncated) */
    uint32_t reports_transmitted; /* as the source states it; 0: not stated */
} agg_summary_rec_t;

/*  The shortest summary record read: the layout that ended at 'named',
    which projections made before 'reports_transmitted' hold.  Where the
    struct's tail padding covers the count (x86-64: 208 bytes either way)
    those records have today's size and their count reads 0, as the
    writer cleared the whole record; elsewhere they are shorter and read
    with the count 0.  Either way that is what they carried: no summary
    could state the count before the field existed. */
#define AGG_SUMMARY_REC_MIN offsetof(agg_summary_rec_t, reports_transmitted)

/*  A read or write context: the transaction and the database handles.
    With 'delta' set, agg_tab_sum_add() and agg_tab_set_add() only record
    their additions there, and agg_tab_flush() writes them; with NULL they
    write through.  The functions that take one (here, agg_known.h,
    agg_npm.h) run inside its transaction and return an mdb_* call's
    code as it came: kv_write or kv_read translates it (kv_error, kv.h). */
typedef struct {
    MDB_txn *txn;
    MDB_dbi dbi[AGG_DB_COUNT];
    agg_delta_t *delta;
} agg_tx_t;

/*  Adds 'delta' to the counter ('tag', 'sub' (3 bytes, NULL: zeros)) on
    'day'.  Returns 0 or an mdb_* code. */
int agg_tab_sum_add(agg_tx_t *tx, char tag, const char *sub, int32_t day,
                    int64_t delta);

/*  '*out' = the counter's sum over days 'from'..'to' (inclusive).
    Returns 0 or an mdb_* code. */
int agg_tab_sum_range(agg_tx_t *tx, char tag, const char *sub, int32_t from,
                      int32_t to, int64_t *out);

/*  Moves 'sub' to the next sub-key (after 'sub') that counter 'tag' has;
    start from three zero bytes.  '*found' false when there is none.
    Returns 0 or an mdb_* code. */
int agg_tab_sum_next_sub(agg_tx_t *tx, char tag, char sub[3], bool *found);

/*  Writes the additions recorded in 'tx->delta' (if any) to SUMS and
    SETS, one write per key, and empties it.  Returns 0 or an mdb_* code. */
int agg_tab_flush(agg_tx_t *tx);

/*  Adds 'delta' to the SETS count of ('kind', 'state', 'day'); a count
    that falls to zero is deleted.  Returns 0 or an mdb_* code. */
int agg_tab_set_add(agg_tx_t *tx, char kind, const char *state, int32_t day,
                    int32_t delta);

/*  Appends to 'array' (sorted) every State with a 'kind' entry in
    'from'..'to'.  Returns 0 or an mdb_* code. */
int agg_tab_set_states(agg_tx_t *tx, char kind, int32_t from, int32_t to,
                       json_t *array);

/*  The code ("PER") and the record of a STATES record ('key' and 'val'
    as a scan of AGG_DB_STATES gives them); false, with neither set, if
    it is not one. */
bool agg_tab_state_of(const MDB_val *key, const MDB_val *val, char code[4],
                      agg_state_rec_t *rec);

/*  Reads a whole record of 'size' bytes at 'key' of table 'db' into
    'out'.  Returns 0, MDB_NOTFOUND or another mdb_* code. */
int agg_tab_get(agg_tx_t *tx, int db, const void *key, size_t key_len,
                void *out, size_t size);

/*  Writes a record.  Returns 0 or an mdb_* code. */
int agg_tab_put(agg_tx_t *tx, int db, const void *key, size_t key_len,
                const void *data, size_t size);

#endif
