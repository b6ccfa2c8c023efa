/*  report_sections: what the sections share (see report_sections.h).

    The sections themselves are the report_sec_*.c files, one a family:
    each reads its keys of the stats contract, then hands them to an
    English or a Chinese function, which writes the section's prose with
    the primitives of report_put.c, or to the function of report_say.c
    that writes a table language's sentences.  Here, below both: the
    dated lists they sort, the Chinese numerals of small counts, and what
    a section and its table-language function both read (the report's
    number, the regional table, the place of the sessions, the places
    visited). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "place.h"
#include "report_sections.h"

int render_item_precision(render_t *r, const dated_t *item, const char *key)
{
    char name[64];
    snprintf(name, sizeof name, "%s_precision", key);
    const json_t *v = json_object_get(item->item, name);
    if (!v)
        return DATEFMT_DAY;
    int precision = datefmt_precision_parse(json_string_value(v));
    if (precision < 0) {
        render_fail(r, OPCAT_EINVAL, name, "stats: \"%s\" is not a precision",
                    name);
        return DATEFMT_DAY;
    }
    return precision;
}

/*  Chinese numerals up to ten, as the seed writes small counts. */
static const char *const s_small_zh[] = {"零", "一", "两", "三", "四", "五",
                                         "六", "七", "八", "九", "十"};

void render_put_zh_small(render_t *r, size_t n)
{
    if (n < sizeof s_small_zh / sizeof s_small_zh[0])
        render_put(r, "%s", s_small_zh[n]);
    else
        render_put(r, "%s", render_num((long long)n).text);
}

/*  The day an item sorts by: its date, or, when its first day is not
    recorded but its last is, the last (a visit whose start is unknown
    takes its place among the others by its end, not after all of them). */
static int32_t s_sort_day(const dated_t *item)
{
    return item->day == INT32_MAX && item->end ? item->end : item->day;
}

static int s_dated_cmp(const void *a, const void *b)
{
    const dated_t *x = a, *y = b;
    int32_t dx = s_sort_day(x), dy = s_sort_day(y);
    if (dx != dy)
        return dx < dy ? -1 : 1;
    return strcmp(x->en, y->en);
}

void render_dated_sort(dated_t *items, size_t n)
{
    if (items)
        qsort(items, n, sizeof *items, s_dated_cmp);
}

/*  The items of 'list' ('path') with their State and the date at 'key'
    ('end' at 'end_key' if not NULL; a missing optional date sorts last),
    sorted; '*n' gets their number.  NULL on failure or an empty list;
    the caller frees. */
dated_t *render_dated(render_t *r, const json_t *list, const char *path,
                      const char *key, const char *end_key, bool optional,
                      size_t *n)
{
    *n = json_array_size(list);
    dated_t *items = *n ? calloc(*n, sizeof *items) : NULL;
    if (*n && !items)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; items && i < *n && !r->failed; i++) {
        const json_t *item = json_array_get(list, i);
        items[i].item = item;
        items[i].code = render_item_code(r, item, path);
        items[i].en = items[i].code ? render_name_en(r, items[i].code) : "";
        items[i].day = render_item_date(r, item, path, key, optional);
        if (optional && items[i].day == INT32_MIN)
            items[i].day = INT32_MAX;
        if (end_key)
            items[i].end = render_item_date(r, item, path, end_key, false);
    }
    if (r->failed) {
        free(items);
        return NULL;
    }
    render_dated_sort(items, *n);
    return items;
}

/* ------------------------------------------------------------------ */
/*  The title and section II.A: the report's number, the regional groups. */

/*  The five regional groups, in the report's order. */
static const struct {
    const char *key, *en, *zh;
} s_regions[] = {
    {"africa", "African States", "非洲国家"},
    {"asia_pacific", "Asia-Pacific States", "亚太国家"},
    {"eastern_europe", "Eastern European States", "东欧国家"},
    {"latin_america_caribbean", "Latin American and Caribbean States",
     "拉丁美洲和加勒比国家"},
    {"weog", "Western European and other States", "西欧和其他国家"}};

