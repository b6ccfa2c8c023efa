/*  bus: the ZeroMQ plumbing shared by every process.

    Sockets are plain libzmq sockets ('void *').  This module creates them
    with the project's options (bounded linger, high-water marks, maximum
    message size), receives multipart messages with a limit on frames, and
    runs one request/reply exchange with a timeout for clients.  Errors
    from libzmq are translated here and nowhere else.

    A process has one bus_t: its ZeroMQ context and the client's CURVE
    credentials (keys.h), read once when the bus is made.  Every socket
    is made on it, so that a connected socket takes the keys from memory
    and not from the files. */
#ifndef OPCAT_BUS_H
#define OPCAT_BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zmq.h>

#include "err.h"
#include "keys.h"

#define BUS_MAX_FRAMES 8
#define BUS_MAX_MESSAGE_DEFAULT ((int64_t)64 << 20) /* bytes of one frame */
#define BUS_LINGER_MS 1000
/*  Every TCP connection, client and server side, sends a ZMTP PING after
    BUS_HEARTBEAT_IVL_MS of silence and drops the connection when nothing
    comes back within BUS_HEARTBEAT_TIMEOUT_MS (the peer is told the same
    as its TTL).  Without them a connection whose peer vanished behind a
    partition (its host rebooted, its process killed) stays open for
    TCP's two hours of keepalive: a SUB, which never sends, would wait for
    ever on a store that restarted.  A dropped client connection is
    redialled every BUS_RECONNECT_IVL_MS, backing off to
    BUS_RECONNECT_MAX_MS while the peer stays away; an attempt that gets
    no answer is given up after BUS_CONNECT_TIMEOUT_MS (by default a
    connect into a partition waits for TCP's SYN retries, over two
    minutes, and the first after the heal may come a minute late). */
#define BUS_HEARTBEAT_IVL_MS 1000
#define BUS_HEARTBEAT_TIMEOUT_MS 5000
#define BUS_RECONNECT_IVL_MS 100
#define BUS_RECONNECT_MAX_MS 2000
#define BUS_CONNECT_TIMEOUT_MS 2000

/*  Two limits guard a server socket.  A request over the daemon's own
    limit ('limit' bytes) is read and answered with OPCAT_ETOOBIG; one over
    BUS_HARD_LIMIT(limit) never reaches the daemon: libzmq drops the
    sender's connection (ZMQ_MAXMSGSIZE) as the size arrives, without a
    reply, so that what one message can cost stays bounded.  The hard
    limit is twice the limit, and at least 1 MiB. */
#define BUS_HARD_LIMIT(limit)                                                  \
    ((limit) < ((int64_t)1 << 19) ? ((int64_t)1 << 20) : 2 * (int64_t)(limit))

/*  A received multipart message: up to BUS_MAX_FRAMES frames. */
typedef struct {
    zmq_msg_t frames[BUS_MAX_FRAMES];
    size_t count;
} bus_message_t;

/*  The process's ZeroMQ context and client credentials. */
typedef struct bus bus_t;

/*  Creates the bus of a process that connects to others: a new ZeroMQ
    context, and the client credentials read now from the environment
    (keys_client_new()), so that a wrong key file is reported here, at
    start, with the variable and the file named.  NULL and 'err' on
    failure. */
bus_t *bus_new(err_t *err);

/*  The same with the credentials '*keys' (taken: '*keys' becomes NULL).
    NULL or a NULL '*keys': plain clients, whatever the environment says;
    for a process that only binds (the client variables are not its own)
    and for tests. */
bus_t *bus_new_with(keys_t **keys, err_t *err);

/*  Terminates the context (waiting for every socket of it to be closed,
    each lingering at most BUS_LINGER_MS) and forgets the keys; '*self'
    becomes NULL.  NULL allowed. */
void bus_destroy(bus_t **self);

/*  The ZeroMQ context, for sockets that are not made here (inproc pairs,
    monitors, the ZAP handler) and for zmq_ctx_set()/zmq_ctx_shutdown().
    Borrowed: valid until bus_destroy(); thread-safe, as the whole bus. */
void *bus_zmq(bus_t *self);

/*  Creates a socket of 'type' bound ('bind' true) or connected to
    'endpoint', with linger BUS_LINGER_MS, heartbeats and the reconnect
    intervals above.  A connected socket uses CURVE with the bus's keys
    when it has them.  Returns NULL and fills 'err'. */
void *bus_socket(bus_t *bus, int type, const char *endpoint, bool bind,
                 err_t *err);

/*  Options of a bound (server) socket.  libzmq copies a socket's options
    into each listener at bind time, so they must be set before the bind:
    that is this function's reason to exist. */
typedef struct {
    int64_t max_message;      /* ZMQ_MAXMSGSIZE; 0: unlimited */
    bool router_mandatory;    /* unroutable replies become errors */
    int send_hwm;             /* ZMQ_SNDHWM; 0: libzmq's default */
    const char *curve_secret; /* Z85 server secret key, or NULL: plain */
    const char *zap_domain;   /* the role ZAP checks (auth.h) */
} bus_server_options_t;

/*  Creates a socket of 'type', sets 'options' (may be NULL) and binds it
    to 'endpoint'.  Returns NULL and fills 'err'. */
void *bus_server(bus_t *bus, int type, const char *endpoint,
                 const bus_server_options_t *options, err_t *err);

/*  Closes '*socket' (NULL allowed) and sets it to NULL. */
void bus_close(void **socket);

/*  Receives one whole multipart message.  Returns 0; OPCAT_EINTR when a
    signal interrupted (check the flags); OPCAT_ETIMEDOUT with ZMQ_DONTWAIT
    and nothing to read; OPCAT_EPROTO when it had more than
    BUS_MAX_FRAMES frames: then only the first frame is kept (the peer
    identity on a ROUTER) and the rest is drained and dropped.  After 0 or
    OPCAT_EPROTO the caller calls bus_message_close(). */
int bus_recv(void *socket, bus_message_t *message, int flags);

/*  Closes every frame of 'message'. */
void bus_message_close(bus_message_t *message);

/*  Sends 'count' buffers as one multipart message (copies them).
    Returns 0 or a translated error. */
int bus_send(void *socket, const void *const *data, const size_t *len,
             size_t count, int flags);

/*  Translates the current zmq_errno() into an OPCAT_E* code. */
int bus_error(void);

/*  Whether 'endpoint' is ipc://, inproc:// or TCP on a loopback address:
    the only places plain (unauthenticated) mode is allowed. */
bool bus_endpoint_is_local(const char *endpoint);

#endif
