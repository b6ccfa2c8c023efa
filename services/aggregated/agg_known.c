/*  known: vague facts and coverage (see agg_known.h). */
#include "agg_known.h"

#include <string.h>

#include "date.h"

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

int agg_known_cover_from(agg_tx_t *tx, const char *type, int32_t *from)
{
    uint8_t start[1] = {'C'};
    MDB_val key = {1, start}, val;
    MDB_cursor *cur;
    *from = AGG_COVER_ALL;
    int rc = mdb_cursor_open(tx->txn, tx->dbi[AGG_DB_COVER], &cur);
    if (rc)
        return rc;
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        const char *k = key.mv_data;
        size_t len = key.mv_size - 1;
        int32_t day;
        if (key.mv_size < 2 || k[0] != 'C')
            break;
        if (val.mv_size != sizeof day || len > strlen(type) ||
            memcmp(k + 1, type, len) != 0 ||
            (type[len] != '\0' && k[len] != '.'))
            continue;
        memcpy(&day, val.mv_data, sizeof day);
        if (*from == AGG_COVER_ALL || day < *from)
            *from = day;
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/*  Whether a baseline is dated in 'lo'..'hi'. */
static int s_baseline_in(agg_tx_t *tx, int32_t lo, int32_t hi, bool *found)
{
    uint8_t start[5] = {'B'};
    date_key_put(start + 1, lo);
    MDB_val key = {sizeof start, start}, val;
    MDB_cursor *cur;
    *found = false;
    int rc = mdb_cursor_open(tx->txn, tx->dbi[AGG_DB_COVER], &cur);
    if (rc)
        return rc;
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    const uint8_t *k = key.mv_data;
    if (rc == 0 && key.mv_size == 5 && k[0] == 'B' && date_key_get(k + 1) <= hi)
        *found = true;
    mdb_cursor_close(cur);
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

int agg_known_vague_in(agg_tx_t *tx, char kind, int32_t from, int32_t to,
                       json_t *sorted, bool *partial)
{
    uint8_t start[1] = {(uint8_t)kind};
    MDB_val key = {1, start}, val;
    MDB_cursor *cur;
    int rc = mdb_cursor_open(tx->txn, tx->dbi[AGG_DB_VAGUE], &cur);
    if (rc)
        return rc;
    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    for (; rc == 0; rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        const uint8_t *k = key.mv_data;
        if (key.mv_size != VAGUE_KEY_LEN || k[0] != (uint8_t)kind)
            break;
        int32_t latest = date_key_get(k + 4), earliest = date_key_get(k + 8);
        if (earliest >= from && latest <= to) {
            char code[4] = {(char)k[1], (char)k[2], (char)k[3], 0};
            if (sorted && code[0])
                agg_known_insert(sorted, code);
        } else if (earliest <= to && latest >= from) {
            *partial = true;
        }
    }
    mdb_cursor_close(cur);
    return rc == MDB_NOTFOUND ? 0 : rc;
}
