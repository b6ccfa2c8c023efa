/*  Unit tests of storage/store: the log, its indexes, idempotency, the
    cross-reference rules, atomic batches, map growth, a second reader. */
#include "test_common.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

typedef struct {
    char dir[256];
    codes_t *codes;
    store_t *store;
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/opcat-test-store.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->codes = codes_new(NULL, &err);
    assert_non_null(f->codes);
    f->store = store_open(f->dir, f->codes, NULL, &err);
    if (!f->store)
        fail_msg("%s", err.message);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[300];
    store_destroy(&f->store);
    codes_destroy(&f->codes);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static event_t *s_event(const char *json)
{
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s: %s", json, err.message);
    return e;
}

/*  Writes 'n' events given as JSON, as one batch; returns the results. */
static store_result_t *s_write(fixture_t *f, const char *const *json, size_t n,
                               bool atomic)
{
    event_t **events = calloc(n, sizeof *events);
    store_result_t *results = calloc(n, sizeof *results);
    for (size_t i = 0; i < n; i++)
        events[i] = s_event(json[i]);
    store_batch_t batch = {events, n, atomic, results, false};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    free(events);
    return results;
}

#define RATIFIED                                                               \
    "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","             \
    "\"state\":\"PER\",\"instrument\":\"ratification\"}"
#define TRANSMITTED(id, state, recipient)                                      \
    "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-08-31\","         \
    "\"state\":\"" state "\",\"report_id\":\"" id                              \
    "\",\"recipient\":\"" recipient "\"}"
#define REPLY(id, state)                                                       \
    "{\"type\":\"reply.received\",\"occurred_on\":\"2026-01-31\","             \
    "\"state\":\"" state "\",\"report_id\":\"" id "\"}"

static void test_append_sequences_and_duplicates(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("R1", "PER", "state"),
                          RATIFIED};
    store_result_t *r = s_write(f, json, 3, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 1);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    assert_int_equal(r[2].status, STORE_DUPLICATE);
    assert_int_equal(r[2].sequence, 1);
    free(r);
    assert_int_equal(store_head(f->store), 2);

    /* the same content later is a duplicate of the first, across groups */
    r = s_write(f, json, 1, false);
    assert_int_equal(r[0].status, STORE_DUPLICATE);
    assert_int_equal(r[0].sequence, 1);
    free(r);

    uint64_t count = 0;
    err_t err;
    CHECK(store_count_state(f->store, "PER", &count, &err), &err);
    assert_int_equal(count, 2);
    CHECK(store_count_state(f->store, "HRV", &count, &err), &err);
    assert_int_equal(count, 0);
}

static void test_cross_references(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {
        REPLY("R9", "PER"),                /* never transmitted */
        TRANSMITTED("R1", "PER", "state"), /* ok */
        REPLY("R1", "HRV"),                /* wrong State */
        TRANSMITTED("R1", "PER", "state"), /* same content: duplicate */
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-09-01\","
        "\"state\":\"PER\",\"report_id\":\"R1\",\"recipient\":\"state\"}",
        TRANSMITTED("N1", "PER", "npm"),
        "{\"type\":\"report.published\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"report_id\":\"N1\",\"symbol\":\"X\"}",
        "{\"type\":\"visit.postponed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V1\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V1\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2025-10-01\","
        "\"state\":\"PER\",\"visit_id\":\"V2\",\"start\":\"2025-09-25\"}",
        REPLY("R1", "PER"),
    };
    struct {
        store_status_t status;
        const char *field, *words;
    } want[] = {
        {STORE_REFUSED, "report_id", "never transmitted"},
        {STORE_STORED, "", ""},
        {STORE_REFUSED, "state", "transmitted to PER, not HRV"},
        {STORE_DUPLICATE, "", ""},
        {STORE_REFUSED, "report_id", "already transmitted"},
        {STORE_STORED, "", ""},
        {STORE_REFUSED, "report_id", "NPMs are never published"},
        {STORE_REFUSED, "visit_id", "never planned"},
        {STORE_REFUSED, "visit_id", "needs state and start"},
        {STORE_STORED, "", ""},
        {STORE_STORED, "", ""},
    };
    size_t n = sizeof json / sizeof json[0];
    store_result_t *r = s_write(f, json, n, false);
    for (size_t i = 0; i < n; i++) {
        if (r[i].status != want[i].status ||
            strcmp(r[i].error.field, want[i].field) != 0 ||
            !strstr(r[i].error.message, want[i].words))
            fail_msg("event %zu: status %d field \"%s\" message \"%s\"", i,
                     r[i].status, r[i].error.field, r[i].error.message);
    }
    free(r);
    assert_int_equal(store_head(f->store), 4);
}

