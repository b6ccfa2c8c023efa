/*  report_int: what the three files of the report renderer share.

    Design: one render_t carries the output buffer, the stats object and
    the first error.  Every helper checks 'failed' first and does nothing
    once a helper has failed, so each section is written as straight-line
    prose; report_render() looks at 'failed' once at the end.  Each
    section has an English and a Chinese function, because the two
    languages order a sentence differently; the shared helpers (names,
    lists, numbers, money, dates) take the language from render_t.

    The renderer is three files:
      report.c           the API of report.h: the renderer, its State
                         names, and report_render() with the period's
                         dates;
      report_put.c       the primitives: output, errors, the stats object,
                         names, lists, numbers, money and dates;
      report_sections.c  the sections, each an English and a Chinese
                         function, in the order of the report.
    Only these three include this header: render_t and the functions below
    are not part of the module's API, which stays the four functions of
    report.h. */
#ifndef OPCAT_REPORT_INT_H
#define OPCAT_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "textbuf.h"

/*  One rendering: the output so far, the input and the first error. */
typedef struct {
    const report_t *report;
    const json_t *stats;
    bool zh;          /* Chinese, else English */
    textbuf_t out;    /* the Markdown written so far */
    err_t *err;       /* where the first failure goes; may be NULL */
    bool failed;      /* a helper failed: everything else is skipped */
    bool full_year;   /* the period is 1 January to 31 December */
    int32_t as_of;    /* stats.as_of */
    int32_t from, to; /* stats.period */
} render_t;

/*  A count in figures with thousands separators ("1,234"); use it as
    render_num(n).text within one expression (the temporary lives that
    long). */
typedef struct {
    char text[32];
} num_t;

/* ------------------------------------------------------------------ */
/*  report.c: State names. */

/*  True if 'text' is an ISO 3166-1 alpha-3 code: three capital letters. */
bool report_is_code(const char *text);

/*  The English name of State 'code' (names.h), or 'code' itself if the
    table lacks it. */
const char *report_name_en(const report_t *self, const char *code);

/* ------------------------------------------------------------------ */
/*  report_put.c: output, errors and the stats object.  Every function
    does nothing (and reads as 0 or NULL) once 'r' has failed. */

/*  Records the first failure: fills 'r->err' with 'code', 'field' (may
    be NULL) and the printf-style message, and sets 'r->failed'. */
