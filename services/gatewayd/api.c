/*  api: the figures, the deadlines, the events, the report. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "date.h"
#include "event.h"
#include "gw.h"
#include "report_docx.h"
#include "report_format.h"

#define EVENTS_PAGES_MAX 16 /* replay pages read for one /api/events */

/*  Reads the dates 'as_of' and, if 'from' is not NULL, 'from'; false
    with a 400 queued in '*rc' when one is not a date. */
static bool s_dates(const gw_request_t *req, char *as_of, char *from,
                    enum MHD_Result *rc)
{
    const char *bad = !gw_param_date(req, "as_of", as_of)         ? "as_of"
                      : from && !gw_param_date(req, "from", from) ? "from"
                                                                  : NULL;
    if (bad)
        *rc = gw_reply_error(req, 400, bad, "%s: not a real date (YYYY-MM-DD)",
                             bad);
    return !bad;
}

/*  The stats request for 'as_of' and 'from' (empty: the service's
    defaults). */
static json_t *s_stats_request(const char *as_of, const char *from)
{
    json_t *request = json_pack("{s:s}", "op", "stats");
    if (request && as_of[0])
        json_object_set_new(request, "as_of", json_string(as_of));
    if (request && from[0])
        json_object_set_new(request, "from", json_string(from));
    return request;
}

enum MHD_Result gw_api_stats(const gw_request_t *req)
{
    char as_of[DATE_TEXT_LEN], from[DATE_TEXT_LEN];
    enum MHD_Result rc;
    if (!s_dates(req, as_of, from, &rc))
        return rc;
    json_t *reply;
    err_t err;
    if (gw_query(req->gw, req->gw->options.cfg.stats,
                 s_stats_request(as_of, from), &reply, &err))
        return gw_reply_service_error(req, "stats", &err);
    return gw_reply_json(req, 200, reply);
}

/*  Whether 'code' is three capital letters. */
static bool s_alpha3(const char *code)
{
    return code && strlen(code) == 3 && isupper((unsigned char)code[0]) &&
           isupper((unsigned char)code[1]) && isupper((unsigned char)code[2]);
}

enum MHD_Result gw_api_reminders(const gw_request_t *req)
{
    char as_of[DATE_TEXT_LEN];
    enum MHD_Result rc;
    bool csv;
    if (!s_dates(req, as_of, NULL, &rc) || !gw_format(req, &csv, &rc))
        return rc;
    const char *state = gw_param(req, "state"), *rule = gw_param(req, "rule");
    if (state && !s_alpha3(state))
        return gw_reply_error(req, 400, "state",
                              "state: ISO 3166-1 alpha-3 code, e.g. PER");
    if (rule && strlen(rule) > 64)
        return gw_reply_error(req, 400, "rule", "rule: at most 64 bytes");
    json_t *request = json_pack("{s:s}", "op", "reminders");
    if (request && as_of[0])
        json_object_set_new(request, "as_of", json_string(as_of));
    if (request && state)
        json_object_set_new(request, "state", json_string(state));
    if (request && rule && rule[0])
        json_object_set_new(request, "rule", json_string(rule));
    json_t *reply;
    err_t err;
    if (gw_query(req->gw, req->gw->options.cfg.reminders, request, &reply,
                 &err))
        return gw_reply_service_error(req, "reminders", &err);
    /* the CSV holds the deadlines; encouragements have no due day to
       be late on and stay in the JSON */
    return gw_reply_table(req, csv, "deadlines", "reminders", reply);
}

/* ---------------------------------------------------------------- events */

/*  Parses a whole number in [min, max]; false if 'text' is not one. */
static bool s_number(const char *text, uint64_t min, uint64_t max,
                     uint64_t *out)
{
    char *end;
    if (!text || !isdigit((unsigned char)text[0]) || strlen(text) > 20)
        return false;
    unsigned long long n = strtoull(text, &end, 10);
    if (*end || n < min || n > max)
        return false;
    *out = n;
    return true;
}

/*  A page of events: where to start, how many, which topic. */
typedef struct {
    uint64_t from, limit, next, head;
    const char *topic;
    json_t *events;
} page_t;

/*  Appends the public form of every event of 'page' to 'p->events'. */
static int s_page_events(page_t *p, const client_page_t *page)
{
    for (size_t i = 0; i < page->count; i++) {
        size_t len;
        const uint8_t *data = client_page_event(page, i, &len);
        event_t *event = event_unpack(data, len);
        json_t *object =
            event ? event_to_json(event, EVENT_JSON_META | EVENT_JSON_PUBLIC)
                  : NULL;
        event_free(&event);
        if (!object || json_array_append_new(p->events, object))
            return OPCAT_EPROTO;
    }
    return OPCAT_OK;
}

