/*  bench_live: end-to-end latency (publish -> subscriber receipt) and the
    consumers' query endpoints.

    The publisher offers events at a fixed rate: event i is due at
    t0 + i/rate and carries that time in its note; the latency is the
    subscriber's receipt time minus that due time, so a publisher that
    falls behind shows up in the figures (no coordinated omission).  A
    live subscriber "receives every event" when every sequence arrives on
    PUBLISH, with no hole, and the offered rate was sustained. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "bench.h"
#include "be64.h"
#include "client.h"

#define E2E_WINDOW 512 /* in flight at the most: under the ROUTER's HWM */
#define E2E_DRAIN_NS 3000000000 /* wait this long for the last events */

/*  The subscriber's side of one run. */
typedef struct {
    const bench_opts_t *o;
    void *ctx;
    volatile int ready, done; /* set by the subscriber, the publisher */
    volatile uint64_t sent;   /* events the publisher got STORED */
    uint64_t received, holes, last_seq;
    bench_samples_t lat;
} sub_t;

/*  Takes one message [topic][seq][envelope][commit head] and records it
    (docs/PROTOCOL.md; the fourth frame is optional for the bench). */
static void s_take(sub_t *s, zmq_msg_t *frames, int count)
{
    if ((count != 3 && count != 4) || zmq_msg_size(&frames[1]) != 8)
        return; /* a heartbeat */
    uint64_t seq = be64_get(zmq_msg_data(&frames[1]));
    if (s->last_seq && seq != s->last_seq + 1)
        s->holes++;
    s->last_seq = seq;
    event_t *e =
        event_unpack(zmq_msg_data(&frames[2]), zmq_msg_size(&frames[2]));
    size_t run_len = strlen(s->o->run);
    if (e && strncmp(e->id, s->o->run, run_len) == 0 && e->id[run_len] == '-' &&
        strncmp(e->note, "t=", 2) == 0) {
        uint64_t due = strtoull(e->note + 2, NULL, 10);
        bench_samples_add(&s->lat, bench_now_ns() - due);
        s->received++;
    }
    event_free(&e);
}

/*  Receives one multipart message; returns its frame count, 0 if none. */
static int s_recv_multi(void *sock, zmq_msg_t frames[4], int timeout_ms)
{
    zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return 0;
    int n = 0, more = 1;
    while (more) {
        zmq_msg_t tmp, *m = n < 4 ? &frames[n] : &tmp;
        zmq_msg_init(m);
        zmq_msg_recv(m, sock, 0);
        more = zmq_msg_more(m);
        if (m == &tmp)
            zmq_msg_close(m);
        n++;
    }
    return n;
}

static void *s_subscriber(void *arg)
{
    sub_t *s = arg;
    void *sock = zmq_socket(s->ctx, ZMQ_SUB);
    int hwm = 0, linger = 0;
    zmq_setsockopt(sock, ZMQ_RCVHWM, &hwm, sizeof hwm);
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "", 0);
    zmq_connect(sock, s->o->publish_ep);
    s->ready = 1;
    uint64_t end = 0;
    while (!end || bench_now_ns() < end) {
        zmq_msg_t frames[4];
        int n = s_recv_multi(sock, frames, 10);
        if (n)
            s_take(s, frames, n);
        for (int i = 0; i < n && i < 4; i++)
            zmq_msg_close(&frames[i]);
        if (s->done && !end)
            end = bench_now_ns() + E2E_DRAIN_NS;
        if (s->done && s->received >= s->sent)
            break;
    }
    zmq_close(sock);
    return NULL;
}

/*  The publisher's side of one run. */
typedef struct {
    client_t *client;
    uint64_t next, due0, period_ns, end_ns;
    uint64_t acked, failed;
    int inflight, step; /* step: in the ids, unique per run */
} pub_t;

static int s_offer(pub_t *p, const bench_opts_t *o)
{
    bench_event_t e;
    char note[32];
    err_t err;
    uint64_t due = p->due0 + p->next * p->period_ns;
    snprintf(note, sizeof note, "t=%" PRIu64 ";", due);
    bench_event_fill(&e, o->run, p->step, p->next++, note);
    event_t *events[] = {&e.env};
    if (client_append_send(p->client, events, 1, false, NULL, &err)) {
        fprintf(stderr, "opcat-bench: e2e: %s\n", err.message);
        return -1;
    }
    p->inflight++;
    return 0;
}

