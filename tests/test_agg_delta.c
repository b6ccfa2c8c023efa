/*  test_agg_delta: the aggregation service's batch of counter additions
    (services/aggregated/agg_delta.h).

    - additions to one key combine into one sum, reported once;
    - keys come out in (db, key) byte order whatever order they went in;
    - sums of zero are not reported;
    - more distinct keys than the first allocation (the index is rebuilt
      as it grows) lose nothing;
    - drain empties the buffer, also when the callback stops it;
    - shrink gives the memory of an empty, big buffer back, and the
      buffer works again after it;
    - an over-long key is refused. */
#include "test_common.h"

#include <string.h>

#include "agg_delta.h"

typedef struct {
    int db[64];
    uint8_t key[64][AGG_DELTA_KEY_MAX];
    size_t len[64];
    int64_t sum[64];
    size_t n;
    int stop_after; /* 0: never */
} seen_t;

static int s_record(void *arg, int db, const uint8_t *key, size_t len,
                    int64_t sum)
{
    seen_t *seen = arg;
    assert_true(seen->n < 64);
    seen->db[seen->n] = db;
    memcpy(seen->key[seen->n], key, len);
    seen->len[seen->n] = len;
    seen->sum[seen->n] = sum;
    seen->n++;
    return seen->stop_after && (int)seen->n == seen->stop_after ? 99 : 0;
}

static void test_combines_and_orders(void **state)
{
    (void)state;
    agg_delta_t *d = agg_delta_new();
    assert_non_null(d);
    assert_int_equal(agg_delta_add(d, 3, "zz", 2, 5), 0);
    assert_int_equal(agg_delta_add(d, 2, "bb", 2, 1), 0);
    assert_int_equal(agg_delta_add(d, 3, "aa", 2, 7), 0);
    assert_int_equal(agg_delta_add(d, 2, "bb", 2, 2), 0);
    assert_int_equal(agg_delta_add(d, 2, "ab", 2, -4), 0);
    assert_int_equal(agg_delta_add(d, 3, "zz", 2, -5), 0); /* nets to 0 */
    assert_int_equal(agg_delta_count(d), 6);
    seen_t seen = {0};
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 0);
    assert_int_equal(seen.n, 3);
    assert_int_equal(seen.db[0], 2);
    assert_memory_equal(seen.key[0], "ab", 2);
    assert_int_equal(seen.sum[0], -4);
    assert_int_equal(seen.db[1], 2);
    assert_memory_equal(seen.key[1], "bb", 2);
    assert_int_equal(seen.sum[1], 3);
    assert_int_equal(seen.db[2], 3);
    assert_memory_equal(seen.key[2], "aa", 2);
    assert_int_equal(seen.sum[2], 7);
    /* drained: nothing left, and the buffer works again */
    assert_int_equal(agg_delta_count(d), 0);
    seen.n = 0;
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 0);
    assert_int_equal(seen.n, 0);
    assert_int_equal(agg_delta_add(d, 2, "bb", 2, 1), 0);
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 0);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.sum[0], 1);
    agg_delta_destroy(&d);
    assert_null(d);
}

typedef struct {
    size_t keys;
    int64_t total;
    uint32_t last;
    int ordered;
} totals_t;

static int s_total(void *arg, int db, const uint8_t *key, size_t len,
                   int64_t sum)
{
    totals_t *t = arg;
    (void)db;
    assert_int_equal(len, 4);
    uint32_t k = (uint32_t)key[0] << 24 | (uint32_t)key[1] << 16 |
                 (uint32_t)key[2] << 8 | key[3];
    if (t->keys && k <= t->last)
        t->ordered = 0;
    t->last = k;
    t->keys++;
    t->total += sum;
    assert_int_equal(sum, 3); /* each key added three times */
    return 0;
}

/*  Counts keys and sums, whatever their length. */
static int s_total_any(void *arg, int db, const uint8_t *key, size_t len,
                       int64_t sum)
{
    totals_t *t = arg;
    (void)db, (void)key, (void)len;
    t->keys++;
    t->total += sum;
    return 0;
}

static void test_growth(void **state)
{
    (void)state;
    agg_delta_t *d = agg_delta_new();
    enum { KEYS = 50000 };
    for (int round = 0; round < 3; round++)
        for (uint32_t i = 0; i < KEYS; i++) {
            uint32_t k = (i * 2654435761u) % 1000003u; /* distinct, unsorted */
            uint8_t key[4] = {(uint8_t)(k >> 24), (uint8_t)(k >> 16),
                              (uint8_t)(k >> 8), (uint8_t)k};
            assert_int_equal(agg_delta_add(d, 1, key, 4, 1), 0);
        }
    totals_t t = {.ordered = 1};
    assert_int_equal(agg_delta_drain(d, s_total, &t), 0);
    assert_int_equal(t.keys, KEYS);
    assert_int_equal(t.total, 3 * KEYS);
    assert_true(t.ordered);
    agg_delta_destroy(&d);
}

static void test_shrink_gives_back_only_an_empty_big_buffer(void **state)
{
    (void)state;
    agg_delta_t *d = agg_delta_new();
    assert_false(agg_delta_shrink(d, 0)); /* nothing allocated yet */
    for (uint32_t i = 0; i < 10000; i++)
        assert_int_equal(agg_delta_add(d, 1, &i, sizeof i, 1), 0);
    assert_false(agg_delta_shrink(d, 4096)); /* holds keys */
    totals_t t = {.ordered = 1};
    assert_int_equal(agg_delta_drain(d, s_total_any, &t), 0);
    assert_int_equal(t.keys, 10000);
    assert_false(agg_delta_shrink(d, 1 << 20)); /* not bigger than that */
    assert_true(agg_delta_shrink(d, 4096));
    assert_false(agg_delta_shrink(d, 0)); /* already given back */
    /* and it works again from nothing */
    assert_int_equal(agg_delta_add(d, 1, "ab", 2, 2), 0);
    assert_int_equal(agg_delta_add(d, 1, "ab", 2, 3), 0);
    seen_t seen = {0};
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 0);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.sum[0], 5);
    agg_delta_destroy(&d);
}

static void test_stop_and_refuse(void **state)
{
    (void)state;
    agg_delta_t *d = agg_delta_new();
    uint8_t big[AGG_DELTA_KEY_MAX + 1] = {0};
    assert_int_equal(agg_delta_add(d, 1, big, sizeof big, 1), OPCAT_EINVAL);
    assert_int_equal(agg_delta_add(d, 1, "a", 1, 1), 0);
    assert_int_equal(agg_delta_add(d, 1, "b", 1, 1), 0);
    seen_t seen = {.stop_after = 1};
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 99);
    assert_int_equal(seen.n, 1);
    assert_int_equal(agg_delta_count(d), 0); /* emptied all the same */
    seen = (seen_t){0};
    assert_int_equal(agg_delta_drain(d, s_record, &seen), 0);
    assert_int_equal(seen.n, 0);
    agg_delta_destroy(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_combines_and_orders),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_shrink_gives_back_only_an_empty_big_buffer),
        cmocka_unit_test(test_stop_and_refuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