/*  The number of the annual report on calendar year 'y': the fifth
    covered 2011, and each later one a calendar year; the first four
    covered other periods.  0: no number. */
int render_report_number(const render_t *r)
{
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    return r->full_year && y >= 2011 ? y - 2006 : 0;
}

void render_counts_not_recorded(render_t *r)
{
    render_not_recorded(r, "states_parties.total", WHAT_PARTIES, true);
    render_not_recorded(r, "signatories.total", WHAT_SIGNATORIES, true);
}

void render_region_table(render_t *r, const char *path, const char *what)
{
    const json_t *by_region = render_get(r, path, JSON_OBJECT);
    render_put(r, "| %s | %s |\n|---|--:|\n",
               r->lang ? r->lang->region_col
               : r->zh ? "区域"
                       : "Regional group",
               what);
    for (size_t i = 0; i < REGION_COUNT; i++) {
        long long n = render_member_count(r, by_region, path, s_regions[i].key);
        render_put(r, "| %s | ",
                   r->lang ? r->lang->regions[i]
                   : r->zh ? s_regions[i].zh
                           : s_regions[i].en);
        render_put_count(r, n, false);
        render_put(r, "%s |\n", r->zh ? "个" : "");
    }
    render_put(r, "\n");
}

/* ------------------------------------------------------------------ */
/*  Section II.B: the place of the sessions. */

/*  Places of sessions the report names in Chinese. */
static const struct {
    const char *en, *zh;
} s_places_of_sessions[] = {{"Geneva", "日内瓦"}, {"New York", "纽约"}};

/*  The place every session of 'items' was held at, if they share one
    the report can name in its language; else NULL. */
const char *render_session_place(const render_t *r, const dated_t *items,
                                 size_t n)
{
    const char *place = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *p =
            json_string_value(json_object_get(items[i].item, "place"));
        if (!p || !*p || (place && strcmp(place, p) != 0))
            return NULL;
        place = p;
    }
    if (!place || !r->zh)
        return place;
    for (size_t i = 0;
         i < sizeof s_places_of_sessions / sizeof s_places_of_sessions[0]; i++)
        if (strcmp(s_places_of_sessions[i].en, place) == 0)
            return s_places_of_sessions[i].zh;
    return NULL;
}

void render_put_session_when(render_t *r, const dated_t *session)
{
    if (session->day == INT32_MAX)
        render_put_date(r, session->end,
                        render_item_precision(r, session, "occurred_on"));
    else
        render_put_range(r, session->day, session->end, true);
}

/* ------------------------------------------------------------------ */
/*  Section III.A: the places visited. */

/*  The places of 'places' by category, in the report's order; a key the
    report does not name counts as "other".  Returns the total. */
long long render_place_counts(render_t *r, const json_t *places,
                              long long counts[PLACE_KINDS])
{
    long long total = 0;
    const char *key;
    const json_t *value;
    memset(counts, 0, PLACE_KINDS * sizeof *counts);
    json_object_foreach((json_t *)places, key, value)
    {
        int i = place_index(key);
        if (i < 0)
            i = PLACE_OTHER;
        long long n =
            render_member_count(r, places, "visits.places_in_period", key);
        counts[i] += n;
        total += n;
    }
    return total;
}

/*  Whether the figure 'key' of "visits" is a lower bound ("more than"). */
bool render_more_than(render_t *r, const char *key)
{
    const json_t *list = render_get(r, "visits.more_than", JSON_ARRAY);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_is_string(item) && strcmp(json_string_value(item), key) == 0)
            return true;
    }
    return false;
}

bool render_places_visited(render_t *r, long long counts[PLACE_KINDS],
                           long long *sum, long long *total)
{
    if (render_incomplete(r, "visits.places_in_period"))
        return false; /* said with the interviews */
    *sum = render_place_counts(
        r, render_get(r, "visits.places_in_period", JSON_OBJECT), counts);
    *total = render_count(r, "visits.places_total_in_period");
    return *total || *sum;
}
