/*  tail: the events of the commit log not yet applied to LMDB, in memory.

    The store's thread appends each new event here (tail_add) as it puts
    its record in the commit log, and looks here before LMDB for what is
    not applied yet: an event id (duplicates), a report or visit reference
    (the cross-reference rules), a record by sequence (replay, a
    duplicate's content).  The applier thread (applier.h) reads the
    entries it was handed (tail_get) and puts them into LMDB; once LMDB
    holds them the store's thread drops them (tail_release).

    Entries are kept in a ring of 'max_events' slots allocated once, so
    an entry never moves while the applier reads it; ids and references
    are found through two chained hash tables of the same size.  Each
    entry is one allocation: its fields, the record, the id and the
    reference key.

    Threads: every function is for the store's thread, except
    tail_handed, which the applier calls for a sequence it was handed
    (the store's thread neither rewinds nor releases such an entry until
    the applier has said LMDB holds it, and the handing over orders the
    entry's writes before the applier's reads). */
#ifndef OPCAT_TAIL_H
#define OPCAT_TAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tail tail_t;

/*  What the reports index keeps of a transmitted report (the bytes of
    its LMDB value). */
typedef struct {
    uint64_t sequence;
    char state[4];
    char recipient; /* 's' state, 'n' npm */
    char unused[3]; /* zero: the value's bytes are all defined */
} tail_report_t;

/*  The cross-reference an event creates, if any. */
typedef enum {
    TAIL_REF_NONE = 0,
    TAIL_REF_REPORT, /* reports: ref_key -> report */
    TAIL_REF_VISIT   /* visits: ref_key -> sequence */
} tail_ref_t;

/*  One event: its log record and every index entry it makes. */
typedef struct {
    uint64_t sequence;
    const uint8_t *record; /* topic and envelope, as in the log database */
    size_t len;
    const char *id; /* ids: id -> sequence */
    char state[4];  /* by_state: state (3 letters) and sequence; "" none */
    tail_ref_t ref;
    const char *ref_key; /* report or visit id, NULL without 'ref' */
    tail_report_t report;
} tail_entry_t;

/*  An empty tail whose first entry will have sequence 'next', holding at
    most 'max_events' entries.  NULL when out of memory. */
tail_t *tail_new(uint64_t next, size_t max_events);

/*  Frees every entry; '*self' becomes NULL.  NULL is allowed. */
void tail_destroy(tail_t **self);

/*  Copies 'entry' (whose sequence must be the next) into the tail.
    0, or OPCAT_ENOMEM, or OPCAT_ETOOBIG when the tail is full. */
int tail_add(tail_t *self, const tail_entry_t *entry);

/*  Makes room for 'max_events' entries in all, which must be more than
    now, in a tail that holds none (so that no entry moves).  0, or
    OPCAT_ENOMEM with the tail as it was. */
int tail_grow(tail_t *self, size_t max_events);

/*  Entries and bytes (records) held. */
size_t tail_count(const tail_t *self);
size_t tail_bytes(const tail_t *self);

/*  The entry of a sequence handed to the applier: held, and not to be
    released before the applier is done with it.  Reads the entry's slot
    only, nothing that the store's thread changes meanwhile. */
const tail_entry_t *tail_handed(const tail_t *self, uint64_t sequence);

/*  Entries that may still be added. */
size_t tail_room(const tail_t *self);

/*  The sequence of the first entry held (the next one if none). */
uint64_t tail_first(const tail_t *self);

/*  The entry of 'sequence', or NULL if the tail does not hold it.  Valid
    until it is released or rewound. */
const tail_entry_t *tail_get(const tail_t *self, uint64_t sequence);

/*  The sequence of event 'id', if the tail holds it. */
bool tail_find_id(const tail_t *self, const char *id, uint64_t *sequence);

/*  The newest entry that made reference 'key' of kind 'ref', or NULL. */
const tail_entry_t *tail_find_ref(const tail_t *self, tail_ref_t ref,
                                  const char *key);

/*  Entries of State 'state' (3 letters) from sequence 'from' on. */
uint64_t tail_count_state(const tail_t *self, const char *state, uint64_t from);

/*  A mark for tail_rewind: the next sequence. */
uint64_t tail_mark(const tail_t *self);

/*  Drops the entries from 'mark' on (a refused batch, a failed sync). */
void tail_rewind(tail_t *self, uint64_t mark);

/*  Drops the entries with sequences <= 'applied' (LMDB holds them). */
void tail_release(tail_t *self, uint64_t applied);

#endif