/*  Takes the replies waiting (not blocking); -1 on a broken exchange. */
static int s_acks(pub_t *p, int timeout_ms)
{
    Opcat__V1__AppendReply *reply;
    err_t err;
    err_clear(&err);
    while (p->inflight &&
           client_append_recv(p->client, timeout_ms, &reply, &err) == 0) {
        p->inflight--;
        if (reply->n_results == 1 &&
            reply->results[0]->status ==
                OPCAT__V1__APPEND_RESULT__STATUS__STORED)
            p->acked++;
        else
            p->failed++;
        opcat__v1__append_reply__free_unpacked(reply, NULL);
        timeout_ms = 0;
    }
    return err.code == OPCAT_ETIMEDOUT || !p->inflight ? 0 : -1;
}

/*  Offers events at the rate until the end, then collects every ack. */
static int s_publish(pub_t *p, const bench_opts_t *o)
{
    int rc = 0;
    for (uint64_t now; !rc && (now = bench_now_ns()) < p->end_ns;) {
        while (!rc && p->due0 + p->next * p->period_ns <= now &&
               p->inflight < E2E_WINDOW)
            rc = s_offer(p, o);
        if (!rc)
            rc = s_acks(p, 0);
        uint64_t due = p->due0 + p->next * p->period_ns;
        now = bench_now_ns();
        if (!rc && due > now + 20000) {
            struct timespec ts = {0, (long)((due - now) / 2)};
            nanosleep(&ts, NULL);
        }
    }
    uint64_t deadline = bench_now_ns() + 30000000000u;
    while (!rc && p->inflight && bench_now_ns() < deadline)
        rc = s_acks(p, 100);
    return rc || p->inflight ? -1 : 0;
}

/*  One run at 'rate'; fills 's' and whether it passed. */
static int s_e2e_run(const bench_opts_t *o, double rate, int step,
                     const char *name, bool *ok)
{
    err_t err;
    bus_t *bus = bus_new(&err);
    if (!bus) {
        fprintf(stderr, "opcat-bench: %s\n", err.message);
        *ok = false;
        return -1;
    }
    sub_t s = {.o = o, .ctx = bus_zmq(bus)};
    pthread_t tid;
    pthread_create(&tid, NULL, s_subscriber, &s);
    while (!s.ready)
        ;
    struct timespec settle = {0, 300000000}; /* the subscription travels */
    nanosleep(&settle, NULL);
    pub_t p = {.client = client_new(bus, o->append_ep, NULL, &err),
               .step = step};
    p.period_ns = (uint64_t)(1e9 / rate);
    p.due0 = bench_now_ns();
    p.end_ns = p.due0 + (uint64_t)(o->seconds * 1e9);
    int rc = p.client ? s_publish(&p, o) : -1;
    double secs = (double)(bench_now_ns() - p.due0) / 1e9;
    s.sent = p.acked;
    s.done = 1;
    pthread_join(tid, NULL);
    client_destroy(&p.client);
    bus_destroy(&bus);
    double offered = (double)p.next / o->seconds;
    *ok = !rc && !p.failed && s.received == p.acked && !s.holes &&
          offered >= 0.95 * rate && secs < o->seconds * 1.5;
    bench_print(name,
                "rate=%.0f offered=%.0f sent=%llu received=%llu holes=%llu "
                "secs=%.2f p50_us=%.0f p99_us=%.0f p999_us=%.0f ok=%d",
                rate, offered, (unsigned long long)p.acked,
                (unsigned long long)s.received, (unsigned long long)s.holes,
                secs, bench_samples_us(&s.lat, 0.50),
                bench_samples_us(&s.lat, 0.99), bench_samples_us(&s.lat, 0.999),
                *ok);
    bench_samples_free(&s.lat);
    return rc;
}

int bench_e2e(const bench_opts_t *o)
{
    bool ok;
    return s_e2e_run(o, o->rate, 0, "e2e", &ok);
}

int bench_e2e_max(const bench_opts_t *o)
{
    bool ok = true;
    double good = 0, bad = 0, rate = o->rate;
    int step = 0;
    while (ok && rate <= 2e6) {
        if (s_e2e_run(o, rate, step++, "e2e_step", &ok) || !ok)
            bad = rate;
        else
            good = rate, rate *= 2;
    }
    for (int i = 0; i < 3 && good > 0 && bad > 0; i++) {
        rate = (good + bad) / 2;
        if (s_e2e_run(o, rate, step++, "e2e_step", &ok) == 0 && ok)
            good = rate;
        else
            bad = rate;
    }
    bench_print("e2e_max", "rate=%.0f first_failed=%.0f", good, bad);
    return 0;
}

/* ----------------------------------------------------------- query ops */

