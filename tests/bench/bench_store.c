/*  bench_store: the pipeline's own figures, through its real endpoints.

    Appends go through common/net/client.c, as any publisher's would: one
    event per AppendRequest, 'window' requests in flight per publisher,
    the ack latency measured from send to reply.  A request counts only
    when its reply says STORED (committed durably before the reply). */
#include <lmdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bench.h"
#include "client.h"

/*  One publisher thread. */
typedef struct {
    const bench_opts_t *o;
    bus_t *bus;
    int thread;
    uint64_t stop_ns; /* timed run: stop sending then */
    uint64_t quota;   /* counted run: events to send (0: timed) */
    uint64_t acked, failed;
    bench_samples_t sent_at; /* send time by request id - 1 */
    bench_samples_t lat;
    int rc;
} worker_t;

/*  The number of the last write transaction of the LMDB environment in
    'dir' (read-only, beside the daemon), or 0. */
static uint64_t s_last_txnid(const char *dir)
{
    MDB_env *env;
    MDB_envinfo info = {0};
    if (!dir || mdb_env_create(&env))
        return 0;
    mdb_env_set_maxdbs(env, 8);
    if (mdb_env_open(env, dir, MDB_RDONLY | MDB_NOTLS, 0644) == 0)
        mdb_env_info(env, &info);
    mdb_env_close(env);
    return (uint64_t)info.me_last_txnid;
}

static bool s_more(const worker_t *w, uint64_t n)
{
    return w->quota ? n < w->quota : bench_now_ns() < w->stop_ns;
}

static int s_send_one(worker_t *w, client_t *c, uint64_t n)
{
    bench_event_t e;
    err_t err;
    bench_event_fill(&e, w->o->run, w->thread, n, NULL);
    if (w->o->mix && n % (uint64_t)w->o->mix == 0)
        bench_event_report(&e, w->o->run, w->thread, n);
    event_t *events[] = {&e.env};
    bench_samples_add(&w->sent_at, bench_now_ns());
    if (client_append_send(c, events, 1, false, NULL, &err)) {
        fprintf(stderr, "opcat-bench: append: %s\n", err.message);
        return -1;
    }
    return 0;
}

static int s_recv_one(worker_t *w, client_t *c)
{
    Opcat__V1__AppendReply *reply;
    err_t err;
    if (client_append_recv(c, BENCH_REPLY_TIMEOUT_MS, &reply, &err)) {
        fprintf(stderr, "opcat-bench: append: %s\n", err.message);
        return -1;
    }
    uint64_t id = reply->request_id;
    if (id >= 1 && id <= w->sent_at.n)
        bench_samples_add(&w->lat, bench_now_ns() - w->sent_at.v[id - 1]);
    if (reply->n_results == 1 &&
        reply->results[0]->status == OPCAT__V1__APPEND_RESULT__STATUS__STORED)
        w->acked++;
    else if (w->failed++ == 0)
        fprintf(stderr, "opcat-bench: not stored: code %d %s %s\n",
                (int)reply->code, reply->message,
                reply->n_results ? reply->results[0]->message : "");
    opcat__v1__append_reply__free_unpacked(reply, NULL);
    return 0;
}

static void *s_worker(void *arg)
{
    worker_t *w = arg;
    err_t err;
    client_t *c = client_new(w->bus, w->o->append_ep, NULL, &err);
    if (!c) {
        fprintf(stderr, "opcat-bench: %s\n", err.message);
        w->rc = -1;
        return NULL;
    }
    uint64_t n = 0;
    int inflight = 0;
    for (;;) {
        while (inflight < w->o->window && s_more(w, n) && !w->rc) {
            w->rc = s_send_one(w, c, n++);
            inflight += !w->rc;
        }
        if (!inflight || w->rc)
            break;
        if ((w->rc = s_recv_one(w, c)))
            break;
        inflight--;
    }
    client_destroy(&c);
    return NULL;
}

/*  Runs 'threads' workers; fills the totals.  Returns 0 or -1. */
static int s_run_workers(const bench_opts_t *o, uint64_t quota, uint64_t *acked,
                         uint64_t *failed, double *secs, bench_samples_t *lat)
{
    worker_t w[BENCH_THREADS_MAX];
    pthread_t tid[BENCH_THREADS_MAX];
    err_t err;
    bus_t *bus = bus_new(&err);
    if (!bus) {
        fprintf(stderr, "opcat-bench: %s\n", err.message);
        *acked = *failed = 0;
        *secs = 0;
        return -1;
    }
    int n = o->threads, rc = 0;
    uint64_t t0 = bench_now_ns();
    for (int i = 0; i < n; i++) {
        w[i] = (worker_t){.o = o, .bus = bus, .thread = i};
        w[i].stop_ns = t0 + (uint64_t)(o->seconds * 1e9);
        w[i].quota = quota ? quota / (uint64_t)n + (i < (int)(quota % n)) : 0;
        pthread_create(&tid[i], NULL, s_worker, &w[i]);
    }
    *acked = *failed = 0;
    for (int i = 0; i < n; i++) {
        pthread_join(tid[i], NULL);
        *acked += w[i].acked;
        *failed += w[i].failed;
        rc |= w[i].rc;
        bench_samples_merge(lat, &w[i].lat);
        bench_samples_free(&w[i].sent_at);
    }
    *secs = (double)(bench_now_ns() - t0) / 1e9;
    bus_destroy(&bus);
    return rc;
}

