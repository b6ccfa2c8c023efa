/*  Unit tests of common/base/cfg: secrets from a variable or from the
    file its _FILE variable names. */
#include "test_common.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

#define VAR "OPCAT_TEST_SECRET"

/*  Writes 'n' bytes of 'text' to a new temporary file; its path in 'path'. */
static void s_file(char *path, const char *text, size_t n)
{
    strcpy(path, "/tmp/opcat-secret.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
}

static void test_a_secret_from_the_variable_or_the_file(void **state)
{
    (void)state;
    err_t err;
    char *value = (char *)"untouched", path[64];
    unsetenv(VAR);
    unsetenv(VAR "_FILE");
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_OK);
    assert_null(value); /* neither set */

    setenv(VAR, "s3cret", 1);
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_OK);
    assert_string_equal(value, "s3cret");
    free(value);
    unsetenv(VAR);

    /* a compose secret: one trailing newline dropped, inner ones kept */
    s_file(path, "pa ss\nword\n", 11);
    setenv(VAR "_FILE", path, 1);
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_OK);
    assert_string_equal(value, "pa ss\nword");
    free(value);
    unlink(path);
    unsetenv(VAR "_FILE");
}

static void test_bad_secrets_name_the_variable_and_the_rule(void **state)
{
    (void)state;
    err_t err;
    char *value = NULL, path[64];
    s_file(path, "x", 1);
    setenv(VAR, "s3cret", 1);
    setenv(VAR "_FILE", path, 1);
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_EINVAL);
    assert_non_null(strstr(err.message, VAR " and " VAR "_FILE are both set"));
    unsetenv(VAR);
    unlink(path);

    /* the file is gone */
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_EINVAL);
    assert_string_equal(err.field, VAR "_FILE");
    assert_non_null(strstr(err.message, "cannot read"));

    /* empty, and one byte too many */
    s_file(path, "\n", 1);
    setenv(VAR "_FILE", path, 1);
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_EINVAL);
    assert_non_null(strstr(err.message, "must hold from 1 to 4096 bytes"));
    unlink(path);
    char *big = malloc(CFG_SECRET_MAX + 1);
    memset(big, 'k', CFG_SECRET_MAX + 1);
    s_file(path, big, CFG_SECRET_MAX + 1);
    setenv(VAR "_FILE", path, 1);
    free(big);
    assert_int_equal(cfg_secret(VAR, &value, &err), OPCAT_EINVAL);
    assert_non_null(strstr(err.message, "must hold from 1 to 4096 bytes"));
    assert_null(value);
    unlink(path);
    unsetenv(VAR "_FILE");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_secret_from_the_variable_or_the_file),
        cmocka_unit_test(test_bad_secrets_name_the_variable_and_the_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
