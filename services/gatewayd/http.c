/*  http: the server (libmicrohttpd): its connections, each request's
    first look (route, limits) and the dispatch of its route to the
    handler that answers it.  It stands above every other module of the
    gateway, and none calls back into it: the handlers read their request
    (request.c), ask the services (ask.c) and answer (reply.c) through
    modules below them all. */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "follow.h"
#include "gw.h"
#include "log.h"
#include "report_docx.h"

/* --------------------------------------------------------------- routing */

/*  The answer of a GET (or HEAD) whose route has a handler. */
static enum MHD_Result s_handle(const gw_request_t *req)
{
    const gw_route_t *route = req->route;
    switch (route->id) {
    case GW_ROUTE_STATS:
        return gw_api_stats(req);
    case GW_ROUTE_STATES:
        return gw_states_list(req);
    case GW_ROUTE_STATE:
        return gw_states_one(req, route->arg);
    case GW_ROUTE_VISITS:
        return gw_states_visits(req);
    case GW_ROUTE_YEARS:
        return gw_api_years(req);
    case GW_ROUTE_REMINDERS:
        return gw_api_reminders(req);
    case GW_ROUTE_EVENTS:
        return gw_api_events(req);
    case GW_ROUTE_REPORT:
        return gw_api_report(req);
    case GW_ROUTE_NAMES:
        return gw_names(req);
    case GW_ROUTE_STREAM:
        return gw_stream(req);
    case GW_ROUTE_HEALTH:
        return gw_api_health(req);
    case GW_ROUTE_METRICS:
        return gw_metrics(req);
    case GW_ROUTE_OPENAPI: {
        gw_request_t doc = *req; /* the document is one of the www files */
        doc.url = "/openapi.json";
        return gw_static(&doc);
    }
    case GW_ROUTE_STATIC:
        return gw_static(req);
    default:
        assert(!"a verdict without a handler reached s_handle");
        return gw_reply_error(req, 500, NULL, "no handler");
    }
}

/*  A 405: the API only reads. */
static enum MHD_Result s_not_allowed(const gw_request_t *req)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (response)
        MHD_add_response_header(response, "Allow", "GET, HEAD");
    return gw_reply_response(req, 405, response);
}

/*  Answers 'req' as its route says. */
static enum MHD_Result s_route(const gw_request_t *req)
{
    const gw_route_t *route = req->route;
    enum MHD_Result rc;
    switch (route->id) {
    case GW_ROUTE_BAD_REQUEST:
        return gw_reply_error(req, 400, route->fault, "%s", route->message);
    case GW_ROUTE_NO_ENDPOINT:
        return gw_reply_error(req, 404, NULL, "%s", route->message);
    case GW_ROUTE_NO_PAGE:
        return gw_static(req); /* its HTML page for a person */
    case GW_ROUTE_PREFLIGHT:
        return gw_cors_preflight(req, &rc) ? rc : s_not_allowed(req);
    case GW_ROUTE_NOT_ALLOWED:
        return s_not_allowed(req);
    default:
        break;
    }
    if (gw_conditional(req, &rc))
        return rc; /* 304: the answer the client holds is current */
    log_debug("GET %s", req->url);
    return s_handle(req);
}

/*  A request's own record: its raw target, whether its headers have
    been examined, and its route, decided then. */
typedef struct {
    char *uri;
    bool examined;
    gw_route_t route;
} request_t;

/*  MHD_OPTION_URI_LOG_CALLBACK: keeps the raw target; what it returns is
    the request's first con_cls. */
static void *s_uri_log(void *cls, const char *uri, struct MHD_Connection *conn)
{
    (void)cls;
    (void)conn;
    request_t *r = calloc(1, sizeof *r);
    if (r && !(r->uri = strdup(uri))) {
        free(r);
        r = NULL;
    }
    return r;
}

/*  MHD_OPTION_NOTIFY_COMPLETED: the request is over. */
static void s_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                        enum MHD_RequestTerminationCode toe)
{
    (void)toe;
    gw_t *gw = cls;
    request_t *r = *con_cls;
    gw_guard_done(gw->guard, conn);
    if (r) {
        gw_route_clear(&r->route);
        free(r->uri);
    }
    free(r);
    *con_cls = NULL;
}

