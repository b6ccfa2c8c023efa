/*  metrics: GET /metrics in the Prometheus text format (version 0.0.4).

    Every daemon answers for itself: the store on its REPLAY endpoint
    (client_metrics), the consumers on their query endpoints ({"op":
    "metrics"}, common/runtime/consumer.c), each with a metric set
    (common/base/metrics.h) the gateway merges with a label naming the
    daemon and renders, beside its own requests, streams and process.
    opcat_up{daemon} says which daemons answered just now: one that does
    not answer within PROBE_TIMEOUT_MS (or the gateway's --timeout, if
    shorter) is reported with opcat_up 0 and nothing else, so that a
    daemon not deployed (the notifier is optional) does not hold the
    scrape up and the others' figures are still there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "gw.h"
#include "log.h"
#include "metrics.h"
#include "query.h"

#define PROBE_TIMEOUT_MS 1000

static int s_timeout(const gw_t *gw)
{
    return gw->options.timeout_ms < PROBE_TIMEOUT_MS ? gw->options.timeout_ms
                                                     : PROBE_TIMEOUT_MS;
}

/*  The store's metric set, or NULL if it does not answer in time. */
static json_t *s_ask_store(gw_t *gw)
{
    err_t err;
    char *text = NULL;
    client_t *client = client_new(gw->bus, NULL, gw->options.cfg.replay, &err);
    json_t *set = NULL;
    if (client && client_metrics(client, s_timeout(gw), &text, &err) == 0)
        set = json_loads(text, 0, NULL);
    free(text);
    client_destroy(&client);
    return set;
}

/*  A consumer's metric set from 'endpoint', or NULL. */
static json_t *s_ask(gw_t *gw, const char *endpoint)
{
    json_t *request = json_pack("{s:s}", "op", "metrics"), *reply = NULL;
    err_t err;
    if (!request ||
        query_call(gw->bus, endpoint, request, s_timeout(gw), &reply, &err))
        reply = NULL;
    json_decref(request);
    json_t *set = json_incref(json_object_get(reply, "metrics"));
    json_decref(reply);
    return set;
}

/*  Asks every daemon and merges what they answered into 'all', with
    opcat_up for each. */
static void s_daemons(gw_t *gw, json_t *all)
{
    const cfg_t *cfg = &gw->options.cfg;
    struct {
        const char *daemon;
        json_t *set;
    } d[] = {{"stored", s_ask_store(gw)},
             {"aggregated", s_ask(gw, cfg->stats)},
             {"reminderd", s_ask(gw, cfg->reminders)},
             {"notifyd", s_ask(gw, cfg->notify)}};
    size_t n = sizeof d / sizeof d[0];
    for (size_t i = 0; i < n; i++)
        metrics_add(all, "opcat_up", "gauge",
                    "1 when the daemon answered the gateway's scrape just "
                    "now.",
                    json_pack("{s:s}", "daemon", d[i].daemon), d[i].set != 0);
    metrics_add(all, "opcat_up", "gauge", NULL,
                json_pack("{s:s}", "daemon", "gatewayd"), 1);
    for (size_t i = 0; i < n; i++) {
        if (d[i].set && metrics_merge(all, d[i].set, "daemon", d[i].daemon))
            log_warnx("metrics: %s sent samples that were skipped",
                      d[i].daemon);
        json_decref(d[i].set);
    }
}

/*  Adds the gauge or counter 'name' of the gateway. */
static void s_own(json_t *set, const char *name, const char *type,
                  const char *help, json_t *labels, atomic_uint_fast64_t *v)
{
    metrics_add(set, name, type, help, labels, (double)atomic_load(v));
}

/*  The connections and what the limits did to them (guard.c). */
static void s_limits(gw_counters_t *c, json_t *set)
{
    s_own(set, "opcat_gateway_connections_open", "gauge",
          "HTTP connections open now.", NULL, &c->connections_open);
    static const char *const refused = "Requests answered 503 at a limit "
                                       "(busy: --max-connections, client: "
                                       "--max-per-client).";
    s_own(set, "opcat_gateway_refused_total", "counter", refused,
          json_pack("{s:s}", "limit", "busy"), &c->refused[GW_REFUSED_BUSY]);
    s_own(set, "opcat_gateway_refused_total", "counter", refused,
          json_pack("{s:s}", "limit", "client"),
          &c->refused[GW_REFUSED_CLIENT]);
    static const char *const closed =
        "Connections closed by the gateway (header_timeout: headers too "
        "slow; crowded: awaiting headers near the connection limit; "
        "stalled: a stream's client stopped reading).";
    s_own(set, "opcat_gateway_closed_total", "counter", closed,
          json_pack("{s:s}", "reason", "header_timeout"),
          &c->closed_header_timeout);
    s_own(set, "opcat_gateway_closed_total", "counter", closed,
          json_pack("{s:s}", "reason", "crowded"), &c->closed_crowded);
    s_own(set, "opcat_gateway_closed_total", "counter", closed,
          json_pack("{s:s}", "reason", "stalled"), &c->closed_stalled);
}

/*  The gateway's own set: requests, streams, limits, process, build. */
static json_t *s_gateway(gw_t *gw)
{
    gw_counters_t *c = &gw->counters;
    json_t *set = metrics_set_new();
    static const char *const classes[] = {"other", "",    "2xx",
                                          "3xx",   "4xx", "5xx"};
    for (int i = 0; set && i < 6; i++)
        if (i != 1)
            s_own(set, "opcat_gateway_requests_total", "counter",
                  "HTTP requests answered, by status class.",
                  json_pack("{s:s}", "code", classes[i]), &c->requests[i]);
    if (!set)
        return NULL;
    s_own(set, "opcat_gateway_streams_open", "gauge",
          "Server-Sent Events streams open now.", NULL, &c->streams_open);
    s_own(set, "opcat_gateway_streams_opened_total", "counter",
          "Server-Sent Events streams opened.", NULL, &c->streams_opened);
    s_own(set, "opcat_gateway_stream_events_total", "counter",
          "Events sent on every stream.", NULL, &c->stream_events);
    s_limits(c, set);
    metrics_add_process(set);
    metrics_add_build_info(set);
    return set;
}

enum MHD_Result gw_metrics(const gw_request_t *req)
{
    json_t *all = metrics_set_new(), *own = s_gateway(req->gw);
    if (all)
        s_daemons(req->gw, all);
    if (all && own)
        metrics_merge(all, own, "daemon", "gatewayd");
    json_decref(own);
    size_t len;
    char *text = all && own ? metrics_text(all, &len) : NULL;
    json_decref(all);
    if (!text)
        return gw_reply_error(req, 500, NULL, "out of memory");
    enum MHD_Result rc = gw_reply_text(
        req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
    free(text);
    return rc;
}
