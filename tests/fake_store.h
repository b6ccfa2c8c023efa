/*  fake_store: an in-process stand-in for the store's PUBLISH and REPLAY,
    for unit tests of follow.c and consumer.c.

    It keeps a log of events 1..head (any bytes), answers ReplayRequests
    on a ROUTER from that log (one frame per event, as docs/PROTOCOL.md
    allows), and sends on an XPUB only what the test tells it to: an event
    by sequence (so a test can drop, repeat or reorder live messages) or a
    heartbeat.  XPUB shows when the follower's subscription arrived, so no
    live message is lost to the slow-joiner race.  Single-threaded: the
    test calls fake_store_serve() in its own loop. */
#ifndef OPCAT_FAKE_STORE_H
#define OPCAT_FAKE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct fake_store fake_store_t;

/*  Binds REPLAY at 'replay_ep' and PUBLISH at 'publish_ep' in 'ctx'. */
fake_store_t *fake_store_new(void *ctx, const char *replay_ep,
                             const char *publish_ep);

void fake_store_destroy(fake_store_t **self);

/*  Appends an event to the log; returns its sequence. */
uint64_t fake_store_add(fake_store_t *self, const void *data, size_t len);

/*  The last sequence in the log. */
uint64_t fake_store_head(const fake_store_t *self);

/*  The bytes of event 'seq' (1..head). */
const void *fake_store_event(const fake_store_t *self, uint64_t seq,
                             size_t *len);

/*  Publishes event 'seq' as the store does (topic, sequence, envelope,
    the last sequence of its commit = the head). */
void fake_store_publish(fake_store_t *self, uint64_t seq);

/*  Publishes the store's heartbeat: the head. */
void fake_store_heartbeat(fake_store_t *self);

/*  Waits up to 'timeout_ms' for a subscription on PUBLISH; true if one
    arrived. */
bool fake_store_wait_subscriber(fake_store_t *self, int timeout_ms);

/*  Answers every ReplayRequest waiting now; returns how many. */
int fake_store_serve(fake_store_t *self);

/*  The REPLAY socket, for a test's zmq_poll. */
void *fake_store_replay_socket(fake_store_t *self);

/*  How many ReplayRequests it answered. */
uint64_t fake_store_replays(const fake_store_t *self);

#endif
