/*  Unit tests of storage/applier on a real LMDB environment: events put
    in order with their index entries, in transactions of the bounded
    size, started by the threshold or a flush, all of them applied by
    destroy, a full map reported and the map grown while the caller
    reads. */
#include "test_common.h"

#include <lmdb.h>
#include <string.h>
#include <time.h>

#include "applier.h"
#include "be64.h"
#include "tail.h"

typedef struct {
    char dir[256];
    applier_dbs_t dbs;
    tail_t *tail;
    applier_t *applier;
} fixture_t;

static void s_open_env(fixture_t *f, size_t map_size)
{
    MDB_txn *txn;
    assert_int_equal(mdb_env_create(&f->dbs.env), 0);
    mdb_env_set_maxdbs(f->dbs.env, 8);
    mdb_env_set_mapsize(f->dbs.env, map_size);
    assert_int_equal(mdb_env_open(f->dbs.env, f->dir, MDB_NOTLS, 0644), 0);
    assert_int_equal(mdb_txn_begin(f->dbs.env, NULL, 0, &txn), 0);
    MDB_dbi *dbi[] = {&f->dbs.log, &f->dbs.ids, &f->dbs.by_state,
                      &f->dbs.reports, &f->dbs.visits};
    const char *names[] = {"log", "ids", "by_state", "reports", "visits"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(mdb_dbi_open(txn, names[i], MDB_CREATE, dbi[i]), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
}

/*  A fresh environment and tail, and an applier with 'options'. */
static fixture_t *s_fixture(applier_options_t options)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/opcat-test-applier.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    s_open_env(f, options.map_size);
    f->tail = tail_new(1, 4096);
    err_t err;
    f->applier = applier_new(&f->dbs, f->tail, 0, &options, &err);
    assert_non_null(f->applier);
    return f;
}

static void s_free(fixture_t *f)
{
    char cmd[300];
    applier_destroy(&f->applier);
    tail_destroy(&f->tail);
    mdb_env_close(f->dbs.env);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
}

/*  Event 'seq': id "e<seq>", State AUS, a visit "v<seq>", and a record
    of 'size' bytes that starts with its sequence. */
static void s_add(fixture_t *f, uint64_t seq, size_t size)
{
    char id[32], key[32];
    uint8_t *record = calloc(1, size);
    snprintf(id, sizeof id, "e%llu", (unsigned long long)seq);
    snprintf(key, sizeof key, "v%llu", (unsigned long long)seq);
    be64_put(record, seq);
    tail_entry_t e = {.sequence = seq,
                      .record = record,
                      .len = size,
                      .id = id,
                      .state = "AUS",
                      .ref = TAIL_REF_VISIT,
                      .ref_key = key,
                      .report = {.sequence = seq}};
    assert_int_equal(tail_add(f->tail, &e), OPCAT_OK);
    free(record);
}

static size_t s_last_txnid(fixture_t *f)
{
    MDB_envinfo info;
    mdb_env_info(f->dbs.env, &info);
    return info.me_last_txnid;
}

/*  LMDB holds events 1..n or more densely, event n with its id and
    visit; returns how many. */
static uint64_t s_applied_at_least(fixture_t *f, uint64_t n)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val key, val;
    applier_read_begin(f->applier);
    assert_int_equal(mdb_txn_begin(f->dbs.env, NULL, MDB_RDONLY, &txn), 0);
    assert_int_equal(mdb_cursor_open(txn, f->dbs.log, &cur), 0);
    uint64_t seq = 0;
    while (mdb_cursor_get(cur, &key, &val, seq ? MDB_NEXT : MDB_FIRST) == 0) {
        seq++;
        assert_int_equal(be64_get(key.mv_data), seq);
        assert_int_equal(be64_get(val.mv_data), seq);
    }
    mdb_cursor_close(cur);
    assert_true(seq >= n);
    char id[32];
    snprintf(id, sizeof id, "e%llu", (unsigned long long)n);
    MDB_val k = {strlen(id), id};
    assert_int_equal(mdb_get(txn, f->dbs.ids, &k, &val), n ? 0 : MDB_NOTFOUND);
    if (n) {
        assert_int_equal(be64_get(val.mv_data), n);
        id[0] = 'v';
        assert_int_equal(mdb_get(txn, f->dbs.visits, &k, &val), 0);
    }
    mdb_txn_abort(txn);
    applier_read_end(f->applier);
    return seq;
}

/*  LMDB holds exactly events 1..n. */
static void s_expect_applied(fixture_t *f, uint64_t n)
{
    assert_int_equal(s_applied_at_least(f, n), n);
}

