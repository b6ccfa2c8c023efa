/*  opcat-stored: the event store daemon.

    main.c holds the CLI, the sockets and the one zmq_poll loop;
    append.c the APPEND handler (group commit, replies, publishing);
    replay.c the REPLAY handler.  All share one evs_t context. */
#ifndef OPCAT_STORED_H
#define OPCAT_STORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

#include "bus.h"
#include "codes.h"
#include "metrics.h"
#include "store.h"

/*  Events applied in one write transaction at the most. */
#define EVS_GROUP_MAX_EVENTS 16384
/*  Requests gathered into one group at the most. */
#define EVS_GROUP_MAX_REQUESTS 1024
/*  Events in one replay page at the most (the credit's ceiling). */
#define EVS_REPLAY_PAGE_MAX 16384
/*  Bytes of a REPLAY request processed; a bigger one is answered TOO_BIG
    up to the hard limit (bus.h). */
#define EVS_REPLAY_MAX_REQUEST 4096
/*  The roles an event is written under (Envelope.written_by): APPEND's,
    and that of the reminder service's own endpoint (admit.c). */
#define EVS_ROLE_WRITER "writer"
#define EVS_ROLE_REMINDER "reminder"
/*  The PUBLISH heartbeat's topic: frames [topic][head]. */
#define EVS_HEARTBEAT_TOPIC "!head"

struct evs_pending;
struct evs_page;

typedef struct {
    bus_t *bus;             /* binds only: no client keys */
    void *append;           /* ROUTER */
    void *append_reminders; /* ROUTER: the reminder service's APPEND */
    int64_t max_request;    /* bytes of an APPEND request processed */
    void *publish;          /* PUB */
    void *replay;           /* ROUTER */
    void *public_publish;   /* PUB: events without confidential fields */
    void *public_replay;    /* ROUTER: the same, replayed */
    store_t *store;
    codes_t *codes;
    struct auth *auth;           /* CURVE keys and ZAP handler, or plain mode */
    uint64_t published;          /* last sequence sent on PUBLISH */
    struct evs_pending *pending; /* scratch for one group of requests */
    store_batch_t *batches;
    struct evs_page *page; /* scratch for one replay page, reused */
    /* counters, logged at shutdown and answered as metrics */
    uint64_t stored, duplicates, refused, failed_commits, bad_frames;
    uint64_t replayed[2];          /* events sent: REPLAY, public REPLAY */
    metrics_hist_t commit_seconds; /* store_write of each group */
    metrics_hist_t append_seconds; /* a group's requests, read to answered */
    metrics_hist_t replay_seconds; /* one replay request, read to sent */
} evs_t;

/*  Allocates the group scratch space; 0 or OPCAT_ENOMEM. */
int evs_append_init(evs_t *self);

/*  Frees what evs_append_init allocated. */
void evs_append_fini(evs_t *self);

/*  Checks each event of 'request' (received as the 'len' bytes at
    'data' on an endpoint of 'role') for what the store cannot see: a
    string holding a NUL byte, a type the role may not write.  Marks
    those STORE_REFUSED in 'results' (one per event, zeroed by the
    caller) and stamps the others' written_by with 'role'. */
void evs_admit(Opcat__V1__AppendRequest *request, const uint8_t *data,
               size_t len, const char *role, store_result_t *results);

/*  Reads every APPEND request waiting (up to the group limits), applies
    them in one durable transaction, answers each, then publishes what
    was committed.  Never fails: errors are answered and logged. */
void evs_append_handle(evs_t *self);

/*  Handles one APPEND request as evs_append_handle does each request it
    reads, without sockets: 'data' and 'len' are the request frame as
    received on an endpoint of 'role' (EVS_ROLE_*).  Its events are
    admitted, applied in a durable transaction of their own and counted;
    nothing is published.  Returns the packed AppendReply, which the
    caller frees ('*reply_len' bytes), or NULL when out of memory. */
uint8_t *evs_append_request(evs_t *self, const uint8_t *data, size_t len,
                            const char *role, size_t *reply_len);

/*  Publishes every committed event after self->published. */
void evs_publish_new(evs_t *self);

/*  Publishes the heartbeat (the head) so that subscribers can see a hole
    at the end of the stream. */
void evs_publish_heartbeat(evs_t *self);

/*  Allocates the replay page's arrays once (a page's worth of frames,
    sequences and lengths: ~1.2 MiB); 0 or OPCAT_ENOMEM. */
int evs_replay_init(evs_t *self);

/*  Frees what evs_replay_init allocated. */
void evs_replay_fini(evs_t *self);

/*  Answers the requests waiting on 'socket' (REPLAY, or the public REPLAY
    when 'public_form'), a bounded number per call. */
void evs_replay_handle(evs_t *self, void *socket, bool public_form);

/*  Called with each frame of a REPLAY answer, in order, as
    zmq_msg_send: 'flags' carries ZMQ_SNDMORE when another frame
    follows; on success (0) 'frame' is taken (left empty), on failure (a
    negative OPCAT code) it stays the caller's. */
typedef int (*evs_frame_fn)(void *arg, zmq_msg_t *frame, int flags);

/*  Answers one REPLAY request as evs_replay_handle does each request it
    reads, without sockets: 'data' and 'len' are the request frame;
    'fn' gets the answer's frames (no identity): the ReplayReply, then
    the page's envelopes, a frame each or, when the request asked for
    'packed', one frame back to back. */
void evs_replay_request(evs_t *self, const uint8_t *data, size_t len,
                        bool public_form, evs_frame_fn fn, void *arg);

/*  The store's metric set (metrics.h) as JSON text, the caller's to
    free; NULL when out of memory. */
char *evs_metrics(const evs_t *self);

/*  The public form of a packed envelope (OPCAT art. 16, event_redact):
    returns 0 with '*out' NULL if the event has nothing to remove, or with
    a new buffer ('*out', '*out_len') the caller frees. */
int evs_public_form(evs_t *self, const uint8_t *env, size_t len, uint8_t **out,
                    size_t *out_len);

#endif
