/*  place: the kinds of places of deprivation of liberty a visit counts
    (DOMAIN.md, visit.completed `places`), one table for every layer that
    names them: the aggregation service writes its stats' `places_in_period`
    with these keys, the report reads them back.

    A kind is an index 0..PLACE_KINDS-1, in the order of the PlaceCounts
    fields of event.proto, which is also the order of the annual report's
    list (para 20); the key is the PlaceCounts field name. */
#ifndef OPCAT_PLACE_H
#define OPCAT_PLACE_H

#include <stdint.h>

#include "opcat/v1/event.pb-c.h"

/*  How many kinds there are; every table indexed by kind has this many
    entries (place.c checks its own at compile time). */
#define PLACE_KINDS 10

/*  The kind a key this table does not name is counted as ("other"). */
#define PLACE_OTHER (PLACE_KINDS - 1)

/*  The key of kind 'kind' ("prison", "women_detention", ...).  'kind'
    must be 0..PLACE_KINDS-1 (asserted).  Static: never freed. */
const char *place_key(int kind);

/*  The kind whose key is 'key', or -1 when no kind has that key. */
int place_index(const char *key);

/*  Copies the counts of 'places' into 'out' by kind; NULL: all zero. */
void place_counts(const Opcat__V1__PlaceCounts *places,
                  uint32_t out[PLACE_KINDS]);

#endif