/*  Ten events in transactions of at most three: four commits, in order. */
static void test_ordered_bounded_transactions(void **state)
{
    (void)state;
    fixture_t *f = s_fixture((applier_options_t){3, 0, 1 << 20, 1 << 20});
    for (uint64_t seq = 1; seq <= 10; seq++)
        s_add(f, seq, 64);
    err_t err;
    size_t before = s_last_txnid(f);
    applier_hand(f->applier, 10);
    CHECK(applier_flush(f->applier, 10, &err), &err);
    assert_int_equal(applier_applied(f->applier), 10);
    assert_int_equal(s_last_txnid(f) - before, 4);
    s_expect_applied(f, 10);
    s_free(f);
}

/*  Bytes bound a transaction too: 4 KiB records, 8 KiB per commit. */
static void test_bytes_bound_transactions(void **state)
{
    (void)state;
    fixture_t *f = s_fixture((applier_options_t){100, 8192, 1 << 20, 1 << 20});
    for (uint64_t seq = 1; seq <= 6; seq++)
        s_add(f, seq, 4096);
    size_t before = s_last_txnid(f);
    applier_hand(f->applier, 6);
    err_t err;
    CHECK(applier_flush(f->applier, 6, &err), &err);
    assert_int_equal(s_last_txnid(f) - before, 3);
    s_expect_applied(f, 6);
    s_free(f);
}

/*  'txn_events' handed events start a transaction without a flush. */
static void test_threshold_starts_it(void **state)
{
    (void)state;
    fixture_t *f = s_fixture((applier_options_t){4, 0, 1 << 20, 1 << 20});
    for (uint64_t seq = 1; seq <= 4; seq++)
        s_add(f, seq, 64);
    applier_hand(f->applier, 4);
    for (int i = 0; i < 5000 && applier_applied(f->applier) < 4; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_int_equal(applier_applied(f->applier), 4);
    s_expect_applied(f, 4);
    s_free(f);
}

/*  What was handed and never flushed is applied by destroy. */
static void test_destroy_applies_everything(void **state)
{
    (void)state;
    fixture_t *f =
        s_fixture((applier_options_t){1u << 30, 0, 1 << 20, 1 << 20});
    for (uint64_t seq = 1; seq <= 50; seq++)
        s_add(f, seq, 64);
    applier_hand(f->applier, 40); /* the rest was never synced */
    applier_destroy(&f->applier);
    assert_null(f->applier);
    f->applier =
        applier_new(&f->dbs, f->tail, 40,
                    &(applier_options_t){1, 0, 1 << 20, 1 << 20}, NULL);
    s_expect_applied(f, 40);
    s_free(f);
}

/*  A map that may not grow: the flush says MDB_MAP_FULL, what committed
    before stays, and nothing beyond is half applied. */
static void test_full_map_fails_cleanly(void **state)
{
    (void)state;
    fixture_t *f = s_fixture((applier_options_t){8, 0, 256 << 10, 256 << 10});
    for (uint64_t seq = 1; seq <= 200; seq++)
        s_add(f, seq, 2000);
    applier_hand(f->applier, 200);
    err_t err;
    assert_int_equal(applier_flush(f->applier, 200, &err), MDB_MAP_FULL);
    assert_non_null(strstr(err.message, "apply"));
    uint64_t applied = applier_applied(f->applier);
    assert_true(applied > 0 && applied < 200 && applied % 8 == 0);
    s_expect_applied(f, applied);
    s_free(f);
}

/*  The map grows (by the applier's thread) while this thread reads. */
static void test_grows_while_reading(void **state)
{
    (void)state;
    fixture_t *f = s_fixture((applier_options_t){16, 0, 128 << 10, 64 << 20});
    for (uint64_t seq = 1; seq <= 2000; seq++)
        s_add(f, seq, 1000);
    applier_hand(f->applier, 2000);
    while (applier_applied(f->applier) < 2000)
        s_applied_at_least(f, applier_applied(f->applier));
    assert_true(applier_map_size(f->applier) > (128 << 10));
    s_expect_applied(f, 2000);
    s_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ordered_bounded_transactions),
        cmocka_unit_test(test_bytes_bound_transactions),
        cmocka_unit_test(test_threshold_starts_it),
        cmocka_unit_test(test_destroy_applies_everything),
        cmocka_unit_test(test_full_map_fails_cleanly),
        cmocka_unit_test(test_grows_while_reading),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
