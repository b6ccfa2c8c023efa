/*  REPLAY: pages of events on request.

    Flow control is by credit: each request names how many events it can
    take (max_events), and the daemon sends one page per request, so a
    slow reader holds at most the pages it asked for and the daemon's
    memory does not grow with it.  Reply frames:

      [identity][ReplayReply][envelope 1]...[envelope count]
      [identity][ReplayReply with lengths][envelopes back to back]  (packed)

    The packed form is what the request asked for; it spares both sides an
    allocation and a frame per event (a fifth of the store's time in a
    replay went to malloc/free). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "log.h"
#include "monotime.h"
#include "stored.h"

#include <assert.h>

/*  Requests answered per wake-up, so APPEND is never starved. */
#define REPLAY_REQUESTS_PER_WAKE 64

typedef struct evs_page {
    zmq_msg_t *frames;   /* the page's envelopes, a frame each */
    uint64_t *sequences; /* and their sequences */
    uint32_t *lengths;   /* packed: each envelope's length */
    uint8_t *blob;       /* packed: the envelopes back to back (malloc) */
    size_t blob_len, blob_cap;
    bool packed;
    size_t count, cap;
    evs_t *evs;
    bool public_form;  /* redact confidential fields (public REPLAY) */
    evs_frame_fn send; /* where the page goes: a socket, or a test */
    void *send_arg;
} page_t;

int evs_replay_init(evs_t *self)
{
    page_t *page = calloc(1, sizeof *page);
    if (page) {
        page->frames = calloc(EVS_REPLAY_PAGE_MAX, sizeof(zmq_msg_t));
        page->sequences = calloc(EVS_REPLAY_PAGE_MAX, sizeof(uint64_t));
        page->lengths = calloc(EVS_REPLAY_PAGE_MAX, sizeof(uint32_t));
    }
    self->page = page;
    if (page && page->frames && page->sequences && page->lengths)
        return 0;
    evs_replay_fini(self);
    return OPCAT_ENOMEM;
}

void evs_replay_fini(evs_t *self)
{
    page_t *page = self->page;
    if (!page)
        return;
    free(page->frames);
    free(page->sequences);
    free(page->lengths);
    free(page->blob);
    free(page);
    self->page = NULL;
}

/*  Appends an envelope as its own frame. */
static int s_add_frame(page_t *page, const uint8_t *env, size_t len)
{
    zmq_msg_t *frame = &page->frames[page->count];
    if (zmq_msg_init_size(frame, len))
        return 1;
    memcpy(zmq_msg_data(frame), env, len);
    return 0;
}

/*  Appends an envelope to the packed page's blob. */
static int s_add_packed(page_t *page, const uint8_t *env, size_t len)
{
    if (page->blob_len + len > page->blob_cap) {
        size_t cap = page->blob_cap ? page->blob_cap : 64 * 1024;
        while (cap < page->blob_len + len)
            cap *= 2;
        uint8_t *grown = realloc(page->blob, cap);
        if (!grown)
            return 1;
        page->blob = grown;
        page->blob_cap = cap;
    }
    memcpy(page->blob + page->blob_len, env, len);
    page->blob_len += len;
    page->lengths[page->count] = (uint32_t)len;
    return 0;
}

static int s_collect(void *arg, uint64_t seq, const char *topic,
                     size_t topic_len, const uint8_t *env, size_t env_len)
{
    (void)topic, (void)topic_len;
    page_t *page = arg;
    if (page->count == page->cap)
        return 1;
    uint8_t *redacted = NULL;
    int formed = page->public_form ? evs_public_form(page->evs, env, env_len,
                                                     &redacted, &env_len)
                                   : OPCAT_OK;
    /* what the store holds always decodes: only memory can run out */
    assert(formed != OPCAT_EPROTO);
    if (formed)
        return 1; /* out of memory: the page ends here, the rest is asked
                     for again */
    int rc = page->packed
                 ? s_add_packed(page, redacted ? redacted : env, env_len)
                 : s_add_frame(page, redacted ? redacted : env, env_len);
    free(redacted);
    if (!rc)
        page->sequences[page->count++] = seq;
    return rc;
}

static void s_free_blob(void *data, void *hint)
{
    (void)hint;
    free(data);
}

/*  evs_frame_fn of the REPLAY sockets: 'arg' is the socket. */
static int s_send_socket(void *arg, zmq_msg_t *frame, int flags)
{
    return zmq_msg_send(frame, arg, flags) < 0 ? bus_error() : 0;
}

