/*  fake_store: a log in memory behind a ROUTER and an XPUB. */
#include "fake_store.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "be64.h"
#include "opcat/v1/wire.pb-c.h"

#define TOPIC "test.event/TST"

typedef struct {
    void *data;
    size_t len;
} entry_t;

struct fake_store {
    void *router, *xpub;
    entry_t *log; /* log[seq - 1] */
    uint64_t head, cap, replays;
};

fake_store_t *fake_store_new(void *ctx, const char *replay_ep,
                             const char *publish_ep)
{
    fake_store_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    int linger = 0, verbose = 1;
    self->router = zmq_socket(ctx, ZMQ_ROUTER);
    self->xpub = zmq_socket(ctx, ZMQ_XPUB);
    if (!self->router || !self->xpub ||
        zmq_setsockopt(self->router, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(self->xpub, ZMQ_LINGER, &linger, sizeof linger) ||
        zmq_setsockopt(self->xpub, ZMQ_XPUB_VERBOSE, &verbose,
                       sizeof verbose) ||
        zmq_bind(self->router, replay_ep) || zmq_bind(self->xpub, publish_ep))
        fake_store_destroy(&self);
    return self;
}

void fake_store_destroy(fake_store_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    fake_store_t *self = *self_p;
    if (self->router)
        zmq_close(self->router);
    if (self->xpub)
        zmq_close(self->xpub);
    for (uint64_t i = 0; i < self->head; i++)
        free(self->log[i].data);
    free(self->log);
    free(self);
    *self_p = NULL;
}

uint64_t fake_store_add(fake_store_t *self, const void *data, size_t len)
{
    if (self->head == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 64;
        self->log = realloc(self->log, self->cap * sizeof *self->log);
    }
    entry_t *e = &self->log[self->head++];
    e->data = malloc(len ? len : 1);
    memcpy(e->data, data, len);
    e->len = len;
    return self->head;
}

uint64_t fake_store_head(const fake_store_t *self)
{
    return self->head;
}

const void *fake_store_event(const fake_store_t *self, uint64_t seq,
                             size_t *len)
{
    *len = self->log[seq - 1].len;
    return self->log[seq - 1].data;
}

void fake_store_publish(fake_store_t *self, uint64_t seq)
{
    uint8_t seq_be[8], head_be[8];
    be64_put(seq_be, seq);
    be64_put(head_be, self->head);
    const entry_t *e = &self->log[seq - 1];
    zmq_send(self->xpub, TOPIC, strlen(TOPIC), ZMQ_SNDMORE);
    zmq_send(self->xpub, seq_be, 8, ZMQ_SNDMORE);
    zmq_send(self->xpub, e->data, e->len, ZMQ_SNDMORE);
    zmq_send(self->xpub, head_be, 8, 0);
}

void fake_store_heartbeat(fake_store_t *self)
{
    uint8_t seq_be[8];
    be64_put(seq_be, self->head);
    zmq_send(self->xpub, "!head", 5, ZMQ_SNDMORE);
    zmq_send(self->xpub, seq_be, 8, 0);
}

bool fake_store_wait_subscriber(fake_store_t *self, int timeout_ms)
{
    zmq_pollitem_t item = {self->xpub, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) <= 0)
        return false;
    uint8_t buf[256];
    int n = zmq_recv(self->xpub, buf, sizeof buf, 0);
    return n >= 1 && buf[0] == 1; /* 1: subscribe, 0: unsubscribe */
}

/*  Sends the page for 'req' to the peer 'id'. */
static void s_answer(fake_store_t *self, zmq_msg_t *id,
                     const Opcat__V1__ReplayRequest *req)
{
    Opcat__V1__ReplayReply reply = OPCAT__V1__REPLAY_REPLY__INIT;
    uint64_t sequences[4096];
    uint64_t from = req->from ? req->from : 1;
    uint64_t to = req->to && req->to < self->head ? req->to : self->head;
    size_t n = 0;
    for (uint64_t s = from;
         !req->head_only && s <= to && n < req->max_events && n < 4096; s++)
        sequences[n++] = s;
    reply.request_id = req->request_id;
    reply.head = self->head;
    reply.next = n ? sequences[n - 1] + 1 : from;
    reply.count = (uint32_t)n;
    reply.n_sequences = n;
    reply.sequences = sequences;
    uint8_t header[64 + 4096 * 10];
    size_t len = opcat__v1__replay_reply__pack(&reply, header);
    zmq_msg_send(id, self->router, ZMQ_SNDMORE);
    zmq_send(self->router, header, len, n ? ZMQ_SNDMORE : 0);
    for (size_t i = 0; i < n; i++) {
        const entry_t *e = &self->log[sequences[i] - 1];
        zmq_send(self->router, e->data, e->len, i + 1 < n ? ZMQ_SNDMORE : 0);
    }
    self->replays++;
}

int fake_store_serve(fake_store_t *self)
{
    int answered = 0;
    for (;;) {
        zmq_msg_t id, body;
        zmq_msg_init(&id);
        if (zmq_msg_recv(&id, self->router, ZMQ_DONTWAIT) < 0) {
            zmq_msg_close(&id);
            return answered;
        }
        zmq_msg_init(&body);
        zmq_msg_recv(&body, self->router, 0);
        Opcat__V1__ReplayRequest *req = opcat__v1__replay_request__unpack(
            NULL, zmq_msg_size(&body), zmq_msg_data(&body));
        if (req) {
            s_answer(self, &id, req);
            opcat__v1__replay_request__free_unpacked(req, NULL);
            answered++;
        }
        zmq_msg_close(&body);
        zmq_msg_close(&id);
    }
}

void *fake_store_replay_socket(fake_store_t *self)
{
    return self->router;
}

uint64_t fake_store_replays(const fake_store_t *self)
{
    return self->replays;
}
