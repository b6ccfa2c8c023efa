/*  report_sec_sessions: section II.B, the sessions held in the period
    (see report_sec.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "datefmt.h"
#include "report_say.h"
#include "report_sec.h"

/* ------------------------------------------------------------------ */
/*  Section II.B: sessions. */

/*  A session's first and last days; for one not known to the day
    ("occurred_on_precision") whose days a source does not both give, day
    INT32_MAX and end its "occurred_on", which render_put_session_when()
    writes at its precision ("June 2018"). */
static void s_session_days(render_t *r, dated_t *session)
{
    const char *path = "sessions_in_period";
    const json_t *item = session->item;
    bool exact =
        render_item_precision(r, session, "occurred_on") == DATEFMT_DAY;
    session->day = render_item_date(r, item, path, "start", !exact);
    session->end = render_item_date(r, item, path, "end", !exact);
    if (exact || (session->day != INT32_MIN && session->end != INT32_MIN))
        return;
    session->day = INT32_MAX;
    session->end = render_item_date(r, item, path, "occurred_on", false);
}

/*  The sessions of the list, sorted by start (by the last day one not
    known to the day may have ended on); a session has no State, so
    dated_t's code is unused. */
static dated_t *s_sessions(render_t *r, const json_t *list, size_t *n)
{
    *n = json_array_size(list);
    dated_t *items = *n ? calloc(*n, sizeof *items) : NULL;
    if (*n && !items)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; items && i < *n; i++) {
        const json_t *item = json_array_get(list, i);
        items[i].item = item;
        items[i].en = "";
        s_session_days(r, &items[i]);
        const json_t *number = json_object_get(item, "number");
        if (!json_is_integer(number) || json_integer_value(number) < 1)
            render_fail(r, OPCAT_EINVAL, "sessions_in_period",
                        "stats: \"sessions_in_period\": a session's "
                        "\"number\" is not a number >= 1");
    }
    if (r->failed) {
        free(items);
        *n = 0; /* nothing to write once the render has failed */
        return NULL;
    }
    render_dated_sort(items, *n);
    return items;
}

/*  "第五十五届会议(2025年1月27日至2月7日)", "its fifty-fifth session (27
    January–7 February 2025)", "its thirty-fifth session (June 2018)". */
static void s_put_session(render_t *r, const dated_t *session)
{
    long long number =
        json_integer_value(json_object_get(session->item, "number"));
    if (!r->zh)
        render_put(r, "its ");
    render_put_ordinal(r, number, false);
    render_put(r, "%s", r->zh ? "届会议(" : " session (");
    render_put_session_when(r, session);
    render_put(r, ")");
}

/*  The lead of the sentence: "2025年，小组委员会在日内瓦举行了两届会议：",
    "In 2025, the Subcommittee held two sessions in Geneva: ", or the
    whole sentence when there was none. */
static void s_sessions_lead(render_t *r, const char *place, size_t n)
{
    render_put_when(r, true);
    if (r->zh) {
        render_put(r, "，小组委员会");
        if (!n) {
            render_put(r, "未举行届会。\n\n");
            return;
        }
        if (place)
            render_put(r, "在%s", place);
        render_put(r, "举行了");
        render_put_zh_small(r, n);
        render_put(r, "届会议：");
        return;
    }
    render_put(r, ", the Subcommittee held ");
    render_put_things(r, (long long)n, true, "session", "sessions");
    if (place)
        render_put(r, " in %s", place);
    render_put(r, "%s", n ? ": " : ".\n\n");
}

/*  The sessions, joined, and the sentence's end. */
static void s_put_sessions(render_t *r, const dated_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        if (i)
            render_put(r, "%s",
                       r->zh ? (i + 1 == n ? "和" : "、")
                             : (i + 1 == n ? " and " : ", "));
        s_put_session(r, &items[i]);
    }
    if (n)
        render_put(r, "%s", r->zh ? "。\n\n" : ".\n\n");
}

void render_sessions(render_t *r)
{
    const json_t *list = render_items(r, "sessions_in_period");
    render_put(r, "%s",
               r->lang ? r->lang->sessions_head
               : r->zh ? "### B. 届会\n\n"
                       : "### B. Sessions\n\n");
    if (render_not_recorded(r, "sessions_in_period", WHAT_SESSIONS, false))
        return;
    size_t n;
    dated_t *items = s_sessions(r, list, &n);
    if (r->lang) {
        say_sessions(r, items, n);
    } else {
        s_sessions_lead(r, render_session_place(r, items, n), n);
        s_put_sessions(r, items, n);
    }
    free(items);
}
