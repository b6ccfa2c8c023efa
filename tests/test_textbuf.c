/*  Unit tests of common/base/textbuf: appends, growth, hand-over. */
#include "test_common.h"

#include <string.h>

#include "textbuf.h"

static void test_appends_grow_past_the_first_allocation(void **state)
{
    (void)state;
    textbuf_t b = {0};
    for (int i = 0; i < 1000; i++)
        textbuf_printf(&b, "%04d,", i);
    assert_false(b.failed);
    assert_int_equal(b.len, 5000);
    assert_int_equal(strlen(b.text), 5000);
    assert_memory_equal(b.text, "0000,0001,", 10);
    assert_string_equal(b.text + 4995, "0999,");
    size_t len = 0;
    char *text = textbuf_take(&b, &len);
    assert_int_equal(len, 5000);
    assert_null(b.text); /* handed over: 'b' is empty again */
    assert_int_equal(b.len, 0);
    free(text);
}

static void test_take_of_nothing_is_an_empty_text(void **state)
{
    (void)state;
    textbuf_t b = {0};
    size_t len = 99;
    char *text = textbuf_take(&b, &len);
    assert_non_null(text);
    assert_string_equal(text, "");
    assert_int_equal(len, 0);
    free(text);
}

static void test_a_failed_buffer_gives_null_and_stays_failed(void **state)
{
    (void)state;
    textbuf_t b = {0};
    textbuf_printf(&b, "kept until the failure");
    b.failed = true; /* as after a failed realloc */
    textbuf_printf(&b, " and this is dropped");
    assert_int_equal(b.len, strlen("kept until the failure"));
    size_t len = 99;
    assert_null(textbuf_take(&b, &len));
    assert_int_equal(len, 0);
    assert_null(b.text); /* freed */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_appends_grow_past_the_first_allocation),
        cmocka_unit_test(test_take_of_nothing_is_an_empty_text),
        cmocka_unit_test(test_a_failed_buffer_gives_null_and_stays_failed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
