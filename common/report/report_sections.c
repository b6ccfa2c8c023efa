/*  report_sections: what the sections share (see report_int.h).

    The sections themselves are the report_sec_*.c files, one a family:
    each reads its keys of the stats contract, then hands them to an
    English or a Chinese function, which writes the section's prose with
    the primitives of report_put.c, or to the function of report_say.c
    that writes a table language's sentences.  Here: the dated lists they
    sort, and the Chinese numerals of small counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datefmt.h"
#include "report_int.h"

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
        items[i].en =
            items[i].code ? report_name_en(r->report, items[i].code) : "";
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