/*  The transport's ceiling: a ROUTER that decodes each AppendRequest and
    answers STORED at once (no validation, no storage, no sync). */
typedef struct {
    void *socket;
    volatile int stop;
} sink_t;

static void s_sink_answer(sink_t *k, zmq_msg_t *identity, zmq_msg_t *body,
                          uint64_t *seq)
{
    Opcat__V1__AppendRequest *req = opcat__v1__append_request__unpack(
        NULL, zmq_msg_size(body), zmq_msg_data(body));
    if (!req)
        return;
    Opcat__V1__AppendResult results[16], *ptrs[16];
    Opcat__V1__AppendReply reply = OPCAT__V1__APPEND_REPLY__INIT;
    reply.request_id = req->request_id;
    reply.n_results = req->n_events < 16 ? req->n_events : 16;
    reply.results = ptrs;
    for (size_t i = 0; i < reply.n_results; i++) {
        opcat__v1__append_result__init(&results[i]);
        results[i].status = OPCAT__V1__APPEND_RESULT__STATUS__STORED;
        results[i].sequence = ++*seq;
        ptrs[i] = &results[i];
    }
    uint8_t buf[1024];
    size_t len = opcat__v1__append_reply__get_packed_size(&reply);
    if (len <= sizeof buf) {
        opcat__v1__append_reply__pack(&reply, buf);
        zmq_msg_send(identity, k->socket, ZMQ_SNDMORE);
        zmq_send(k->socket, buf, len, 0);
    }
    opcat__v1__append_request__free_unpacked(req, NULL);
}

