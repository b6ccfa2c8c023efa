/*  client: the store's client side, for opcatctl, the consumers and tests.

    Wraps the APPEND and REPLAY exchanges of docs/PROTOCOL.md: a DEALER
    per endpoint, connected on first use, requests matched to replies by
    request_id, every wait bounded by a timeout. */
#ifndef OPCAT_CLIENT_H
#define OPCAT_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "err.h"
#include "event.h"

typedef struct client client_t;

/*  A page of replayed events: 'count' packed envelopes, read with
    client_page_event().  Start from {0}; client_page_clear() empties it
    for reuse, client_page_release() frees it.  The store is asked for the
    packed form (one frame for the whole page); a page of one frame per
    event is read the same way. */
typedef struct {
    Opcat__V1__ReplayReply *reply;
    size_t count;
    /* internals */
    void *frames; /* zmq_msg_t[nframes]: one per event, or one packed */
    size_t nframes, cap;
    size_t *offsets; /* packed: where each event starts, count + 1 */
    size_t offsets_cap;
} client_page_t;

/*  Creates a client of the store at 'append_ep' and 'replay_ep' (either
    may be NULL if unused) on 'bus' (borrowed). */
client_t *client_new(bus_t *bus, const char *append_ep, const char *replay_ep,
                     err_t *err);

/*  With 'nowait', an APPEND send never blocks: when the store is not
    connected (a DEALER has no peer while it reconnects, e.g. after a
    refused handshake) or the socket's queue is full, it fails at once
    with OPCAT_ETIMEDOUT instead of waiting.  A daemon's loop sets it;
    a command-line tool may wait. */
void client_set_nowait(client_t *self, bool nowait);

/*  Closes the sockets; '*self' becomes NULL.  NULL allowed. */
void client_destroy(client_t **self);

/*  Sends one AppendRequest of 'count' events (not waiting). '*request_id'
    gets its id.  Returns 0 or an error: OPCAT_ETOOBIG, sending nothing,
    for a request over the store's hard limit (bus.h; from
    OPCAT_MAX_MESSAGE as opcat-stored reads it), which the store could
    not answer. */
int client_append_send(client_t *self, event_t *const *events, size_t count,
                       bool atomic, uint64_t *request_id, err_t *err);

/*  Sends 'count' events as a validate-only AppendRequest: the store
    checks each against its rules, what it holds and the earlier events
    of the request, stores nothing and answers one result per event
    (STORED meaning "would be stored"); read it with client_append_recv.
    Errors as client_append_send. */
int client_validate_send(client_t *self, event_t *const *events, size_t count,
                         uint64_t *request_id, err_t *err);

/*  Waits up to 'timeout_ms' for the next AppendReply (any request's).
    '*reply' is the caller's to free with
    opcat__v1__append_reply__free_unpacked().  OPCAT_ETIMEDOUT if none. */
int client_append_recv(client_t *self, int timeout_ms,
                       Opcat__V1__AppendReply **reply, err_t *err);

/*  Sends a ReplayRequest and waits up to 'timeout_ms' for its page.
    'prefix' may be NULL; 'to' 0 means up to the head.  Free the page with
    client_page_clear(). */
int client_fetch(client_t *self, uint64_t from, uint64_t to, uint32_t max,
                 const char *prefix, int timeout_ms, client_page_t *page,
                 err_t *err);

/*  The envelope bytes of event 'i' of 'page'. */
const uint8_t *client_page_event(const client_page_t *page, size_t i,
                                 size_t *len);

/*  Releases the events a page holds (it can be reused). */
void client_page_clear(client_page_t *page);

/*  Clears the page and frees its arrays. */
void client_page_release(client_page_t *page);

/*  Asks the store's REPLAY endpoint for its metric set: 0 with '*json'
    (JSON text, common/base/metrics.h; the caller frees it) or a code
    with 'err'. */
int client_metrics(client_t *self, int timeout_ms, char **json, err_t *err);

/*  Asks the store for its head (last committed sequence). */
int client_head(client_t *self, int timeout_ms, uint64_t *head, err_t *err);

/*  The APPEND socket (DEALER) for a caller that polls it itself: when it
    is readable, client_append_recv() with a timeout of 0 takes the
    reply. */
void *client_append_socket(client_t *self);

/*  The REPLAY socket (DEALER) for a caller that polls it itself. */
void *client_replay_socket(client_t *self);

/*  Sends a ReplayRequest without waiting; for callers that poll. */
int client_fetch_send(client_t *self, uint64_t from, uint64_t to, uint32_t max,
                      const char *prefix, uint64_t *request_id, err_t *err);

/*  Receives a page now readable on the REPLAY socket (ZMQ_DONTWAIT). */
int client_fetch_recv(client_t *self, client_page_t *page, err_t *err);

#endif
