/*  stream: GET /api/stream, the public events as Server-Sent Events.

    Each stream owns a follower (follow.h) created in its connection's
    thread and used only there: the content callback below blocks in
    zmq_poll on the follower's two sockets (in slices of POLL_MS, so that
    a stopping gateway ends every stream quickly) until it has text to
    send.  The SSE id of each event is its sequence, so a browser that
    reconnects sends it back as Last-Event-ID and the stream resumes right
    after it: REPLAY first, then live, no gap and no duplicate.  Without
    Last-Event-ID the stream is live only.  A comment line every
    KEEPALIVE_MS keeps proxies from closing an idle stream and tells the
    server when the client has gone.

    What a stream holds is bounded, so that the gateway's memory is
    bounded by the number of streams: the follower asks REPLAY for pages
    of PAGE_EVENTS events and queues at most LIVE_HWM live messages (past
    it ZeroMQ drops them and the follower fills the hole through REPLAY),
    and all streams together have at most GW_STREAM_REPLAYS_MAX replay
    requests in flight, so that they leave the store's REPLAY time for
    its other clients (/healthz, /api/events);
    a batch is formatted only once the previous text has been handed to
    the server, and is refused while BUFFER_MAX bytes wait.  A client
    that stops reading leaves that backlog where it is: the guard closes
    its connection after --stall-timeout seconds (guard.c), and the
    client resumes with Last-Event-ID.

    A Last-Event-ID above the store's head is refused (400): such a stream
    would wait silently for events that may never come. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* POLLRDHUP */
#endif
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "client.h"
#include "event.h"
#include "follow.h"
#include "gw.h"
#include "log.h"
#include "monotime.h"

#define POLL_MS 250
#define KEEPALIVE_MS 15000
#define BUFFER_MAX (1 << 20)
#define PAGE_EVENTS 256   /* per replay page, and per batch */
#define LIVE_HWM 1000     /* live messages queued for one stream */
#define SEND_BUFFER 65536 /* bytes of the socket's send buffer */
#define RETRY_MS 3000     /* what a browser waits before reconnecting */

typedef struct {
    gw_t *gw;
    gw_conn_t *conn; /* the connection's record in the guard */
    int fd;          /* the connection's socket (polled, never read) */
    follow_t *follow;
    zmq_pollitem_t items[2];
    char *buf;             /* text waiting to be sent */
    size_t len, off, cap;  /* bytes in buf, bytes sent, allocated */
    int64_t last_write_ms; /* when text was last handed to the server */
} stream_t;

/*  Appends 'len' bytes of 'text' to the stream's buffer. */
static int s_append(stream_t *self, const char *text, size_t len)
{
    if (self->off == self->len)
        self->off = self->len = 0;
    if (self->len + len > self->cap) {
        size_t cap = self->cap ? self->cap : 4096;
        while (cap < self->len + len)
            cap *= 2;
        char *buf = realloc(self->buf, cap);
        if (!buf)
            return OPCAT_ENOMEM;
        self->buf = buf;
        self->cap = cap;
    }
    memcpy(self->buf + self->len, text, len);
    self->len += len;
    return OPCAT_OK;
}

/*  Appends one event as "id: SEQ\ndata: JSON\n\n". */
static int s_append_event(stream_t *self, const follow_event_t *e)
{
    event_t *event = event_unpack(e->data, e->len);
    json_t *object =
        event ? event_to_json(event, EVENT_JSON_META | EVENT_JSON_PUBLIC)
              : NULL;
    event_free(&event);
    char *json = object ? json_dumps(object, JSON_COMPACT) : NULL;
    json_decref(object);
    if (!json) {
        log_warnx("stream: event %llu cannot be read; skipped",
                  (unsigned long long)e->sequence);
        return OPCAT_OK;
    }
    char head[48];
    int n = snprintf(head, sizeof head,
                     "id: %llu\ndata: ", (unsigned long long)e->sequence);
    int rc = s_append(self, head, (size_t)n);
    if (!rc)
        rc = s_append(self, json, strlen(json));
    if (!rc)
        rc = s_append(self, "\n\n", 2);
    free(json);
    return rc;
}

/*  follow_fn: formats a batch, or refuses it while the buffer is full. */
static int s_on_events(void *arg, const follow_event_t *events, size_t count)
{
    stream_t *self = arg;
    if (self->len - self->off > BUFFER_MAX)
        return 1;
    for (size_t i = 0; i < count; i++)
        if (s_append_event(self, &events[i]))
            return 1;
    atomic_fetch_add(&self->gw->counters.stream_events, count);
    return 0;
}

/*  Whether the client has closed its side: its slot is then given back
    at once rather than at the next keepalive. */