void render_fail(render_t *r, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*  Appends the printf-style text to the output, growing the buffer as
    needed; fails with OPCAT_ENOMEM. */
void render_put(render_t *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*  The member at dotted 'path' (e.g. "fund.grants_in_period.count"), of
    type 'type'; NULL and a failure if it is missing or of another type.
    Borrowed from the stats object. */
const json_t *render_get(render_t *r, const char *path, json_type type);

/*  A count (a whole number >= 0) at 'path'; 0 after a failure. */
long long render_count(render_t *r, const char *path);

/*  A count inside the object 'obj' (a missing key, or a NULL 'obj', is
    0); 'path' names 'obj' in the failure if the member is not a count. */
long long render_member_count(render_t *r, const json_t *obj, const char *path,
                              const char *key);

/*  The list of State codes at 'path'; NULL and a failure if it is not a
    list of alpha-3 codes. */
const json_t *render_states(render_t *r, const char *path);

/*  Writes 'day' at 'precision' (datefmt.h): "31 December 2025", "May
    2024", "2024", "by 31 December 2024"; in Chinese "2025年12月31日",
    "2024年5月", "2024年", "不晚于2024年12月31日". */
void render_put_date(render_t *r, int32_t day, int precision);

/* ------------------------------------------------------------------ */
/*  report_put.c: names, lists, numbers, money and dates, each written in
    the rendering's language. */

/*  Writes the States of 'list' in the order of their English names,
    joined as the language joins a series: "A, B and C", "A、B和C", or
    with 'all_commas' "A、B、C" (as the seed writes some lists).  Fails if
    a State has no Chinese name. */
void render_put_states(render_t *r, const json_t *list, bool all_commas);

/*  'n' in figures with thousands separators (see num_t). */
num_t render_num(long long n);

/*  Writes a count: figures with separators ("1,234"); in English, one to
    nine in words when 'words' (UN style, "six visits"). */
void render_put_count(render_t *r, long long n, bool words);

/*  Writes "N thing"/"N things" in English. */
void render_put_things(render_t *r, long long n, bool words, const char *one,
                       const char *many);

/*  Writes the sums of the object 'path' {"USD": "...", ...}, US dollars
    first, then by currency code: "$423,926 and €210,000",
    "423,926美元和210,000欧元".  Returns the number of currencies.  Fails
    unless 'path' maps currency codes to amounts ("423926.00", at most two
    decimals). */
size_t render_put_sums(render_t *r, const char *path);

/*  Writes the period: "1 January to 31 December 2025",
    "2025年1月1日至12月31日". */
void render_put_period(render_t *r);

/*  "In 2025"/"2025年" for a calendar-year period, else "During the
    reporting period"/"在本报告所述期间".  'lead': at a sentence's start. */
void render_put_when(render_t *r, bool lead);

/*  "As at 31 December 2025"/"截至2025年12月31日"; 'lead': at a
    sentence's start ("as at" otherwise). */
void render_put_as_at(render_t *r, bool lead);

/*  Writes one sum of money: "$423,926", "CHF 10,000", "423,926美元";
    fails unless 'currency' is a code and 'amount' a decimal string
    ('path' names the key in the failure). */
void render_put_money(render_t *r, const char *path, const char *currency,
                      const json_t *amount);

/*  Writes 'day', known to the day: "31 December 2025", "2025年12月31日". */
void render_put_day(render_t *r, int32_t day);

/*  Writes the days 'from' to 'to' as UN texts do: "27 January–7 February
    2025", "10–14 November 2025", "2025年1月27日至2月7日",
    "2025年11月10日至14日"; without the year ("15–21 June", "6月15日至
    21日") unless 'year' (the year is always written when the two days
    are in different years). */
void render_put_range(render_t *r, int32_t from, int32_t to, bool year);

/*  Writes the ordinal 'n' (1-99 in words): "fifty-fifth", "第五十五";
    'capital': "Nineteenth". */
void render_put_ordinal(render_t *r, long long n, bool capital);

/*  Writes the name of State 'code' in the rendering's language ("the"
    before the English names that take it, "The" at a sentence's start:
    'lead'); fails if it has none. */
void render_put_state(render_t *r, const char *code, bool lead);

/*  The list of objects at 'path'; NULL and a failure if it is not a list
    of objects. */
const json_t *render_items(render_t *r, const char *path);

/*  The date at 'key' of the object 'item' of the list 'path'; with
    'optional', a missing or null date is INT32_MIN, else a failure. */
int32_t render_item_date(render_t *r, const json_t *item, const char *path,
                         const char *key, bool optional);

/*  The State code at "state" of the object 'item' of the list 'path';
    NULL and a failure if it is not one. */
const char *render_item_code(render_t *r, const json_t *item, const char *path);

/*  Whether the stats mark the figure at 'path' as not known completely:
    'path', or a key of which it is a part ("visits" for
    "visits.completed_in_period"), is in the optional list "incomplete"
    of the stats object (the periods before the dataset's coverage). */
bool render_incomplete(render_t *r, const char *path);

/*  If 'path' is incomplete, writes "The <what_en> in 2010 is not
    recorded." / "2010年，<what_zh>未记录。" ('as_at': "as at <date>"
    instead of the period) and returns true; else writes nothing and
    returns false. */
bool render_not_recorded(render_t *r, const char *path, const char *what_en,
                         const char *what_zh, bool as_at);

/* ------------------------------------------------------------------ */
/*  report_sections.c: the sections, in the order report_render() calls
    them.  Each reads its keys of the contract first, then writes its
    prose in the rendering's language. */

/*  The title (with the report's number for a calendar year from 2011),
    the introduction with the reporting period, and the headings of
    chapter II and section II.A. */
void render_title(render_t *r);

/*  Section II.A: States parties and signatories, the States that joined
    in the period, and the two tables by regional group. */
void render_parties(render_t *r);

/*  Section II.B: the sessions held in the period. */
void render_sessions(render_t *r);

/*  Section II.D: the Special Fund's grants (and the States named) and
    contributions (and the donors).  Fails if grants were awarded but
    their total is empty. */
void render_fund(render_t *r);

/*  Section III.A: visits conducted (with their dates) and postponed,
    interviews, persons interviewed and the places of deprivation of
    liberty visited ("more than" where the stats give lower bounds). */
void render_visits(render_t *r);

/*  Section III.B: visit reports transmitted and published. */
void render_reports(render_t *r);

/*  Section III.C: replies to visit reports and follow-up dialogues with
    States parties and national preventive mechanisms. */
void render_replies(render_t *r);

/*  Section IV.A: national preventive mechanisms designated in the period,
    the article 17 list and the number of mechanisms designated. */
void render_npm(render_t *r);

/*  Section VI.B: the visits announced and still ahead. */
void render_plan(render_t *r);

#endif
