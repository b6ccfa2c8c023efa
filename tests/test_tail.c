/*  Unit tests of storage/tail: entries found by sequence, id and
    reference (the newest first), dropped by a rewind or a release from
    every lookup, the bound on entries, and State counts. */
#include "test_common.h"

#include <string.h>

#include "tail.h"

/*  Adds event 'seq' with id "id-<seq>", State 'state', and a reference
    'ref' with key 'key' (NULL: none). */
static void s_add(tail_t *t, uint64_t seq, const char *state, tail_ref_t ref,
                  const char *key)
{
    char id[32], record[40];
    snprintf(id, sizeof id, "id-%llu", (unsigned long long)seq);
    int len = snprintf(record, sizeof record, "%crecord %llu", 6,
                       (unsigned long long)seq);
    tail_entry_t e = {.sequence = seq,
                      .record = (const uint8_t *)record,
                      .len = (size_t)len,
                      .id = id,
                      .ref = key ? ref : TAIL_REF_NONE,
                      .ref_key = key,
                      .report = {.sequence = seq, .recipient = 'n'}};
    snprintf(e.state, sizeof e.state, "%s", state);
    assert_int_equal(tail_add(t, &e), OPCAT_OK);
}

static void test_lookups(void **state)
{
    (void)state;
    tail_t *t = tail_new(11, 8);
    assert_non_null(t);
    s_add(t, 11, "AUS", TAIL_REF_REPORT, "R1");
    s_add(t, 12, "PER", TAIL_REF_VISIT, "R1");  /* same key, other kind */
    s_add(t, 13, "AUS", TAIL_REF_REPORT, "R1"); /* the newer report */
    assert_int_equal(tail_first(t), 11);
    assert_int_equal(tail_count(t), 3);
    const tail_entry_t *e = tail_get(t, 12);
    assert_non_null(e);
    assert_memory_equal(e->record, "\x06record 12", 10);
    assert_string_equal(e->id, "id-12");
    assert_null(tail_get(t, 10));
    assert_null(tail_get(t, 14));
    assert_null(tail_get(t, 19)); /* the slot of 11 */
    uint64_t seq = 0;
    assert_true(tail_find_id(t, "id-13", &seq));
    assert_int_equal(seq, 13);
    assert_false(tail_find_id(t, "id-14", &seq));
    assert_int_equal(tail_find_ref(t, TAIL_REF_REPORT, "R1")->sequence, 13);
    assert_int_equal(tail_find_ref(t, TAIL_REF_VISIT, "R1")->sequence, 12);
    assert_null(tail_find_ref(t, TAIL_REF_VISIT, "R2"));
    assert_int_equal(tail_count_state(t, "AUS", 0), 2);
    assert_int_equal(tail_count_state(t, "AUS", 12), 1);
    tail_destroy(&t);
    assert_null(t);
}

/*  A rewind and a release take entries out of every lookup; an older
    reference shows again once the newer one is rewound. */
static void test_rewind_and_release(void **state)
{
    (void)state;
    tail_t *t = tail_new(1, 8);
    for (uint64_t seq = 1; seq <= 4; seq++)
        s_add(t, seq, "AUS", TAIL_REF_REPORT, seq % 2 ? "odd" : "even");
    assert_int_equal(tail_mark(t), 5);
    tail_rewind(t, 4);
    uint64_t seq;
    assert_false(tail_find_id(t, "id-4", &seq));
    assert_int_equal(tail_find_ref(t, TAIL_REF_REPORT, "even")->sequence, 2);
    tail_release(t, 2);
    assert_int_equal(tail_first(t), 3);
    assert_false(tail_find_id(t, "id-1", &seq));
    assert_null(tail_find_ref(t, TAIL_REF_REPORT, "even"));
    assert_int_equal(tail_find_ref(t, TAIL_REF_REPORT, "odd")->sequence, 3);
    assert_null(tail_get(t, 2));
    assert_int_equal(tail_count(t), 1);
    s_add(t, 4, "", TAIL_REF_NONE, NULL); /* the mark goes on after it */
    assert_int_equal(tail_count_state(t, "AUS", 0), 1);
    tail_release(t, 4);
    assert_int_equal(tail_count(t), 0);
    assert_int_equal(tail_bytes(t), 0);
    assert_int_equal(tail_first(t), 5);
    tail_destroy(&t);
}

/*  The ring holds 'max_events': a full tail refuses, a release makes
    room, and sequences wrap around the ring's slots. */
static void test_bound(void **state)
{
    (void)state;
    tail_t *t = tail_new(1, 3);
    for (uint64_t seq = 1; seq <= 3; seq++)
        s_add(t, seq, "AUS", TAIL_REF_NONE, NULL);
    assert_int_equal(tail_room(t), 0);
    tail_entry_t e = {
        .sequence = 4, .record = (const uint8_t *)"x", .len = 1, .id = "x"};
    assert_int_equal(tail_add(t, &e), OPCAT_ETOOBIG);
    tail_release(t, 1);
    assert_int_equal(tail_room(t), 1);
    s_add(t, 4, "AUS", TAIL_REF_NONE, NULL);
    for (uint64_t seq = 2; seq <= 4; seq++)
        assert_int_equal(tail_get(t, seq)->sequence, seq);
    assert_null(tail_get(t, 1)); /* its slot now holds 4 */
    tail_release(t, 4);
    assert_int_equal(tail_grow(t, 5), OPCAT_OK); /* empty: it may grow */
    for (uint64_t seq = 5; seq <= 9; seq++)
        s_add(t, seq, "AUS", TAIL_REF_NONE, NULL);
    assert_int_equal(tail_room(t), 0);
    assert_int_equal(tail_get(t, 5)->sequence, 5);
    assert_true(tail_find_id(t, "id-9", &(uint64_t){0}));
    tail_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookups),
        cmocka_unit_test(test_rewind_and_release),
        cmocka_unit_test(test_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
