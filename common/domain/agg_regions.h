/*  regions: the UN regional groups as the SPT counts them.

    Read once at start from a TSV file with a header line and the columns
    `alpha3 <TAB> name <TAB> region`, region one of africa, asia_pacific,
    eastern_europe, latin_america_caribbean, weog (data/regions.tsv: the
    193 UN Member States and Palestine; Cyprus, Palestine and Türkiye in
    asia_pacific).  Regions are applied at query time, so editing the file
    needs a restart, not a rebuild. */
#ifndef OPCAT_AGG_REGIONS_H
#define OPCAT_AGG_REGIONS_H

#include "err.h"

typedef struct agg_regions agg_regions_t;

#define AGG_REGION_COUNT 5

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

/*  The State's name as the file gives it, or NULL.  Borrowed: valid until
    agg_regions_destroy(). */
const char *agg_regions_state_name(const agg_regions_t *self, const char *code);

/*  How many States the file lists. */
int agg_regions_count(const agg_regions_t *self);

/*  What a daemon loads: 'flag' (--regions) if set, else $OPCAT_REGIONS,
    else regions.tsv of the share directory (share.h: $OPCAT_SHARE, the
    installed PREFIX/share/opcat, or the checkout's data/).  Logs how
    many States came from which file.  NULL and 'err' on failure. */
agg_regions_t *agg_regions_find(const char *flag, err_t *err);

#endif
