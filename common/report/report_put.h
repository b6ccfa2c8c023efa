/*  report_put: the renderer's primitives, and the design of the
    renderer's files.

    Design: one render_t carries the output buffer, the stats object and
    the first error.  Every helper checks 'failed' first and does nothing
    once a helper has failed, so each section is written as straight-line
    prose; report_render() looks at 'failed' once at the end.  Each
    section has an English and a Chinese function, because the two
    languages order a sentence differently (and the Chinese keeps the
    seed's sentences word for word); French, Spanish, Russian and Arabic
    share one function per section that writes the sentences of the
    language's table (report_lang.c).  The shared helpers (names, lists,
    numbers, money, dates) take the language from render_t.

    The renderer is these files, each calling only the ones below it and
    including only the headers of those:
      report.c           the API of report.h: the renderer, its State
                         names, and report_render() with the period's
                         dates (report.h);
      report_sec_*.c     the sections, each an English and a Chinese
                         function, one file a family: parties (the title
                         and II.A), sessions (II.B), fund (II.D), visits
                         (III.A and VI.B), reports (III.B and III.C), npm
                         (IV.A) (report_sec.h);
      report_say.c       the sections for a table language, called by
                         those of report_sec_*.c (report_say.h);
      report_sections.c  what the sections share: dated lists, small
                         Chinese numerals, the report's number, the
                         regional table, the place of the sessions and
                         the places visited (report_sections.h);
      report_put.c       the primitives: output, errors, the stats object,
                         templates and their pieces, names, lists,
                         numbers, money and dates (this header);
      report_lang.c      the tables: French, Spanish, Russian, Arabic
                         (report_lang.h).
    Only these include these headers: render_t and the functions they
    declare are not part of the module's API, which stays the four
    functions of report.h. */
#ifndef OPCAT_REPORT_PUT_H
#define OPCAT_REPORT_PUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "names.h"
#include "report_lang.h"
#include "textbuf.h"

/*  One rendering: the output so far, the input and the first error. */
typedef struct {
    const names_t *names; /* the renderer's table of State names */
    const json_t *stats;
    bool zh;                   /* Chinese, else English or 'lang' */
    const report_lang_t *lang; /* a table language, else NULL */
    textbuf_t out;             /* the Markdown written so far */
    err_t *err;                /* where the first failure goes; may be NULL */
    bool failed;               /* a helper failed: everything else is skipped */
    bool full_year;            /* the period is 1 January to 31 December */
    int32_t as_of;             /* stats.as_of */
    int32_t from, to;          /* stats.period */
} render_t;

/*  A count in figures with thousands separators ("1,234"); use it as
    render_num(n).text within one expression (the temporary lives that
    long). */
typedef struct {
    char text[32];
} num_t;

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

/*  A figure the stats give only when a source states it, at 'path'
    "section.key" ("reports.transmitted_in_period_stated"): true with '*n'
    set if it is there and not marked incomplete; false if it is absent
    or marked.  A value that is not a count fails. */
bool render_stated(render_t *r, const char *path, long long *n);

/*  The count of visit reports a source states for the period, where the
    reports themselves are not itemized (a period.summary's). */
#define RENDER_REPORTS_STATED "reports.transmitted_in_period_stated"

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
/*  report_put.c: templates and their pieces. */

/*  Writes the template 'tpl' with {0}..{9} replaced by 'args' (a missing
    or NULL one by nothing); other braces are written as they are. */
void render_sayv(render_t *r, const char *tpl, const char *const *args,
                 size_t n);
#define render_say(r, tpl, ...)                                                \
    render_sayv((r), (tpl), (const char *const[]){__VA_ARGS__},                \
                sizeof((const char *const[]){__VA_ARGS__}) /                   \
                    sizeof(const char *))

/*  The pieces of a sentence, written before it and freed after it. */
#define PIECES_MAX 16
typedef struct {
    char *text[PIECES_MAX];
    size_t n;
} pieces_t;

/*  Writing a piece: render_begin() sends the output to a side buffer
    ('saved' keeps the report's), render_end() gives the piece back
    (kept in 'keep', "" after a failure) and restores the output. */
void render_begin(render_t *r, textbuf_t *saved);
const char *render_end(render_t *r, textbuf_t *saved, pieces_t *keep);

/*  Frees the pieces of 'keep'. */
void render_pieces_free(pieces_t *keep);

/* ------------------------------------------------------------------ */
/*  report_put.c: names, lists, numbers, money and dates, each written in
    the rendering's language. */

/*  True if 'text' is an ISO 3166-1 alpha-3 code: three capital letters. */
bool render_is_code(const char *text);

/*  The English name of State 'code' (names.h), or 'code' itself if the
    table lacks it. */
const char *render_name_en(const render_t *r, const char *code);

/*  Writes the States of 'list' in the order of their English names,
    joined as the language joins a series: "A, B and C", "A、B和C", or
    with 'all_commas' "A、B、C" (as the seed writes some lists).  Fails if
    a State has no Chinese name. */
void render_put_states(render_t *r, const json_t *list, bool all_commas);

/*  Writes the table language's "and" before the item 'next' (Spanish
    " e " before "I..." and "Hi...", as in "Francia e Irlanda"). */
void render_put_and(render_t *r, const char *next);

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

/*  If 'path' is incomplete, writes "The <what> in 2010 is not
    recorded." / "2010年，<what>未记录。" / the table's not_recorded
    sentence ('as_at': "as at <date>" instead of the period) and returns
    true; else writes nothing and returns false. */
bool render_not_recorded(render_t *r, const char *path, what_t what,
                         bool as_at);

#endif
