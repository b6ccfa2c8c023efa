/*  report: the annual report's figures as Markdown, from a stats answer.

    A pure renderer: it turns the aggregation service's stats object (the
    stats contract of DOMAIN.md, as returned by the "stats" query on
    OPCAT_STATS) into the sentences of the SPT annual report's sections
    II.A, II.D, III.A, III.B, III.C and IV.A, in English (the style of
    the SPT's English annual reports) or Chinese (the wording of the seed
    report, shared/seed/spt-annual-report-19.zh.txt).  It computes no
    figure itself beyond sums of the contract's counts; it reads no
    events, opens no socket and writes no file.

    Where the seed states something the contract cannot give (accession
    and visit dates, donors, persons interviewed, document symbols,
    "unchanged"), the sentence leaves it out rather than invent it.

    State names: English from the ISO 3166-1 list (codes_state_name(),
    "Bolivia, Plurinational State of" written "Bolivia (Plurinational State
    of)", "Palestine, State of" written "State of Palestine", and "the"
    before the names that take it); Chinese from the table
    'share_dir'/state-names-zh.tsv (REPORT_NAMES_ZH), one "ALPHA3 TAB name"
    per line, '#' lines ignored.  Lists of States are in the order of
    their English names, as UN documents list them. */
#ifndef OPCAT_REPORT_H
#define OPCAT_REPORT_H

#include <jansson.h>

#include "codes.h"
#include "err.h"

#define REPORT_NAMES_ZH "state-names-zh.tsv"

typedef struct report report_t;

/*  Creates a renderer.  'codes' is borrowed and must outlive the
    renderer.  'share_dir' is the directory holding REPORT_NAMES_ZH (the
    checkout's data/); NULL loads no Chinese names, and rendering "zh"
    then fails.  Returns NULL with 'err' filled if the table cannot be
    read or a line is malformed (OPCAT_EIO, OPCAT_EINVAL, OPCAT_ENOMEM). */
report_t *report_new(const codes_t *codes, const char *share_dir, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL is allowed. */
void report_destroy(report_t **self);

/*  The Chinese name of State 'code' (e.g. "PER" -> "秘鲁"), or NULL.
    Borrowed: valid until report_destroy(). */
const char *report_state_name_zh(const report_t *self, const char *code);

/*  Renders the stats object 'stats' as Markdown in 'lang' ("en" or
    "zh").  Returns a NUL-terminated UTF-8 string the caller frees, or
    NULL with 'err' filled: OPCAT_EINVAL when a key of the contract is
    missing or of the wrong type ('err->field' names it, e.g.
    "reports.transmitted_total"), when an amount is not a decimal string
    or a State has no name in 'lang'; OPCAT_ENOMEM. */
char *report_render(const report_t *self, const json_t *stats, const char *lang,
                    err_t *err);

#endif
