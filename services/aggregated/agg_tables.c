/*  tables: key layouts, bucketed counters and per-State sets. */
#include "agg_tables.h"

#include <string.h>

#include "date.h"
#include "kv.h"

#define SUM_KEY_LEN 9
#define SET_KEY_LEN 8

static const char *const s_names[AGG_DB_COUNT] = {
    "states",  "reports", "sums",  "sets",    "art17", "art24", "visits",
    "bystate", "npm",     "names", "summary", "vague", "cover", "items"};

const char *const *agg_tab_names(void)
{
    return s_names;
}

static void s_put_be32(uint8_t out[4], uint32_t v)
{
    out[0] = (uint8_t)(v >> 24);
    out[1] = (uint8_t)(v >> 16);
    out[2] = (uint8_t)(v >> 8);
    out[3] = (uint8_t)v;
}

static uint32_t s_get_be32(const uint8_t in[4])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
           (uint32_t)in[2] << 8 | in[3];
}

/*  The bucket of 'day' at 'level' (0 year, 1 month, 2 day). */
static uint32_t s_bucket(int level, int32_t day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    if (level == 0)
        return (uint32_t)y;
    if (level == 1)
        return (uint32_t)(y * 12 + m - 1);
    return (uint32_t)day ^ 0x80000000u;
}

static void s_sum_key(uint8_t key[SUM_KEY_LEN], char tag, const char *sub,
                      int level, uint32_t bucket)
{
    key[0] = (uint8_t)tag;
    if (sub)
        memcpy(key + 1, sub, 3);
    else
        memset(key + 1, 0, 3);
    key[4] = (uint8_t)level;
    s_put_be32(key + 5, bucket);
}

static int s_add_i64(agg_tx_t *tx, int db, const uint8_t *k, size_t klen,
                     int64_t delta)
{
    MDB_val key = {klen, (void *)k}, val;
    int64_t v = 0;
    int rc = mdb_get(tx->txn, tx->dbi[db], &key, &val);
    if (rc == 0 && val.mv_size == sizeof v)
        memcpy(&v, val.mv_data, sizeof v);
    else if (rc && rc != MDB_NOTFOUND)
        return rc;
    v += delta;
    if (v == 0)
        return rc == 0 ? mdb_del(tx->txn, tx->dbi[db], &key, NULL) : 0;
    val = (MDB_val){sizeof v, &v};
    return mdb_put(tx->txn, tx->dbi[db], &key, &val, 0);
}

int agg_tab_sum_add(agg_tx_t *tx, char tag, const char *sub, int32_t day,
                    int64_t delta)
{
    int rc = 0;
    for (int level = 0; level < 3 && !rc; level++) {
        uint8_t key[SUM_KEY_LEN];
        s_sum_key(key, tag, sub, level, s_bucket(level, day));
        rc = tx->delta
                 ? agg_delta_add(tx->delta, AGG_DB_SUMS, key, sizeof key, delta)
                 : s_add_i64(tx, AGG_DB_SUMS, key, sizeof key, delta);
    }
    return rc;
}

typedef struct {
    uint32_t hi;
    int64_t *acc;
} scan_t;

/*  One bucket of the level, up to 'hi'. */
static int s_bucket_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    scan_t *sc = arg;
    const uint8_t *k = key->mv_data;
    if (key->mv_size != SUM_KEY_LEN || s_get_be32(k + 5) > sc->hi)
        return KV_STOP;
    int64_t v;
    memcpy(&v, val->mv_data, sizeof v);
    *sc->acc += v;
    return 0;
}

/*  Adds to '*acc' the buckets 'lo'..'hi' of one level of a counter. */
static int s_scan(agg_tx_t *tx, char tag, const char *sub, int level,
                  uint32_t lo, uint32_t hi, int64_t *acc)
{
    if (lo > hi)
        return 0;
    uint8_t start[SUM_KEY_LEN];
    s_sum_key(start, tag, sub, level, lo);
    MDB_val from = {sizeof start, start};
    scan_t sc = {hi, acc};
    return kv_each(tx->txn, tx->dbi[AGG_DB_SUMS], &from, start, 5,
                   s_bucket_record, &sc);
}

/*  The counter's sum over every day up to 'day' inclusive. */
static int s_prefix(agg_tx_t *tx, char tag, const char *sub, int32_t day,
                    int64_t *out)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    *out = 0;
    int rc = s_scan(tx, tag, sub, 0, 0, (uint32_t)y - 1, out);
    if (!rc && m > 1)
        rc = s_scan(tx, tag, sub, 1, (uint32_t)(y * 12),
                    (uint32_t)(y * 12 + m - 2), out);
    if (!rc)
        rc = s_scan(tx, tag, sub, 2, s_bucket(2, day - (d - 1)),
                    s_bucket(2, day), out);
    return rc;
}

int agg_tab_sum_range(agg_tx_t *tx, char tag, const char *sub, int32_t from,
                      int32_t to, int64_t *out)
{
    *out = 0;
    if (from > to)
        return 0;
    int64_t upto = 0, before = 0;
    int rc = s_prefix(tx, tag, sub, to, &upto);
    if (!rc)
        rc = s_prefix(tx, tag, sub, from - 1, &before);
    *out = upto - before;
    return rc;
}

