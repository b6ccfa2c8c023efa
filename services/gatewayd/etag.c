/*  etag: conditional GETs of the API.

    An answer depends on the query (the raw request target), on today
    (the default as_of) and on the state of the services it comes from:
    the store's head for events, the consumers' positions for the rest.
    Before answering, the gateway asks those for their position (a head
    or a status query, much cheaper than the answer); when each consumer
    has caught up with the store, the ETag is a hash of all of it, and an
    If-None-Match naming it is answered 304 without asking for the
    answer.  A consumer still catching up gives no ETag: its answers may
    change under the same position only then.  The ETag's pure parts (its
    text, the If-None-Match comparison) are route.h's. */
#include "client.h"
#include "date.h"
#include "gw.h"
#include "query.h"

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