/*  Sends the packed envelopes as the last frame, without a copy: the
    blob goes to ZeroMQ, which frees it once sent. */
static int s_send_blob(page_t *page)
{
    zmq_msg_t frame;
    if (zmq_msg_init_data(&frame, page->blob, page->blob_len, s_free_blob,
                          NULL)) {
        return bus_error();
    }
    page->blob = NULL, page->blob_len = page->blob_cap = 0; /* ZeroMQ's now */
    int rc = page->send(page->send_arg, &frame, 0);
    if (rc)
        zmq_msg_close(&frame);
    return rc;
}

/*  Sends a copy of 'len' bytes at 'data' as one frame. */
static int s_send_copy(page_t *page, const void *data, size_t len, int flags)
{
    zmq_msg_t frame;
    if (zmq_msg_init_size(&frame, len))
        return bus_error();
    memcpy(zmq_msg_data(&frame), data, len);
    int rc = page->send(page->send_arg, &frame, flags);
    if (rc)
        zmq_msg_close(&frame);
    return rc;
}

/*  Sends the answer: the identity ('identity' NULL: none, the answer of
    evs_replay_request), the ReplayReply, then the page. */
static void s_send_page(zmq_msg_t *identity, Opcat__V1__ReplayReply *reply,
                        page_t *page)
{
    reply->count = (uint32_t)page->count;
    reply->n_sequences = page->count;
    reply->sequences = page->sequences;
    if (page->packed) {
        reply->n_lengths = page->count;
        reply->lengths = page->lengths;
    }
    size_t len = opcat__v1__replay_reply__get_packed_size(reply);
    uint8_t header[256];
    uint8_t *buf = len <= sizeof header ? header : malloc(len);
    int rc = buf ? 0 : OPCAT_ENOMEM;
    if (buf)
        opcat__v1__replay_reply__pack(reply, buf);
    if (!rc && identity)
        rc = page->send(page->send_arg, identity, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    if (!rc)
        rc = s_send_copy(page, buf, len,
                         (page->count ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT);
    if (page->packed && page->count)
        rc = rc ? rc : s_send_blob(page);
    for (size_t i = 0; !page->packed && i < page->count; i++) {
        int more = i + 1 < page->count ? ZMQ_SNDMORE : 0;
        if (!rc)
            rc = page->send(page->send_arg, &page->frames[i], more);
        zmq_msg_close(&page->frames[i]);
    }
    if (buf != header)
        free(buf);
    if (rc)
        log_warnx("replay: could not answer a reader: %s",
                  zmq_strerror(zmq_errno()));
}

static void s_answer(evs_t *self, zmq_msg_t *identity,
                     const Opcat__V1__ReplayRequest *req, page_t *page)
{
    Opcat__V1__ReplayReply reply = OPCAT__V1__REPLAY_REPLY__INIT;
    err_t err;
    reply.request_id = req->request_id;
    reply.head = store_head(self->store);
    reply.next = req->from ? req->from : 1;
    page->count = 0;
    page->packed = req->packed;
    page->blob_len = 0;
    page->cap = req->max_events < EVS_REPLAY_PAGE_MAX ? req->max_events
                                                      : EVS_REPLAY_PAGE_MAX;
    char *metrics = NULL;
    /* on the public endpoint too: counters and timings, no event's
       content (the gateway reads the store there) */
    if (req->metrics) {
        metrics = evs_metrics(self);
        reply.code = metrics ? 0 : OPCAT_ENOMEM;
        reply.message = (char *)(metrics ? "" : "out of memory");
        reply.metrics = metrics ? metrics : (char *)"";
    } else if (!req->head_only && page->cap > 0 &&
               store_read(self->store, reply.next, req->to, page->cap,
                          req->topic_prefix, s_collect, page, &reply.next,
                          &err)) {
        reply.code = err.code;
        reply.message = err.message;
        log_warnx("replay: %s", err.message);
    }
    self->replayed[page->public_form] += page->count;
    s_send_page(identity, &reply, page);
    free(metrics);
}

static void s_answer_malformed(evs_t *self, const page_t *page,
                               zmq_msg_t *identity, int code, const char *why)
{
    Opcat__V1__ReplayReply reply = OPCAT__V1__REPLAY_REPLY__INIT;
    page_t empty = {.send = page->send, .send_arg = page->send_arg};
    reply.code = code;
    reply.message = (char *)why;
    self->bad_frames++;
    s_send_page(identity, &reply, &empty);
}

/*  Answers one request: 'data', 'len' its frame, 'frames' how many
    frames it came in (one is right), 'identity' where the answer goes
    (NULL: no identity frame). */
static void s_handle(evs_t *self, page_t *page, zmq_msg_t *identity,
                     const uint8_t *data, size_t len, size_t frames)
{
    bool big = frames == 1 && len > EVS_REPLAY_MAX_REQUEST;
    Opcat__V1__ReplayRequest *req =
        frames == 1 && !big ? opcat__v1__replay_request__unpack(NULL, len, data)
                            : NULL;
    double started = monotime_s();
    if (req)
        s_answer(self, identity, req, page);
    else if (big)
        s_answer_malformed(self, page, identity, OPCAT_ETOOBIG,
                           "a ReplayRequest is at most 4096 bytes");
    else
        s_answer_malformed(self, page, identity, OPCAT_EPROTO,
                           "a request is one frame: a ReplayRequest "
                           "protobuf");
    opcat__v1__replay_request__free_unpacked(req, NULL);
    metrics_hist_observe(&self->replay_seconds, monotime_s() - started);
}

void evs_replay_handle(evs_t *self, void *socket, bool public_form)
{
    page_t *page = self->page;
    page->evs = self;
    page->public_form = public_form;
    page->send = s_send_socket;
    page->send_arg = socket;
    for (int i = 0; i < REPLAY_REQUESTS_PER_WAKE; i++) {
        bus_message_t msg;
        int rc = bus_recv(socket, &msg, ZMQ_DONTWAIT);
        if (rc == OPCAT_ETIMEDOUT || rc == OPCAT_EINTR)
            break;
        if (rc && rc != OPCAT_EPROTO) {
            log_warnx("replay: receive: %s", zmq_strerror(zmq_errno()));
            break;
        }
        zmq_msg_t *body = msg.count == 2 ? &msg.frames[1] : NULL;
        s_handle(self, page, &msg.frames[0], body ? zmq_msg_data(body) : NULL,
                 body ? zmq_msg_size(body) : 0, rc ? 0 : msg.count - 1);
        bus_message_close(&msg);
    }
}

void evs_replay_request(evs_t *self, const uint8_t *data, size_t len,
                        bool public_form, evs_frame_fn fn, void *arg)
{
    page_t *page = self->page;
    page->evs = self;
    page->public_form = public_form;
    page->send = fn;
    page->send_arg = arg;
    s_handle(self, page, NULL, data, len, 1);
}

/*  The store's counters of this run. */
static void s_metrics_counters(const evs_t *self, json_t *set)
{
    const struct {
        const char *name, *help;
        uint64_t value;
    } counters[] = {
        {"opcat_events_appended_total",
         "Events stored (new sequences) since the daemon started.",
         self->stored},
        {"opcat_store_duplicates_total",
         "Events answered duplicate (an id stored before).", self->duplicates},
        {"opcat_store_refused_total", "Events refused for breaking a rule.",
         self->refused},
        {"opcat_store_commit_failures_total",
         "Group commits that failed (every request answered FAILED).",
         self->failed_commits},
        {"opcat_store_bad_frames_total",
         "Requests that were not a well-formed message.", self->bad_frames}};
    for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
        metrics_add(set, counters[i].name, "counter", counters[i].help, NULL,
                    (double)counters[i].value);
    static const char *const endpoints[2] = {"replay", "public"};
    for (int i = 0; i < 2; i++)
        metrics_add(set, "opcat_events_replayed_total", "counter",
                    "Events sent in replay pages, by endpoint.",
                    json_pack("{s:s}", "endpoint", endpoints[i]),
                    (double)self->replayed[i]);
}

char *evs_metrics(const evs_t *self)
{
    json_t *set = metrics_set_new();
    if (!set)
        return NULL;
    metrics_add(set, "opcat_store_head", "gauge",
                "Last committed sequence of the event log.", NULL,
                (double)store_head(self->store));
    s_metrics_counters(self, set);
    metrics_add_hist(set, "opcat_store_commit_seconds",
                     "Time of one group commit (written and synced).", NULL,
                     &self->commit_seconds);
    metrics_add_hist(set, "opcat_request_seconds",
                     "Time to answer a request, by endpoint (append: from "
                     "the group's first read to its answers).",
                     json_pack("{s:s}", "endpoint", "append"),
                     &self->append_seconds);
    metrics_add_hist(set, "opcat_request_seconds", NULL,
                     json_pack("{s:s}", "endpoint", "replay"),
                     &self->replay_seconds);
    metrics_add_process(set);
    metrics_add_build_info(set);
    char *text = json_dumps(set, JSON_COMPACT);
    json_decref(set);
    return text;
}
