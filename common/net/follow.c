/*  follow: replay, then live, holes filled by replay.

    State: 'position' is the last sequence examined (delivered, or passed
    over by a filtered replay).  Live messages at position + 1 are
    delivered at once; later ones mean a hole: they are dropped and a
    replay from position + 1 is requested instead, which returns them in
    order.  Earlier ones were already delivered and are dropped.  One
    replay request is in flight at a time. */
#include "follow.h"

#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "be64.h"
#include "bus.h"
#include "client.h"
#include "log.h"
#include "monotime.h"

#define LIVE_BATCH 4096 /* live events in one batch, at most */
#define RESEND_MS 3000
#define HEARTBEAT_TOPIC "!head"

struct follow_gate {
    atomic_uint in_flight;
    unsigned max;
};

struct follow {
    client_t *client; /* REPLAY */
    void *sub;        /* SUB to PUBLISH */
    char *prefix;
    uint64_t position, known_head, holes;
    bool was_caught_up;   /* reached the head once: replays now fill holes */
    uint32_t page_events; /* asked of REPLAY at once */
    follow_gate_t *gate;  /* shared bound on requests in flight, or NULL */
    bool holds_gate;      /* the request in flight counts in the gate */
    size_t live_batch;    /* live events in one batch */
    uint64_t inflight_id; /* 0: no replay request in flight */
    int64_t inflight_since_ms;
    client_page_t page;
    follow_event_t *batch;
    zmq_msg_t *live; /* [live_batch] live envelopes kept for a batch */
};

static int s_subscribe(follow_t *self, const char *replay_ep,
                       const char *publish_ep, bus_t *bus, int hwm, err_t *err)
{
    if (!(self->sub = bus_socket(bus, ZMQ_SUB, publish_ep, false, err)))
        return err->code;
    /* libzmq applies a changed high-water mark to the pipe already
       connected too */
    zmq_setsockopt(self->sub, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(self->sub, ZMQ_SUBSCRIBE, self->prefix,
                   strlen(self->prefix));
    if (*self->prefix)
        zmq_setsockopt(self->sub, ZMQ_SUBSCRIBE, HEARTBEAT_TOPIC,
                       strlen(HEARTBEAT_TOPIC));
    self->client = client_new(bus, NULL, replay_ep, err);
    return self->client ? OPCAT_OK : err->code;
}

follow_gate_t *follow_gate_new(unsigned max)
{
    assert(max > 0);
    follow_gate_t *self = calloc(1, sizeof *self);
    if (self) {
        atomic_init(&self->in_flight, 0);
        self->max = max;
    }
    return self;
}

void follow_gate_destroy(follow_gate_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    assert(atomic_load(&(*self_p)->in_flight) == 0);
    free(*self_p);
    *self_p = NULL;
}

/*  Takes a place in the gate for a request; false if it is full. */
static bool s_gate_take(follow_t *self)
{
    if (!self->gate || self->holds_gate)
        return true;
    unsigned n = atomic_load(&self->gate->in_flight);
    do {
        if (n >= self->gate->max)
            return false;
    } while (!atomic_compare_exchange_weak(&self->gate->in_flight, &n, n + 1));
    self->holds_gate = true;
    return true;
}

/*  No request in flight any more: its place in the gate is given back. */
static void s_inflight_done(follow_t *self)
{
    self->inflight_id = 0;
    if (self->holds_gate)
        atomic_fetch_sub(&self->gate->in_flight, 1);
    self->holds_gate = false;
}

static int s_request(follow_t *self)
{
    err_t err;
    if (self->inflight_id || !s_gate_take(self))
        return 0;
    int rc = client_fetch_send(self->client, self->position + 1, 0,
                               self->page_events, self->prefix,
                               &self->inflight_id, &err);
    if (rc) {
        log_warnx("follow: replay request: %s", err.message);
        s_inflight_done(self);
        return rc;
    }
    self->inflight_since_ms = monotime_ms();
    return 0;
}

follow_t *follow_new(bus_t *bus, const char *replay_ep, const char *publish_ep,
                     const char *prefix, uint64_t after, err_t *err)
{
    follow_limits_t limits = {FOLLOW_PAGE_EVENTS, FOLLOW_LIVE_HWM, NULL};
    return follow_new_limited(bus, replay_ep, publish_ep, prefix, after,
                              &limits, err);
}

follow_t *follow_new_limited(bus_t *bus, const char *replay_ep,
                             const char *publish_ep, const char *prefix,
                             uint64_t after, const follow_limits_t *limits,
                             err_t *err)
{
    assert(limits->page_events > 0 && limits->live_hwm > 0);
    follow_t *self = calloc(1, sizeof *self);
    size_t page = limits->page_events;
    size_t live = page < LIVE_BATCH ? page : LIVE_BATCH;
    if (!self || !(self->prefix = strdup(prefix ? prefix : "")) ||
        !(self->batch = calloc(page, sizeof *self->batch)) ||
        !(self->live = calloc(live, sizeof *self->live))) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        follow_destroy(&self);
        return NULL;
    }
    self->page_events = limits->page_events;
    self->gate = limits->gate;
    self->live_batch = live;
    if (s_subscribe(self, replay_ep, publish_ep, bus, limits->live_hwm, err)) {
        follow_destroy(&self);
        return NULL;
    }
    if (after == UINT64_MAX) {
        /* live only: start at the head as the store reports it */
        if (client_head(self->client, 5000, &self->position, err)) {
            follow_destroy(&self);
            return NULL;
        }
    } else {
        self->position = after;
    }
    self->known_head = self->position;
    s_request(self);
    return self;
}

