/*  metrics: GET /metrics in the Prometheus text format (version 0.0.4).

    Only what the gateway can learn honestly: the store's head (its
    sequence is dense from 1, so it is also the number of events ever
    appended), each consumer's position, lag, catch-up and holes from its
    "status" answer, the reminder service's counters of this run and the
    notifier's deliveries from their "service" answers, and the gateway's
    own requests and streams.  A service that does not answer within
    PROBE_TIMEOUT_MS (or the gateway's --timeout, if shorter) is reported
    with opcat_up 0 and nothing else, so that a service not deployed (the
    notifier is optional) does not hold the scrape up.  The store does not
   expose its duplicate and refusal counts (it logs them at shutdown), so they
   are not here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "gw.h"
#include "query.h"
#include "textbuf.h"

#define PROBE_TIMEOUT_MS 1000
#define CONSUMERS 3

static void s_meta(textbuf_t *t, const char *name, const char *type,
                   const char *help)
{
    textbuf_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static json_int_t s_int(const json_t *object, const char *key)
{
    return json_integer_value(json_object_get(object, key));
}

/*  What the services answered, gathered before anything is written so
    that each metric family stays in one block. */
typedef struct {
    bool store_up;
    uint64_t head;
    json_t *agg, *rem, *ntf; /* answers, NULL if the service is down */
} probe_t;

/*  Asks 'endpoint' for {"op": op}; NULL if it does not answer in time. */
static json_t *s_ask(gw_t *gw, const char *endpoint, const char *op)
{
    int timeout = gw->options.timeout_ms < PROBE_TIMEOUT_MS
                      ? gw->options.timeout_ms
                      : PROBE_TIMEOUT_MS;
    json_t *request = json_pack("{s:s}", "op", op), *reply = NULL;
    err_t err;
    if (!request ||
        query_call(gw->zmq, endpoint, request, timeout, &reply, &err))
        reply = NULL;
    json_decref(request);
    return reply;
}

static void s_probe(gw_t *gw, probe_t *p)
{
    err_t err;
    client_t *client = client_new(gw->zmq, NULL, gw->options.cfg.replay, &err);
    p->store_up = client && client_head(client, gw->options.timeout_ms,
                                        &p->head, &err) == 0;
    client_destroy(&client);
    p->agg = s_ask(gw, gw->options.cfg.stats, "status");
    p->rem = s_ask(gw, gw->options.cfg.reminders, "service");
    p->ntf = s_ask(gw, gw->options.cfg.notify, "service");
}

static void s_store(const probe_t *p, textbuf_t *t)
{
    s_meta(t, "opcat_up", "gauge",
           "1 when the service answered the gateway just now.");
    textbuf_printf(t, "opcat_up{service=\"store\"} %d\n", p->store_up);
    textbuf_printf(t, "opcat_up{service=\"aggregated\"} %d\n", p->agg != NULL);
    textbuf_printf(t, "opcat_up{service=\"reminderd\"} %d\n", p->rem != NULL);
    textbuf_printf(t, "opcat_up{service=\"notifyd\"} %d\n", p->ntf != NULL);
    if (!p->store_up)
        return;
    s_meta(t, "opcat_store_head", "gauge",
           "Last committed sequence of the event store.");
    textbuf_printf(t, "opcat_store_head %llu\n", (unsigned long long)p->head);
    s_meta(t, "opcat_store_events_appended_total", "counter",
           "Events ever appended to the store (sequences are dense from 1).");
    textbuf_printf(t, "opcat_store_events_appended_total %llu\n",
                   (unsigned long long)p->head);
}

/*  One family of consumer metrics, one line per consumer that answered. */
static void s_family(textbuf_t *t, const probe_t *p, const char *key,
                     const char *name, const char *type, const char *help)
{
    const json_t *answers[CONSUMERS] = {p->agg, p->rem, p->ntf};
    static const char *const services[CONSUMERS] = {"aggregated", "reminderd",
                                                    "notifyd"};
    s_meta(t, name, type, help);
    for (int i = 0; i < CONSUMERS; i++)
        if (answers[i]) {
            const json_t *v = json_object_get(answers[i], key);
            textbuf_printf(t, "%s{service=\"%s\"} %lld\n", name, services[i],
                           json_is_boolean(v)
                               ? (long long)json_is_true(v)
                               : (long long)json_integer_value(v));
        }
}

/*  The notifier's deliveries by state, and its failed attempts. */
static void s_notifier(const probe_t *p, textbuf_t *t)
{
    static const char *const states[] = {"pending", "failed", "delivered"};
    if (!p->ntf)
        return;
    s_meta(t, "opcat_notifyd_deliveries", "gauge",
           "Reminder deliveries (one per reminder and destination) by state.");
    for (size_t i = 0; i < 3; i++)
        textbuf_printf(t, "opcat_notifyd_deliveries{state=\"%s\"} %lld\n",
                       states[i], (long long)s_int(p->ntf, states[i]));
    s_meta(t, "opcat_notifyd_attempts_failed_total", "counter",
           "Delivery attempts that failed this run (each is retried).");
    textbuf_printf(t, "opcat_notifyd_attempts_failed_total %lld\n",
                   (long long)s_int(p->ntf, "attempts_failed"));
}

