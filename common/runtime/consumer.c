/*  consumer: follow + kv + query in one loop. */
#include "consumer.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "auth.h"
#include "bus.h"
#include "failpoint.h"
#include "follow.h"
#include "gather.h"
#include "daemon.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "monotime.h"
#include "query.h"

#define TICK_MAX_MS 1000
/* gathered catch-up events commit at the latest this long after the first
   was held, even when the store is slow to send the next page */
#define GATHER_MAX_MS 500
/* a transaction of more than this many events is a catch-up's (live
   batches are smaller): once caught up after one, the memory it took is
   given back (s_release_when_caught_up) */
#define BIG_BATCH 4096
/* query latency histograms kept by op; later ops count as "other" */
#define QUERY_OPS_MAX 15
#define QUERY_OP_LEN 24

/*  The latency of the queries of one op. */
typedef struct {
    char op[QUERY_OP_LEN];
    metrics_hist_t seconds;
} op_latency_t;

struct consumer {
    const consumer_spec_t *spec;
    kv_t *kv;
    follow_t *follow;
    bus_t *bus;   /* the context and the client keys */
    void *query;  /* ROUTER or NULL */
    auth_t *auth; /* CURVE and its ZAP handler, or plain */
    uint64_t position;
    uint64_t applied;
    bool reported_caught_up;
    gather_t *gather; /* catch-up pages held for one transaction, or NULL */
    int64_t gathered_since_ms;
    bool big_batches; /* applied since the last release */
    loop_t *loop;
    zmq_pollitem_t follow_items[2]; /* the follower's sockets, as polled */
    uint64_t tick_timer;
    uint64_t applied_at_tick;      /* 'applied' when the tick last ran */
    int64_t last_recorded_ms;      /* recorded_at of the last event applied */
    metrics_hist_t commit_seconds; /* each batch with its checkpoint */
    op_latency_t ops[QUERY_OPS_MAX + 1]; /* the last is "other" */
};

typedef struct {
    consumer_t *self;
    const follow_event_t *events;
    size_t count;
    int64_t last_recorded_ms;
} batch_t;

/*  Applies a batch's events (batch_begin, apply each, batch_end). */
static int s_apply_events(void *arg, MDB_txn *txn)
{
    batch_t *b = arg;
    consumer_t *self = b->self;
    const consumer_spec_t *spec = self->spec;
    int rc = spec->batch_begin ? spec->batch_begin(spec->arg, self, txn) : 0;
    for (size_t i = 0; i < b->count && !rc; i++) {
        event_t *e = event_unpack(b->events[i].data, b->events[i].len);
        if (!e) {
            /* the store only holds what it validated; count and go on */
            log_warnx("%s: event %llu cannot be decoded; skipped",
                      self->spec->name,
                      (unsigned long long)b->events[i].sequence);
            continue;
        }
        e->sequence = b->events[i].sequence;
        b->last_recorded_ms = e->recorded_at;
        rc = spec->apply(spec->arg, self, txn, e);
        event_free(&e);
    }
    if (!rc && spec->batch_end)
        rc = spec->batch_end(spec->arg, self, txn);
    return rc;
}

/*  Moves the checkpoint to the batch's last event.  The failpoint sits
    where a crash would separate the applied events from their checkpoint
    if they did not share a transaction. */
static int s_apply_checkpoint(void *arg, MDB_txn *txn)
{
    batch_t *b = arg;
    uint64_t last = b->events[b->count - 1].sequence;
    int rc = FAILPOINT("consumer.after_apply", last);
    return rc ? rc : kv_set_checkpoint(b->self->kv, txn, last);
}

/*  Applies a batch and its checkpoint in one transaction. */
static int s_apply_batch(void *arg, MDB_txn *txn)
{
    int rc = s_apply_events(arg, txn);
    return rc ? rc : s_apply_checkpoint(arg, txn);
}

