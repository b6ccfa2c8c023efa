/*  Unit tests of common/runtime/gather: copies kept in order across growth. */
#include "test_common.h"

#include <stdio.h>
#include <string.h>

#include "err.h"
#include "gather.h"

/*  Adds events first..last, each holding "event <seq>" as its bytes. */
static void s_add_range(gather_t *g, uint64_t first, uint64_t last)
{
    follow_event_t events[64];
    char texts[64][32];
    size_t n = 0;
    for (uint64_t seq = first; seq <= last; seq++) {
        int len = snprintf(texts[n], sizeof texts[n], "event %llu",
                           (unsigned long long)seq);
        events[n] =
            (follow_event_t){seq, (const uint8_t *)texts[n], (size_t)len};
        if (++n == 64 || seq == last) {
            assert_int_equal(gather_add(g, events, n), OPCAT_OK);
            /* the caller's bytes are gone after the callback */
            memset(texts, 'x', sizeof texts);
            n = 0;
        }
    }
}

static void s_assert_range(gather_t *g, uint64_t first, uint64_t last)
{
    assert_int_equal(gather_count(g), last - first + 1);
    const follow_event_t *events = gather_events(g);
    for (size_t i = 0; i < gather_count(g); i++) {
        char expected[32];
        int len = snprintf(expected, sizeof expected, "event %llu",
                           (unsigned long long)(first + i));
        assert_int_equal(events[i].sequence, first + i);
        assert_int_equal(events[i].len, (size_t)len);
        assert_memory_equal(events[i].data, expected, (size_t)len);
    }
}

static void test_events_come_back_in_order_after_growth(void **state)
{
    (void)state;
    gather_t *g = gather_new();
    assert_non_null(g);
    /* 20,000 events: the buffers grow many times past their first size */
    s_add_range(g, 1, 20000);
    s_assert_range(g, 1, 20000);
    gather_destroy(&g);
    assert_null(g);
}

static void test_clear_forgets_and_shrink_gives_back(void **state)
{
    (void)state;
    gather_t *g = gather_new();
    s_add_range(g, 1, 500);
    assert_false(gather_shrink(g, 0)); /* holds events */
    gather_clear(g);
    assert_int_equal(gather_count(g), 0);
    s_add_range(g, 501, 600);
    s_assert_range(g, 501, 600);
    gather_clear(g);
    assert_false(gather_shrink(g, 1 << 20)); /* no more room than that */
    assert_true(gather_shrink(g, 16));       /* given back */
    assert_false(gather_shrink(g, 0));       /* nothing left to give */
    assert_int_equal(gather_count(g), 0);
    s_add_range(g, 601, 601);
    s_assert_range(g, 601, 601);
    gather_destroy(&g);
}

static void test_an_empty_event_is_kept(void **state)
{
    (void)state;
    gather_t *g = gather_new();
    follow_event_t events[2] = {{7, NULL, 0}, {8, (const uint8_t *)"ab", 2}};
    assert_int_equal(gather_add(g, events, 2), OPCAT_OK);
    assert_int_equal(gather_count(g), 2);
    const follow_event_t *held = gather_events(g);
    assert_int_equal(held[0].sequence, 7);
    assert_int_equal(held[0].len, 0);
    assert_int_equal(held[1].sequence, 8);
    assert_memory_equal(held[1].data, "ab", 2);
    gather_destroy(&g);
    gather_destroy(&g); /* NULL allowed */
    /* only empty events: nothing to copy, nothing allocated for bytes */
    g = gather_new();
    assert_int_equal(gather_add(g, events, 1), OPCAT_OK);
    assert_int_equal(gather_count(g), 1);
    assert_int_equal(gather_events(g)[0].len, 0);
    gather_destroy(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_events_come_back_in_order_after_growth),
        cmocka_unit_test(test_clear_forgets_and_shrink_gives_back),
        cmocka_unit_test(test_an_empty_event_is_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
