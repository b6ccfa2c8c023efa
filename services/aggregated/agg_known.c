/*  known: vague facts and coverage (see agg_known.h). */
#include "agg_known.h"

#include <string.h>

#include "date.h"
#include "kv.h"

#define VAGUE_KEY_LEN 12

static int s_add_count(agg_tx_t *tx, const uint8_t *k, size_t len,
                       int32_t delta)
{
    MDB_val key = {len, (void *)k}, val;
    int32_t n = 0;
    int rc = mdb_get(tx->txn, tx->dbi[AGG_DB_VAGUE], &key, &val);
    if (rc == 0 && val.mv_size == sizeof n)
        memcpy(&n, val.mv_data, sizeof n);
    else if (rc && rc != MDB_NOTFOUND)
        return rc;
    n += delta;
    if (n <= 0)
        return rc == 0 ? mdb_del(tx->txn, tx->dbi[AGG_DB_VAGUE], &key, NULL)
                       : 0;
    val = (MDB_val){sizeof n, &n};
    return mdb_put(tx->txn, tx->dbi[AGG_DB_VAGUE], &key, &val, 0);
}

int agg_known_vague_add(agg_tx_t *tx, char kind, const char *state,
                        int32_t latest, int32_t earliest, int32_t delta)
{
    uint8_t k[VAGUE_KEY_LEN] = {(uint8_t)kind};
    if (state && strlen(state) == 3)
        memcpy(k + 1, state, 3);
    date_key_put(k + 4, latest);
    date_key_put(k + 8, earliest);
    return s_add_count(tx, k, sizeof k, delta);
}

int agg_known_coverage(agg_tx_t *tx, const event_t *e)
{
    const Opcat__V1__DatasetCoverage *b = e->dataset_coverage;
    int32_t from;
    if (!date_parse(b->from, &from))
        return 0; /* the store validated it */
    for (size_t i = 0; i < b->n_types; i++) {
        uint8_t k[1 + AGG_ID_MAX] = {'C'};
        size_t len = strnlen(b->types[i], AGG_ID_MAX);
        memcpy(k + 1, b->types[i], len);
        int32_t old;
        int rc = agg_tab_get(tx, AGG_DB_COVER, k, 1 + len, &old, sizeof old);
        if (rc && rc != MDB_NOTFOUND)
            return rc;
        if (rc == 0 && old <= from)
            continue;
        if ((rc =
                 agg_tab_put(tx, AGG_DB_COVER, k, 1 + len, &from, sizeof from)))
            return rc;
    }
    return 0;
}

int agg_known_baseline(agg_tx_t *tx, int32_t day)
{
    uint8_t k[5] = {'B'}, one = 1;
    date_key_put(k + 1, day);
    return agg_tab_put(tx, AGG_DB_COVER, k, sizeof k, &one, 1);
}

typedef struct {
    const char *type;
    int32_t *from;
} cover_t;

/*  One 'C' record: its prefix's day counts if the prefix matches the
    type, whole or up to a '.'. */
static int s_cover_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    cover_t *c = arg;
    const char *k = key->mv_data;
    size_t len = key->mv_size - 1;
    int32_t day;
    if (key->mv_size < 2)
        return KV_STOP;
    if (val->mv_size != sizeof day || len > strlen(c->type) ||
        memcmp(k + 1, c->type, len) != 0 ||
        (c->type[len] != '\0' && k[len] != '.'))
        return 0;
    memcpy(&day, val->mv_data, sizeof day);
    if (*c->from == AGG_COVER_ALL || day < *c->from)
        *c->from = day;
    return 0;
}

int agg_known_cover_from(agg_tx_t *tx, const char *type, int32_t *from)
{
    cover_t c = {type, from};
    *from = AGG_COVER_ALL;
    return kv_each(tx->txn, tx->dbi[AGG_DB_COVER], NULL, "C", 1, s_cover_record,
                   &c);
}

/*  Whether a baseline is dated in 'lo'..'hi'. */
static int s_baseline_in(agg_tx_t *tx, int32_t lo, int32_t hi, bool *found)
{
    uint8_t start[5] = {'B'};
    date_key_put(start + 1, lo);
    MDB_val from = {sizeof start, start}, key, val;
    int rc =
        kv_first(tx->txn, tx->dbi[AGG_DB_COVER], &from, "B", 1, &key, &val);
    *found = rc == 0 && key.mv_size == 5 &&
             date_key_get((const uint8_t *)key.mv_data + 1) <= hi;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int agg_known_covered(agg_tx_t *tx, const char *type, int32_t from, int32_t to,
                      bool cumulative, bool *covered)
{
    int32_t cover;
    int rc = agg_known_cover_from(tx, type, &cover);
    *covered = true;
    if (rc || cover == AGG_COVER_ALL)
        return rc;
    if (!cumulative) {
        *covered = cover <= from;
        return 0;
    }
    return s_baseline_in(tx, cover - 1, to, covered);
}

void agg_known_insert(json_t *sorted, const char *code)
{
    size_t i;
    for (i = 0; i < json_array_size(sorted); i++) {
        int cmp = strcmp(json_string_value(json_array_get(sorted, i)), code);
        if (cmp == 0)
            return;
        if (cmp > 0)
            break;
    }
    json_array_insert_new(sorted, i, json_string(code));
}

typedef struct {
    int32_t from, to;
    json_t *sorted;
    bool *partial;
} vague_t;

/*  One vague fact: in 'sorted' if it surely lies in the period, else
    '*partial' if it may. */
static int s_vague_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    vague_t *v = arg;
    const uint8_t *k = key->mv_data;
    if (key->mv_size != VAGUE_KEY_LEN)
        return KV_STOP;
    int32_t latest = date_key_get(k + 4), earliest = date_key_get(k + 8);
    if (earliest >= v->from && latest <= v->to) {
        char code[4] = {(char)k[1], (char)k[2], (char)k[3], 0};
        if (v->sorted && code[0])
            agg_known_insert(v->sorted, code);
    } else if (earliest <= v->to && latest >= v->from) {
        *v->partial = true;
    }
    return 0;
}

int agg_known_vague_in(agg_tx_t *tx, char kind, int32_t from, int32_t to,
                       json_t *sorted, bool *partial)
{
    vague_t v = {from, to, sorted, partial};
    uint8_t prefix[1] = {(uint8_t)kind};
    return kv_each(tx->txn, tx->dbi[AGG_DB_VAGUE], NULL, prefix, 1,
                   s_vague_record, &v);
}

int agg_known_vague_any(agg_tx_t *tx, char kind, bool *any)
{
    uint8_t prefix[1] = {(uint8_t)kind};
    MDB_val key, val;
    int rc =
        kv_first(tx->txn, tx->dbi[AGG_DB_VAGUE], NULL, prefix, 1, &key, &val);
    *any = rc == 0 && key.mv_size == VAGUE_KEY_LEN;
    return rc == MDB_NOTFOUND ? 0 : rc;
}