static void *s_sink(void *arg)
{
    sink_t *k = arg;
    uint64_t seq = 0;
    int timeout = 100;
    zmq_setsockopt(k->socket, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    while (!k->stop) {
        zmq_msg_t identity, body;
        zmq_msg_init(&identity);
        zmq_msg_init(&body);
        if (zmq_msg_recv(&identity, k->socket, 0) >= 0 &&
            zmq_msg_recv(&body, k->socket, 0) >= 0)
            s_sink_answer(k, &identity, &body, &seq);
        zmq_msg_close(&identity);
        zmq_msg_close(&body);
    }
    return NULL;
}

int bench_ceiling(const bench_opts_t *o)
{
    void *server_ctx = zmq_ctx_new();
    sink_t sink = {zmq_socket(server_ctx, ZMQ_ROUTER), 0};
    int one = 1, hwm = 100000;
    zmq_setsockopt(sink.socket, ZMQ_ROUTER_MANDATORY, &one, sizeof one);
    zmq_setsockopt(sink.socket, ZMQ_SNDHWM, &hwm, sizeof hwm);
    char endpoint[256];
    size_t len = sizeof endpoint;
    if (zmq_bind(sink.socket, "tcp://127.0.0.1:*") ||
        zmq_getsockopt(sink.socket, ZMQ_LAST_ENDPOINT, endpoint, &len))
        return -1;
    pthread_t tid;
    pthread_create(&tid, NULL, s_sink, &sink);
    bench_opts_t to_sink = *o;
    to_sink.append_ep = endpoint;
    uint64_t acked, failed;
    double secs;
    bench_samples_t lat = {0};
    int rc = s_run_workers(&to_sink, 0, &acked, &failed, &secs, &lat);
    sink.stop = 1;
    pthread_join(tid, NULL);
    zmq_close(sink.socket);
    zmq_ctx_term(server_ctx);
    bench_print("ceiling",
                "threads=%d window=%d events=%llu failed=%llu secs=%.2f "
                "rate=%.0f p50_us=%.0f p99_us=%.0f",
                o->threads, o->window, (unsigned long long)acked,
                (unsigned long long)failed, secs, (double)acked / secs,
                bench_samples_us(&lat, 0.50), bench_samples_us(&lat, 0.99));
    bench_samples_free(&lat);
    return rc || failed ? -1 : 0;
}

int bench_append(const bench_opts_t *o)
{
    uint64_t acked, failed, tx0 = s_last_txnid(o->dir);
    double secs;
    bench_samples_t lat = {0};
    int rc = s_run_workers(o, 0, &acked, &failed, &secs, &lat);
    uint64_t commits = s_last_txnid(o->dir) - tx0;
    bench_print("append",
                "threads=%d window=%d events=%llu failed=%llu secs=%.2f "
                "rate=%.0f p50_us=%.0f p99_us=%.0f commits=%llu batch=%.1f",
                o->threads, o->window, (unsigned long long)acked,
                (unsigned long long)failed, secs, (double)acked / secs,
                bench_samples_us(&lat, 0.50), bench_samples_us(&lat, 0.99),
                (unsigned long long)commits,
                commits ? (double)acked / (double)commits : 0.0);
    bench_samples_free(&lat);
    return rc || failed ? -1 : 0;
}

int bench_load(const bench_opts_t *o)
{
    err_t err;
    uint64_t head = 0, acked, failed;
    bus_t *bus = bus_new(&err);
    client_t *c = bus ? client_new(bus, NULL, o->replay_ep, &err) : NULL;
    int rc = c ? client_head(c, BENCH_REPLY_TIMEOUT_MS, &head, &err) : -1;
    client_destroy(&c);
    bus_destroy(&bus);
    if (rc) {
        fprintf(stderr, "opcat-bench: load: %s\n", err.message);
        return -1;
    }
    double secs = 0;
    bench_samples_t lat = {0};
    if (head < o->events)
        rc = s_run_workers(o, o->events - head, &acked, &failed, &secs, &lat);
    else
        acked = failed = 0;
    bench_print("load",
                "from=%llu to=%llu events=%llu failed=%llu "
                "secs=%.2f rate=%.0f",
                (unsigned long long)head, (unsigned long long)o->events,
                (unsigned long long)acked, (unsigned long long)failed, secs,
                secs > 0 ? (double)acked / secs : 0.0);
    bench_samples_free(&lat);
    return rc || failed ? -1 : 0;
}

/* ---------------------------------------------------------------- replay */

/*  Sends the next page request of a plain (unfiltered) read, of 'page'
    events. */
static int s_fetch_next(client_t *c, uint64_t *from, uint64_t head,
                        uint32_t page, int *inflight)
{
    err_t err;
    if (*from > head)
        return 0;
    if (client_fetch_send(c, *from, 0, page, NULL, NULL, &err)) {
        fprintf(stderr, "opcat-bench: replay: %s\n", err.message);
        return -1;
    }
    *from += page;
    ++*inflight;
    return 0;
}

/*  Reads every event up to 'head' with 'window' pages of 'page_events'
    asked ahead. */
static int s_replay_all(client_t *c, int window, uint32_t page_events,
                        uint64_t head, uint64_t *events, uint64_t *bytes)
{
    client_page_t page = {0};
    uint64_t from = 1;
    int inflight = 0, rc = 0;
    err_t err;
    while (!rc && (inflight || from <= head)) {
        while (!rc && inflight < window && from <= head)
            rc = s_fetch_next(c, &from, head, page_events, &inflight);
        zmq_pollitem_t item = {client_replay_socket(c), 0, ZMQ_POLLIN, 0};
        if (rc || zmq_poll(&item, 1, BENCH_REPLY_TIMEOUT_MS) != 1 ||
            client_fetch_recv(c, &page, &err)) {
            fprintf(stderr, "opcat-bench: replay: no page\n");
            rc = -1;
            break;
        }
        inflight--;
        for (size_t i = 0; i < page.count; i++) {
            size_t len;
            const uint8_t *data = client_page_event(&page, i, &len);
            *bytes += len + (data[0] & 1); /* touch the bytes */
        }
        *events += page.count;
    }
    client_page_release(&page);
    return rc;
}

int bench_replay(const bench_opts_t *o)
{
    err_t err;
    bus_t *bus = bus_new(&err);
    client_t *c = bus ? client_new(bus, NULL, o->replay_ep, &err) : NULL;
    uint64_t head = 0, events = 0, bytes = 0;
    int rc = c ? client_head(c, BENCH_REPLY_TIMEOUT_MS, &head, &err) : -1;
    uint64_t t0 = bench_now_ns();
    /* pages as large as the consumers ask (common/net/follow.c), unless -b */
    uint32_t page_events = o->batch > 1 ? (uint32_t)o->batch : 16384;
    if (!rc)
        rc = s_replay_all(c, o->window, page_events, head, &events, &bytes);
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    client_destroy(&c);
    bus_destroy(&bus);
    bench_print("replay",
                "window=%d page=%u head=%llu events=%llu mbytes=%.1f "
                "secs=%.2f rate=%.0f",
                o->window, page_events, (unsigned long long)head,
                (unsigned long long)events, (double)bytes / 1e6, secs,
                secs > 0 ? (double)events / secs : 0.0);
    return rc || events != head ? -1 : 0;
}
