/*  report_lang: the tables of the report's languages written from a
    table of strings, French, Spanish, Russian and Arabic (report_lang.c),
    and what their rows are counted by.  The bottom of the renderer (see
    report_put.h): it includes no other of its files. */
#ifndef OPCAT_REPORT_LANG_H
#define OPCAT_REPORT_LANG_H

#include "place.h"

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
    WHAT_PARTIES,
    WHAT_SIGNATORIES,
    WHAT_JOINED,
    WHAT_COUNT
} what_t;

#define REGION_COUNT 5
/*  The kinds of places of deprivation of liberty are those of place.h
    (PLACE_KINDS, their keys), in the report's order: every table of
    their names has one entry a kind, in that order. */

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
    /* one of the two counts, when the other is not recorded */
    const char *parties_only, *signatories_only; /* {0} as at, {1} count */
    const char *joined, *joined_none;            /* {0} when, {1} list */
    const char *joined_item; /* {0} State, {1} instrument, {2} date */
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

#endif
