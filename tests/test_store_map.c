/*  Unit tests of storage/store's LMDB map: it grows as needed (a second
    reader in another process sees it all, and a reopen keeps it), and a
    map full at its limit fails the write with OPCAT_EFULL, naming its
    size; without and with a commit log. */
#include "test_common.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"

static void test_map_grows_and_reopens(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t small = f->options;
    small.initial_map_size = 256 * 1024;
    f->store = store_open(f->dir, f->codes, &small, &err);
    assert_non_null(f->store);
    size_t before = store_map_size(f->store);
    enum { N = 5000 };
    char json[256];
    for (int round = 0; round < 4; round++) {
        event_t *events[N / 4];
        store_result_t results[N / 4];
        for (int i = 0; i < N / 4; i++) {
            snprintf(json, sizeof json,
                     "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                     "\"2025-05-05\",\"state\":\"AUS\",\"with\":\"state\","
                     "\"id\":\"grow-%d\",\"note\":\"padding padding padding "
                     "padding padding padding padding padding\"}",
                     round * (N / 4) + i);
            events[i] = fixture_event(json);
        }
        store_batch_t batch = {
            .events = events, .count = N / 4, .results = results};
        CHECK(store_write(f->store, &batch, 1, &err), &err);
        for (int i = 0; i < N / 4; i++) {
            assert_int_equal(results[i].status, STORE_STORED);
            event_free(&events[i]);
        }
    }
    CHECK(store_apply(f->store, &err), &err); /* the applier grows it */
    assert_true(store_map_size(f->store) > before);
    assert_int_equal(store_head(f->store), N);

    /* a read-only handle in another process (LMDB allows one handle on
       an environment per process) sees it all while the writer is open */
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        store_options_t ro = {.read_only = true};
        store_t *reader = store_open(f->dir, f->codes, &ro, &err);
        uint64_t seq = 0;
        bool seen = reader && store_head(reader) == N &&
                    store_find_id(reader, "grow-4321", &seq, &err) == 0 &&
                    seq == 4322;
        _exit(seen ? 0 : 1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

    /* reopened, everything is still there */
    store_destroy(&f->store);
    f->store = store_open(f->dir, f->codes, &f->options, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), N);
}

/*  A map that may not grow any more: the write fails with OPCAT_EFULL,
    LMDB's text and the map's size in the message, every result FAILED;
    what was stored before stays. */
static void test_a_map_at_its_limit_is_full(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t small = f->options;
    small.initial_map_size = (size_t)1 << 20;
    small.max_map_size = (size_t)2 << 20;
    f->store = store_open(f->dir, f->codes, &small, &err);
    assert_non_null(f->store);
    enum { N = 500 };
    char json[N][512];
    event_t *events[N];
    store_result_t results[N];
    int rc = 0, round;
    for (round = 0; round < 40 && !rc; round++) {
        for (int i = 0; i < N; i++) {
            snprintf(json[i], sizeof json[i],
                     "{\"type\":\"followup.dialogue\",\"occurred_on\":"
                     "\"2025-05-05\",\"state\":\"AUS\",\"with\":"
                     "\"state\",\"id\":\"full-%d\",\"note\":\"%0300d\"}",
                     round * N + i, i);
            events[i] = fixture_event(json[i]);
        }
        store_batch_t batch = {
            .events = events, .count = N, .results = results};
        rc = store_write(f->store, &batch, 1, &err);
        for (int i = 0; i < N; i++)
            event_free(&events[i]);
    }
    assert_int_equal(rc, OPCAT_EFULL);
    assert_int_equal(err.code, OPCAT_EFULL);
    assert_non_null(strstr(err.message, "MDB_MAP_FULL"));
    assert_non_null(strstr(err.message, "2 MiB"));
    for (int i = 0; i < N; i++)
        assert_int_equal(results[i].status, STORE_FAILED);
    assert_int_equal(store_head(f->store), (uint64_t)(round - 1) * N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_a_map_at_its_limit_is_full,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_a_map_at_its_limit_is_full,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows_and_reopens,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows_and_reopens,
                                        fixture_setup_applied,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
