/*  store_types: the values the event store's writes and reads are made
    of: a batch of events with the result of each, and the callback a read
    calls for each record.  Apart from store.h so that the store's inner
    modules (group: one write group's events; reader: the reads) share
    them with the store's callers without depending on store.c. */
#ifndef OPCAT_STORE_TYPES_H
#define OPCAT_STORE_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "event.h"

/*  What happened to one event of a batch. */
typedef enum {
    STORE_STORED = 0,
    STORE_DUPLICATE = 1,  /* same id, same content: 'sequence' is the
                             original's */
    STORE_REFUSED = 2,    /* 'error' names the field and rule; OPCAT_EDUP:
                             the id is stored with other content */
    STORE_NOT_STORED = 3, /* its atomic batch was refused elsewhere */
    STORE_FAILED = 4      /* the commit failed; 'error' says why */
} store_status_t;

typedef struct {
    store_status_t status;
    uint64_t sequence;
    err_t error;
} store_result_t;

/*  A batch of events from one request.  'events' stay the caller's; the
    store sets their id (when empty), sequence and recorded_at. */
typedef struct {
    event_t **events;
    size_t count;
    bool atomic;
    store_result_t *results; /* 'count' of them, filled by store_write */
    /* check only: every event against the rules, what is stored and the
       batch's earlier events (as if appended one by one, the refused left
       out); nothing is kept, STORED means "would be" (sequence 0) */
    bool validate_only;
    /*  A restore (opcatctl restore): each event keeps the sequence and
        recorded_at it was given, and must carry the next sequence of the
        log (else it is refused, naming the sequence it should have); its
        envelope is then stored as it was first packed.  Ids already
        present are duplicates as usual. */
    bool restore;
} store_batch_t;

/*  Called by store_read for each record: the sequence, the topic and the
    packed envelope.  The bytes are valid only during the call.  A
    non-zero return stops the read. */
typedef int (*store_read_fn)(void *arg, uint64_t sequence, const char *topic,
                             size_t topic_len, const uint8_t *envelope,
                             size_t envelope_len);

#endif
