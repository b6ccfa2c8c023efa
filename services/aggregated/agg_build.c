/*  build: the helpers every section of a stats answer uses (see
    agg_build.h for the design). */
#include "agg_build.h"

#include <stdio.h>
#include <string.h>

#include "agg_known.h"
#include "date.h"
#include "kv.h"

void agg_build_incomplete(agg_build_t *b, const char *path)
{
    agg_known_insert(b->incomplete, path);
}

void agg_build_coverage(agg_build_t *b, const char *path, const char *type,
                        bool cumulative)
{
    bool covered = true;
    if (!b->rc)
        b->rc = agg_known_covered(b->tx, b->cover, type, b->from, b->as_of,
                                  cumulative, &covered);
    if (!covered)
        agg_build_incomplete(b, path);
}

void agg_build_vague(agg_build_t *b, const char *path, char kind, int32_t from,
                     json_t *sorted)
{
    bool partial = false;
    if (!b->rc)
        b->rc =
            agg_known_vague_in(b->tx, kind, from, b->as_of, sorted, &partial);
    if (partial)
        agg_build_incomplete(b, path);
}

json_t *agg_build_date(int32_t day)
{
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    return json_string(text);
}

/*  The sorted States with a 'kind' entry in the period. */
static json_t *s_set(agg_build_t *b, char kind)
{
    json_t *array = json_array();
    if (!b->rc)
        b->rc = agg_tab_set_states(b->tx, kind, b->from, b->as_of, array);
    return array;
}

json_t *agg_build_figure(agg_build_t *b, const char *path, char kind,
                         const char *type)
{
    json_t *array = s_set(b, kind);
    agg_build_vague(b, path, kind, b->from, array);
    agg_build_coverage(b, path, type, false);
    return array;
}

int64_t agg_build_sum(agg_build_t *b, char tag, const char *sub, int32_t from,
                      int32_t to)
{
    int64_t v = 0;
    if (!b->rc)
        b->rc = agg_tab_sum_range(b->tx, tag, sub, from, to, &v);
    return v;
}

void agg_build_add_amount(agg_summaries_t *s, const char *code, int64_t cents)
{
    for (int i = 0; i < s->currencies; i++)
        if (strcmp(s->amounts[i].code, code) == 0) {
            s->amounts[i].cents += cents;
            return;
        }
    if (s->currencies < AGG_MAX_CURRENCIES) {
        snprintf(s->amounts[s->currencies].code, 4, "%s", code);
        s->amounts[s->currencies++].cents = cents;
    }
}

bool agg_build_marked(agg_build_t *b, const char *path)
{
    size_t i;
    json_t *v;
    json_array_foreach(b->incomplete, i, v)
    {
        if (strcmp(json_string_value(v), path) == 0)
            return true;
    }
    return false;
}

/*  The ITEMS of 'kind' dated in the period, in date order: the sessions
    held (by their last day), the contributions received. */
typedef struct {
    int32_t as_of;
    json_t *array;
} items_t;

static int s_item_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    items_t *it = arg;
    if (key->mv_size != AGG_ITEM_KEY_LEN ||
        date_key_get((const uint8_t *)key->mv_data + 1) > it->as_of)
        return KV_STOP;
    json_t *item = json_loadb(val->mv_data, val->mv_size, 0, NULL);
    if (item)
        json_array_append_new(it->array, item);
    return 0;
}

json_t *agg_build_items(agg_build_t *b, char kind)
{
    items_t it = {b->as_of, json_array()};
    uint8_t start[5] = {(uint8_t)kind};
    date_key_put(start + 1, b->from);
    MDB_val from = {sizeof start, start};
    if (!b->rc)
        b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_ITEMS], &from, start, 1,
                        s_item_record, &it);
    return it.array;
}