/*  A 503 for a request beyond a limit: the client may retry later. */
static enum MHD_Result s_busy(const gw_request_t *req, gw_admit_t verdict)
{
    const gw_options_t *o = &req->gw->options;
    char message[160];
    if (verdict == GW_ADMIT_BUSY)
        snprintf(message, sizeof message,
                 "busy: %u requests at once (--max-connections); retry in "
                 "%d s",
                 o->max_connections, GW_RETRY_AFTER_S);
    else
        snprintf(message, sizeof message,
                 "busy: %u requests at once from one address "
                 "(--max-per-client); retry in %d s",
                 o->max_per_client, GW_RETRY_AFTER_S);
    json_t *body = gw_problem(503, NULL, NULL, message);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    struct MHD_Response *r =
        text ? MHD_create_response_from_buffer(strlen(text), text,
                                               MHD_RESPMEM_MUST_FREE)
             : NULL;
    if (!r) {
        free(text);
        return MHD_NO;
    }
    char retry[16];
    snprintf(retry, sizeof retry, "%d", GW_RETRY_AFTER_S);
    MHD_add_response_header(r, "Content-Type",
                            "application/problem+json; charset=utf-8");
    MHD_add_response_header(r, "Retry-After", retry);
    MHD_add_response_header(r, "Connection", "close");
    return gw_reply_response(req, 503, r);
}

/*  First look at a request whose headers are in: its route (a target
    that does not decode is refused at once), then the limits.  True,
    with the reply queued and its result in '*rc', if it is answered
    already (400, 500 or 503). */
static bool s_examine(const gw_request_t *req, request_t *r, const char *method,
                      enum MHD_Result *rc)
{
    r->examined = true;
    bool routed = gw_route(method, r->uri, &r->route) == OPCAT_OK;
    gw_admit_t verdict =
        gw_guard_admit(req->gw->guard, req->conn, r->route.exempt);
    if (!routed) {
        *rc = gw_reply_error(req, 500, NULL, "out of memory");
        return true;
    }
    if (r->route.id == GW_ROUTE_BAD_REQUEST && !r->route.path[0]) {
        *rc = gw_reply_error(req, 400, r->route.fault, "%s", r->route.message);
        return true;
    }
    if (verdict == GW_ADMIT_BUSY || verdict == GW_ADMIT_CLIENT) {
        *rc = s_busy(req, verdict);
        return true;
    }
    return false;
}

static enum MHD_Result s_access(void *cls, struct MHD_Connection *conn,
                                const char *url, const char *method,
                                const char *version, const char *upload,
                                size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    request_t *r = *con_cls;
    char etag[GW_ETAG_LEN] = "";
    gw_request_t req = {
        cls, conn, url, r ? r->uri : NULL, etag, r ? &r->route : NULL};
    enum MHD_Result rc;
    if (!r)
        return gw_reply_error(&req, 500, NULL, "out of memory");
    if (!r->examined) {
        /* a reply queued at this first call, before libmicrohttpd has
           read the (empty) body, closes the connection: answer at the
           next call, so that the connection is kept alive */
        return s_examine(&req, r, method, &rc) ? rc : MHD_YES;
    }
    if (*upload_size) {
        *upload_size = 0; /* a body is read and ignored: the reply is 405 */
        return MHD_YES;
    }
    return s_route(&req);
}

/* ---------------------------------------------------------------- server */

static void s_mhd_log(void *arg, const char *fmt, va_list ap)
{
    (void)arg;
    char line[512];
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    if (strstr(line, "no longer available") ||       /* a client went away */
        strstr(line, "closed when reading request")) /* or was closed */
        log_debug("http: %s", line);
    else
        log_warnx("http: %s", line);
}

