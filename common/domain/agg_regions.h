/*  regions: the UN regional groups as the SPT counts them.

    Read once at start from a TSV file with a header line and the columns
    `alpha3 <TAB> name <TAB> region`, region one of africa, asia_pacific,
    eastern_europe, latin_america_caribbean, weog (data/regions.tsv: the
    193 UN Member States and Palestine; Cyprus, Palestine and Türkiye in
    asia_pacific).  Regions are applied at query time, so editing the file
    needs a restart, not a rebuild.

    The SPT's grouping changed over time (its 2017 figures count one of
    those three with the Western European and other States), so dated
    exceptions can amend the file: region-changes.tsv, with a header line
    and the columns `alpha3 <TAB> region <TAB> from <TAB> until <TAB>
    source` (dates YYYY-MM-DD, `until` exclusive, an empty bound open).
    agg_regions_at() applies them; agg_regions_of() ignores them. */
#ifndef OPCAT_AGG_REGIONS_H
#define OPCAT_AGG_REGIONS_H

#include <stdint.h>

#include "err.h"

typedef struct agg_regions agg_regions_t;

#define AGG_REGION_COUNT 5

/*  The dated exceptions' file name, looked for next to the regions file. */
#define AGG_REGION_CHANGES_FILE "region-changes.tsv"

/*  The five region names, in the order of their indexes (alphabetical). */
const char *agg_regions_name(int region);

/*  Loads 'path'.  Returns NULL and fills 'err' (naming the file and the
    line) when it cannot be read or a line is malformed. */
agg_regions_t *agg_regions_new(const char *path, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL is allowed. */
void agg_regions_destroy(agg_regions_t **self);

/*  The region index (0..AGG_REGION_COUNT-1) of State 'code', or -1 when
    the file does not list it. */
int agg_regions_of(const agg_regions_t *self, const char *code);

/*  Adds the dated exceptions of 'path' (format above).  Returns 0, or an
    error in 'err' naming the file and the line: an unknown State or
    region, a malformed date, 'from' not before 'until', no source. */
int agg_regions_load_changes(agg_regions_t *self, const char *path, err_t *err);

/*  The region index of State 'code' on 'day' (days since 1970-01-01): the
    first change row covering 'day', else agg_regions_of(). */
int agg_regions_at(const agg_regions_t *self, const char *code, int32_t day);

/*  The State's name as the file gives it, or NULL.  Borrowed: valid until
    agg_regions_destroy(). */
const char *agg_regions_state_name(const agg_regions_t *self, const char *code);

/*  How many States the file lists. */
int agg_regions_count(const agg_regions_t *self);

/*  What a daemon loads: 'flag' (--regions) if set, else $OPCAT_REGIONS,
    else regions.tsv of the share directory (share.h: $OPCAT_SHARE, the
    installed PREFIX/share/opcat, or the checkout's data/), plus
    AGG_REGION_CHANGES_FILE from the same directory if it exists.  Logs
    how many States and changes came from which file.  NULL and 'err' on
    failure. */
agg_regions_t *agg_regions_find(const char *flag, err_t *err);

#endif
