/*  APPEND: group commit.

    Every request waiting on the two APPEND ROUTERs (APPEND, and the
    reminder service's own: admit.c) when the loop wakes is gathered, up
    to EVS_GROUP_MAX_*, checked by evs_admit, and applied in one LMDB
    transaction; each
    request is answered only after that transaction is durably committed.
    This is what makes a durable store fast: one fsync covers them all. */
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "be64.h"
#include "failpoint.h"
#include "log.h"
#include "monotime.h"
#include "stored.h"

/*  One request of the group: who sent it, where, and what it asked. */
struct evs_pending {
    zmq_msg_t identity;
    void *socket;                      /* where it came from; the reply too */
    const char *role;                  /* that endpoint's role (stored.h) */
    Opcat__V1__AppendRequest *request; /* NULL if malformed */
    err_t error;                       /* why it is malformed */
    store_result_t *results;           /* one per event of the request */
    event_t **kept;  /* events left to the store when some were refused */
    size_t *kept_at; /* (and their places in the request); else NULL */
    store_batch_t batch;
};
typedef struct evs_pending pending_t;

int evs_append_init(evs_t *self)
{
    self->pending = calloc(EVS_GROUP_MAX_REQUESTS, sizeof *self->pending);
    self->batches = calloc(EVS_GROUP_MAX_REQUESTS, sizeof *self->batches);
    return self->pending && self->batches ? 0 : OPCAT_ENOMEM;
}

void evs_append_fini(evs_t *self)
{
    free(self->pending);
    free(self->batches);
    self->pending = NULL;
    self->batches = NULL;
}

/*  'r' packed into a new buffer ('*len' bytes), or NULL when out of
    memory (logged). */
static uint8_t *s_pack(const Opcat__V1__AppendReply *r, size_t *len)
{
    *len = opcat__v1__append_reply__get_packed_size(r);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (!buf) {
        log_warnx("append: out of memory answering a request");
        return NULL;
    }
    opcat__v1__append_reply__pack(r, buf);
    return buf;
}

/*  Sends a packed reply to the client of 'p'. */
static void s_send_reply(const pending_t *p, const uint8_t *buf, size_t len)
{
    const void *data[] = {zmq_msg_data((zmq_msg_t *)&p->identity), buf};
    size_t lens[] = {zmq_msg_size((zmq_msg_t *)&p->identity), len};
    int rc = bus_send(p->socket, data, lens, 2, ZMQ_DONTWAIT);
    if (rc)
        log_warnx("append: could not answer a client (%s); it will see a "
                  "timeout and may resend: ids make that safe",
                  err_strerror(rc));
}

static uint8_t *s_pack_malformed(const pending_t *p, size_t *len)
{
    Opcat__V1__AppendReply reply = OPCAT__V1__APPEND_REPLY__INIT;
    reply.code = p->error.code;
    reply.message = (char *)p->error.message;
    return s_pack(&reply, len);
}

static void s_count(evs_t *self, const store_result_t *r)
{
    switch (r->status) {
    case STORE_STORED:
        self->stored++;
        break;
    case STORE_DUPLICATE:
        self->duplicates++;
        break;
    case STORE_REFUSED:
        self->refused++;
        break;
    default:
        break;
    }
}

/*  One refused event, with its request, index, field and code as fields
    of the line (OPCAT_LOG_FORMAT=json makes them members). */
static void s_log_refused(const pending_t *p, size_t i, const store_result_t *r)
{
    char request[24], index[24], code[16];
    snprintf(request, sizeof request, "%llu",
             (unsigned long long)p->request->request_id);
    snprintf(index, sizeof index, "%zu", i);
    snprintf(code, sizeof code, "%d", r->error.code);
    const log_field_t fields[] = {{"request_id", request},
                                  {"event", index},
                                  {"field", r->error.field},
                                  {"code", code},
                                  {"role", p->role}};
    log_fields(LOG_LEVEL_INFO, fields, 5,
               "append: refused event %zu of request %llu: %s", i,
               (unsigned long long)p->request->request_id, r->error.message);
}

/*  The reply to a request the store saw: a result per event.  Counts
    and logs what happened.  NULL when out of memory (logged). */
