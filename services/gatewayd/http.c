/*  http: the server (libmicrohttpd), the routing, replies, parameters. */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "date.h"
#include "follow.h"
#include "gw.h"
#include "log.h"
#include "monotime.h"
#include "query.h"
#include "report_docx.h"

/* --------------------------------------------------------------- replies */

static void s_count(const gw_request_t *req, unsigned status)
{
    unsigned cls = status / 100;
    atomic_fetch_add(
        &req->gw->counters.requests[cls >= 2 && cls <= 5 ? cls : 0], 1);
}

enum MHD_Result gw_reply_response(const gw_request_t *req, unsigned status,
                                  struct MHD_Response *response)
{
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
    /* an answer with an ETag may be kept, but revalidated (conv.c) */
    bool tagged = req->etag && req->etag[0] && (status == 200 || status == 304);
    if (tagged)
        MHD_add_response_header(response, "ETag", req->etag);
    MHD_add_response_header(response, "Cache-Control",
                            tagged ? "no-cache" : "no-store");
    gw_cors_headers(req, response);
    s_count(req, status);
    enum MHD_Result rc = MHD_queue_response(req->conn, status, response);
    MHD_destroy_response(response);
    return rc;
}

enum MHD_Result gw_reply_text(const gw_request_t *req, unsigned status,
                              const char *type, const char *text, size_t len)
{
    struct MHD_Response *response = MHD_create_response_from_buffer(
        len, (void *)text, MHD_RESPMEM_MUST_COPY);
    if (response)
        MHD_add_response_header(response, "Content-Type", type);
    return gw_reply_response(req, status, response);
}

enum MHD_Result gw_reply_json(const gw_request_t *req, unsigned status,
                              json_t *body)
{
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return gw_reply_text(req, 500, "application/json",
                             "{\"error\":{\"message\":\"out of memory\"}}", 37);
    struct MHD_Response *response = MHD_create_response_from_buffer(
        strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type",
                            "application/json; charset=utf-8");
    return gw_reply_response(req, status, response);
}

enum MHD_Result gw_reply_error(const gw_request_t *req, unsigned status,
                               const char *parameter, const char *fmt, ...)
{
    char message[ERR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return gw_reply_problem(req, status,
                            gw_problem(status, parameter, NULL, message));
}

enum MHD_Result gw_reply_service_error(const gw_request_t *req,
                                       const char *service, const err_t *err)
{
    if (err->code == OPCAT_EINVAL && err->field[0])
        return gw_reply_error(req, 400, err->field, "%s", err->message);
    if (err->code == OPCAT_ENOTFOUND)
        return gw_reply_error(req, 404, err->field[0] ? err->field : NULL, "%s",
                              err->message);
    json_t *problem = gw_problem(503, NULL, service, err->message);
    if (problem)
        json_object_set_new(json_object_get(problem, "error"), "code",
                            json_integer(err->code));
    return gw_reply_problem(req, 503, problem);
}

/* ------------------------------------------------------------ parameters */

const char *gw_param(const gw_request_t *req, const char *name)
{
    return gw_route_param(req->route, name);
}

bool gw_param_date(const gw_request_t *req, const char *name, char *out)
{
    const char *text = gw_param(req, name);
    int32_t day;
    out[0] = '\0';
    if (!text)
        return true;
    if (!date_parse(text, &day))
        return false;
    date_format(day, out);
    return true;
}

int gw_query(gw_t *gw, const char *endpoint, json_t *request, json_t **reply,
             err_t *err)
{
    err_clear(err);
    *reply = NULL;
    int rc = request ? query_call(gw->bus, endpoint, request,
                                  gw->options.timeout_ms, reply, err)
                     : err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    json_decref(request);
    return rc;
}

bool gw_topic_ok(const char *topic)
{
    if (strlen(topic) > GW_TOPIC_MAX)
        return false;
    for (const char *p = topic; *p; p++)
        if (*p <= ' ' || *p > '~')
            return false;
    return true;
}

/*  Parses one reply frame into 'replies'; a service's error reply
    becomes 'err'. */
static int s_take_reply(zmq_msg_t *frame, json_t *replies, err_t *err)
{
    json_error_t jerr;
    json_t *reply =
        json_loadb(zmq_msg_data(frame), zmq_msg_size(frame), 0, &jerr);
    json_t *error = json_object_get(reply, "error");
    if (!json_is_object(reply) || error) {
        json_int_t code = json_integer_value(json_object_get(error, "code"));
        err_set(err, error && code ? (int)code : OPCAT_EPROTO,
                json_string_value(json_object_get(error, "field")), "%s",
                error ? json_string_value(json_object_get(error, "message"))
                      : "the answer is not a JSON object");
        json_decref(reply);
        return err->code;
    }
    return json_array_append_new(replies, reply) ? OPCAT_ENOMEM : OPCAT_OK;
}

/*  Sends every request of 'requests' on 'socket', then reads as many
    replies into 'replies' before the deadline. */
static int s_exchange(gw_t *gw, void *socket, const json_t *requests,
                      json_t *replies, err_t *err)
{
    size_t i, n = json_array_size(requests);
    json_t *request;
    json_array_foreach(requests, i, request)
    {
        char *text = json_dumps(request, JSON_COMPACT);
        int rc = text ? zmq_send(socket, text, strlen(text), 0) : -1;
        free(text);
        if (rc < 0)
            return err_set(err, OPCAT_EIO, "", "send failed");
    }
    int64_t deadline = monotime_ms() + gw->options.timeout_ms;
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    while (json_array_size(replies) < n) {
        int64_t left = deadline - monotime_ms();
        if (left <= 0 || zmq_poll(&item, 1, (long)left) <= 0)
            return err_set(err, OPCAT_ETIMEDOUT, "", "no answer within %d ms",
                           gw->options.timeout_ms);
        bus_message_t msg;
        int rc = bus_recv(socket, &msg, 0);
        if (rc)
            return err_set(err, rc, "", "receive failed");
        rc = msg.count == 1 ? s_take_reply(&msg.frames[0], replies, err)
                            : err_set(err, OPCAT_EPROTO, "",
                                      "an answer of %zu frames", msg.count);
        bus_message_close(&msg);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

int gw_query_many(gw_t *gw, const char *endpoint, const json_t *requests,
                  json_t **replies, err_t *err)
{
    err_clear(err);
    *replies = NULL;
    void *socket = bus_socket(gw->bus, ZMQ_DEALER, endpoint, false, err);
    if (!socket)
        return err->code;
    json_t *list = json_array();
    int rc = list ? s_exchange(gw, socket, requests, list, err)
                  : err_set(err, OPCAT_ENOMEM, NULL, "out of memory");
    int zero = 0;
    zmq_setsockopt(socket, ZMQ_LINGER, &zero, sizeof zero);
    bus_close(&socket);
    if (rc) {
        json_decref(list);
        if (!err->message[0])
            err_set(err, rc, NULL, "%s: no answer", endpoint);
        return rc;
    }
    *replies = list;
    return OPCAT_OK;
}

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
