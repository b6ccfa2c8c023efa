/*  report: the annual report's figures as Markdown, from a stats answer.

    A pure renderer: it turns the aggregation service's stats object (the
    stats contract of DOMAIN.md and docs/AGGREGATES.md, as returned by the
    "stats" query on OPCAT_STATS) into the SPT annual report's title,
    introduction and sections II.A, II.B, II.D, III.A, III.B, III.C, IV.A
    and VI.B, in the six official languages of the United Nations:
    English (the style of the SPT's English annual reports), Chinese (the
    wording of the seed report, shared/seed/spt-annual-report-19.zh.txt,
    word for word where it can), French, Spanish, Russian and Arabic (the
    UN's terminology for the same report; Arabic is written right to left
    by whoever displays it, with Western digits).  Every figure is the
    same in every language.
    It computes no figure itself beyond sums of the contract's counts and
    the rounding of "some 80" mechanisms; it reads no events, opens no
    socket and writes no file.  Any period renders: the report's number,
    dates and the year of the plan of work follow it.

    Where the seed states something the contract cannot give (document
    symbols, "unchanged", the reasons for a postponement), the sentence
    leaves it out rather than invent it; a figure given as "more than N"
    is written so.

    State names: the United Nations' short names in each language, from
    the table of common/names.h (data/state-names.tsv); "the" before the
    English names that take it in running text.  Lists of States are in
    the order of their English names, as UN documents list them. */
#ifndef OPCAT_REPORT_H
#define OPCAT_REPORT_H

#include <stdbool.h>

#include <jansson.h>

#include "err.h"
#include "names.h"

typedef struct report report_t;

/*  The languages report_render() writes, for usage messages. */
#define REPORT_LANGS "ar, zh, en, fr, ru or es"

/*  Whether report_render() writes language 'lang'. */
bool report_lang_known(const char *lang);

/*  Creates a renderer.  'names' is borrowed and must outlive the
    renderer.  Returns NULL with 'err' filled if 'names' is NULL
    (OPCAT_EINVAL) or on OPCAT_ENOMEM. */
report_t *report_new(const names_t *names, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL is allowed. */
void report_destroy(report_t **self);

/*  The name of State 'code' in 'lang' (one of REPORT_LANGS; e.g. "PER",
    "zh" -> "秘鲁"), or NULL.  Borrowed: valid as long as the names table. */
const char *report_state_name(const report_t *self, const char *code,
                              const char *lang);

/*  Renders the stats object 'stats' as Markdown in 'lang' (one of
    REPORT_LANGS).  Returns a NUL-terminated UTF-8 string the caller frees, or
    NULL with 'err' filled: OPCAT_EINVAL when a key of the contract is
    missing or of the wrong type ('err->field' names it, e.g.
    "reports.transmitted_total"), when an amount is not a decimal string
    or a State has no name in 'lang'; OPCAT_ENOMEM.

    A figure the stats mark as not known completely (a key, or the key
    of its section, in the optional list "incomplete" of the stats
    object) is written "not recorded" / "未记录" instead of a count. */
char *report_render(const report_t *self, const json_t *stats, const char *lang,
                    err_t *err);

#endif
