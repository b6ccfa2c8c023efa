/*  Unit tests of storage/store's writes (store_write, storage/group.c):
    sequences and duplicates, the cross-reference rules, atomic batches,
    an id reused with other content, one group commit of several batches,
    a restore that keeps sequences and bytes, a validate-only batch; the
    first rules again with a commit log (everything pending, or applied
    after each write). */
#include "test_common.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "store_fixture.h"

static void test_append_sequences_and_duplicates(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("R1", "PER", "state"),
                          RATIFIED};
    store_result_t *r = fixture_write(f, json, 3, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 1);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    assert_int_equal(r[2].status, STORE_DUPLICATE);
    assert_int_equal(r[2].sequence, 1);
    free(r);
    assert_int_equal(store_head(f->store), 2);

    /* the same content later is a duplicate of the first, across groups */
    r = fixture_write(f, json, 1, false);
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
    store_result_t *r = fixture_write(f, json, n, false);
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
    store_result_t *r = fixture_write(f, bad, 3, true);
    assert_int_equal(r[0].status, STORE_NOT_STORED);
    assert_int_equal(r[1].status, STORE_NOT_STORED);
    assert_int_equal(r[2].status, STORE_REFUSED);
    free(r);
    assert_int_equal(store_head(f->store), 0);

    /* refs inside one atomic batch see the batch's own earlier events */
    const char *good[] = {TRANSMITTED("R1", "PER", "state"),
                          REPLY("R1", "PER")};
    r = fixture_write(f, good, 2, true);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 2);
    free(r);
    err_t err;
    uint64_t seq;
    assert_int_equal(store_find_id(f->store, "nope", &seq, &err),
                     OPCAT_ENOTFOUND);
}

#define SIGNED(id, day)                                                        \
    "{\"type\":\"state.signed\",\"occurred_on\":\"2025-01-" day "\","          \
    "\"state\":\"AGO\",\"id\":\"" id "\"}"

/*  An id already stored is a duplicate only with the same content; with
    other content it is refused, across groups, in one batch and in one
    atomic batch (which is then not stored at all).  What the store sets
    (sequence, recorded_at, written_by) is not content. */
static void test_reused_id_with_other_content(void **state)
{
    fixture_t *f = *state;
    const char *first[] = {SIGNED("x-1", "01"), SIGNED("x-1", "02")};
    store_result_t *r = fixture_write(f, first, 2, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[1].status, STORE_REFUSED);
    assert_int_equal(r[1].error.code, OPCAT_EDUP);
    assert_string_equal(r[1].error.field, "id");
    assert_non_null(
        strstr(r[1].error.message, "already stored with different content"));
    free(r);

    r = fixture_write(f, first + 1, 1, false); /* a later group */
    assert_int_equal(r[0].status, STORE_REFUSED);
    assert_int_equal(r[0].error.code, OPCAT_EDUP);
    free(r);

    const char *atomic[] = {SIGNED("y-1", "01"), SIGNED("y-1", "03")};
    r = fixture_write(f, atomic, 2, true);
    assert_int_equal(r[0].status, STORE_NOT_STORED);
    assert_int_equal(r[1].status, STORE_REFUSED);
    free(r);
    assert_int_equal(store_head(f->store), 1);

    /* the same content with other store-set fields: a duplicate */
    event_t *e = fixture_event(SIGNED("x-1", "01"));
    e->sequence = 99;
    e->recorded_at = 12345;
    event_set_string(&e->written_by, "reminder");
    store_result_t res;
    store_batch_t batch = {.events = &e, .count = 1, .results = &res};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(res.status, STORE_DUPLICATE);
    assert_int_equal(res.sequence, 1);
    event_free(&e);
}

/*  One group commit of several batches (what the store daemon does with
    the requests waiting at once): each batch gets its own results, an
    atomic batch refused in the middle takes no sequence, and the head is
    the last sequence of the group. */
static void test_group_commit(void **state)
{
    fixture_t *f = *state;
    const char *a[] = {RATIFIED, TRANSMITTED("R1", "PER", "state")};
    const char *b[] = {REPLY("R1", "PER"), REPLY("R9", "PER")};
    const char *c[] = {TRANSMITTED("R2", "PER", "npm")};
    const char *const *json[] = {a, b, c};
    size_t counts[] = {2, 2, 1};
    event_t *events[3][2];
    store_result_t results[3][2];
    store_batch_t batches[3];
    for (size_t i = 0; i < 3; i++) {
        for (size_t k = 0; k < counts[i]; k++)
            events[i][k] = fixture_event(json[i][k]);
        batches[i] = (store_batch_t){.events = events[i],
                                     .count = counts[i],
                                     .atomic = i == 1,
                                     .results = results[i]};
    }
    err_t err;
    CHECK(store_write(f->store, batches, 3, &err), &err);
    assert_int_equal(results[0][0].status, STORE_STORED);
    assert_int_equal(results[0][0].sequence, 1);
    assert_int_equal(results[0][1].sequence, 2);
    assert_int_equal(results[1][0].status, STORE_NOT_STORED);
    assert_int_equal(results[1][1].status, STORE_REFUSED);
    assert_int_equal(results[2][0].status, STORE_STORED);
    assert_int_equal(results[2][0].sequence, 3);
    assert_int_equal(store_head(f->store), 3);
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < counts[i]; k++)
            event_free(&events[i][k]);
    /* the next group continues after it */
    const char *d[] = {REPLY("R1", "PER")};
    store_result_t *r = fixture_write(f, d, 1, false);
    assert_int_equal(r[0].sequence, 4);
    free(r);
    assert_int_equal(store_head(f->store), 4);
}