/*  Reads pages until 'limit' events or the head. */
static int s_read_events(gw_t *gw, page_t *p, err_t *err)
{
    client_t *client = client_new(gw->bus, NULL, gw->options.cfg.replay, err);
    if (!client)
        return err->code;
    client_page_t page = {0};
    int rc = OPCAT_OK;
    p->next = p->from;
    for (int i = 0; i < EVENTS_PAGES_MAX && !rc; i++) {
        size_t want = p->limit - json_array_size(p->events);
        rc = client_fetch(client, p->next, 0, (uint32_t)want, p->topic,
                          gw->options.timeout_ms, &page, err);
        if (!rc)
            rc = s_page_events(p, &page);
        if (!rc) {
            p->next = page.reply->next;
            p->head = page.reply->head;
        }
        client_page_clear(&page);
        if (!rc &&
            (json_array_size(p->events) >= p->limit || p->next > p->head))
            break;
    }
    client_page_release(&page);
    if (rc == OPCAT_EPROTO && !err->message[0])
        err_set(err, rc, NULL, "the store sent an event that cannot be read");
    client_destroy(&client);
    return rc;
}

enum MHD_Result gw_api_events(const gw_request_t *req)
{
    const char *from = gw_param(req, "from"), *limit = gw_param(req, "limit");
    page_t p = {1, GW_EVENTS_LIMIT_DEFAULT, 0, 0, gw_param(req, "topic"), 0};
    if (from && !s_number(from, 1, INT64_MAX, &p.from))
        return gw_reply_error(req, 400, "from",
                              "from: a sequence number, 1 or more");
    if (limit && !s_number(limit, 1, GW_EVENTS_LIMIT_MAX, &p.limit))
        return gw_reply_error(req, 400, "limit", "limit: 1 to %d",
                              GW_EVENTS_LIMIT_MAX);
    if (p.topic && !gw_topic_ok(p.topic))
        return gw_reply_error(req, 400, "topic",
                              "topic: a prefix of TYPE/STATE, printable "
                              "ASCII without spaces, at most %d bytes",
                              GW_TOPIC_MAX);
    err_t err;
    err_clear(&err);
    if (!(p.events = json_array()) || s_read_events(req->gw, &p, &err)) {
        json_decref(p.events);
        return gw_reply_service_error(req, "store", &err);
    }
    json_t *reply =
        json_pack("{s:I,s:I,s:I,s:I,s:b,s:o}", "from", (json_int_t)p.from,
                  "next", (json_int_t)p.next, "head", (json_int_t)p.head,
                  "count", (json_int_t)json_array_size(p.events), "more",
                  p.next <= p.head, "events", p.events);
    if (reply && p.topic)
        json_object_set_new(reply, "topic", json_string(p.topic));
    return gw_reply_json(req, 200, reply);
}

/* ---------------------------------------------------------------- report */

/*  Reads 'format' (default md); false with a 400 queued in '*rc' when it
    is not one this gateway serves. */
static bool s_report_format(const gw_request_t *req, report_format_t *format,
                            enum MHD_Result *rc)
{
    const char *name = gw_param(req, "format");
    *format = REPORT_FORMAT_MD;
    if (name && !report_format_parse(name, format)) {
        *rc = gw_reply_error(req, 400, "format", "format: " REPORT_FORMATS);
        return false;
    }
    if (*format == REPORT_FORMAT_DOCX && !req->gw->docx) {
        *rc =
            gw_reply_error(req, 400, "format",
                           "format: docx is not served here (" REPORT_DOCX_TOOL
                           " was not installed when the gateway started)");
        return false;
    }
    return true;
}

/*  Queues the report 'body' (taken) in 'format'. */
static enum MHD_Result s_report_reply(const gw_request_t *req, char *body,
                                      size_t len, report_format_t format,
                                      const char *lang)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type",
                            report_format_type(format));
    MHD_add_response_header(response, "X-Report-Formats",
                            req->gw->docx ? "md, html, docx" : "md, html");
    if (format == REPORT_FORMAT_DOCX) {
        char disposition[64];
        snprintf(disposition, sizeof disposition,
                 "attachment; filename=\"opcat-report-%s.docx\"", lang);
        MHD_add_response_header(response, "Content-Disposition", disposition);
    }
    return gw_reply_response(req, 200, response);
}

enum MHD_Result gw_api_report(const gw_request_t *req)
{
    char as_of[DATE_TEXT_LEN], from[DATE_TEXT_LEN];
    enum MHD_Result rc;
    report_format_t format;
    if (!s_dates(req, as_of, from, &rc) || !s_report_format(req, &format, &rc))
        return rc;
    const char *lang = gw_param(req, "lang");
    lang = lang ? lang : "en";
    if (!report_lang_known(lang))
        return gw_reply_error(req, 400, "lang", "lang: " REPORT_LANGS);
    json_t *stats;
    err_t err;
    if (gw_query(req->gw, req->gw->options.cfg.stats,
                 s_stats_request(as_of, from), &stats, &err))
        return gw_reply_service_error(req, "stats", &err);
    char *text = report_render(req->gw->report, stats, lang, &err);
    json_decref(stats);
    size_t len = 0;
    char *body = text ? report_format_convert(text, lang, format,
                                              REPORT_HTML_FRAGMENT, &len, &err)
                      : NULL;
    if (!body)
        return gw_reply_error(req, 503, NULL, "report: %s", err.message);
    return s_report_reply(req, body, len, format, lang);
}
