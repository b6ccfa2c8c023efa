/*  place: the kinds of places of deprivation of liberty and their keys. */
#include "place.h"

#include <assert.h>
#include <string.h>

/*  The PlaceCounts field names, in field order (event.proto). */
static const char *const s_keys[] = {"prison",
                                     "women_detention",
                                     "police",
                                     "child_detention",
                                     "psychiatric",
                                     "immigration",
                                     "drug_rehabilitation",
                                     "court_cells",
                                     "elderly_care",
                                     "other"};
/*  Tables sized by PLACE_KINDS elsewhere (the report's names of the kinds
    in each language, the aggregation's records): a key added here
    without it, or there without one here, stops the build. */
_Static_assert(sizeof s_keys / sizeof s_keys[0] == PLACE_KINDS,
               "s_keys needs one key for each of PLACE_KINDS");

const char *place_key(int kind)
{
    assert(kind >= 0 && kind < PLACE_KINDS);
    return s_keys[kind];
}

int place_index(const char *key)
{
    for (int i = 0; i < PLACE_KINDS; i++)
        if (strcmp(s_keys[i], key) == 0)
            return i;
    return -1;
}

void place_counts(const Opcat__V1__PlaceCounts *p, uint32_t out[PLACE_KINDS])
{
    if (!p) {
        memset(out, 0, PLACE_KINDS * sizeof *out);
        return;
    }
    const uint32_t v[] = {p->prison,
                          p->women_detention,
                          p->police,
                          p->child_detention,
                          p->psychiatric,
                          p->immigration,
                          p->drug_rehabilitation,
                          p->court_cells,
                          p->elderly_care,
                          p->other};
    _Static_assert(sizeof v / sizeof v[0] == PLACE_KINDS,
                   "place_counts needs one field for each of PLACE_KINDS");
    memcpy(out, v, sizeof v);
}