/*  A restore keeps each event's sequence and recorded_at, so a log copied
    event by event from its envelopes into an empty store holds the same
    bytes; an event out of sequence is refused and nothing moves. */
static void test_restore_keeps_sequences_and_bytes(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {RATIFIED, TRANSMITTED("r1", "PER", "state")};
    free(fixture_write(f, json, 2, false));
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
    store_batch_t wrong = {
        .events = &events[1], .count = 1, .results = results, .restore = true};
    CHECK(store_write(copy, &wrong, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_REFUSED);
    assert_string_equal(results[0].error.field, "sequence");
    assert_int_equal(store_head(copy), 0);
    sleep(1); /* a store would now give a later recorded_at */
    store_batch_t batch = {
        .events = events, .count = 2, .results = results, .restore = true};
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

/*  A validate-only batch: each event against the store and the batch's
    earlier events; nothing kept, the head unmoved; then the same events
    written for real get the same answers. */
static void test_validate_only_keeps_nothing(void **state)
{
    fixture_t *f = *state;
    const char *stored[] = {TRANSMITTED("R0", "PER", "state")};
    free(fixture_write(f, stored, 1, false));
    const char *json[] = {TRANSMITTED("R1", "PER", "state"),
                          REPLY("R1", "PER"),
                          REPLY("NONE", "PER"),
                          TRANSMITTED("R0", "PER", "state"),
                          REPLY("R0", "PER"),
                          TRANSMITTED("R1", "PER", "state")};
    size_t n = sizeof json / sizeof json[0];
    event_t *events[6];
    store_result_t results[6];
    for (size_t i = 0; i < n; i++)
        events[i] = fixture_event(json[i]);
    store_batch_t batch = {.events = events,
                           .count = n,
                           .atomic = true,
                           .results = results,
                           .validate_only = true};
    err_t err;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_STORED); /* would be */
    assert_int_equal(results[0].sequence, 0);
    assert_int_equal(results[1].status, STORE_STORED); /* sees R1 above */
    assert_int_equal(results[2].status, STORE_REFUSED);
    assert_int_equal(results[2].error.code, OPCAT_EREF);
    assert_int_equal(results[3].status, STORE_DUPLICATE);
    assert_int_equal(results[3].sequence, 1);
    assert_int_equal(results[4].status, STORE_STORED);    /* R0 is stored */
    assert_int_equal(results[5].status, STORE_DUPLICATE); /* as line 1 */
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    assert_int_equal(store_head(f->store), 1);

    /* a batch with nothing refused keeps nothing either */
    for (size_t i = 0; i < 2; i++)
        events[i] = fixture_event(json[i]);
    batch.count = 2;
    CHECK(store_write(f->store, &batch, 1, &err), &err);
    assert_int_equal(results[0].status, STORE_STORED);
    assert_int_equal(results[0].sequence, 0);
    assert_int_equal(results[1].status, STORE_STORED);
    assert_int_equal(results[1].sequence, 0);
    for (size_t i = 0; i < 2; i++)
        event_free(&events[i]);
    assert_int_equal(store_head(f->store), 1);

    /* nothing of it stays: R1 can be transmitted for real now */
    store_result_t *r = fixture_write(f, json, 2, false);
    assert_int_equal(r[0].status, STORE_STORED);
    assert_int_equal(r[0].sequence, 2);
    assert_int_equal(r[1].status, STORE_STORED);
    assert_int_equal(r[1].sequence, 3);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_cross_references, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reused_id_with_other_content,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_restore_keeps_sequences_and_bytes,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_validate_only_keeps_nothing,
                                        fixture_setup, fixture_teardown),
        /* the same rules with everything pending in the commit log, and
           with it applied after each write */
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_cross_references, fixture_setup_pending, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        fixture_setup_pending,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_append_sequences_and_duplicates,
                                        fixture_setup_applied,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(
            test_cross_references, fixture_setup_applied, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_atomic_batch_all_or_nothing,
                                        fixture_setup_applied,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
