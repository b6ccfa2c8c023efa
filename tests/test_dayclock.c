/*  Unit tests of common/base/dayclock: the flag before OPCAT_NOW before
    the system clock, and a bad value named as an error. */
#include "test_common.h"

#include <string.h>
#include <time.h>

#include "date.h"
#include "dayclock.h"

static void test_the_flag_then_the_variable_then_the_clock(void **state)
{
    (void)state;
    dayclock_t c;
    err_t err;
    int32_t d2025, d2024;
    assert_true(date_parse("2025-06-30", &d2025));
    assert_true(date_parse("2024-01-01", &d2024));
    setenv("OPCAT_NOW", "2024-01-01", 1);
    CHECK(dayclock_init(&c, "2025-06-30", &err), &err);
    assert_int_equal(dayclock_today(&c), d2025);
    assert_string_equal(c.source, "--now");
    CHECK(dayclock_init(&c, NULL, &err), &err);
    assert_int_equal(dayclock_today(&c), d2024);
    assert_string_equal(c.source, "OPCAT_NOW");
    unsetenv("OPCAT_NOW");
    CHECK(dayclock_init(&c, NULL, &err), &err);
    assert_false(c.fixed);
    int32_t now = (int32_t)(time(NULL) / 86400);
    assert_true(dayclock_today(&c) - now <= 1 && now - dayclock_today(&c) <= 1);
    /* 1970-01-01 is day 0, and still a fixed day */
    CHECK(dayclock_init(&c, "1970-01-01", &err), &err);
    assert_true(c.fixed);
    assert_int_equal(dayclock_today(&c), 0);
}

static void test_a_bad_value_is_an_error_naming_it(void **state)
{
    (void)state;
    dayclock_t c;
    err_t err;
    assert_int_equal(dayclock_init(&c, "2025-02-30", &err), OPCAT_EINVAL);
    assert_string_equal(err.field, "--now");
    assert_non_null(strstr(err.message, "2025-02-30"));
    setenv("OPCAT_NOW", "tomorrow", 1);
    assert_int_equal(dayclock_init(&c, NULL, &err), OPCAT_EINVAL);
    assert_string_equal(err.field, "OPCAT_NOW");
    unsetenv("OPCAT_NOW");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_flag_then_the_variable_then_the_clock),
        cmocka_unit_test(test_a_bad_value_is_an_error_naming_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
