/*  Unit tests of common/base/monotime: it moves forward, and its two units
    agree. */
#include "test_common.h"

#include <time.h>

#include "monotime.h"

static void test_it_moves_forward_and_the_units_agree(void **state)
{
    (void)state;
    int64_t ms0 = monotime_ms();
    double s0 = monotime_s();
    struct timespec pause = {0, 20000000}; /* 20 ms */
    nanosleep(&pause, NULL);
    int64_t ms1 = monotime_ms();
    double s1 = monotime_s();
    assert_true(ms1 - ms0 >= 20);
    assert_true(s1 - s0 >= 0.020);
    /* the same clock: the readings differ by well under a second */
    assert_true(s1 * 1000 - (double)ms1 > -1000 &&
                s1 * 1000 - (double)ms1 < 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_it_moves_forward_and_the_units_agree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
