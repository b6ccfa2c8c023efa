/*  brg_js: the bridge's side of NATS JetStream.

    One connection to a NATS server (or cluster: a comma-separated list of
    URLs), a stream created if missing (file storage, a subject per event
    'opcat.<type>.<STATE>', a duplicate window), and publications in
    rounds: brg_js_publish() sends without waiting, brg_js_flush() waits
    until the server has acknowledged every message of the round and says
    whether all of them were stored.  A message carries the event id as
    'Nats-Msg-Id' (a resend inside the duplicate window is acknowledged as
    a duplicate, not stored twice) and the store's sequence as
    'Opcat-Sequence'; its data is the packed envelope as the store holds
    it.  Each message but the first after a start also carries the id of
    the one before it as 'Nats-Expected-Last-Msg-Id': JetStream stores it
    only right after that one, so the stream keeps the store's order even
    when a message of a round is lost on the way and the round is sent
    again (opcatctl restore relies on that order). */
#ifndef OPCAT_BRG_JS_H
#define OPCAT_BRG_JS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BRG_JS_SUBJECTS "opcat.>"
#define BRG_JS_SEQUENCE_HEADER "Opcat-Sequence"

typedef struct brg_js brg_js_t;

typedef struct {
    const char *urls;      /* "nats://h:4222,nats://h2:4222" */
    const char *stream;    /* stream name, e.g. OPCAT */
    int replicas;          /* 1..5: R3 on a three-node cluster */
    int64_t duplicates_ms; /* the server's duplicate window */
    int64_t ack_wait_ms;   /* how long a round waits for its acks */
} brg_js_options_t;

/*  Connects (retrying in the background if the servers are down) and
    makes sure the stream exists.  Returns NULL and fills 'err'. */
brg_js_t *brg_js_new(const brg_js_options_t *options, err_t *err);

/*  Closes the connection; '*self' becomes NULL.  NULL allowed. */
void brg_js_destroy(brg_js_t **self);

/*  Starts a round: forgets the previous round's counts. */
void brg_js_begin(brg_js_t *self);

/*  Sends one event ('topic' is the store's TYPE/STATE) without waiting
    for its acknowledgment.  Returns 0 or a code with 'err' filled. */
int brg_js_publish(brg_js_t *self, const char *topic, const char *id,
                   uint64_t sequence, const uint8_t *data, size_t len,
                   err_t *err);

/*  Waits up to the ack wait for the round's acknowledgments.  Returns 0
    when every message of the round was stored (or was a duplicate of one
    stored before); else a code with 'err' saying how many were not
    acknowledged (the round must be sent again). */
int brg_js_flush(brg_js_t *self, err_t *err);

/*  Messages stored and duplicates acknowledged since the start. */
uint64_t brg_js_stored(const brg_js_t *self);
uint64_t brg_js_duplicates(const brg_js_t *self);

/*  Writes the JetStream subject of a store topic ("visit.completed/GBR"
    -> "opcat.visit.completed.GBR", no State: "opcat.<type>._") into
    'out' of 'size' bytes.  Returns 0, or OPCAT_ETOOBIG. */
int brg_js_subject(const char *topic, char *out, size_t size);

#endif
