/*  Unit tests of common/net/keys: a key pair written private, and a
    client's credentials read from the files its variables name, with
    every wrong file refused when they are read (by bus_new(), at a
    process's start) with the variable and the file named. */
#include "test_common.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "keys.h"

static void s_write(test_tmp_t *t, const char *name, const char *text)
{
    FILE *f = fopen(test_tmp_file(t, name), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void s_clean_env(void)
{
    unsetenv("OPCAT_CURVE_SERVER");
    unsetenv("OPCAT_CURVE_CLIENT_KEY");
}

/*  Makes server.{key,pub} and client.{key,pub} in a new 't'. */
static void s_pairs(test_tmp_t *t)
{
    err_t err;
    test_tmp(t, "test-keys");
    char base[256];
    snprintf(base, sizeof base, "%s/server", t->dir);
    CHECK(keys_generate(base, &err), &err);
    snprintf(base, sizeof base, "%s/client", t->dir);
    CHECK(keys_generate(base, &err), &err);
}

static void s_use(test_tmp_t *t, const char *server, const char *client)
{
    setenv("OPCAT_CURVE_SERVER", test_tmp_file(t, server), 1);
    setenv("OPCAT_CURVE_CLIENT_KEY", test_tmp_file(t, client), 1);
}

static void test_generate_writes_a_private_pair(void **state)
{
    (void)state;
    test_tmp_t t;
    test_tmp(&t, "test-keys");
    err_t err;
    char base[256];
    snprintf(base, sizeof base, "%s", test_tmp_file(&t, "k"));
    CHECK(keys_generate(base, &err), &err);
    struct stat st;
    assert_int_equal(stat(test_tmp_file(&t, "k.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(test_tmp_file(&t, "k.pub"), &st), 0);
    /* the public key is the first line of both files */
    char pub[1][KEYS_LEN + 1], pair[2][KEYS_LEN + 1];
    CHECK(keys_read(NULL, test_tmp_file(&t, "k.pub"), pub, 1, &err), &err);
    CHECK(keys_read(NULL, test_tmp_file(&t, "k.key"), pair, 2, &err), &err);
    assert_string_equal(pub[0], pair[0]);
    assert_string_not_equal(pair[0], pair[1]);
    assert_int_not_equal(keys_generate(base, &err), 0); /* no overwrite */
}

static void test_without_a_server_key_clients_are_plain(void **state)
{
    (void)state;
    s_clean_env();
    setenv("OPCAT_CURVE_CLIENT_KEY", "/nonexistent/client.key", 1);
    err_t err;
    keys_t *keys = keys_client_new(&err);
    assert_non_null(keys);
    assert_false(keys_enabled(keys));
    assert_null(keys_server_public(keys));
    assert_null(keys_secret(keys));
    keys_destroy(&keys);
    assert_null(keys);
    s_clean_env();
}

static void test_the_client_keys_are_those_of_the_files(void **state)
{
    (void)state;
    test_tmp_t t;
    s_pairs(&t);
    s_use(&t, "server.pub", "client.key");
    err_t err;
    keys_t *keys = keys_client_new(&err);
    if (!keys)
        fail_msg("keys_client_new: %s", err.message);
    assert_true(keys_enabled(keys));
    char server[1][KEYS_LEN + 1], pair[2][KEYS_LEN + 1];
    CHECK(keys_read(NULL, test_tmp_file(&t, "server.pub"), server, 1, &err),
          &err);
    CHECK(keys_read(NULL, test_tmp_file(&t, "client.key"), pair, 2, &err),
          &err);
    assert_string_equal(keys_server_public(keys), server[0]);
    assert_string_equal(keys_public(keys), pair[0]);
    assert_string_equal(keys_secret(keys), pair[1]);
    keys_destroy(&keys);
    s_clean_env();
}

/*  bus_new() refuses with OPCAT_EAUTH, naming 'variable' (as the field,
    and "variable=...'file'" in the message). */
static void s_refused(const char *variable, const char *file)
{
    err_t err;
    bus_t *bus = bus_new(&err);
    if (bus)
        fail_msg("bus_new accepted a wrong %s", variable);
    assert_int_equal(err.code, OPCAT_EAUTH);
    assert_string_equal(err.field, variable);
    char named[128];
    snprintf(named, sizeof named, "%s=", variable);
    if (!strstr(err.message, named) || !strstr(err.message, file))
        fail_msg("'%s' does not name %s and %s", err.message, named, file);
}

static void test_a_wrong_file_fails_at_start_naming_its_variable(void **state)
{
    (void)state;
    test_tmp_t t;
    s_pairs(&t);
    s_write(&t, "bad.key", "# not a key\nshort\n");
    s_write(&t, "half.key", "0123456789012345678901234567890123456789\n");
    s_use(&t, "server.pub", "bad.key");
    s_refused("OPCAT_CURVE_CLIENT_KEY", "bad.key");
    s_use(&t, "server.pub", "half.key"); /* a public key, no secret */
    s_refused("OPCAT_CURVE_CLIENT_KEY", "half.key");
    s_use(&t, "server.pub", "missing.key");
    s_refused("OPCAT_CURVE_CLIENT_KEY", "missing.key");
    s_use(&t, "missing.pub", "client.key");
    s_refused("OPCAT_CURVE_SERVER", "missing.pub");
    s_use(&t, "bad.key", "client.key");
    s_refused("OPCAT_CURVE_SERVER", "bad.key");
    unsetenv("OPCAT_CURVE_CLIENT_KEY");
    err_t err;
    assert_null(bus_new(&err));
    assert_string_equal(err.field, "OPCAT_CURVE_CLIENT_KEY");
    /* right files: the bus is made */
    s_use(&t, "server.pub", "client.key");
    bus_t *bus = bus_new(&err);
    if (!bus)
        fail_msg("bus_new: %s", err.message);
    bus_destroy(&bus);
    s_clean_env();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generate_writes_a_private_pair),
        cmocka_unit_test(test_without_a_server_key_clients_are_plain),
        cmocka_unit_test(test_the_client_keys_are_those_of_the_files),
        cmocka_unit_test(test_a_wrong_file_fails_at_start_naming_its_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
