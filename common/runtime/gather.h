/*  gather: events held in memory until they commit together.

    A consumer catching up may apply several replay pages in one write
    transaction (consumer_spec_t.catch_up_batch).  A delivered page is only
    valid during the follower's callback, so the events are copied here
    and handed back, in the order added, when the transaction runs.  The
    memory is bounded by what the consumer lets gather before it commits,
    and can be given back once caught up. */
#ifndef OPCAT_GATHER_H
#define OPCAT_GATHER_H

#include <stdbool.h>
#include <stddef.h>

#include "follow.h"

typedef struct gather gather_t;

/*  Creates an empty gather.  Returns NULL when out of memory. */
gather_t *gather_new(void);

/*  Frees it; '*self' becomes NULL.  NULL allowed. */
void gather_destroy(gather_t **self);

/*  Copies 'count' events (sequence, bytes) after those held.  Returns
    OPCAT_OK, or OPCAT_ENOMEM with nothing added. */
int gather_add(gather_t *self, const follow_event_t *events, size_t count);

/*  How many events are held. */
size_t gather_count(const gather_t *self);

/*  The held events, in the order added; valid until the next
    gather_add() or gather_clear(). */
const follow_event_t *gather_events(gather_t *self);

/*  Forgets the held events; the memory is kept for the next batch. */
void gather_clear(gather_t *self);

/*  Gives the memory back when it holds no events and has room for more
    than 'keep' (after a catch-up; live batches are small).  Returns
    whether it did. */
bool gather_shrink(gather_t *self, size_t keep);

#endif