static uint8_t *s_pack_results(evs_t *self, pending_t *p, size_t *len)
{
    size_t n = p->request->n_events;
    Opcat__V1__AppendResult *results = calloc(n ? n : 1, sizeof *results);
    Opcat__V1__AppendResult **ptrs = calloc(n ? n : 1, sizeof *ptrs);
    if (!results || !ptrs) {
        free(results), free(ptrs);
        log_warnx("append: out of memory answering a request");
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        const store_result_t *r = &p->results[i];
        opcat__v1__append_result__init(&results[i]);
        results[i].status = (Opcat__V1__AppendResult__Status)r->status;
        results[i].sequence = r->sequence;
        results[i].code = r->error.code;
        results[i].field = (char *)r->error.field;
        results[i].message = (char *)r->error.message;
        ptrs[i] = &results[i];
        if (!p->request->validate_only)
            s_count(self, r);
        if (r->status == STORE_REFUSED && !p->request->validate_only)
            s_log_refused(p, i, r);
    }
    Opcat__V1__AppendReply reply = OPCAT__V1__APPEND_REPLY__INIT;
    reply.request_id = p->request->request_id;
    reply.n_results = n;
    reply.results = ptrs;
    uint8_t *buf = s_pack(&reply, len);
    free(ptrs);
    free(results);
    return buf;
}

/*  Unpacks the request frame ('data', 'len') into 'p' and admits its
    events; fills p->error if it is malformed or too big. */
static void s_unpack_body(evs_t *self, pending_t *p, const uint8_t *data,
                          size_t len)
{
    if ((int64_t)len > self->max_request) {
        self->bad_frames++;
        err_set(&p->error, OPCAT_ETOOBIG, "",
                "the request is %zu bytes, over this store's limit of %lld "
                "(--max-message): send the events in smaller requests "
                "(opcatctl import --batch N)",
                len, (long long)self->max_request);
    } else if (!(p->request =
                     opcat__v1__append_request__unpack(NULL, len, data))) {
        self->bad_frames++;
        err_set(&p->error, OPCAT_EPROTO, "",
                "the frame is not a valid AppendRequest protobuf");
    } else if (!(p->results =
                     calloc(p->request->n_events ? p->request->n_events : 1,
                            sizeof *p->results))) {
        err_set(&p->error, OPCAT_ENOMEM, "", "out of memory");
        opcat__v1__append_request__free_unpacked(p->request, NULL);
        p->request = NULL;
    } else {
        evs_admit(p->request, data, len, p->role, p->results);
    }
}

/*  Reads one request's frames into 'p'; fills p->error if malformed. */
static void s_unpack(evs_t *self, pending_t *p, int rc, bus_message_t *msg)
{
    zmq_msg_t *body = msg->count == 2 ? &msg->frames[1] : NULL;
    if (rc || !body) {
        self->bad_frames++;
        err_set(&p->error, OPCAT_EPROTO, "",
                "a request is one frame: an AppendRequest (%s)",
                rc ? err_strerror(rc) : "wrong number of frames");
        return;
    }
    s_unpack_body(self, p, zmq_msg_data(body), zmq_msg_size(body));
}

/*  Receives one request from 'socket' (of 'role') into 'p'.  Returns 1
    if one was read, 0 if none is waiting. */
static int s_read_one(evs_t *self, void *socket, const char *role, pending_t *p)
{
    bus_message_t msg;
    memset(p, 0, sizeof *p);
    int rc = bus_recv(socket, &msg, ZMQ_DONTWAIT);
    if (rc == OPCAT_ETIMEDOUT || rc == OPCAT_EINTR)
        return 0;
    p->socket = socket;
    p->role = role;
    zmq_msg_init(&p->identity);
    if (msg.count >= 1)
        zmq_msg_copy(&p->identity, &msg.frames[0]);
    s_unpack(self, p, rc, &msg);
    bus_message_close(&msg);
    if (rc == OPCAT_EPROTO && zmq_msg_size(&p->identity) == 0) {
        zmq_msg_close(&p->identity); /* nobody to answer */
        return 0;
    }
    return rc == OPCAT_EPROTO || rc == 0;
}