int agg_tab_sum_next_sub(agg_tx_t *tx, char tag, char sub[3], bool *found)
{
    uint8_t start[SUM_KEY_LEN];
    s_sum_key(start, tag, sub, 0xff, UINT32_MAX);
    MDB_val from = {sizeof start, start}, key, val;
    int rc =
        kv_first(tx->txn, tx->dbi[AGG_DB_SUMS], &from, start, 1, &key, &val);
    *found = rc == 0 && key.mv_size == SUM_KEY_LEN;
    if (*found)
        memcpy(sub, (const uint8_t *)key.mv_data + 1, 3);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

static void s_set_key(uint8_t key[SET_KEY_LEN], char kind, const char *state,
                      int32_t day)
{
    key[0] = (uint8_t)kind;
    memcpy(key + 1, state, 3);
    date_key_put(key + 4, day);
}

/*  Adds 'delta' to the SETS count under key 'k'. */
static int s_set_write(agg_tx_t *tx, const uint8_t *k, int64_t delta)
{
    MDB_val key = {SET_KEY_LEN, (void *)k}, val;
    uint32_t v = 0;
    int rc = mdb_get(tx->txn, tx->dbi[AGG_DB_SETS], &key, &val);
    if (rc == 0 && val.mv_size == sizeof v)
        memcpy(&v, val.mv_data, sizeof v);
    else if (rc && rc != MDB_NOTFOUND)
        return rc;
    v = (uint32_t)((int64_t)v + delta);
    if (v == 0 || (int32_t)v < 0)
        return rc == 0 ? mdb_del(tx->txn, tx->dbi[AGG_DB_SETS], &key, NULL) : 0;
    val = (MDB_val){sizeof v, &v};
    return mdb_put(tx->txn, tx->dbi[AGG_DB_SETS], &key, &val, 0);
}

int agg_tab_set_add(agg_tx_t *tx, char kind, const char *state, int32_t day,
                    int32_t delta)
{
    uint8_t k[SET_KEY_LEN];
    s_set_key(k, kind, state, day);
    return tx->delta ? agg_delta_add(tx->delta, AGG_DB_SETS, k, sizeof k, delta)
                     : s_set_write(tx, k, delta);
}

static int s_flush_one(void *arg, int db, const uint8_t *key, size_t len,
                       int64_t sum)
{
    agg_tx_t *tx = arg;
    if (db == AGG_DB_SETS && len == SET_KEY_LEN)
        return s_set_write(tx, key, sum);
    return s_add_i64(tx, db, key, len, sum);
}

int agg_tab_flush(agg_tx_t *tx)
{
    if (!tx->delta)
        return 0;
    return agg_delta_drain(tx->delta, s_flush_one, tx);
}

/*  '*k' gets the first key >= (kind, state, day) if it is one of 'kind',
    else NULL; it points into the map, valid for the transaction. */
static int s_seek(agg_tx_t *tx, char kind, const uint8_t state[3], int32_t day,
                  const uint8_t **k)
{
    uint8_t start[SET_KEY_LEN];
    s_set_key(start, kind, (const char *)state, day);
    MDB_val from = {sizeof start, start}, key, val;
    int rc =
        kv_first(tx->txn, tx->dbi[AGG_DB_SETS], &from, start, 1, &key, &val);
    *k = rc == 0 && key.mv_size == SET_KEY_LEN ? key.mv_data : NULL;
    return rc == MDB_NOTFOUND ? 0 : rc;
}

int agg_tab_set_states(agg_tx_t *tx, char kind, int32_t from, int32_t to,
                       json_t *array)
{
    int rc = 0;
    uint8_t state[3] = {0, 0, 0};
    const uint8_t *k = NULL;
    while (!rc && !(rc = s_seek(tx, kind, state, from, &k)) && k) {
        if (memcmp(k + 1, state, 3) != 0) {
            memcpy(state, k + 1, 3); /* a later State: seek its 'from' */
            continue;
        }
        if (date_key_get(k + 4) <= to) {
            char code[4] = {(char)state[0], (char)state[1], (char)state[2], 0};
            json_array_append_new(array, json_string(code));
        }
        if ((rc = s_seek(tx, kind, state, INT32_MAX, &k)) || !k)
            break;
        memcpy(state, k + 1, 3);
    }
    return rc;
}

bool agg_tab_state_of(const MDB_val *key, const MDB_val *val, char code[4],
                      agg_state_rec_t *rec)
{
    if (key->mv_size != 3 || val->mv_size != sizeof *rec)
        return false;
    memcpy(code, key->mv_data, 3);
    code[3] = '\0';
    memcpy(rec, val->mv_data, sizeof *rec);
    return true;
}

int agg_tab_get(agg_tx_t *tx, int db, const void *key, size_t key_len,
                void *out, size_t size)
{
    MDB_val k = {key_len, (void *)key}, val;
    int rc = mdb_get(tx->txn, tx->dbi[db], &k, &val);
    if (rc)
        return rc;
    if (val.mv_size != size)
        return MDB_CORRUPTED;
    memcpy(out, val.mv_data, size);
    return 0;
}

int agg_tab_put(agg_tx_t *tx, int db, const void *key, size_t key_len,
                const void *data, size_t size)
{
    MDB_val k = {key_len, (void *)key}, val = {size, (void *)data};
    return mdb_put(tx->txn, tx->dbi[db], &k, &val, 0);
}
