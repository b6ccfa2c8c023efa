/*  Unit tests of common/date: parsing, formatting, month arithmetic. */
#include "test_common.h"

#include <string.h>

#include "date.h"

static int32_t s_day(const char *text)
{
    int32_t day = 0;
    assert_true(date_parse(text, &day));
    return day;
}

static void test_parse_refuses_impossible_dates(void **state)
{
    (void)state;
    int32_t day = 42;
    const char *bad[] = {"2025-02-29",  "2025-13-01", "2025-00-10",
                         "2025-04-31",  "2025-1-01",  "25-01-01",
                         "2025-01-01x", "",           "abcd-ef-gh",
                         "1899-12-31",  "3000-01-01", "2025/01/01"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_false(date_parse(bad[i], &day));
        assert_int_equal(day, 42);
    }
    assert_true(date_parse("2024-02-29", &day));
}

static void test_round_trip(void **state)
{
    (void)state;
    char out[DATE_TEXT_LEN];
    const char *dates[] = {"1970-01-01", "2000-02-29", "2025-12-31",
                           "1900-03-01", "2999-12-31"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        date_format(s_day(dates[i]), out);
        assert_string_equal(out, dates[i]);
    }
    assert_int_equal(s_day("1970-01-01"), 0);
    assert_int_equal(s_day("2025-01-01") - s_day("2024-01-01"), 366);
}

static void test_add_months_clamps_to_month_end(void **state)
{
    (void)state;
    char out[DATE_TEXT_LEN];
    struct {
        const char *from;
        int months;
        const char *to;
    } cases[] = {
        {"2025-08-31", 6, "2026-02-28"},  {"2023-08-31", 6, "2024-02-29"},
        {"2025-03-31", 6, "2025-09-30"},  {"2025-01-15", 6, "2025-07-15"},
        {"2025-12-31", 12, "2026-12-31"}, {"2024-02-29", 12, "2025-02-28"},
        {"2025-07-31", -1, "2025-06-30"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        date_format(date_add_months(s_day(cases[i].from), cases[i].months),
                    out);
        assert_string_equal(out, cases[i].to);
    }
}

/*  Day keys sort as the days do, across the epoch, and read back. */
static void test_day_keys_sort_by_date(void **state)
{
    (void)state;
    const int32_t days[] = {
        date_from_ymd(1900, 1, 1), -1, 0, 1, date_from_ymd(2025, 12, 31),
        date_from_ymd(2026, 1, 1)};
    uint8_t prev[4], key[4];
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        date_key_put(key, days[i]);
        assert_int_equal(date_key_get(key), days[i]);
        if (i)
            assert_true(memcmp(prev, key, 4) < 0);
        memcpy(prev, key, 4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_refuses_impossible_dates),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_add_months_clamps_to_month_end),
        cmocka_unit_test(test_day_keys_sort_by_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