/*  The batch the store gets: the whole request, or, when evs_admit
    refused some events, the others (none of an atomic request). */
static int s_prepare_batch(pending_t *p)
{
    store_batch_t *b = &p->batch;
    size_t n = p->request->n_events, kept = 0;
    /* validate-only: the events evs_admit refused are left out and the
       others checked, as for a request that is not atomic */
    b->validate_only = p->request->validate_only;
    b->atomic = p->request->atomic && !b->validate_only;
    b->restore = false; /* only opcatctl restore, offline, keeps sequences */
    for (size_t i = 0; i < n; i++)
        kept += p->results[i].status != STORE_REFUSED;
    if (kept == n) {
        b->events = p->request->events;
        b->count = n;
        b->results = p->results;
        return 0;
    }
    p->kept = calloc(n, sizeof *p->kept);
    p->kept_at = calloc(n, sizeof *p->kept_at);
    b->results = calloc(n, sizeof *b->results);
    if (!p->kept || !p->kept_at || !b->results)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (p->results[i].status == STORE_REFUSED)
            continue;
        if (b->atomic && n > 1) {
            p->results[i].status = STORE_NOT_STORED; /* with the refused */
            continue;
        }
        p->kept_at[b->count] = i;
        p->kept[b->count++] = p->request->events[i];
    }
    b->events = p->kept;
    return 0;
}

/*  Copies the store's results of the kept events into the request's. */
static void s_merge_results(pending_t *p)
{
    for (size_t k = 0; p->kept && k < p->batch.count; k++)
        p->results[p->kept_at[k]] = p->batch.results[k];
}

static void s_free_pending(pending_t *p)
{
    if (p->batch.results != p->results)
        free(p->batch.results);
    free(p->results);
    free(p->kept);
    free(p->kept_at);
    if (p->request)
        opcat__v1__append_request__free_unpacked(p->request, NULL);
    zmq_msg_close(&p->identity);
}

/*  Makes the batch of a well-formed request ready for the store.
    Returns true if 'p' has a batch; false if it has none: malformed, or
    out of memory (then the request is dropped and answered so). */
static bool s_prepare(pending_t *p)
{
    if (!p->request)
        return false;
    if (s_prepare_batch(p) == 0)
        return true;
    err_set(&p->error, OPCAT_ENOMEM, "", "out of memory");
    opcat__v1__append_request__free_unpacked(p->request, NULL);
    p->request = NULL;
    return false;
}

/*  Gathers waiting requests into 'pending', from the reminder service's
    endpoint first (a trickle, never to be starved by a busy APPEND), then
    from APPEND; returns how many. */
static size_t s_gather(evs_t *self, pending_t *pending, store_batch_t *batches,
                       size_t *nbatches)
{
    size_t n = 0, events = 0;
    void *sockets[] = {self->append_reminders, self->append};
    const char *roles[] = {EVS_ROLE_REMINDER, EVS_ROLE_WRITER};
    *nbatches = 0;
    for (int s = 0; s < 2; s++) {
        while (n < EVS_GROUP_MAX_REQUESTS && events < EVS_GROUP_MAX_EVENTS) {
            pending_t *p = &pending[n];
            if (!sockets[s] || !s_read_one(self, sockets[s], roles[s], p))
                break;
            n++;
            if (!s_prepare(p))
                continue;
            events += p->batch.count;
            if (p->batch.count)
                batches[(*nbatches)++] = p->batch;
        }
    }
    return n;
}

/*  Applies the group's batches in one durable transaction; a failure
    is counted and logged (every result is then FAILED). */
static void s_commit(evs_t *self, store_batch_t *batches, size_t nbatches)
{
    if (!nbatches)
        return;
    err_t err;
    err_clear(&err);
    double started = monotime_s();
    int rc = store_write(self->store, batches, nbatches, &err);
    metrics_hist_observe(&self->commit_seconds, monotime_s() - started);
    if (rc) {
        self->failed_commits++;
        log_warnx("append: commit failed, %zu requests answered FAILED: %s",
                  nbatches, err.message);
    }
}

