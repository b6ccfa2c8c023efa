/*  reply: writing an answer.  Every answer a handler queues passes
    through gw_reply_response(), which adds the headers every answer
    carries (nosniff, the ETag and its Cache-Control, CORS) and counts it
    by status class for /metrics.

    Problem details.  Every error is application/problem+json (RFC 9457):
    type, title, status, detail, and the parameter (or service) at fault;
    the member "error" repeats the message and the parameter in the form
    the dashboard and earlier clients read.

    CORS.  With OPCAT_HTTP_CORS (--cors) a comma-separated list of origins
    (or "*"), a request whose Origin is on it is answered with
    Access-Control-Allow-Origin, and a preflight (OPTIONS) with the
    methods and headers the API takes; without it no CORS header is sent
    and browsers keep to the same origin. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gw.h"

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
    /* an answer with an ETag may be kept, but revalidated (etag.c) */
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