static void s_consumers(const probe_t *p, textbuf_t *t)
{
    s_family(t, p, "position", "opcat_consumer_position", "gauge",
             "Last sequence the consumer applied (its checkpoint).");
    s_family(t, p, "lag", "opcat_consumer_lag", "gauge",
             "Events between the consumer's position and the store's head.");
    s_family(t, p, "caught_up", "opcat_consumer_caught_up", "gauge",
             "1 when the consumer has reached the store's head.");
    s_family(t, p, "holes_filled", "opcat_consumer_holes_filled_total",
             "counter",
             "Holes in the live stream the consumer filled through REPLAY.");
    static const char *const counters[][2] = {
        {"issued", "Reminders issued (reminder.issued stored) this run."},
        {"duplicates", "Reminders found already issued when firing."},
        {"refused", "Reminders the store refused."},
        {"failed_rounds", "Firing rounds that failed and were retried."}};
    for (size_t i = 0; p->rem && i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "opcat_reminderd_%s_total", counters[i][0]);
        s_meta(t, name, "counter", counters[i][1]);
        textbuf_printf(t, "%s %lld\n", name,
                       (long long)s_int(p->rem, counters[i][0]));
    }
    s_notifier(p, t);
}

/*  The connections and what the limits did to them (guard.c). */
static void s_limits(gw_counters_t *c, textbuf_t *t)
{
    s_meta(t, "opcat_gateway_connections_open", "gauge",
           "HTTP connections open now.");
    textbuf_printf(t, "opcat_gateway_connections_open %llu\n",
                   (unsigned long long)atomic_load(&c->connections_open));
    s_meta(t, "opcat_gateway_refused_total", "counter",
           "Requests answered 503 at a limit (busy: --max-connections, "
           "client: --max-per-client).");
    textbuf_printf(
        t, "opcat_gateway_refused_total{limit=\"busy\"} %llu\n",
        (unsigned long long)atomic_load(&c->refused[GW_REFUSED_BUSY]));
    textbuf_printf(
        t, "opcat_gateway_refused_total{limit=\"client\"} %llu\n",
        (unsigned long long)atomic_load(&c->refused[GW_REFUSED_CLIENT]));
    s_meta(t, "opcat_gateway_closed_total", "counter",
           "Connections closed by the gateway (header_timeout: headers too "
           "slow; crowded: awaiting headers near the connection limit; "
           "stalled: a stream's client stopped reading).");
    textbuf_printf(t,
                   "opcat_gateway_closed_total{reason=\"header_timeout\"} "
                   "%llu\n",
                   (unsigned long long)atomic_load(&c->closed_header_timeout));
    textbuf_printf(t, "opcat_gateway_closed_total{reason=\"crowded\"} %llu\n",
                   (unsigned long long)atomic_load(&c->closed_crowded));
    textbuf_printf(t, "opcat_gateway_closed_total{reason=\"stalled\"} %llu\n",
                   (unsigned long long)atomic_load(&c->closed_stalled));
}

static void s_gateway(gw_t *gw, textbuf_t *t)
{
    gw_counters_t *c = &gw->counters;
    static const char *const classes[] = {"other", "",    "2xx",
                                          "3xx",   "4xx", "5xx"};
    s_meta(t, "opcat_gateway_requests_total", "counter",
           "HTTP requests answered, by status class.");
    for (int i = 0; i < 6; i++)
        if (i != 1)
            textbuf_printf(
                t, "opcat_gateway_requests_total{code=\"%s\"} %llu\n",
                classes[i], (unsigned long long)atomic_load(&c->requests[i]));
    s_meta(t, "opcat_gateway_streams_open", "gauge",
           "Server-Sent Events streams open now.");
    textbuf_printf(t, "opcat_gateway_streams_open %llu\n",
                   (unsigned long long)atomic_load(&c->streams_open));
    s_meta(t, "opcat_gateway_streams_opened_total", "counter",
           "Server-Sent Events streams opened.");
    textbuf_printf(t, "opcat_gateway_streams_opened_total %llu\n",
                   (unsigned long long)atomic_load(&c->streams_opened));
    s_meta(t, "opcat_gateway_stream_events_total", "counter",
           "Events sent on every stream.");
    textbuf_printf(t, "opcat_gateway_stream_events_total %llu\n",
                   (unsigned long long)atomic_load(&c->stream_events));
    s_limits(c, t);
}

enum MHD_Result gw_metrics(const gw_request_t *req)
{
    static const char *const none[] = {NULL};
    const char *bad = gw_unknown_param(req, none);
    if (bad)
        return gw_reply_error(req, 400, bad,
                              "%.64s: /metrics takes no "
                              "parameter",
                              bad);
    textbuf_t t = {0};
    probe_t p = {0};
    s_probe(req->gw, &p);
    s_store(&p, &t);
    s_consumers(&p, &t);
    s_gateway(req->gw, &t);
    json_decref(p.agg);
    json_decref(p.rem);
    json_decref(p.ntf);
    size_t len;
    char *text = textbuf_take(&t, &len);
    if (!text)
        return gw_reply_error(req, 500, NULL, "out of memory");
    enum MHD_Result rc = gw_reply_text(
        req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
    return rc;
}
