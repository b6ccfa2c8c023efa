/*  Unit tests of common/domain/coverage: the union of intervals per kind,
    prefix matching, the event's days and the projection records (both
    layouts). */
#include "test_common.h"

#include <string.h>

#include "coverage.h"
#include "date.h"

static int32_t D(const char *text)
{
    int32_t day;
    assert_true(date_parse(text, &day));
    return day;
}

static coverage_t *s_new(void)
{
    coverage_t *c = coverage_new();
    assert_non_null(c);
    return c;
}

/*  No interval: every kind complete on every day. */
static void test_empty_covers_everything(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    assert_false(coverage_any(c));
    assert_false(coverage_names(c, "visit.completed"));
    assert_true(coverage_covers(c, "visit.completed", D("1900-01-01"),
                                D("2100-01-01")));
    coverage_destroy(&c);
    assert_null(c);
    coverage_destroy(&c); /* idempotent */
}

/*  An open-ended interval: covered from its first day on, not before. */
static void test_open_interval(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    assert_int_equal(coverage_add(c, "visit.", D("2025-01-01"), COVERAGE_OPEN),
                     0);
    assert_true(coverage_any(c));
    assert_true(coverage_covers(c, "visit.completed", D("2025-01-01"),
                                D("2025-12-31")));
    assert_true(
        coverage_covers(c, "visit.completed", D("2030-01-01"), COVERAGE_OPEN));
    assert_false(coverage_covers(c, "visit.completed", D("2024-12-31"),
                                 D("2025-12-31")));
    /* a day not known from below (INT32_MIN) is never covered */
    assert_false(
        coverage_covers(c, "visit.completed", INT32_MIN, D("2025-12-31")));
    /* a kind the prefix does not match stays complete */
    assert_true(
        coverage_covers(c, "session.held", D("2000-01-01"), D("2000-12-31")));
    coverage_destroy(&c);
}

/*  A closed interval: covered inside, not across either end. */
static void test_closed_interval(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    assert_int_equal(
        coverage_add(c, "visit.completed", D("2017-01-01"), D("2018-12-31")),
        0);
    assert_true(coverage_covers(c, "visit.completed", D("2017-01-01"),
                                D("2017-12-31")));
    assert_true(coverage_covers(c, "visit.completed", D("2018-12-31"),
                                D("2018-12-31")));
    assert_false(coverage_covers(c, "visit.completed", D("2018-01-01"),
                                 D("2019-01-01")));
    assert_false(coverage_covers(c, "visit.completed", D("2016-12-31"),
                                 D("2017-06-30")));
    /* named, so not complete outside the interval */
    assert_false(coverage_covers(c, "visit.completed", D("2020-01-01"),
                                 D("2020-12-31")));
    /* visit.planned is not named by "visit.completed" */
    assert_true(
        coverage_covers(c, "visit.planned", D("2020-01-01"), D("2020-12-31")));
    coverage_destroy(&c);
}

/*  Intervals combine: adjacent or overlapping ones join, a gap does not,
    and intervals of different prefixes matching the kind add up. */
static void test_union(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    assert_int_equal(
        coverage_add(c, "visit.completed", D("2017-01-01"), D("2017-12-31")),
        0);
    assert_int_equal(coverage_add(c, "visit.", D("2025-01-01"), COVERAGE_OPEN),
                     0);
    assert_int_equal(
        coverage_add(c, "visit.completed", D("2018-01-01"), D("2018-12-31")),
        0);
    assert_int_equal(
        coverage_add(c, "visit.completed", D("2017-06-01"), D("2018-03-31")),
        0);
    /* 2017 and 2018 join (adjacent, and an overlap) */
    assert_true(coverage_covers(c, "visit.completed", D("2017-01-01"),
                                D("2018-12-31")));
    /* the gap 2019-2024 */
    assert_false(coverage_covers(c, "visit.completed", D("2018-06-01"),
                                 D("2025-06-01")));
    assert_false(coverage_covers(c, "visit.completed", D("2019-01-01"),
                                 D("2019-01-01")));
    /* "visit." matches visit.planned only from 2025 */
    assert_false(
        coverage_covers(c, "visit.planned", D("2017-01-01"), D("2017-12-31")));
    assert_true(
        coverage_covers(c, "visit.planned", D("2025-01-01"), D("2025-12-31")));
    /* an empty period is covered */
    assert_true(coverage_covers(c, "visit.completed", D("2020-01-02"),
                                D("2020-01-01")));
    coverage_destroy(&c);
}

/*  A prefix matches a type equal to it or, ending in ".", starting it. */
/*  A total since the beginning needs no baseline when the union reaches
    back to the first day a fact of the kind can exist: the Protocol's
    entry into force for the Subcommittee's acts, its adoption for a
    State's own. */
