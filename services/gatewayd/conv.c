/*  conv: the API's HTTP conventions.

    Problem details.  Every error is application/problem+json (RFC 9457):
    type, title, status, detail, and the parameter (or service) at fault;
    the member "error" repeats the message and the parameter in the form
    the dashboard and earlier clients read.

    ETags.  An answer depends on the query (the raw request target), on
    today (the default as_of) and on the state of the services it comes
    from: the store's head for events, the consumers' positions for the
    rest.  Before answering, the gateway asks those for their position
    (a head or a status query, much cheaper than the answer); when each
    consumer has caught up with the store, the ETag is a hash of all of
    it, and an If-None-Match naming it is answered 304 without asking
    for the answer.  A consumer still catching up gives no ETag: its
    answers may change under the same position only then.

    CORS.  With OPCAT_HTTP_CORS (--cors) a comma-separated list of origins
    (or "*"), a request whose Origin is on it is answered with
    Access-Control-Allow-Origin, and a preflight (OPTIONS) with the
    methods and headers the API takes; without it no CORS header is sent
    and browsers keep to the same origin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "date.h"
#include "gw.h"
#include "query.h"

/* ------------------------------------------------------------- problems */

/*  The type and title of a problem of 'status'. */
static void s_kind(unsigned status, const char *parameter, const char **type,
                   const char **title)
{
    static const struct {
        unsigned status;
        const char *type, *title;
    } kinds[] = {
        {400, "bad-request", "Bad request"},
        {404, "not-found", "Not found"},
        {500, "internal", "Internal error"},
        {503, "unavailable", "Service unavailable"},
    };
    *type = "error";
    *title = "Error";
    if (status == 400 && parameter) {
        *type = "bad-parameter";
        *title = "Bad parameter";
        return;
    }
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (kinds[i].status == status) {
            *type = kinds[i].type;
            *title = kinds[i].title;
        }
}

json_t *gw_problem(unsigned status, const char *parameter, const char *service,
                   const char *detail)
{
    const char *type, *title;
    char urn[64];
    s_kind(status, parameter, &type, &title);
    snprintf(urn, sizeof urn, "urn:opcat:problem:%s", type);
    json_t *error = json_pack("{s:s}", "message", detail);
    json_t *body = json_pack("{s:s,s:s,s:i,s:s}", "type", urn, "title", title,
                             "status", (int)status, "detail", detail);
    if (body && error && parameter) {
        json_object_set_new(body, "parameter", json_string(parameter));
        json_object_set_new(error, "parameter", json_string(parameter));
    }
    if (body && error && service) {
        json_object_set_new(body, "service", json_string(service));
        json_object_set_new(error, "service", json_string(service));
    }
    if (!body || !error || json_object_set_new(body, "error", error)) {
        json_decref(body);
        return NULL;
    }
    return body;
}

enum MHD_Result gw_reply_problem(const gw_request_t *req, unsigned status,
                                 json_t *problem)
{
    char *text = problem ? json_dumps(problem, JSON_COMPACT) : NULL;
    json_decref(problem);
    static const char oom[] =
        "{\"type\":\"urn:opcat:problem:internal\",\"title\":\"Internal "
        "error\",\"status\":500,\"detail\":\"out of memory\"}";
    struct MHD_Response *response =
        text ? MHD_create_response_from_buffer(strlen(text), text,
                                               MHD_RESPMEM_MUST_FREE)
             : MHD_create_response_from_buffer(sizeof oom - 1, (void *)oom,
                                               MHD_RESPMEM_PERSISTENT);
    if (!response) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type",
                            "application/problem+json; charset=utf-8");
    return gw_reply_response(req, text ? status : 500, response);
}

/* ---------------------------------------------------------------- ETags */

/*  A consumer's position at 'endpoint' if it has caught up; false if it
    has not or does not answer. */
