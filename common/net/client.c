/*  client: DEALER sockets with request ids and timeouts. */
#include "client.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"

struct client {
    bus_t *bus;   /* borrowed */
    void *append; /* DEALER */
    void *replay; /* DEALER */
    uint64_t next_request_id;
    int send_flags; /* ZMQ_DONTWAIT: a send never blocks (client_set_nowait) */
};

client_t *client_new(bus_t *bus, const char *append_ep, const char *replay_ep,
                     err_t *err)
{
    client_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    self->bus = bus;
    self->next_request_id = 1;
    if ((append_ep && !(self->append = bus_socket(bus, ZMQ_DEALER, append_ep,
                                                  false, err))) ||
        (replay_ep &&
         !(self->replay = bus_socket(bus, ZMQ_DEALER, replay_ep, false, err))))
        client_destroy(&self);
    return self;
}

void client_set_nowait(client_t *self, bool nowait)
{
    self->send_flags = nowait ? ZMQ_DONTWAIT : 0;
}

void client_destroy(client_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    bus_close(&(*self_p)->append);
    bus_close(&(*self_p)->replay);
    free(*self_p);
    *self_p = NULL;
}

void *client_append_socket(client_t *self)
{
    return self->append;
}

void *client_replay_socket(client_t *self)
{
    return self->replay;
}

/*  Waits until 'socket' is readable; OPCAT_ETIMEDOUT or OPCAT_EINTR. */
static int s_wait(void *socket, int timeout_ms)
{
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    int rc = zmq_poll(&item, 1, timeout_ms);
    if (rc < 0)
        return bus_error();
    return rc == 0 ? OPCAT_ETIMEDOUT : OPCAT_OK;
}

/*  The store's hard limit on a request as this process's environment
    sets it (OPCAT_MAX_MESSAGE, the variable opcat-stored reads). */
static int64_t s_hard_limit(void)
{
    const char *env = getenv("OPCAT_MAX_MESSAGE");
    char *end = NULL;
    long long n = env && *env ? strtoll(env, &end, 10) : 0;
    return BUS_HARD_LIMIT(end && !*end && n >= 1024 ? n
                                                    : BUS_MAX_MESSAGE_DEFAULT);
}

static int s_append_send(client_t *self, event_t *const *events, size_t count,
                         bool atomic, bool validate_only, uint64_t *request_id,
                         err_t *err)
{
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.request_id = self->next_request_id++;
    req.atomic = atomic;
    req.validate_only = validate_only;
    req.n_events = count;
    req.events = (event_t **)events;
    size_t len = opcat__v1__append_request__get_packed_size(&req);
    /* past the hard limit libzmq would drop the connection unanswered */
    if ((int64_t)len > s_hard_limit())
        return err_set(err, OPCAT_ETOOBIG, "",
                       "the request is %zu bytes, over the store's hard "
                       "limit of %lld (twice OPCAT_MAX_MESSAGE, 64 MiB by "
                       "default): send fewer events per request (opcatctl "
                       "import --batch N)",
                       len, (long long)s_hard_limit());
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, len))
        return err_set(err, OPCAT_ENOMEM, "", "out of memory");
    opcat__v1__append_request__pack(&req, zmq_msg_data(&msg));
    if (zmq_msg_send(&msg, self->append, self->send_flags) < 0) {
        int code = bus_error();
        bool full = zmq_errno() == EAGAIN;
        zmq_msg_close(&msg);
        if (full)
            return err_set(err, code, "",
                           "the store's APPEND endpoint takes nothing now "
                           "(not connected, or its queue is full)");
        return err_set(err, code, "", "send: %s", zmq_strerror(zmq_errno()));
    }
    if (request_id)
        *request_id = req.request_id;
    return OPCAT_OK;
}

int client_append_send(client_t *self, event_t *const *events, size_t count,
                       bool atomic, uint64_t *request_id, err_t *err)
{
    return s_append_send(self, events, count, atomic, false, request_id, err);
}

int client_validate_send(client_t *self, event_t *const *events, size_t count,
                         uint64_t *request_id, err_t *err)
{
    return s_append_send(self, events, count, false, true, request_id, err);
}