/*  The packed reply to 'p' once its group committed (or failed). */
static uint8_t *s_pack_reply(evs_t *self, pending_t *p, size_t *len)
{
    if (!p->request)
        return s_pack_malformed(p, len);
    s_merge_results(p);
    return s_pack_results(self, p, len);
}

void evs_append_handle(evs_t *self)
{
    pending_t *pending = self->pending;
    store_batch_t *batches = self->batches;
    double started = monotime_s();
    size_t nbatches, n = s_gather(self, pending, batches, &nbatches);
    s_commit(self, batches, nbatches);
    /* committed, not yet acknowledged: a crash here must leave clients
       that resend finding their events as duplicates */
    (void)FAILPOINT("store.after_commit", store_head(self->store));
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint8_t *reply = s_pack_reply(self, &pending[i], &len);
        if (reply)
            s_send_reply(&pending[i], reply, len);
        free(reply);
        s_free_pending(&pending[i]);
    }
    /* every request of the group waited for the same commit */
    for (size_t i = 0; i < n; i++)
        metrics_hist_observe(&self->append_seconds, monotime_s() - started);
    evs_publish_new(self);
}

uint8_t *evs_append_request(evs_t *self, const uint8_t *data, size_t len,
                            const char *role, size_t *reply_len)
{
    pending_t p;
    memset(&p, 0, sizeof p);
    zmq_msg_init(&p.identity);
    p.role = role;
    s_unpack_body(self, &p, data, len);
    if (s_prepare(&p) && p.batch.count)
        s_commit(self, &p.batch, 1);
    uint8_t *reply = s_pack_reply(self, &p, reply_len);
    s_free_pending(&p);
    return reply;
}

int evs_public_form(evs_t *self, const uint8_t *env, size_t len, uint8_t **out,
                    size_t *out_len)
{
    *out = NULL;
    event_t *e = event_unpack(env, len);
    if (!e)
        return OPCAT_EPROTO;
    const char *report_id = event_report_id(e);
    bool npm = e->body_case != OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED &&
               store_is_npm_report(self->store, report_id);
    if (report_id && event_redact(e, npm) && !(*out = event_pack(e, out_len)))
        return event_free(&e), OPCAT_ENOMEM;
    event_free(&e);
    return OPCAT_OK;
}

static int s_publish_one(void *arg, uint64_t seq, const char *topic,
                         size_t topic_len, const uint8_t *env, size_t env_len)
{
    evs_t *self = arg;
    uint8_t seq_be[8], head_be[8];
    be64_put(seq_be, seq);
    /* the last sequence of the commit this event belongs to: a follower
       knows the commit is not whole until it has seen that one */
    be64_put(head_be, store_head(self->store));
    const void *data[] = {topic, seq_be, env, head_be};
    size_t lens[] = {topic_len, 8, env_len, 8};
    /* PUB never blocks: a subscriber past its high-water mark loses
       messages, sees the hole by sequence and fills it through REPLAY. */
    bus_send(self->publish, data, lens, 4, ZMQ_DONTWAIT);
    uint8_t *redacted = NULL;
    if (evs_public_form(self, env, env_len, &redacted, &lens[2]) == 0) {
        data[2] = redacted ? redacted : env;
        bus_send(self->public_publish, data, lens, 4, ZMQ_DONTWAIT);
        free(redacted);
    }
    self->published = seq;
    return 0;
}

void evs_publish_new(evs_t *self)
{
    uint64_t head = store_head(self->store);
    while (self->published < head) {
        uint64_t next;
        err_t err;
        if (store_read(self->store, self->published + 1, head, 4096, NULL,
                       s_publish_one, self, &next, &err)) {
            log_warnx("publish: %s", err.message);
            return;
        }
    }
}

void evs_publish_heartbeat(evs_t *self)
{
    uint8_t seq_be[8];
    be64_put(seq_be, self->published);
    const void *data[] = {EVS_HEARTBEAT_TOPIC, seq_be};
    size_t lens[] = {strlen(EVS_HEARTBEAT_TOPIC), 8};
    bus_send(self->publish, data, lens, 2, ZMQ_DONTWAIT);
    bus_send(self->public_publish, data, lens, 2, ZMQ_DONTWAIT);
}