static bool s_position(gw_t *gw, const char *endpoint, uint64_t *position)
{
    json_t *request = json_pack("{s:s}", "op", "status"), *reply = NULL;
    err_t err;
    bool ok = request && query_call(gw->bus, endpoint, request,
                                    gw->options.timeout_ms, &reply, &err) == 0;
    ok = ok && json_is_true(json_object_get(reply, "caught_up"));
    if (ok)
        *position =
            (uint64_t)json_integer_value(json_object_get(reply, "position"));
    json_decref(request);
    json_decref(reply);
    return ok;
}

static bool s_head(gw_t *gw, uint64_t *head)
{
    err_t err;
    client_t *client = client_new(gw->bus, NULL, gw->options.cfg.replay, &err);
    bool ok =
        client && client_head(client, gw->options.timeout_ms, head, &err) == 0;
    client_destroy(&client);
    return ok;
}

/*  Writes the ETag of 'req' into 'etag' (GW_ETAG_LEN bytes); false when
    it has none (not a cached path, a service catching up or silent). */
static bool s_etag(const gw_request_t *req, char *etag)
{
    unsigned sources = req->route ? req->route->sources : 0;
    uint64_t v[GW_POSITIONS] = {0, 0, 0};
    gw_t *gw = req->gw;
    if (!sources || !req->uri ||
        ((sources & GW_SRC_STORE) && !s_head(gw, &v[0])) ||
        ((sources & GW_SRC_STATS) &&
         !s_position(gw, gw->options.cfg.stats, &v[1])) ||
        ((sources & GW_SRC_REM) &&
         !s_position(gw, gw->options.cfg.reminders, &v[2])))
        return false;
    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&gw->clock), today);
    gw_etag_make(req->uri, today, v, etag);
    return true;
}

bool gw_conditional(const gw_request_t *req, enum MHD_Result *rc)
{
    if (!req->etag || !s_etag(req, req->etag))
        return false;
    const char *header = MHD_lookup_connection_value(
        req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!header || !gw_etag_matches(header, req->etag))
        return false;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    *rc = gw_reply_response(req, 304, response);
    return true;
}

/* ----------------------------------------------------------------- CORS */

/*  Whether 'origin' is on the allow-list 'list' (comma-separated). */
static bool s_allowed(const char *list, const char *origin)
{
    size_t len = strlen(origin);
    for (const char *p = list; *p;) {
        p += strspn(p, " ,");
        size_t n = strcspn(p, ",");
        while (n && p[n - 1] == ' ')
            n--;
        if ((n == 1 && *p == '*') || (n == len && strncmp(p, origin, n) == 0))
            return n > 0;
        p += strcspn(p, ",");
    }
    return false;
}

void gw_cors_headers(const gw_request_t *req, struct MHD_Response *response)
{
    const char *list = req->gw->options.cors;
    if (!list || !list[0])
        return;
    MHD_add_response_header(response, "Vary", "Origin");
    const char *origin =
        MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Origin");
    if (!origin || !s_allowed(list, origin))
        return;
    MHD_add_response_header(response, "Access-Control-Allow-Origin", origin);
    MHD_add_response_header(response, "Access-Control-Expose-Headers",
                            "ETag, Retry-After");
}

bool gw_cors_preflight(const gw_request_t *req, enum MHD_Result *rc)
{
    const char *list = req->gw->options.cors;
    const char *origin =
        MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Origin");
    if (!list || !list[0] || !origin || !s_allowed(list, origin))
        return false;
    struct MHD_Response *response =
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    if (response) {
        MHD_add_response_header(response, "Access-Control-Allow-Methods",
                                "GET, HEAD");
        MHD_add_response_header(response, "Access-Control-Allow-Headers",
                                "If-None-Match, Last-Event-ID");
        MHD_add_response_header(response, "Access-Control-Max-Age", "600");
    }
    *rc = gw_reply_response(req, 204, response);
    return true;
}