int client_append_recv(client_t *self, int timeout_ms,
                       Opcat__V1__AppendReply **reply, err_t *err)
{
    int rc = s_wait(self->append, timeout_ms);
    if (rc)
        return err_set(err, rc, "",
                       "no answer from the store's APPEND "
                       "endpoint (%s)",
                       err_strerror(rc));
    bus_message_t msg;
    if ((rc = bus_recv(self->append, &msg, 0)))
        return err_set(err, rc, "", "receive: %s", err_strerror(rc));
    *reply = msg.count == 1
                 ? opcat__v1__append_reply__unpack(NULL,
                                                   zmq_msg_size(&msg.frames[0]),
                                                   zmq_msg_data(&msg.frames[0]))
                 : NULL;
    bus_message_close(&msg);
    if (!*reply)
        return err_set(err, OPCAT_EPROTO, "",
                       "the store's answer is not an AppendReply");
    return OPCAT_OK;
}

/*  Sends 'req' on REPLAY with the next request id. */
static int s_replay_send(client_t *self, Opcat__V1__ReplayRequest *req,
                         uint64_t *request_id, err_t *err)
{
    req->request_id = self->next_request_id++;
    uint8_t buf[512];
    size_t len = opcat__v1__replay_request__get_packed_size(req);
    if (len > sizeof buf)
        return err_set(err, OPCAT_ETOOBIG, "topic", "topic: prefix too long");
    opcat__v1__replay_request__pack(req, buf);
    if (zmq_send(self->replay, buf, len, 0) < 0)
        return err_set(err, bus_error(), "", "send: %s",
                       zmq_strerror(zmq_errno()));
    if (request_id)
        *request_id = req->request_id;
    return OPCAT_OK;
}

int client_fetch_send(client_t *self, uint64_t from, uint64_t to, uint32_t max,
                      const char *prefix, uint64_t *request_id, err_t *err)
{
    Opcat__V1__ReplayRequest req = OPCAT__V1__REPLAY_REQUEST__INIT;
    req.from = from;
    req.to = to;
    req.max_events = max;
    req.head_only = max == 0;
    req.packed = true;
    req.topic_prefix = (char *)(prefix ? prefix : "");
    return s_replay_send(self, &req, request_id, err);
}

void client_page_clear(client_page_t *page)
{
    zmq_msg_t *frames = page->frames;
    for (size_t i = 0; i < page->nframes; i++)
        zmq_msg_close(&frames[i]);
    page->count = page->nframes = 0;
    if (page->reply)
        opcat__v1__replay_reply__free_unpacked(page->reply, NULL);
    page->reply = NULL;
}

void client_page_release(client_page_t *page)
{
    client_page_clear(page);
    free(page->frames);
    free(page->offsets);
    *page = (client_page_t){0};
}

static int s_page_grow(client_page_t *page)
{
    if (page->nframes < page->cap)
        return 0;
    size_t cap = page->cap ? page->cap * 2 : 256;
    void *frames = realloc(page->frames, cap * sizeof(zmq_msg_t));
    if (!frames)
        return -1;
    page->frames = frames;
    page->cap = cap;
    return 0;
}

/*  Receives the frames that follow the header, whatever they are. */
static int s_recv_frames(client_t *self, client_page_t *page, int more,
                         err_t *err)
{
    while (more) {
        if (s_page_grow(page))
            return err_set(err, OPCAT_ENOMEM, "", "out of memory");
        zmq_msg_t *frame = &((zmq_msg_t *)page->frames)[page->nframes];
        zmq_msg_init(frame);
        zmq_msg_recv(frame, self->replay, 0);
        more = zmq_msg_more(frame);
        page->nframes++;
    }
    return OPCAT_OK;
}

/*  Checks the page's shape against its header and indexes a packed one:
    one frame per event, or one frame whose size is the sum of 'lengths'. */
