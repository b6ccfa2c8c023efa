/*  known: vague facts and coverage (see agg_known.h). */
#include "agg_known.h"

#include <string.h>

#include "coverage.h"
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
    int32_t from, until;
    if (!coverage_event_days(e, &from, &until))
        return 0; /* the store validated it */
    for (size_t i = 0; i < b->n_types; i++) {
        uint8_t k[1 + COVERAGE_KEY_MAX] = {'C'}, one = 1;
        size_t len = coverage_record_key(b->types[i], from, until, k + 1);
        int rc = agg_tab_put(tx, AGG_DB_COVER, k, 1 + len, &one, 1);
        if (rc)
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

/*  One 'C' record into the coverage_t 'arg'. */
static int s_cover_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    if (key->mv_size < 2)
        return KV_STOP;
    return coverage_add_record(arg, (const char *)key->mv_data + 1,
                               key->mv_size - 1, val->mv_data, val->mv_size);
}

int agg_known_cover_load(agg_tx_t *tx, coverage_t **cover)
{
    *cover = coverage_new();
    if (!*cover)
        return OPCAT_ENOMEM;
    int rc = kv_each(tx->txn, tx->dbi[AGG_DB_COVER], NULL, "C", 1,
                     s_cover_record, *cover);
    if (rc)
        coverage_destroy(cover);
    return rc;
}

/*  The latest baseline day up to 'to' ('*day' INT32_MIN: none). */
typedef struct {
    int32_t to, *day;
} latest_t;

static int s_baseline_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    latest_t *l = arg;
    if (key->mv_size != 5)
        return KV_STOP;
    int32_t day = date_key_get((const uint8_t *)key->mv_data + 1);
    if (day > l->to)
        return KV_STOP; /* days in key order */
    *l->day = day;
    return 0;
}

int agg_known_covered(agg_tx_t *tx, const coverage_t *cover, const char *type,
                      int32_t from, int32_t to, bool cumulative, bool *covered)
{
    *covered = true;
    if (!coverage_names(cover, type))
        return 0;
    if (!cumulative) {
        *covered = coverage_covers(cover, type, from, to);
        return 0;
    }
    /* a total since the beginning: complete when the union reaches back
       to the first day such a fact could exist; otherwise the latest
       baseline up to 'to' stands for what came before it, and every day
       after it must be covered */
    if (coverage_covers_history(cover, type, to))
        return 0;
    int32_t day = INT32_MIN;
    latest_t l = {to, &day};
    int rc = kv_each(tx->txn, tx->dbi[AGG_DB_COVER], NULL, "B", 1,
                     s_baseline_record, &l);
    *covered = day != INT32_MIN && coverage_covers(cover, type, day + 1, to);
    return rc;
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