/*  Applies 'events' and moves the checkpoint in one transaction. */
static int s_commit(consumer_t *self, const follow_event_t *events,
                    size_t count)
{
    batch_t b = {self, events, count, 0};
    err_t err;
    double started = monotime_s();
    int rc = kv_write(self->kv, s_apply_batch, &b, &err);
    metrics_hist_observe(&self->commit_seconds, monotime_s() - started);
    if (rc) {
        log_warnx("%s: applying events %llu-%llu failed, will retry: %s",
                  self->spec->name, (unsigned long long)events[0].sequence,
                  (unsigned long long)events[count - 1].sequence, err.message);
        return rc;
    }
    self->position = events[count - 1].sequence;
    self->applied += count;
    if (b.last_recorded_ms)
        self->last_recorded_ms = b.last_recorded_ms;
    if (count > BIG_BATCH)
        self->big_batches = true;
    return 0;
}

/*  Commits the gathered events, if any.  On failure they stay held (the
    checkpoint did not move) and the next call tries again. */
static int s_flush(consumer_t *self)
{
    gather_t *g = self->gather;
    if (!g || !gather_count(g))
        return 0;
    int rc = s_commit(self, gather_events(g), gather_count(g));
    if (rc)
        return rc;
    gather_clear(g);
    return 0;
}

/*  The follower's callback.  Without a gather each delivered batch
    commits; with one, batches are held until catch_up_batch events or
    the end of the catch-up (s_flush_when_due).  Returning non-zero
    refuses the batch: the follower offers it again. */
static int s_on_events(void *arg, const follow_event_t *events, size_t count)
{
    consumer_t *self = arg;
    gather_t *g = self->gather;
    if (!g)
        return s_commit(self, events, count);
    int rc = 0;
    if (gather_count(g) + count > self->spec->catch_up_batch &&
        (rc = s_flush(self)))
        return rc;
    if (!gather_count(g))
        self->gathered_since_ms = monotime_ms();
    if (gather_add(g, events, count) == OPCAT_OK)
        return 0;
    /* out of memory: commit what is held, then these on their own */
    rc = s_flush(self);
    return rc ? rc : s_commit(self, events, count);
}

/*  After the follower ran: commit what is gathered once caught up, full,
    or held too long. */
static void s_flush_when_due(consumer_t *self)
{
    gather_t *g = self->gather;
    if (!g || !gather_count(g))
        return;
    if (follow_caught_up(self->follow) ||
        gather_count(g) >= self->spec->catch_up_batch ||
        monotime_ms() - self->gathered_since_ms >= GATHER_MAX_MS)
        s_flush(self);
}

/*  After a catch-up, gives back the memory its big transactions took:
    the gathered copies, LMDB's pool of dirty pages (freed only when the
    environment closes, so it is reopened), the service's batch buffers
    (spec->release) and what all of them freed (glibc keeps freed memory
    otherwise).  Without this the
    heap would keep the size of the largest catch-up transaction, which
    grows with the projection; live batches need little. */
static void s_release_when_caught_up(consumer_t *self)
{
    if (!self->big_batches || !follow_caught_up(self->follow) ||
        (self->gather && gather_count(self->gather)))
        return;
    err_t err;
    if (self->gather)
        gather_shrink(self->gather, 0);
    if (kv_reopen(self->kv, &err)) {
        /* the environment is closed: every write fails and is retried;
           the next loop tries the reopen again */
        log_warnx("%s: reopening the state after the catch-up: %s",
                  self->spec->name, err.message);
        return;
    }
    self->big_batches = false;
    if (self->spec->release)
        self->spec->release(self->spec->arg, self);
    malloc_trim(0);
    log_debug("%s: catch-up memory given back", self->spec->name);
}

/*  The latency histogram of 'op': its own among the first
    QUERY_OPS_MAX ops answered, else the shared "other". */
static metrics_hist_t *s_op_latency(consumer_t *self, const char *op)
{
    op_latency_t *o = self->ops;
    for (; o < self->ops + QUERY_OPS_MAX && o->op[0]; o++)
        if (strcmp(o->op, op) == 0)
            return &o->seconds;
    if (o == self->ops + QUERY_OPS_MAX || strlen(op) >= QUERY_OP_LEN)
        o = &self->ops[QUERY_OPS_MAX];
    else
        strcpy(o->op, op);
    return &o->seconds;
}