/*  Parses HOST:PORT (IPv4) or [IPv6]:PORT into 'addr'. */
static int s_address(const char *text, struct sockaddr_storage *addr,
                     err_t *err)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    size_t len = colon ? (size_t)(colon - text) : 0;
    if (!colon || !colon[1] || *end || port < 0 || port > 65535 || !len ||
        len >= sizeof host)
        return err_set(err, OPCAT_EINVAL, "http",
                       "--http: \"%s\" is not HOST:PORT", text);
    if (text[0] == '[' && text[len - 1] == ']')
        memcpy(host, text + 1, len - 2), host[len - 2] = '\0';
    else
        memcpy(host, text, len), host[len] = '\0';
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    memset(addr, 0, sizeof *addr);
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
    } else
        return err_set(err, OPCAT_EINVAL, "http",
                       "--http: \"%s\" is not an IP address (e.g. 127.0.0.1)",
                       host);
    return OPCAT_OK;
}

static int s_start(gw_t *self, err_t *err)
{
    struct sockaddr_storage addr;
    if (s_address(self->options.http, &addr, err))
        return err->code;
    /* poll(), not select(): descriptors past FD_SETSIZE (1024) are the
       norm with hundreds of streams, each with its ZeroMQ sockets */
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ERROR_LOG;
    if (addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* libmicrohttpd's own limits, beyond which it closes connections
       unanswered, are above the gateway's: room for the requests
       admitted, as many awaiting their headers, and the reserve
       (guard.c) */
    const gw_options_t *o = &self->options;
    self->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, s_access, self, MHD_OPTION_EXTERNAL_LOGGER,
        s_mhd_log, NULL, MHD_OPTION_SOCK_ADDR, &addr,
        MHD_OPTION_CONNECTION_LIMIT, 2 * o->max_connections + GW_RESERVED,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, 2 * o->max_per_client + GW_RESERVED,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)GW_IDLE_TIMEOUT_S,
        MHD_OPTION_NOTIFY_CONNECTION, gw_guard_notify, self,
        MHD_OPTION_NOTIFY_COMPLETED, s_completed, self,
        MHD_OPTION_URI_LOG_CALLBACK, s_uri_log, self, MHD_OPTION_END);
    if (!self->daemon)
        return err_set(err, OPCAT_EIO, "http", "cannot listen on %s",
                       self->options.http);
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(self->daemon, MHD_DAEMON_INFO_BIND_PORT);
    self->port = info ? info->port : 0;
    return OPCAT_OK;
}

gw_t *gw_new(const gw_options_t *options, err_t *err)
{
    gw_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    self->options = *options;
    atomic_init(&self->stopping, false);
    if (dayclock_init(&self->clock, NULL, err) ||
        !(self->codes = codes_new(NULL, err)))
        goto fail;
    if (!(self->names = names_find(options->share, err)) ||
        !(self->report = report_new(self->names, err)))
        goto fail;
    self->docx = report_docx_available();
    if (!(self->bus = bus_new(err)))
        goto fail;
    /* a stream holds two sockets (SUB and REPLAY), a query one more */
    zmq_ctx_set(bus_zmq(self->bus), ZMQ_MAX_SOCKETS,
                (int)(2 * options->max_connections + 3 * GW_RESERVED + 64));
    if (!(self->replays = follow_gate_new(GW_STREAM_REPLAYS_MAX))) {
        err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    if (!(self->guard = gw_guard_new(self, err)) ||
        !(self->health = gw_health_new(self, err)) || s_start(self, err))
        goto fail;
    return self;
fail:
    gw_destroy(&self);
    return NULL;
}

void gw_destroy(gw_t **self_p)
{
    gw_t *self = *self_p;
    if (!self)
        return;
    atomic_store(&self->stopping, true);
    if (self->daemon)
        MHD_stop_daemon(self->daemon);
    gw_guard_destroy(&self->guard);
    /* a probe under way gives up at once (ETERM), not after --timeout */
    if (self->bus)
        zmq_ctx_shutdown(bus_zmq(self->bus));
    gw_health_destroy(&self->health);
    follow_gate_destroy(&self->replays); /* every stream has ended */
    bus_destroy(&self->bus);
    report_destroy(&self->report);
    names_destroy(&self->names);
    codes_destroy(&self->codes);
    free(self);
    *self_p = NULL;
}