static bool s_client_gone(const stream_t *self)
{
    struct pollfd p = {self->fd, POLLRDHUP, 0};
    return self->fd >= 0 && poll(&p, 1, 0) == 1 &&
           (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/*  MHD content callback: blocks until there is text to send. */
static ssize_t s_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    stream_t *self = cls;
    gw_guard_handed(self->conn, false); /* the client took the last text */
    while (self->off == self->len) {
        if (atomic_load(&self->gw->stopping))
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (zmq_poll(self->items, 2, POLL_MS) < 0 && zmq_errno() != EINTR)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        follow_handle(self->follow, self->items, s_on_events, self);
        if (s_client_gone(self))
            return MHD_CONTENT_READER_END_WITH_ERROR;
        if (self->off == self->len &&
            monotime_ms() - self->last_write_ms >= KEEPALIVE_MS &&
            s_append(self, ": keepalive\n\n", 13))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
    size_t n = self->len - self->off < max ? self->len - self->off : max;
    memcpy(buf, self->buf + self->off, n);
    self->off += n;
    self->last_write_ms = monotime_ms();
    gw_guard_handed(self->conn, true);
    return (ssize_t)n;
}

static void s_free(void *cls)
{
    stream_t *self = cls;
    follow_destroy(&self->follow);
    atomic_fetch_sub(&self->gw->counters.streams_open, 1);
    free(self->buf);
    free(self);
}

/*  The sequence to resume after: Last-Event-ID, else ?last_event_id=,
    else UINT64_MAX (live only).  False if the value is not a sequence. */
static bool s_resume(const gw_request_t *req, uint64_t *after,
                     const char **name)
{
    const char *text = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
                                                   "Last-Event-ID");
    *name = "Last-Event-ID";
    if (!text) {
        text = gw_param(req, "last_event_id");
        *name = "last_event_id";
    }
    *after = UINT64_MAX;
    if (!text)
        return true;
    char *end;
    if (!isdigit((unsigned char)text[0]) || strlen(text) > 19)
        return false;
    unsigned long long n = strtoull(text, &end, 10);
    *after = n;
    return *end == '\0' && n <= INT64_MAX;
}

/*  The stream's socket, with a fixed send buffer instead of the
    kernel's autotuned one (up to megabytes), so that a client that stops
    reading holds little kernel memory too before its stall is noticed. */
static int s_socket(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    int size = SEND_BUFFER;
    if (!info)
        return -1;
    setsockopt(info->connect_fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    return info->connect_fd;
}

/*  The store's head, asked of REPLAY. */
static int s_head(gw_t *gw, uint64_t *head, err_t *err)
{
    client_t *client = client_new(gw->bus, NULL, gw->options.cfg.replay, err);
    int rc = client ? client_head(client, gw->options.timeout_ms, head, err)
                    : err->code;
    client_destroy(&client);
    return rc;
}

static stream_t *s_new(gw_t *gw, const char *topic, uint64_t after, err_t *err)
{
    follow_limits_t limits = {PAGE_EVENTS, LIVE_HWM, gw->replays};
    stream_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->gw = gw;
    self->fd = -1;
    self->follow = follow_new_limited(
        gw->bus, gw->options.cfg.replay, gw->options.cfg.publish,
        topic && topic[0] ? topic : NULL, after, &limits, err);
    char hello[64];
    int n = snprintf(hello, sizeof hello, "retry: %d\n: opcat events\n\n",
                     RETRY_MS);
    if (!self->follow || s_append(self, hello, (size_t)n)) {
        follow_destroy(&self->follow);
        free(self->buf);
        free(self);
        return NULL;
    }
    follow_poll_items(self->follow, self->items);
    self->last_write_ms = monotime_ms();
    return self;
}

enum MHD_Result gw_stream(const gw_request_t *req)
{
    const char *name, *topic = gw_param(req, "topic");
    if (topic && !gw_topic_ok(topic))
        return gw_reply_error(req, 400, "topic",
                              "topic: a prefix of TYPE/STATE, printable ASCII "
                              "without spaces, at most %d bytes",
                              GW_TOPIC_MAX);
    uint64_t after;
    if (!s_resume(req, &after, &name))
        return gw_reply_error(req, 400, name,
                              "%s: the sequence of the last event received",
                              name);
    err_t err;
    uint64_t head = 0;
    if (after != UINT64_MAX && s_head(req->gw, &head, &err))
        return gw_reply_service_error(req, "store", &err);
    if (after != UINT64_MAX && after > head)
        return gw_reply_error(req, 400, name,
                              "%s: %llu is past the store's head (%llu): "
                              "no such event yet",
                              name, (unsigned long long)after,
                              (unsigned long long)head);
    stream_t *self = s_new(req->gw, topic, after, &err);
    if (!self)
        return gw_reply_service_error(req, "store", &err);
    self->conn = gw_guard_conn(req->conn);
    self->fd = s_socket(req->conn);
    atomic_fetch_add(&req->gw->counters.streams_opened, 1);
    atomic_fetch_add(&req->gw->counters.streams_open, 1);
    struct MHD_Response *response = MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 16384, s_read, self, s_free);
    if (!response) {
        s_free(self);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type",
                            "text/event-stream; charset=utf-8");
    MHD_add_response_header(response, "X-Accel-Buffering", "no");
    return gw_reply_response(req, 200, response);
}
