/*  The aggregation service's queries (services/aggregated, no daemons;
    tests/proj_fixture.h): report content appears in no answer, bad
    parameters name the field, and the regions table the answers group
    States by (a bad line names its line number). */
#include "test_common.h"

#include <string.h>
#include <unistd.h>

#include "proj_fixture.h"

static void test_no_content(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_open(&env, false);
    proj_apply_all(&env, &f->small, NULL);
    const char *const reqs[] = {
        "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2026-12-31\"}",
        "{\"op\":\"stats\",\"as_of\":\"2026-12-31\"}"};
    for (size_t i = 0; i < 2; i++) {
        json_t *r = proj_query(&env, f, reqs[i]);
        char *text = json_dumps(r, 0);
        assert_null(strstr(text, "confidential"));
        free(text);
        json_decref(r);
    }
    proj_env_close(&env);
}

static void s_expect_error(const env_t *env, const fixture_t *f,
                           const char *req, const char *field)
{
    json_error_t jerr;
    json_t *request = json_loads(req, 0, &jerr);
    err_t err;
    err_clear(&err);
    json_t *reply = agg_query_run(env->kv, f->regions, f->names, proj_today(),
                                  request, &err);
    assert_null(reply);
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, field);
    assert_non_null(strstr(err.message, field));
    json_decref(request);
}

static void test_bad_parameters(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_open(&env, false);
    s_expect_error(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-02-30\"}",
                   "as_of");
    s_expect_error(&env, f, "{\"op\":\"stats\",\"as_of\":20250101}", "as_of");
    s_expect_error(&env, f,
                   "{\"op\":\"stats\",\"as_of\":\"2025-01-01\","
                   "\"from\":\"2025-02-01\"}",
                   "from");
    s_expect_error(&env, f, "{\"op\":\"state\",\"state\":\"pe\"}", "state");
    s_expect_error(&env, f, "{\"op\":\"nope\"}", "op");
    proj_env_close(&env);
}

static void test_regions(void **state)
{
    fixture_t *f = *state;
    assert_int_equal(agg_regions_count(f->regions), 194);
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "CYP")),
                        "asia_pacific");
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "PSE")),
                        "asia_pacific");
    assert_string_equal(agg_regions_name(agg_regions_of(f->regions, "TUR")),
                        "asia_pacific");
    assert_int_equal(agg_regions_of(f->regions, "HKG"), -1);
    char path[] = "/tmp/test-agg-regions.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char bad[] = "alpha3\tname\tregion\nPER\tPeru\tsouth_america\n";
    assert_int_equal(write(fd, bad, sizeof bad - 1), (int)sizeof bad - 1);
    close(fd);
    err_t err;
    assert_null(agg_regions_new(path, &err));
    assert_non_null(strstr(err.message, ":2:"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_content),
        cmocka_unit_test(test_bad_parameters),
        cmocka_unit_test(test_regions),
    };
    return cmocka_run_group_tests(tests, proj_setup, proj_teardown);
}