static json_t *s_answer(consumer_t *self, const char *op, const json_t *request,
                        err_t *err)
{
    if (strcmp(op, "metrics") == 0)
        return consumer_metrics(self, err);
    if (strcmp(op, "ping") == 0 || strcmp(op, "status") == 0) {
        json_t *reply = json_object();
        consumer_status(self, reply);
        return reply;
    }
    if (!self->spec->query) {
        err_set(err, OPCAT_EINVAL, "op", "op: unknown operation \"%.40s\"", op);
        return NULL;
    }
    return self->spec->query(self->spec->arg, self, request, err);
}

/*  Answers a query and times it; an unknown op is timed as "error", so
    that a client's typos do not take the histograms' places. */
static json_t *s_query(void *arg, const json_t *request, err_t *err)
{
    consumer_t *self = arg;
    const char *op = json_string_value(json_object_get(request, "op"));
    double started = monotime_s();
    json_t *reply = s_answer(self, op, request, err);
    bool unknown =
        !reply && err->code == OPCAT_EINVAL && strcmp(err->field, "op") == 0;
    metrics_hist_observe(s_op_latency(self, unknown ? "error" : op),
                         monotime_s() - started);
    return reply;
}

/*  Starts the ZAP handler (CURVE, when configured) and binds the query
    endpoint for the reader role. */
static int s_open_query(consumer_t *self, err_t *err)
{
    bus_server_options_t options = {0};
    const char *endpoint = self->spec->query_endpoint;
    if (!(self->auth = auth_new(self->bus, err)))
        return err->code;
    if (!endpoint)
        return OPCAT_OK;
    if (auth_server_options(self->auth, "reader", endpoint, &options, err))
        return err->code;
    self->query = query_bind_with(self->bus, endpoint, options, err);
    return self->query ? OPCAT_OK : err->code;
}