/*  One JSON round trip on 'sock'; the reply (NULL on timeout). */
static json_t *s_ask(void *sock, const char *request, int timeout_ms)
{
    if (zmq_send(sock, request, strlen(request), 0) < 0)
        return NULL;
    zmq_pollitem_t item = {sock, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, timeout_ms) != 1)
        return NULL;
    zmq_msg_t msg;
    zmq_msg_init(&msg);
    zmq_msg_recv(&msg, sock, 0);
    json_t *reply = json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, NULL);
    zmq_msg_close(&msg);
    return reply;
}

static void *s_dealer(void *ctx, const char *endpoint)
{
    void *sock = zmq_socket(ctx, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    zmq_connect(sock, endpoint);
    return sock;
}

int bench_query(const bench_opts_t *o)
{
    void *ctx = zmq_ctx_new(), *sock = s_dealer(ctx, o->query_ep);
    bench_samples_t lat = {0};
    int rc = 0;
    size_t bytes = 0;
    for (uint64_t i = 0; i < o->events && !rc; i++) {
        uint64_t t0 = bench_now_ns();
        json_t *reply = s_ask(sock, o->query, BENCH_REPLY_TIMEOUT_MS);
        bench_samples_add(&lat, bench_now_ns() - t0);
        if (!reply || json_object_get(reply, "error")) {
            char *text = reply ? json_dumps(reply, 0) : NULL;
            fprintf(stderr, "opcat-bench: query: %s\n", text ? text : "none");
            free(text);
            rc = -1;
        } else if (i == 0) {
            char *text = json_dumps(reply, JSON_COMPACT);
            bytes = text ? strlen(text) : 0;
            free(text);
        }
        json_decref(reply);
    }
    bench_print("query", "count=%zu reply_bytes=%zu p50_us=%.0f p99_us=%.0f",
                lat.n, bytes, bench_samples_us(&lat, 0.50),
                bench_samples_us(&lat, 0.99));
    bench_samples_free(&lat);
    zmq_close(sock);
    zmq_ctx_term(ctx);
    return rc;
}

/*  The consumer's position from a status reply, or 0. */
static uint64_t s_position(void *sock)
{
    json_t *reply = s_ask(sock, "{\"op\":\"status\"}", BENCH_REPLY_TIMEOUT_MS);
    uint64_t pos =
        (uint64_t)json_integer_value(json_object_get(reply, "position"));
    json_decref(reply);
    return pos;
}

int bench_catchup(const bench_opts_t *o)
{
    uint64_t t0 = bench_now_ns(), pos = 0;
    uint64_t limit = t0 + (uint64_t)(o->seconds * 1e9);
    void *ctx = zmq_ctx_new(), *sock = s_dealer(ctx, o->query_ep);
    long rss_at = -1, anon_at = -1, peak_at = -1, anon_peak = -1;
    while (pos < o->events && bench_now_ns() < limit) {
        struct timespec ts = {0, 20000000};
        nanosleep(&ts, NULL);
        pos = s_position(sock);
        /* the heap's highest sample (the kernel keeps no RssAnon peak) */
        long anon = o->pid ? bench_status_kib(o->pid, "RssAnon") : -1;
        if (anon > anon_peak)
            anon_peak = anon;
        if (rss_at < 0 && o->rss_at && pos >= o->rss_at && o->pid) {
            rss_at = bench_status_kib(o->pid, "VmHWM");
            anon_at = bench_status_kib(o->pid, "RssAnon");
            peak_at = anon_peak;
        }
    }
    double secs = (double)(bench_now_ns() - t0) / 1e9;
    /* once caught up, a consumer gives back what its catch-up took */
    struct timespec settle = {0, 300000000};
    nanosleep(&settle, NULL);
    long rss_end = o->pid ? bench_status_kib(o->pid, "VmHWM") : -1;
    long anon_end = o->pid ? bench_status_kib(o->pid, "RssAnon") : -1;
    zmq_close(sock);
    zmq_ctx_term(ctx);
    bench_print("catchup",
                "events=%llu position=%llu secs=%.2f rate=%.0f "
                "rss_at=%llu rss_at_kib=%ld rss_end_kib=%ld anon_at_kib=%ld "
                "anon_end_kib=%ld anon_peak_at_kib=%ld anon_peak_end_kib=%ld",
                (unsigned long long)o->events, (unsigned long long)pos, secs,
                (double)pos / secs, (unsigned long long)o->rss_at, rss_at,
                rss_end, anon_at, anon_end, peak_at, anon_peak);
    return pos >= o->events ? 0 : -1;
}
