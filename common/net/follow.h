/*  follow: read the store's stream in order, with no gap and no duplicate.

    A follower catches up through REPLAY from a position, then takes live
    events from PUBLISH.  A hole in the live sequence (a message the PUB
    dropped at its high-water mark, or lost while the store restarted) is
    noticed and filled through REPLAY, and so is a hole at the end of the
    stream, through the store's heartbeat.  It never blocks: the owner puts
    its two sockets in its own zmq_poll loop and calls follow_handle().

    With an empty topic prefix every event is delivered exactly once, in
    sequence order; with a prefix, every matching event, in order. */
#ifndef OPCAT_FOLLOW_H
#define OPCAT_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "bus.h"
#include "err.h"

typedef struct follow follow_t;

/*  One delivered event: its sequence and packed envelope (valid only
    during the callback). */
typedef struct {
    uint64_t sequence;
    const uint8_t *data;
    size_t len;
} follow_event_t;

/*  Receives a batch of consecutive events (in sequence order).  Return 0
    to accept them all; non-zero to refuse the batch, which is offered
    again later (e.g. the consumer's transaction failed). */
typedef int (*follow_fn)(void *arg, const follow_event_t *events, size_t count);

typedef struct follow_gate follow_gate_t;

/*  What a follower holds at most, hence its memory: a replay page of
    'page_events' events (also the most in one batch) and 'live_hwm' live
    messages queued on its SUB (ZMQ_RCVHWM).  Past the high-water mark
    ZeroMQ drops live messages and the follower fills the hole through
    REPLAY, so a small mark bounds memory without losing events.
    Followers that share a 'gate' (NULL: none) have at most its number
    of replay requests in flight at once, however many they are: the
    store's REPLAY serves its clients in turn, so many followers asking
    at once would keep every other client of REPLAY waiting. */
typedef struct {
    uint32_t page_events;
    int live_hwm;
    follow_gate_t *gate; /* borrowed; outlives the followers */
} follow_limits_t;

/*  A gate for 'max' replay requests in flight at once, shared by
    followers in any threads.  NULL if out of memory. */
follow_gate_t *follow_gate_new(unsigned max);

/*  Frees the gate (no follower uses it any more); '*self' becomes NULL.
    NULL allowed. */
void follow_gate_destroy(follow_gate_t **self);

#define FOLLOW_PAGE_EVENTS 16384 /* a consumer commits once per page */
#define FOLLOW_LIVE_HWM 100000

/*  Creates a follower of the store at 'replay_ep' and 'publish_ep' for
    events whose topic starts with 'prefix' (NULL: all), starting after
    sequence 'after' (0: from the first event; UINT64_MAX: live only, from
    the head at start), on 'bus' (borrowed).  Returns NULL and fills 'err' on
    failure. */
follow_t *follow_new(bus_t *bus, const char *replay_ep, const char *publish_ep,
                     const char *prefix, uint64_t after, err_t *err);

/*  follow_new() within 'limits' (follow_new() uses FOLLOW_PAGE_EVENTS,
    FOLLOW_LIVE_HWM and no gate).  A follower waiting for the gate asks
    at its next follow_handle(). */
follow_t *follow_new_limited(bus_t *bus, const char *replay_ep,
                             const char *publish_ep, const char *prefix,
                             uint64_t after, const follow_limits_t *limits,
                             err_t *err);

/*  Closes the follower; '*self' becomes NULL.  NULL allowed. */
void follow_destroy(follow_t **self);

/*  Fills 'items[0..1]' with the follower's sockets for zmq_poll. */
void follow_poll_items(follow_t *self, zmq_pollitem_t items[2]);

/*  Handles what zmq_poll reported in 'items' (as filled above), calling
    'fn' with every batch now deliverable.  Also resends a replay request
    that went unanswered for too long; call it at least once a second.
    Returns 0, or the callback's non-zero return. */
int follow_handle(follow_t *self, const zmq_pollitem_t items[2], follow_fn fn,
                  void *arg);

/*  Whether the follower has reached the store's head as last known. */
bool follow_caught_up(const follow_t *self);

/*  The last sequence delivered or passed over. */
uint64_t follow_position(const follow_t *self);

/*  The store's head as last heard from it. */
uint64_t follow_known_head(const follow_t *self);

/*  Holes in the live stream filled through REPLAY after the follower had
    once caught up (messages dropped by a PUB, or lost in a restart). */
uint64_t follow_holes(const follow_t *self);

#endif