static int s_page_index(client_page_t *page, err_t *err)
{
    const Opcat__V1__ReplayReply *r = page->reply;
    if (!r->n_lengths) {
        page->count = page->nframes;
        return OPCAT_OK;
    }
    size_t n = r->n_lengths;
    if (page->nframes != 1 || r->count != n)
        return err_set(err, OPCAT_EPROTO, "",
                       "malformed packed page: %zu lengths, %u events, %zu "
                       "frames",
                       n, r->count, page->nframes);
    if (n + 1 > page->offsets_cap) {
        size_t *grown = realloc(page->offsets, (n + 1) * sizeof *grown);
        if (!grown)
            return err_set(err, OPCAT_ENOMEM, "", "out of memory");
        page->offsets = grown;
        page->offsets_cap = n + 1;
    }
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        page->offsets[i] = at;
        at += r->lengths[i];
    }
    page->offsets[n] = at;
    if (at != zmq_msg_size(&((zmq_msg_t *)page->frames)[0]))
        return err_set(err, OPCAT_EPROTO, "",
                       "malformed packed page: lengths add up to %zu bytes, "
                       "the frame has %zu",
                       at, zmq_msg_size(&((zmq_msg_t *)page->frames)[0]));
    page->count = n;
    return OPCAT_OK;
}

int client_fetch_recv(client_t *self, client_page_t *page, err_t *err)
{
    client_page_clear(page);
    zmq_msg_t header;
    zmq_msg_init(&header);
    if (zmq_msg_recv(&header, self->replay, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&header);
        return err_set(err, bus_error(), "", "receive: %s",
                       zmq_strerror(zmq_errno()));
    }
    int more = zmq_msg_more(&header);
    page->reply = opcat__v1__replay_reply__unpack(NULL, zmq_msg_size(&header),
                                                  zmq_msg_data(&header));
    zmq_msg_close(&header);
    if (s_recv_frames(self, page, more, err))
        return err->code;
    if (!page->reply)
        return err_set(err, OPCAT_EPROTO, "",
                       "the store's answer is not a ReplayReply");
    if (page->reply->code)
        return err_set(err, page->reply->code, "", "store: %s",
                       page->reply->message);
    return s_page_index(page, err);
}

/*  Waits for the answer to request 'id' (sent) into 'page'. */
static int s_fetch_wait(client_t *self, uint64_t id, int timeout_ms,
                        client_page_t *page, err_t *err)
{
    int rc = OPCAT_OK;
    while (!rc) {
        if ((rc = s_wait(self->replay, timeout_ms)))
            return err_set(err, rc, "",
                           "no answer from the store's REPLAY endpoint (%s)",
                           err_strerror(rc));
        rc = client_fetch_recv(self, page, err);
        if (!rc && page->reply->request_id == id)
            return OPCAT_OK; /* else a stale answer to an abandoned request */
    }
    return rc;
}

int client_fetch(client_t *self, uint64_t from, uint64_t to, uint32_t max,
                 const char *prefix, int timeout_ms, client_page_t *page,
                 err_t *err)
{
    uint64_t id = 0;
    int rc = client_fetch_send(self, from, to, max, prefix, &id, err);
    return rc ? rc : s_fetch_wait(self, id, timeout_ms, page, err);
}

int client_metrics(client_t *self, int timeout_ms, char **json, err_t *err)
{
    Opcat__V1__ReplayRequest req = OPCAT__V1__REPLAY_REQUEST__INIT;
    client_page_t page = {0};
    uint64_t id = 0;
    *json = NULL;
    req.head_only = true;
    req.metrics = true;
    int rc = s_replay_send(self, &req, &id, err);
    if (!rc)
        rc = s_fetch_wait(self, id, timeout_ms, &page, err);
    if (!rc && !page.reply->metrics[0])
        rc = err_set(err, OPCAT_EPROTO, "",
                     "the store answered no metrics (an older store?)");
    if (!rc && !(*json = strdup(page.reply->metrics)))
        rc = err_set(err, OPCAT_ENOMEM, "", "out of memory");
    client_page_release(&page);
    return rc;
}

const uint8_t *client_page_event(const client_page_t *page, size_t i,
                                 size_t *len)
{
    zmq_msg_t *frames = page->frames;
    if (page->reply && page->reply->n_lengths) {
        *len = page->offsets[i + 1] - page->offsets[i];
        return (const uint8_t *)zmq_msg_data(&frames[0]) + page->offsets[i];
    }
    *len = zmq_msg_size(&frames[i]);
    return zmq_msg_data(&frames[i]);
}

int client_head(client_t *self, int timeout_ms, uint64_t *head, err_t *err)
{
    client_page_t page = {0};
    int rc = client_fetch(self, 1, 0, 0, NULL, timeout_ms, &page, err);
    if (!rc)
        *head = page.reply->head;
    client_page_release(&page);
    return rc;
}
