/*  Unit tests of common/datefmt: a date's possible days at each precision
    and its text in the three styles; a deadline's upper bound. */
#include "test_common.h"

#include <string.h>

#include "date.h"
#include "datefmt.h"

static int32_t s_day(const char *text)
{
    int32_t day = 0;
    assert_true(date_parse(text, &day));
    return day;
}

static void test_names(void **state)
{
    (void)state;
    const char *names[] = {"day", "month", "year", "not_after"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(datefmt_precision_name(i), names[i]);
        assert_int_equal(datefmt_precision_parse(names[i]), i);
    }
    assert_null(datefmt_precision_name(4));
    assert_null(datefmt_precision_name(-1));
    assert_int_equal(datefmt_precision_parse("Month"), -1);
    assert_int_equal(datefmt_precision_parse(NULL), -1);
    assert_string_equal(datefmt_month_en(5), "May");
    assert_string_equal(datefmt_month_en(12), "December");
    assert_false(datefmt_is_imprecise(DATEFMT_DAY));
    assert_true(datefmt_is_imprecise(DATEFMT_NOT_AFTER));
}

static void test_bounds(void **state)
{
    (void)state;
    int32_t d = s_day("2024-02-10");
    assert_int_equal(datefmt_latest(d, DATEFMT_DAY), d);
    assert_int_equal(datefmt_earliest(d, DATEFMT_DAY), d);
    assert_int_equal(datefmt_latest(d, DATEFMT_MONTH), s_day("2024-02-29"));
    assert_int_equal(datefmt_earliest(d, DATEFMT_MONTH), s_day("2024-02-01"));
    assert_int_equal(datefmt_latest(s_day("2025-02-01"), DATEFMT_MONTH),
                     s_day("2025-02-28"));
    assert_int_equal(datefmt_latest(s_day("2025-12-05"), DATEFMT_MONTH),
                     s_day("2025-12-31"));
    assert_int_equal(datefmt_latest(d, DATEFMT_YEAR), s_day("2024-12-31"));
    assert_int_equal(datefmt_earliest(d, DATEFMT_YEAR), s_day("2024-01-01"));
    assert_int_equal(datefmt_latest(d, DATEFMT_NOT_AFTER), d);
    assert_int_equal(datefmt_earliest(d, DATEFMT_NOT_AFTER), DATEFMT_UNBOUNDED);
}

static void test_format(void **state)
{
    (void)state;
    const struct {
        const char *date;
        int precision;
        const char *iso, *en, *zh;
    } cases[] = {
        {"2024-05-03", DATEFMT_DAY, "2024-05-03", "3 May 2024", "2024年5月3日"},
        {"2024-05-17", DATEFMT_MONTH, "2024-05", "May 2024", "2024年5月"},
        {"2024-12-31", DATEFMT_YEAR, "2024", "2024", "2024年"},
        {"2024-12-31", DATEFMT_NOT_AFTER, "by 2024-12-31",
         "by 31 December 2024", "不晚于2024年12月31日"},
        {"2024-12-31", 9, "2024-12-31", "31 December 2024", "2024年12月31日"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[DATEFMT_MAX];
        int32_t d = s_day(cases[i].date);
        datefmt_format(d, cases[i].precision, DATEFMT_ISO, out);
        assert_string_equal(out, cases[i].iso);
        datefmt_format(d, cases[i].precision, DATEFMT_EN, out);
        assert_string_equal(out, cases[i].en);
        datefmt_format(d, cases[i].precision, DATEFMT_ZH, out);
        assert_string_equal(out, cases[i].zh);
    }
}

static void test_deadline(void **state)
{
    (void)state;
    char out[DATEFMT_MAX];
    int32_t d = s_day("2025-06-30");
    datefmt_deadline(d, false, DATEFMT_ISO, out);
    assert_string_equal(out, "2025-06-30");
    datefmt_deadline(d, true, DATEFMT_ISO, out);
    assert_string_equal(out, "2025-06-30 at the latest");
    datefmt_deadline(d, true, DATEFMT_EN, out);
    assert_string_equal(out, "30 June 2025 at the latest");
    datefmt_deadline(d, true, DATEFMT_ZH, out);
    assert_string_equal(out, "最迟2025年6月30日");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