void follow_destroy(follow_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    follow_t *self = *self_p;
    s_inflight_done(self);
    client_page_release(&self->page);
    client_destroy(&self->client);
    bus_close(&self->sub);
    free(self->live);
    free(self->batch);
    free(self->prefix);
    free(self);
    *self_p = NULL;
}

void follow_poll_items(follow_t *self, zmq_pollitem_t items[2])
{
    items[0] = (zmq_pollitem_t){self->sub, 0, ZMQ_POLLIN, 0};
    items[1] =
        (zmq_pollitem_t){client_replay_socket(self->client), 0, ZMQ_POLLIN, 0};
}

/*  Delivers the events of a replay page that are past the position. */
static int s_on_page(follow_t *self, follow_fn fn, void *arg)
{
    size_t n = 0;
    const Opcat__V1__ReplayReply *reply = self->page.reply;
    if (reply->n_sequences != self->page.count) {
        log_warnx("follow: malformed replay page (%zu sequences for %zu "
                  "events)",
                  reply->n_sequences, self->page.count);
        return 0;
    }
    for (size_t i = 0; i < self->page.count; i++) {
        size_t len;
        const uint8_t *data = client_page_event(&self->page, i, &len);
        uint64_t seq = reply->sequences[i];
        if (seq <= self->position)
            continue;
        self->batch[n++] = (follow_event_t){seq, data, len};
    }
    int rc = n ? fn(arg, self->batch, n) : 0;
    if (rc)
        return rc; /* not applied: the next request starts from position */
    if (n && self->was_caught_up)
        self->holes++; /* live messages were lost; this page filled them */
    if (n)
        self->position = self->batch[n - 1].sequence;
    /* a filtered page also passes over what did not match */
    if (self->page.reply->next > self->position + 1)
        self->position = self->page.reply->next - 1;
    if (self->page.reply->head > self->known_head)
        self->known_head = self->page.reply->head;
    return 0;
}

static int s_on_replay(follow_t *self, follow_fn fn, void *arg)
{
    err_t err;
    int rc = client_fetch_recv(self->client, &self->page, &err);
    if (rc == OPCAT_ETIMEDOUT)
        return 0;
    bool mine =
        self->page.reply && self->page.reply->request_id == self->inflight_id;
    if (!mine) {
        client_page_clear(&self->page);
        return 0; /* an answer to a request given up on */
    }
    s_inflight_done(self);
    if (rc) {
        log_warnx("follow: replay: %s", err.message);
        return 0;
    }
    rc = s_on_page(self, fn, arg);
    client_page_clear(&self->page);
    if (!rc && self->position < self->known_head)
        s_request(self);
    return rc;
}

/*  Reads one live message.  Returns 1 if it was the next event (kept in
    self->live[slot]), 0 if it was dropped, -1 if nothing is waiting. */
static int s_read_live(follow_t *self, size_t slot, uint64_t expected)
{
    bus_message_t msg;
    if (bus_recv(self->sub, &msg, ZMQ_DONTWAIT))
        return -1;
    int kept = 0;
    if (msg.count >= 2 && zmq_msg_size(&msg.frames[1]) == 8) {
        uint64_t seq = be64_get(zmq_msg_data(&msg.frames[1]));
        bool event = msg.count == 3 || msg.count == 4;
        /* a 4th frame is the last sequence of the event's commit */
        uint64_t head = msg.count == 4 && zmq_msg_size(&msg.frames[3]) == 8
                            ? be64_get(zmq_msg_data(&msg.frames[3]))
                            : seq;
        if (head > self->known_head)
            self->known_head = head;
        if (event && seq == expected) {
            zmq_msg_move(&self->live[slot], &msg.frames[2]);
            kept = 1;
        }
    }
    bus_message_close(&msg);
    return kept;
}

static int s_on_live(follow_t *self, follow_fn fn, void *arg)
{
    size_t n = 0;
    for (;;) {
        uint64_t expected = self->position + n + 1;
        zmq_msg_init(&self->live[n]);
        int r = s_read_live(self, n, expected);
        if (r <= 0) {
            zmq_msg_close(&self->live[n]);
            if (r < 0)
                break;
            continue;
        }
        self->batch[n] =
            (follow_event_t){expected, zmq_msg_data(&self->live[n]),
                             zmq_msg_size(&self->live[n])};
        if (++n == self->live_batch)
            break;
    }
    int rc = n ? fn(arg, self->batch, n) : 0;
    if (!rc)
        self->position += n;
    for (size_t i = 0; i < n; i++)
        zmq_msg_close(&self->live[i]);
    return rc;
}

static void s_note_caught_up(follow_t *self)
{
    if (self->position >= self->known_head && !self->inflight_id)
        self->was_caught_up = true;
}

int follow_handle(follow_t *self, const zmq_pollitem_t items[2], follow_fn fn,
                  void *arg)
{
    int rc = 0;
    if (items[1].revents & ZMQ_POLLIN)
        rc = s_on_replay(self, fn, arg);
    /* While catching up, live events past the position are holes the
       replay will fill; reading them keeps the SUB queue short. */
    if (!rc && (items[0].revents & ZMQ_POLLIN))
        rc = s_on_live(self, fn, arg);
    if (self->inflight_id &&
        monotime_ms() - self->inflight_since_ms > RESEND_MS) {
        log_warnx("follow: no answer from REPLAY; asking again");
        s_inflight_done(self);
    }
    s_note_caught_up(self);
    if (self->position < self->known_head)
        s_request(self);
    return rc;
}

bool follow_caught_up(const follow_t *self)
{
    return self->position >= self->known_head && !self->inflight_id;
}

uint64_t follow_position(const follow_t *self)
{
    return self->position;
}

uint64_t follow_known_head(const follow_t *self)
{
    return self->known_head;
}

uint64_t follow_holes(const follow_t *self)
{
    return self->holes;
}
