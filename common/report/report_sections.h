/*  report_sections: what the sections of report_sec_*.c and their
    table-language functions of report_say.c share (see report_put.h). */
#ifndef OPCAT_REPORT_SECTIONS_H
#define OPCAT_REPORT_SECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report_put.h"

/*  report_sections.c: what the sections share. */

/*  One dated item of a list, sorted by date (by its last day when its
    first is not recorded), then by English name. */
typedef struct {
    int32_t day, end; /* end: 0 when the list has no last days */
    const char *code;
    const char *en; /* the English name, the sort key */
    const json_t *item;
} dated_t;

/*  The items of 'list' ('path') with their State and the date at 'key'
    ('end' at 'end_key' if not NULL; with 'optional', a missing date sorts
    last as INT32_MAX), sorted; '*n' gets their number.  NULL on failure
    or an empty list; the caller frees. */
dated_t *render_dated(render_t *r, const json_t *list, const char *path,
                      const char *key, const char *end_key, bool optional,
                      size_t *n);

/*  The precision of a dated item's last day ('key' + "_precision", e.g.
    "end_precision": "not_after"), DATEFMT_DAY when it has none; fails on
    a name that is not a precision. */
int render_item_precision(render_t *r, const dated_t *item, const char *key);

/*  Sorts the 'n' 'items' (NULL allowed) by date (an item whose first day
    is not recorded by its last), then by English name. */
void render_dated_sort(dated_t *items, size_t n);

/*  Section II.A's figures, and which of them the stats know completely
    (a count not known is "not recorded": the day of a signature or a
    ratification may be known only within bounds that hold the as-of
    day). */
typedef struct {
    long long parties, signatories;
    const json_t *joined_on;   /* states_parties.joined_in_period_on */
    const json_t *signed_list; /* signatories.states */
    bool parties_known, signatories_known;
} parties_t;

/*  Writes, in the report's language, a paragraph "not recorded" for
    each of the two counts of section II.A the stats mark incomplete
    (render_not_recorded), nothing for one that is known. */
void render_counts_not_recorded(render_t *r);

/*  Writes the count 'n' as the seed writes a small one in Chinese: "两"
    for 2, in words up to ten; in figures above. */
void render_put_zh_small(render_t *r, size_t n);

/*  The number of the annual report on the period (19 for 2025), 0 for a
    period that is not a calendar year from 2011. */
int render_report_number(const render_t *r);

/*  Writes the Markdown table of the regional distribution at 'path',
    with the column 'what'. */
void render_region_table(render_t *r, const char *path, const char *what);

/*  The place every session of 'items' was held at ("Geneva"), if they
    share one; else NULL. */
const char *render_session_place(const render_t *r, const dated_t *items,
                                 size_t n);

/*  Writes when 'session' was held: its first to last day, or, for one
    whose day is INT32_MAX (not known to the day), its end at the
    precision of "occurred_on" ("June 2018"). */
void render_put_session_when(render_t *r, const dated_t *session);

/*  Whether the figure 'key' of "visits" is a lower bound. */
bool render_more_than(render_t *r, const char *key);

/*  The places visited by kind, in the report's order, into 'counts';
    returns their total. */
long long render_place_counts(render_t *r, const json_t *places,
                              long long counts[PLACE_KINDS]);

/*  The places visited in the period: false when there is nothing to say
    (none, or not recorded: then the interviews' sentence says so);
    otherwise 'counts' by kind, their '*sum' and the stated '*total'. */
bool render_places_visited(render_t *r, long long counts[PLACE_KINDS],
                           long long *sum, long long *total);

#endif
