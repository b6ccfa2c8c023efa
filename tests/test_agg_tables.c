/*  test_agg_tables: the aggregation service's bucketed counters and
    per-State sets (services/aggregated/tables.h) against brute force. */
#include "test_common.h"

#include <string.h>
#include <unistd.h>

#include "date.h"
#include "kv.h"
#include "agg_query.h"
#include "agg_tables.h"

#define ADDS 3000
#define SPAN_DAYS (365 * 12)

typedef struct {
    kv_t *kv;
    char dir[64];
    int32_t first;
    int64_t *daily; /* brute force: the value of each day */
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/test-agg-tables.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->kv = kv_open(f->dir, agg_tab_names(), NULL, AGG_DB_COUNT, &err);
    assert_non_null(f->kv);
    f->first = date_from_ymd(2015, 1, 1);
    f->daily = calloc(SPAN_DAYS, sizeof *f->daily);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    kv_destroy(&f->kv);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    if (system(cmd) != 0)
        return -1;
    free(f->daily);
    free(f);
    return 0;
}

static int s_fill(void *arg, MDB_txn *txn)
{
    fixture_t *f = arg;
    agg_tx_t tx;
    agg_query_tx(f->kv, txn, &tx);
    srand(42);
    for (int i = 0; i < ADDS; i++) {
        int offset = rand() % SPAN_DAYS;
        int64_t delta = rand() % 7 - 2; /* negative deltas too */
        f->daily[offset] += delta;
        int rc = agg_tab_sum_add(&tx, 'X', "abc", f->first + offset, delta);
        if (!rc)
            rc = agg_tab_sum_add(&tx, 'X', "abd", f->first + offset, 1000);
        if (!rc && delta > 0)
            rc = agg_tab_set_add(&tx, 'Z', i % 2 ? "PER" : "FRA",
                                 f->first + offset, 1);
        if (rc)
            return rc;
    }
    return 0;
}

typedef struct {
    fixture_t *f;
    int failures;
} check_t;

static int s_check_ranges(void *arg, MDB_txn *txn)
{
    check_t *c = arg;
    agg_tx_t tx;
    agg_query_tx(c->f->kv, txn, &tx);
    srand(7);
    for (int i = 0; i < 2000; i++) {
        int a = rand() % (SPAN_DAYS + 60) - 30,
            b = rand() % (SPAN_DAYS + 60) - 30;
        if (i % 10 == 0)
            b = a; /* single days */
        if (a > b) {
            int t = a;
            a = b;
            b = t;
        }
        int64_t want = 0, got = 0;
        for (int d = a < 0 ? 0 : a; d <= b && d < SPAN_DAYS; d++)
            want += c->f->daily[d];
        int rc = agg_tab_sum_range(&tx, 'X', "abc", c->f->first + a,
                                   c->f->first + b, &got);
        if (rc)
            return rc;
        if (got != want) {
            print_error("range %d..%d: want %lld got %lld\n", a, b,
                        (long long)want, (long long)got);
            c->failures++;
        }
    }
    return 0;
}

static void test_sum_ranges(void **state)
{
    fixture_t *f = *state;
    err_t err;
    CHECK(kv_write(f->kv, s_fill, f, &err), &err);
    check_t c = {f, 0};
    CHECK(kv_read(f->kv, s_check_ranges, &c, &err), &err);
    assert_int_equal(c.failures, 0);
}

static int s_check_sets(void *arg, MDB_txn *txn)
{
    fixture_t *f = arg;
    agg_tx_t tx;
    agg_query_tx(f->kv, txn, &tx);
    json_t *all = json_array(), *none = json_array();
    int rc = agg_tab_set_states(&tx, 'Z', f->first, f->first + SPAN_DAYS, all);
    if (!rc)
        rc = agg_tab_set_states(&tx, 'Z', f->first - 100, f->first - 1, none);
    if (!rc)
        rc = agg_tab_set_states(&tx, 'Y', f->first, f->first + SPAN_DAYS, none);
    assert_int_equal(json_array_size(all), 2);
    assert_string_equal(json_string_value(json_array_get(all, 0)), "FRA");
    assert_string_equal(json_string_value(json_array_get(all, 1)), "PER");
    assert_int_equal(json_array_size(none), 0);
    json_decref(all);
    json_decref(none);
    return rc;
}

static void test_sets(void **state)
{
    fixture_t *f = *state;
    err_t err;
    CHECK(kv_write(f->kv, s_fill, f, &err), &err);
    CHECK(kv_read(f->kv, s_check_sets, f, &err), &err);
}

/*  A count that falls back to zero leaves no key behind. */
static int s_add_remove(void *arg, MDB_txn *txn)
{
    fixture_t *f = arg;
    agg_tx_t tx;
    agg_query_tx(f->kv, txn, &tx);
    int rc = agg_tab_set_add(&tx, 'Q', "KAZ", f->first, 1);
    if (!rc)
        rc = agg_tab_set_add(&tx, 'Q', "KAZ", f->first, -1);
    json_t *list = json_array();
    if (!rc)
        rc = agg_tab_set_states(&tx, 'Q', f->first - 1000, f->first + 1000,
                                list);
    assert_int_equal(json_array_size(list), 0);
    json_decref(list);
    return rc;
}

static void test_set_zero_removed(void **state)
{
    fixture_t *f = *state;
    err_t err;
    CHECK(kv_write(f->kv, s_add_remove, f, &err), &err);
}

static void test_day_keys_sort(void **state)
{
    (void)state;
    int32_t days[] = {date_from_ymd(1900, 1, 1), -1, 0, 1,
                      date_from_ymd(2999, 12, 31)};
    for (size_t i = 0; i + 1 < sizeof days / sizeof days[0]; i++) {
        uint8_t a[4], b[4];
        date_key_put(a, days[i]);
        date_key_put(b, days[i + 1]);
        assert_true(memcmp(a, b, 4) < 0);
        assert_int_equal(date_key_get(a), days[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sum_ranges, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_sets, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_set_zero_removed, s_setup,
                                        s_teardown),
        cmocka_unit_test(test_day_keys_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