static void test_atomic_batch_all_or_nothing(void **state)
{
    fixture_t *f = *state;
    const char *bad[] = {TRANSMITTED("R1", "PER", "state"), REPLY("R1", "PER"),
                         REPLY("R2", "PER")};
    store_result_t *r = s_write(f, bad, 3, true);
    assert_int_equal(r[0].status, STORE_NOT_STORED);
    assert_int_equal(r[1].status, STORE_NOT_STORED);
    assert_int_equal(r[2].status, STORE_REFUSED);
    free(r);
    assert_int_equal(store_head(f->store), 0);

    /* refs inside one atomic batch see the batch's own earlier events */
    const char *good[] = {TRANSMITTED("R1", "PER", "state"),
                          REPLY("R1", "PER")};
    r = s_write(f, good, 2, true);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    free(r);
    err_t err;
    uint64_t seq;
    assert_int_equal(store_find_id(f->store, "nope", &seq, &err),
                     OPCAT_ENOTFOUND);
}

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
    free(s_write(f, json, 4, false));
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

/*  A restore keeps each event's sequence and recorded_at, so a log copied
    event by event from its envelopes into an empty store holds the same
    bytes; an event out of sequence is refused and nothing moves. */
static void test_restore_keeps_sequences_and_bytes(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("r1", "PER", "state")};
    free(s_write(f, json, 2, false));
    char dir[300];
    snprintf(dir, sizeof dir, "%s/copy", f->dir);
    assert_int_equal(mkdir(dir, 0755), 0);
    err_t err;
    store_t *copy = store_open(dir, f->codes, NULL, &err);
    assert_non_null(copy);
    uint8_t *data[2];
    size_t len[2];
    event_t *events[2];
    for (int i = 0; i < 2; i++) {
        CHECK(store_get(f->store, (uint64_t)i + 1, &data[i], &len[i], &err),
              &err);
        events[i] = event_unpack(data[i], len[i]);
        assert_non_null(events[i]);
    }
    store_result_t results[2];
    /* out of sequence: the second event first */
    store_batch_t wrong = {&events[1], 1, false, results, true};
    CHECK(store_write(copy, &wrong, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_REFUSED);
    assert_string_equal(results[0].error.field, "sequence");
    assert_int_equal(store_head(copy), 0);
    sleep(1); /* a store would now give a later recorded_at */
    store_batch_t batch = {events, 2, false, results, true};
    CHECK(store_write(copy, &batch, 1, &err), &err);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(results[i].status, STORE_STORED);
        assert_int_equal(results[i].sequence, (uint64_t)i + 1);
        uint8_t *again;
        size_t again_len;
        CHECK(store_get(copy, (uint64_t)i + 1, &again, &again_len, &err), &err);
        assert_int_equal(again_len, len[i]);
        assert_memory_equal(again, data[i], len[i]);
        free(again);
        free(data[i]);
        event_free(&events[i]);
    }
    store_destroy(&copy);
}

static void test_map_grows_and_reopens(void **state)
{
    fixture_t *f = *state;
    err_t err;
    store_destroy(&f->store);
    store_options_t small = {.initial_map_size = 256 * 1024};
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
            events[i] = s_event(json);
        }
        store_batch_t batch = {events, N / 4, false, results, false};
        CHECK(store_write(f->store, &batch, 1, &err), &err);
        for (int i = 0; i < N / 4; i++) {
            assert_int_equal(results[i].status, STORE_STORED);
            event_free(&events[i]);
        }
    }
    assert_true(store_map_size(f->store) > before);
    assert_int_equal(store_head(f->store), N);

    /* a second, read-only handle sees it all while the writer is open */
    store_options_t ro = {.read_only = true};
    store_t *reader = store_open(f->dir, f->codes, &ro, &err);
    assert_non_null(reader);
    assert_int_equal(store_head(reader), N);
    uint64_t seq;
    CHECK(store_find_id(reader, "grow-4321", &seq, &err), &err);
    assert_int_equal(seq, 4322);
    store_destroy(&reader);

    /* reopened, everything is still there */
    store_destroy(&f->store);
    f->store = store_open(f->dir, f->codes, NULL, &err);
    assert_non_null(f->store);
    assert_int_equal(store_head(f->store), N);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_cross_references, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_read_by_range_and_topic, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_restore_keeps_sequences_and_bytes,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_map_grows_and_reopens, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
