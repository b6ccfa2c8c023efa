/*  build: one stats answer being built, and what its sections share, and
    the design of the stats' files.

    Design: one agg_build_t carries the read transaction, the period, the
    coverage, the period's summaries added up, the figures marked
    incomplete and the first error.  A build keeps the first error in
    'rc'; once it is set, every helper and section adds nothing more, so
    each section is written as straight-line code and agg_stats_build()
    looks at 'rc' once at the end.

    The stats are these files, each calling only the ones below it and
    including only the headers of those:
      agg_stats.c    the API of agg_stats.h: the answer assembled from the
                     sections in the contract's order, and the sessions;
      agg_states.c   States parties and signatories (agg_states.h);
      agg_visits.c   the period's summaries, read first, and the visits
                     (agg_visits.h);
      agg_reports.c  visit reports, replies, follow-up dialogues
                     (agg_reports.h);
      agg_npm.c      a State's NPM deadline and the art. 17 lists, which
                     the State and art. 17 queries use too, and the NPM
                     section (agg_npm.h);
      agg_fund.c     an amount's text, which the projection uses too, and
                     the Special Fund section (agg_fund.h);
      agg_build.c    the build's helpers (this header);
    below them agg_known.h (coverage and vague facts) and agg_tables.h.
    agg_build_t and these helpers are not part of the service's API: only
    the stats' files include this header. */
#ifndef OPCAT_AGG_BUILD_H
#define OPCAT_AGG_BUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agg_regions.h"
#include "agg_tables.h"
#include "coverage.h"

/*  The earliest day any counter is read from (1900-01-01). */
#define AGG_FIRST_DAY (-25567)

/*  The currencies a build adds up at the most; more are left out. */
#define AGG_MAX_CURRENCIES 32

/*  An amount of money in one currency. */
typedef struct {
    char code[4];  /* ISO 4217 */
    int64_t cents; /* hundredths */
} agg_amount_t;

/*  The period.summary figures that fall in the period, added up. */
typedef struct {
    uint64_t places[PLACE_KINDS];
    uint64_t interviews, persons, grants, grant_states;
    uint64_t places_stated; /* the summaries' totals of places: as stated,
                               else their categories' sum */
    bool more_than;         /* a summary gives "more than" figures */
    uint64_t reports;       /* the visit reports transmitted, as stated */
    bool reports_stated;    /* a summary in the period states them */
    int32_t reports_until;  /* the stating summaries cover the period from
                               its start up to this day without a gap */
    agg_amount_t amounts[AGG_MAX_CURRENCIES];
    int currencies;
    json_t *named; /* grant States the summaries name */
} agg_summaries_t;

/*  One answer being built (see the design above).  The section headers
    name it by the forward declaration alone. */
typedef struct agg_build agg_build_t;
struct agg_build {
    agg_tx_t *tx;
    const agg_regions_t *regions;
    int32_t as_of, from;  /* the period */
    int rc;               /* the first error: an mdb_* code or OPCAT_ENOMEM */
    coverage_t *cover;    /* the dataset.coverage intervals */
    agg_summaries_t sum;  /* agg_visits_summaries() */
    json_int_t npm_total; /* parties with an NPM designated by as_of */
    json_t *incomplete;   /* key paths of the figures marked incomplete */
};

/*  The functions below that read the tables read nothing once 'b->rc'
    is set (their answer is then empty), and set it on an error. */

/*  Marks the figure at 'path' incomplete (once). */
void agg_build_incomplete(agg_build_t *b, const char *path);

/*  Whether 'path' is marked incomplete. */
bool agg_build_marked(agg_build_t *b, const char *path);

/*  Marks 'path' incomplete unless every fact of 'type' is recorded for
    the figure: from the period's start, or ('cumulative') since the
    beginning, a baseline standing for what came before coverage. */
void agg_build_coverage(agg_build_t *b, const char *path, const char *type,
                        bool cumulative);

/*  Lists in 'sorted' (may be NULL) the vague facts of 'kind' that surely
    lie in the period ('from' INT32_MIN: up to the as-of day, for a total)
    and marks 'path' incomplete if one may or may not. */
void agg_build_vague(agg_build_t *b, const char *path, char kind, int32_t from,
                     json_t *sorted);

/*  A new JSON string of 'day' ("2025-12-31"). */
json_t *agg_build_date(int32_t day);

/*  A new sorted array of the States with a SETS 'kind' entry in the
    period, for the figure at 'path' counting facts of 'type': with the
    vague facts that surely lie in the period, and marked incomplete where
    one may or may not, or where coverage starts after the period's. */
json_t *agg_build_figure(agg_build_t *b, const char *path, char kind,
                         const char *type);

/*  A counter's sum over 'from'..'to' (agg_tab_sum_range()). */
int64_t agg_build_sum(agg_build_t *b, char tag, const char *sub, int32_t from,
                      int32_t to);

/*  Adds 'cents' in currency 'code' to the amounts of 's'. */
void agg_build_add_amount(agg_summaries_t *s, const char *code, int64_t cents);

/*  A new array of the ITEMS of 'kind' dated in the period, in date
    order: the sessions held (by their last day), the contributions
    received. */
json_t *agg_build_items(agg_build_t *b, char kind);

#endif
