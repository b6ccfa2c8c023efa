/*  Unit tests of common/base/log: the text and JSON line formats. */
#include "test_common.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/*  Runs 'fn' with stderr sent to a temporary file and returns what it
    wrote (the caller's), so that the lines can be read back. */
static char *s_capture(void (*fn)(void))
{
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    assert_true(dup2(fileno(tmp), 2) >= 0);
    fn();
    fflush(stderr);
    assert_true(dup2(saved, 2) >= 0);
    close(saved);
    long len = ftell(tmp);
    char *text = calloc(1, (size_t)len + 1);
    rewind(tmp);
    assert_int_equal(fread(text, 1, (size_t)len, tmp), (size_t)len);
    fclose(tmp);
    return text;
}

static void s_write_lines(void)
{
    const log_field_t fields[] = {{"request_id", "42"}, {"field", "report_id"}};
    log_fields(LOG_LEVEL_INFO, fields, 2, "append: refused %s",
               "a \"quoted\"\n\tline \xff end");
    errno = ENOENT;
    log_warn("open %s", "/nowhere");
    log_debug("not shown: not verbose");
    log_info("plain");
}

static void test_json_lines_are_objects_with_the_fields(void **state)
{
    (void)state;
    setenv("OPCAT_LOG_FORMAT", "json", 1);
    log_init("opcat-test", 0);
    char *text = s_capture(s_write_lines);
    log_set_format(LOG_FORMAT_TEXT);
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    json_error_t jerr;
    json_t *first = json_loads(line, 0, &jerr);
    assert_non_null(first);
    assert_string_equal(json_string_value(json_object_get(first, "daemon")),
                        "opcat-test");
    assert_string_equal(json_string_value(json_object_get(first, "level")),
                        "info");
    /* the escapes round-trip; the byte that is not UTF-8 becomes U+FFFD */
    assert_string_equal(
        json_string_value(json_object_get(first, "message")),
        "append: refused a \"quoted\"\n\tline \xef\xbf\xbd end");
    assert_string_equal(json_string_value(json_object_get(first, "request_id")),
                        "42");
    assert_string_equal(json_string_value(json_object_get(first, "field")),
                        "report_id");
    const char *time = json_string_value(json_object_get(first, "time"));
    assert_non_null(time);
    assert_int_equal(strlen(time), 24); /* 2026-12-02T18:00:00.123Z */
    assert_int_equal(time[23], 'Z');
    json_decref(first);

    json_t *second = json_loads(strtok_r(NULL, "\n", &save), 0, &jerr);
    assert_non_null(second);
    assert_string_equal(json_string_value(json_object_get(second, "level")),
                        "warning");
    assert_string_equal(json_string_value(json_object_get(second, "message")),
                        "open /nowhere");
    assert_string_equal(json_string_value(json_object_get(second, "error")),
                        strerror(ENOENT));
    json_decref(second);

    json_t *third = json_loads(strtok_r(NULL, "\n", &save), 0, &jerr);
    assert_non_null(third); /* the debug line was not written */
    assert_string_equal(json_string_value(json_object_get(third, "message")),
                        "plain");
    json_decref(third);
    assert_null(strtok_r(NULL, "\n", &save));
    free(text);
}

static void test_text_lines_keep_their_shape_with_fields_after(void **state)
{
    (void)state;
    unsetenv("OPCAT_LOG_FORMAT");
    log_init("opcat-test", 0);
    char *text = s_capture(s_write_lines);
    assert_non_null(strstr(text, "Z opcat-test info: append: refused a "
                                 "\"quoted\"\n\tline \xff end "
                                 "request_id=42 field=report_id\n"));
    assert_non_null(strstr(text, "Z opcat-test warning: open /nowhere: "));
    assert_non_null(strstr(text, "Z opcat-test info: plain\n"));
    assert_null(strstr(text, "{\""));
    free(text);
}

static void s_init_bogus(void)
{
    setenv("OPCAT_LOG_FORMAT", "yaml", 1);
    log_init("opcat-test", 0);
    log_info("after");
}

static void test_an_unknown_format_is_named_and_text_kept(void **state)
{
    (void)state;
    assert_int_equal(log_format_parse("json"), LOG_FORMAT_JSON);
    assert_int_equal(log_format_parse("JSON"), LOG_FORMAT_JSON);
    assert_int_equal(log_format_parse("text"), LOG_FORMAT_TEXT);
    assert_int_equal(log_format_parse(""), LOG_FORMAT_TEXT);
    assert_int_equal(log_format_parse(NULL), LOG_FORMAT_TEXT);
    assert_int_equal(log_format_parse("yaml"), -1);
    char *text = s_capture(s_init_bogus);
    unsetenv("OPCAT_LOG_FORMAT");
    assert_non_null(strstr(text, "warning: OPCAT_LOG_FORMAT: \"yaml\" is not "
                                 "text or json; logging as text\n"));
    assert_non_null(strstr(text, "info: after\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_lines_are_objects_with_the_fields),
        cmocka_unit_test(test_text_lines_keep_their_shape_with_fields_after),
        cmocka_unit_test(test_an_unknown_format_is_named_and_text_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
