/*  Unit tests of storage/store's reads (store_read, store_get,
    store_count_state, store_is_npm_report; storage/reader.c): by range
    and topic, without and with a commit log; across what LMDB holds and
    what is only in memory; a read inside a read's callback; a read-only
    open where there is no store (OPCAT_ENOTFOUND). */
#include "test_common.h"

#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store.h"
#include "store_fixture.h"

typedef struct {
    uint64_t seqs[16];
    size_t n;
} seen_t;

static int s_collect(void *arg, uint64_t seq, const char *topic,
                     size_t topic_len, const uint8_t *env, size_t env_len)
{
    seen_t *seen = arg;
    (void)topic, (void)topic_len;
    event_t *e = event_unpack(env, env_len);
    assert_non_null(e);
    assert_int_equal(e->sequence, seq);
    assert_true(e->recorded_at > 0);
    event_free(&e);
    seen->seqs[seen->n++] = seq;
    return 0;
}

static void test_read_by_range_and_topic(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("R1", "PER", "state"),
                          TRANSMITTED("R2", "PER", "npm"), REPLY("R1", "PER")};
    free(fixture_write(f, json, 4, false));
    seen_t seen = {0};
    uint64_t next;
    err_t err;
    CHECK(store_read(f->store, 1, 0, 16, "report.", s_collect, &seen, &next,
                     &err),
          &err);
    assert_int_equal(seen.n, 2);
    assert_int_equal(seen.seqs[0], 2);
    assert_int_equal(seen.seqs[1], 3);
    assert_int_equal(next, 5);
    seen.n = 0;
    CHECK(store_read(f->store, 2, 0, 2, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 2);
    assert_int_equal(next, 4);
    uint8_t *data;
    size_t len;
    CHECK(store_get(f->store, 4, &data, &len, &err), &err);
    free(data);
    assert_int_equal(store_get(f->store, 5, &data, &len, &err),
                     OPCAT_ENOTFOUND);
}

/*  Waits until the applier reports 'head' in LMDB.  (A second handle on
    the same environment in this process is what LMDB forbids: closing
    it would break the first one's locks.) */
static void s_wait_applied(fixture_t *f, uint64_t head)
{
    for (int i = 0; i < 5000 && store_applied(f->store) < head; i++)
        nanosleep(&(struct timespec){0, 1000000}, NULL);
    assert_true(store_applied(f->store) >= head);
}

/*  Reads and counts across what LMDB holds and what is only in memory,
    while LMDB already holds events that are still in memory too (the
    applier ran ahead of the store's thread): each event once, in order. */
static void test_logged_reads_across_apply(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t o = {
        .commit_log = true, .apply_events = 4, .extent = 64 * 1024};
    f->store = store_open(f->dir, f->codes, &o, &err);
    fixture_write_named(f, "across", 0, 4); /* applied behind the ack */
    s_wait_applied(f, 4);
    fixture_write_named(f, "across", 4, 6); /* 5-8 applied, 9-10 pending */
    s_wait_applied(f, 8);
    uint64_t count = 0, next;
    CHECK(store_count_state(f->store, "AUS", &count, &err), &err);
    assert_int_equal(count, 10);
    seen_t seen = {.n = 0};
    CHECK(store_read(f->store, 1, 0, 100, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 10);
    for (size_t i = 0; i < seen.n; i++)
        assert_int_equal(seen.seqs[i], i + 1);
    assert_int_equal(next, 11);
    seen.n = 0; /* a page that starts in LMDB and ends in memory */
    CHECK(store_read(f->store, 3, 0, 4, NULL, s_collect, &seen, &next, &err),
          &err);
    assert_int_equal(seen.n, 4);
    assert_int_equal(seen.seqs[3], 6);
    assert_int_equal(next, 7);
    fixture_expect_ids(f->store, "across", 10);
    CHECK(store_apply(f->store, &err), &err);
    assert_int_equal(store_pending(f->store), 0);
    CHECK(store_count_state(f->store, "AUS", &count, &err), &err);
    assert_int_equal(count, 10);
}

/*  A read's callback that asks the store again (as PUBLISH's public form
    asks for a report's recipient): reads nest. */
static int s_ask_again(void *arg, uint64_t seq, const char *topic,
                       size_t topic_len, const uint8_t *env, size_t env_len)
{
    (void)seq, (void)topic, (void)topic_len, (void)env, (void)env_len;
    store_t *store = arg;
    assert_false(store_is_npm_report(store, "no-such-report"));
    uint64_t count;
    err_t err;
    CHECK(store_count_state(store, "AUS", &count, &err), &err);
    assert_int_equal(count, 3);
    return 0;
}

static void test_logged_read_inside_read(void **state)
{
    fixture_t *f = *state;
    err_t err;
    uint64_t next;
    fixture_write_named(f, "nest", 0, 3);
    CHECK(store_apply(f->store, &err), &err); /* read from LMDB */
    CHECK(store_read(f->store, 1, 0, 10, NULL, s_ask_again, f->store, &next,
                     &err),
          &err);
    assert_int_equal(next, 4);
}

/*  A reader opened where no store was ever written. */
static void test_read_only_without_a_store_is_not_found(void **state)
{
    fixture_t *f = *state;
    char dir[300];
    snprintf(dir, sizeof dir, "%s/empty", f->dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    store_options_t ro = {.read_only = true};
    err_t err;
    assert_null(store_open(dir, f->codes, &ro, &err));
    assert_int_equal(err.code, OPCAT_ENOTFOUND);
    assert_non_null(strstr(err.message, dir));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_read_only_without_a_store_is_not_found, fixture_setup,
            fixture_teardown),
        cmocka_unit_test_setup_teardown(test_read_by_range_and_topic,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_read_by_range_and_topic,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logged_reads_across_apply,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_logged_read_inside_read,
                                        fixture_setup_pending,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
