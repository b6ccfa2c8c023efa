/*  report_int: what the files of the report renderer share.

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

    The renderer is these files, each calling only the ones below it:
      report.c           the API of report.h: the renderer, its State
                         names, and report_render() with the period's
                         dates;
      report_sec_*.c     the sections, each an English and a Chinese
                         function, one file a family: parties (the title
                         and II.A), sessions (II.B), fund (II.D), visits
                         (III.A and VI.B), reports (III.B and III.C), npm
                         (IV.A);
      report_say.c       the sections for a table language, called by
                         those of report_sec_*.c;
      report_sections.c  what the sections share: dated lists, small
                         Chinese numerals, the report's number, the
                         regional table, the place of the sessions and
                         the places visited;
      report_put.c       the primitives: output, errors, the stats object,
                         templates and their pieces, names, lists,
                         numbers, money and dates;
      report_lang.c      the tables: French, Spanish, Russian, Arabic.
    Only these include this header: render_t and the functions below are
    not part of the module's API, which stays the four functions of
    report.h. */
#ifndef OPCAT_REPORT_INT_H
#define OPCAT_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "names.h"
#include "textbuf.h"

/* ------------------------------------------------------------------ */
/*  A language of the report written from one table of strings: French,
    Spanish, Russian and Arabic (report_lang.c).  Each string is a
    sentence or a phrase with placeholders {0} to {3}, filled by
    render_say() with the pieces the comment names; a sentence keeps the
    language's word order, and its figures stand where no agreement with
    a counted noun is needed ("nombre de visites : 4"), so that one
    sentence serves every count.  Adding a language is adding a table. */

/*  The figures a section may say are not recorded (render_not_recorded). */
typedef enum {
    WHAT_SESSIONS,
    WHAT_GRANTS,
    WHAT_CONTRIBUTIONS,
    WHAT_VISITS,
    WHAT_DESIGNATED,
    WHAT_ART17,
    WHAT_NPM_TOTAL,
    WHAT_PLAN,
    WHAT_COUNT
} what_t;

#define REGION_COUNT 5
/*  The kinds of places of deprivation of liberty, in the report's order
    (report_sections.c keeps their keys): every table of their names has
    one entry a kind, in that order. */
#define PLACE_KINDS 10

typedef struct {
    const char *code;            /* "fr" */
    int style;                   /* datefmt_style_t of the dates */
    const char *group, *decimal; /* thousands separator, decimal mark */
    const char *sep, *and_;      /* "A, B et C" */
    const char *and_i; /* "and" before an i sound (Spanish "e"), or NULL */
    /* "{0}": a date, a year or a phrase of time */
    const char *as_at, *as_at_mid, *in_year, *in_year_mid, *in_period,
        *in_period_mid, *by_end, *more_than, *about;
    const char *range;        /* {0} first day, {1} last day */
    const char *not_recorded; /* {0} what, {1} when */
    const char *what[WHAT_COUNT];
    const char *usd, *eur, *money; /* {0} amount, {1} currency code */
    /* title and section II.A; {0} report number, {1} period */
    const char *title, *title_n, *intro;
    const char *regions[REGION_COUNT], *region_col, *parties_col,
        *signatories_col;
    const char *instruments[3]; /* accession, ratification, succession */
    const char *parties;        /* {0} as at, {1} parties, {2} signatories */
    const char *joined, *joined_none; /* {0} when, {1} list */
    const char *joined_item;          /* {0} State, {1} instrument, {2} date */
    const char *parties_regions, *signatories_regions;
    const char *signatories_note; /* {0} as at, {1} list */
    /* section II.B */
    const char *sessions_head, *sessions, *sessions_none, *session;
    const char *geneva, *new_york;
    /* section II.D */
    const char *fund_head, *grants, *grants_named, *grants_none;
    const char *donors_first, *donors_other, *donors, *donor;
    const char *contributions, *contributions_none;
    /* section III.A */
    const char *visits_head, *postponed, *visits, *visits_none, *visit;
    const char *interviews, *interviews_persons, *interviews_unknown;
    const char *places, *places_all, *place;
    const char *place_kinds[PLACE_KINDS];
    /* section III.B */
    const char *reports_head, *reports_unknown, *reports_sent,
        *reports_sent_part, *reports_sent_now, *reports_published,
        *reports_published_now;
    const char *reports_stated; /* {0} when, {1} count: as the source
                                   states it, the reports not itemized */
    /* section III.C */
    const char *replies_head, *replies, *replies_none, *replies_unknown,
        *replies_public, *dialogues, *dialogues_none, *dialogues_unknown,
        *npm_dialogues;
    /* section IV.A */
    const char *npm_head, *designated, *designated_none, *art17, *art17_none,
        *npm_total;
    /* section VI.B */
    const char *plan_head, *plan_again, *plan_fresh, *plan_year, *plan_none;
} report_lang_t;

/*  The table of language 'code', or NULL (English and Chinese have their
    own functions, see report_sec_*.c). */
const report_lang_t *report_lang(const char *code);

/* ------------------------------------------------------------------ */
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

/* ------------------------------------------------------------------ */
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

/* ------------------------------------------------------------------ */
/*  report_say.c: the sections in a table language, called by those of
    report_sec_*.c with the keys they read. */

void say_title(render_t *r);
void say_parties(render_t *r, long long parties, long long signatories,
                 const json_t *joined_on, const json_t *signed_list);
void say_sessions(render_t *r, const dated_t *items, size_t n);
void say_grants(render_t *r, long long grants, long long states,
                const json_t *named);
void say_contributions(render_t *r, const dated_t *items, size_t n, bool any);
void say_visits(render_t *r, const json_t *done, const json_t *later,
                long long interviews, long long persons);
void say_reports(render_t *r, long long sent, const json_t *sent_now,
                 long long published, const json_t *published_now);
void say_replies(render_t *r, const json_t *in, const json_t *out,
                 const json_t *state, const json_t *npm);
void say_designated(render_t *r, const json_t *designated);
void say_art17(render_t *r, const json_t *list);
void say_npm_total(render_t *r, long long shown, bool about);
void say_plan(render_t *r, const json_t *planned, const json_t *again,
              const json_t *fresh, int y);

/* ------------------------------------------------------------------ */
/*  report_sec_*.c: the sections, in the order report_render() calls
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