static int s_open(consumer_t *self, const cfg_t *cfg, bool rebuild)
{
    err_t err;
    /* the keys first: a wrong key file stops the daemon before its state
       is opened (or, with 'rebuild', emptied) */
    if (!(self->bus = bus_new(&err))) {
        log_warnx("%s: %s", self->spec->name, err.message);
        return err.code;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/%s", cfg->data, self->spec->subdir);
    self->kv = kv_open(dir, self->spec->dbs, self->spec->db_flags,
                       self->spec->db_count, &err);
    if (!self->kv || (rebuild && kv_clear(self->kv, &err)) ||
        kv_load_checkpoint(self->kv, &self->position, &err)) {
        log_warnx("%s: state in %s: %s", self->spec->name, dir, err.message);
        return err.code ? err.code : OPCAT_EIO;
    }
    log_info("%s: state in %s%s, checkpoint %llu", self->spec->name, dir,
             rebuild ? " (rebuilt: emptied)" : "",
             (unsigned long long)self->position);
    if (self->spec->catch_up_batch && !(self->gather = gather_new())) {
        log_warnx("%s: out of memory", self->spec->name);
        return OPCAT_ENOMEM;
    }
    if (!(self->loop = loop_new())) {
        log_warnx("%s: out of memory", self->spec->name);
        return OPCAT_ENOMEM;
    }
    if (s_open_query(self, &err)) {
        log_warnx("%s: %s", self->spec->name, err.message);
        return err.code;
    }
    self->follow = follow_new(self->bus, cfg->replay, cfg->publish, NULL,
                              self->position, &err);
    if (!self->follow) {
        log_warnx("%s: %s", self->spec->name, err.message);
        return err.code;
    }
    log_info("%s: following REPLAY %s and PUBLISH %s%s%s", self->spec->name,
             cfg->replay, cfg->publish, self->query ? "; queries on " : "",
             self->query ? self->spec->query_endpoint : "");
    return OPCAT_OK;
}

static void s_close(consumer_t *self)
{
    gather_destroy(&self->gather);
    follow_destroy(&self->follow);
    bus_close(&self->query);
    auth_destroy(&self->auth);
    loop_destroy(&self->loop);
    bus_destroy(&self->bus);
    kv_destroy(&self->kv);
}

static void s_note_progress(consumer_t *self)
{
    bool caught_up = follow_caught_up(self->follow);
    if (caught_up && !self->reported_caught_up)
        log_info("%s: caught up at %llu (%llu events applied)",
                 self->spec->name, (unsigned long long)self->position,
                 (unsigned long long)self->applied);
    self->reported_caught_up = caught_up;
}

static void s_on_zap(loop_t *loop, void *socket, int fd, short revents,
                     void *arg)
{
    (void)loop, (void)socket, (void)fd, (void)revents;
    consumer_t *self = arg;
    auth_handle(self->auth);
}

/*  The follower's sockets: what zmq_poll reported is kept for
    follow_handle(), which takes both at once (s_after_wakeup). */
static void s_on_follow(loop_t *loop, void *socket, int fd, short revents,
                        void *arg)
{
    (void)loop, (void)fd;
    consumer_t *self = arg;
    for (int i = 0; i < 2; i++)
        if (self->follow_items[i].socket == socket)
            self->follow_items[i].revents = revents;
}

static void s_on_query(loop_t *loop, void *socket, int fd, short revents,
                       void *arg)
{
    (void)loop, (void)socket, (void)fd, (void)revents;
    consumer_t *self = arg;
    query_serve(self->query, 64, s_query, self);
}

/*  Every wake-up: deliver what the follower has, commit what is due, give
    memory back once caught up, and run the tick soon after new events. */
static void s_after_wakeup(loop_t *loop, void *arg)
{
    consumer_t *self = arg;
    follow_handle(self->follow, self->follow_items, s_on_events, self);
    self->follow_items[0].revents = self->follow_items[1].revents = 0;
    s_flush_when_due(self);
    s_release_when_caught_up(self);
    s_note_progress(self);
    if (self->applied != self->applied_at_tick) {
        self->applied_at_tick = self->applied;
        loop_timer_at(loop, self->tick_timer, 0);
    }
}

/*  The housekeeping timer: wakes the loop at least every TICK_MAX_MS
    (follow_handle resends unanswered requests), or GATHER_MAX_MS while
    catch-up events are held, and runs the daemon's tick. */
static int64_t s_on_tick(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    consumer_t *self = arg;
    int64_t next = self->gather && gather_count(self->gather) ? GATHER_MAX_MS
                                                              : TICK_MAX_MS;
    if (self->spec->tick) {
        int want = self->spec->tick(self->spec->arg, self);
        if (want >= 0 && want < next)
            next = want;
    }
    return next;
}

/*  Puts the consumer's sockets and timer in the loop. */
static int s_register(consumer_t *self)
{
    loop_t *loop = self->loop;
    int rc = OPCAT_OK;
    /* the ZAP handler first: a CURVE peer's handshake waits on it */
    if (auth_socket(self->auth))
        rc = loop_add_socket(loop, auth_socket(self->auth), ZMQ_POLLIN,
                             s_on_zap, self);
    follow_poll_items(self->follow, self->follow_items);
    for (int i = 0; i < 2 && !rc; i++)
        rc = loop_add_socket(loop, self->follow_items[i].socket, ZMQ_POLLIN,
                             s_on_follow, self);
    if (!rc && self->query)
        rc = loop_add_socket(loop, self->query, ZMQ_POLLIN, s_on_query, self);
    if (!rc)
        rc = loop_add_after(loop, s_after_wakeup, self);
    if (!rc && !(self->tick_timer = loop_add_timer(loop, 0, s_on_tick, self)))
        rc = OPCAT_ENOMEM;
    return rc;
}

/*  Registers the consumer's own sockets, lets the daemon add its own
    (spec->start) and runs the loop until the stop flag. */
static int s_run(consumer_t *self, volatile sig_atomic_t *stop)
{
    const consumer_spec_t *spec = self->spec;
    err_t err;
    int rc = s_register(self);
    if (rc) {
        log_warnx("%s: out of memory", spec->name);
        return rc;
    }
    if (spec->start && (rc = spec->start(spec->arg, self, self->loop)))
        return rc; /* the daemon said why */
    /* every socket is bound: queries are answered from here on */
    daemon_ready();
    if ((rc = loop_run(self->loop, stop, &err)))
        log_warnx("%s: %s", spec->name, err.message);
    if (spec->stop)
        spec->stop(spec->arg, self, self->loop);
    return rc;
}

int consumer_run(const consumer_spec_t *spec, const cfg_t *cfg, bool rebuild,
                 volatile sig_atomic_t *stop)
{
    consumer_t self = {.spec = spec};
    strcpy(self.ops[QUERY_OPS_MAX].op, "other");
    int rc = s_open(&self, cfg, rebuild);
    if (!rc) {
        rc = s_run(&self, stop);
        s_flush(&self); /* what was received commits before the stop */
        log_info("%s: stopping at checkpoint %llu (%llu events applied, "
                 "%llu holes filled)",
                 spec->name, (unsigned long long)self.position,
                 (unsigned long long)self.applied,
                 (unsigned long long)follow_holes(self.follow));
    }
    s_close(&self);
    return rc;
}

bus_t *consumer_bus(consumer_t *self)
{
    return self->bus;
}

loop_t *consumer_loop(consumer_t *self)
{
    return self->loop;
}

void consumer_tick_soon(consumer_t *self)
{
    loop_timer_at(self->loop, self->tick_timer, 0);
}

kv_t *consumer_kv(consumer_t *self)
{
    return self->kv;
}

uint64_t consumer_position(const consumer_t *self)
{
    return self->position;
}

bool consumer_caught_up(const consumer_t *self)
{
    return follow_caught_up(self->follow);
}

uint64_t consumer_known_head(const consumer_t *self)
{
    return follow_known_head(self->follow);
}

void consumer_status(const consumer_t *self, json_t *object)
{
    uint64_t head = follow_known_head(self->follow);
    json_object_set_new(object, "service", json_string(self->spec->name));
    json_object_set_new(object, "position",
                        json_integer((json_int_t)self->position));
    json_object_set_new(object, "head", json_integer((json_int_t)head));
    json_object_set_new(
        object, "lag",
        json_integer(
            (json_int_t)(head > self->position ? head - self->position : 0)));
    json_object_set_new(object, "caught_up",
                        json_boolean(follow_caught_up(self->follow)));
    json_object_set_new(object, "holes_filled",
                        json_integer((json_int_t)follow_holes(self->follow)));
}

/*  The runtime's gauges and counters of the consumer. */
static void s_metrics_progress(const consumer_t *self, json_t *set)
{
    uint64_t head = follow_known_head(self->follow);
    metrics_add(set, "opcat_events_applied_total", "counter",
                "Events applied to the projection since the daemon started.",
                NULL, (double)self->applied);
    metrics_add(set, "opcat_consumer_position", "gauge",
                "Last sequence applied (the checkpoint).", NULL,
                (double)self->position);
    metrics_add(set, "opcat_consumer_head", "gauge",
                "The store's head as last heard by the consumer.", NULL,
                (double)head);
    metrics_add(set, "opcat_consumer_lag", "gauge",
                "Events between the store's head and the position.", NULL,
                head > self->position ? (double)(head - self->position) : 0);
    metrics_add(set, "opcat_consumer_caught_up", "gauge",
                "1 when the consumer has reached the store's head.", NULL,
                follow_caught_up(self->follow));
    metrics_add(set, "opcat_consumer_holes_filled_total", "counter",
                "Holes in the live stream filled through REPLAY.", NULL,
                (double)follow_holes(self->follow));
    if (self->last_recorded_ms)
        metrics_add(set, "opcat_consumer_last_event_age_seconds", "gauge",
                    "Seconds since the store recorded the last event "
                    "applied.",
                    NULL,
                    (double)(time(NULL) * 1000LL - self->last_recorded_ms) /
                        1000.0);
}

json_t *consumer_metrics(consumer_t *self, err_t *err)
{
    json_t *set = metrics_set_new();
    if (!set) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    s_metrics_progress(self, set);
    metrics_add_hist(set, "opcat_consumer_commit_seconds",
                     "Time to apply a batch and move the checkpoint in one "
                     "transaction.",
                     NULL, &self->commit_seconds);
    for (const op_latency_t *o = self->ops; o <= self->ops + QUERY_OPS_MAX; o++)
        if (o->op[0] && o->seconds.count)
            metrics_add_hist(set, "opcat_query_seconds",
                             "Time to answer a query, by op.",
                             json_pack("{s:s}", "op", o->op), &o->seconds);
    metrics_add_process(set);
    metrics_add_build_info(set);
    const consumer_spec_t *spec = self->spec;
    if (spec->metrics && spec->metrics(spec->arg, self, set, err)) {
        json_decref(set);
        return NULL;
    }
    return json_pack("{s:o}", "metrics", set);
}
