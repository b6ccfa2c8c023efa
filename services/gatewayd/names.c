/*  names: the States' names in one language, for the dashboard.

    The answer comes from the gateway's own table (names.h, loaded at
    start), not from a service, so its ETag is not etag.c's (the
    services' positions say nothing of it): it is the hash of the
    answer's own text, and an If-None-Match naming it is a 304. */
#include <stdlib.h>
#include <string.h>

#include "gw.h"
#include "names.h"

/*  {"lang": 'lang', "names": {CODE: NAME, ...}} for every State the
    table names in 'lang'; NULL when out of memory. */
static json_t *s_names(const names_t *names, const char *lang)
{
    json_t *map = json_object(), *body = NULL;
    size_t count = names_count(names);
    for (size_t i = 0; map && i < count; i++) {
        const char *code = names_code(names, i);
        const char *name = names_in(names, code, lang);
        if (name && json_object_set_new(map, code, json_string(name)) != 0) {
            json_decref(map);
            return NULL;
        }
    }
    if (map)
        body = json_pack("{s:s, s:o}", "lang", lang, "names", map);
    return body;
}

/*  Sets the ETag of the answer's 'text' into req->etag; true (a 304
    queued in '*rc') when If-None-Match names it. */
static bool s_unchanged(const gw_request_t *req, const char *text,
                        enum MHD_Result *rc)
{
    const uint64_t none[GW_POSITIONS] = {0, 0, 0};
    if (!req->etag)
        return false;
    gw_etag_make(text, "", none, req->etag);
    const char *header = MHD_lookup_connection_value(
        req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (!header || !gw_etag_matches(header, req->etag))
        return false;
    *rc = gw_reply_response(
        req, 304,
        MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT));
    return true;
}

/*  The answer is serialized once: its text is both what the ETag hashes
    and what is sent. */
enum MHD_Result gw_names(const gw_request_t *req)
{
    const char *lang = gw_param(req, "lang");
    lang = lang ? lang : "en";
    if (names_lang(lang) < 0)
        return gw_reply_error(req, 400, "lang", "lang: " REPORT_LANGS);
    json_t *body = s_names(req->gw->names, lang);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    if (!text)
        return gw_reply_error(req, 500, NULL, "out of memory");
    enum MHD_Result rc;
    if (!s_unchanged(req, text, &rc))
        rc = gw_reply_text(req, 200, "application/json; charset=utf-8", text,
                           strlen(text));
    free(text);
    return rc;
}