static void test_covers_history(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    assert_int_equal(coverage_first_day("art17.listed"), D("2006-06-22"));
    assert_int_equal(coverage_first_day("state.signed"), D("2002-12-18"));
    assert_int_equal(coverage_first_day("npm.designated"), D("2002-12-18"));
    assert_true(coverage_covers_history(c, "art17.listed", D("2017-12-31")));
    assert_int_equal(
        coverage_add(c, "art17.", D("2006-06-22"), D("2017-12-31")), 0);
    assert_int_equal(coverage_add(c, "state.", D("2006-06-22"), COVERAGE_OPEN),
                     0);
    assert_true(coverage_covers_history(c, "art17.listed", D("2017-12-31")));
    assert_true(coverage_covers_history(c, "art17.delisted", D("2010-01-01")));
    assert_false(coverage_covers_history(c, "art17.listed", D("2018-01-01")));
    /* signatures from 2003 on lie before that interval */
    assert_false(coverage_covers_history(c, "state.signed", D("2017-12-31")));
    coverage_destroy(&c);
    c = s_new();
    assert_int_equal(
        coverage_add(c, "art17.", D("2006-06-23"), D("2017-12-31")), 0);
    assert_false(coverage_covers_history(c, "art17.listed", D("2017-12-31")));
    coverage_destroy(&c);
}

static void test_prefix_matching(void **state)
{
    (void)state;
    assert_true(coverage_prefix_matches("visit.", 6, "visit.completed"));
    assert_true(coverage_prefix_matches("session.held", 12, "session.held"));
    assert_false(coverage_prefix_matches("visit.com", 9, "visit.completed"));
    assert_false(coverage_prefix_matches("visit.completed", 15, "visit."));
    assert_false(coverage_prefix_matches("reply.", 6, "report.transmitted"));
    assert_false(coverage_prefix_matches("", 0, "visit.completed"));
}

/*  The interval of an event: with `until`, without it, and a bad date. */
static void test_event_days(void **state)
{
    (void)state;
    const char *with = "{\"type\":\"dataset.coverage\",\"occurred_on\":"
                       "\"2026-01-01\",\"types\":[\"visit.completed\"],"
                       "\"from\":\"2017-01-01\",\"until\":\"2018-12-31\"}";
    const char *without = "{\"type\":\"dataset.coverage\",\"occurred_on\":"
                          "\"2026-01-01\",\"types\":[\"visit.\"],"
                          "\"from\":\"2025-01-01\"}";
    err_t err;
    int32_t from, until;
    event_t *e = event_from_text(with, strlen(with), &err);
    assert_non_null(e);
    assert_true(coverage_event_days(e, &from, &until));
    assert_int_equal(from, D("2017-01-01"));
    assert_int_equal(until, D("2018-12-31"));
    event_free(&e);
    e = event_from_text(without, strlen(without), &err);
    assert_non_null(e);
    assert_true(coverage_event_days(e, &from, &until));
    assert_int_equal(from, D("2025-01-01"));
    assert_int_equal(until, COVERAGE_OPEN);
    e->dataset_coverage->from[5] = '1'; /* 2025-11-01 */
    e->dataset_coverage->from[6] = '3'; /* month 13 */
    assert_false(coverage_event_days(e, &from, &until));
    event_free(&e);
}

/*  Records round-trip; the open-ended layout (prefix key, int32 `from`
    value) still reads; a malformed key is skipped. */
static void test_records(void **state)
{
    (void)state;
    coverage_t *c = s_new();
    uint8_t key[COVERAGE_KEY_MAX];
    size_t len = coverage_record_key("visit.completed", D("2017-01-01"),
                                     D("2018-12-31"), key);
    assert_int_equal(len, strlen("visit.completed") + 9);
    uint8_t one = 1;
    assert_int_equal(coverage_add_record(c, key, len, &one, 1), 0);
    int32_t old_from = D("2025-01-01");
    assert_int_equal(
        coverage_add_record(c, "session.held", 12, &old_from, sizeof old_from),
        0);
    assert_int_equal(coverage_add_record(c, key, len - 1, &one, 1), 0);
    assert_true(coverage_covers(c, "visit.completed", D("2017-03-01"),
                                D("2018-12-31")));
    assert_false(coverage_covers(c, "visit.completed", D("2017-03-01"),
                                 D("2019-01-01")));
    assert_true(
        coverage_covers(c, "session.held", D("2025-01-01"), D("2099-12-31")));
    assert_false(
        coverage_covers(c, "session.held", D("2024-12-31"), D("2025-12-31")));
    coverage_destroy(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_covers_everything),
        cmocka_unit_test(test_open_interval),
        cmocka_unit_test(test_closed_interval),
        cmocka_unit_test(test_union),
        cmocka_unit_test(test_covers_history),
        cmocka_unit_test(test_prefix_matching),
        cmocka_unit_test(test_event_days),
        cmocka_unit_test(test_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
