/*  Unit tests of the gateway's routing (services/gatewayd/route.h):
    which handler a method and a raw target reach, the router's own
    answers (400, 404, 405), the parameters as decoded, and the ETag's
    pure parts.  No socket: the router is a function of its inputs.
    The API's paths and parameters are read from www/openapi.json, so
    that the document and the router cannot drift apart. */
#include "test_common.h"

#include <jansson.h>
#include <string.h>

#include "route.h"

/*  The handler each documented path reaches. */
static const struct {
    const char *path;
    gw_route_id_t id;
    bool ignores_query; /* takes any query string (and uses none) */
    unsigned sources;
} s_expected[] = {
    {"/api/stats", GW_ROUTE_STATS, false, GW_SRC_STATS},
    {"/api/states", GW_ROUTE_STATES, false, GW_SRC_STATS},
    {"/api/visits", GW_ROUTE_VISITS, false, GW_SRC_STATS},
    {"/api/years", GW_ROUTE_YEARS, false, GW_SRC_STATS},
    {"/api/states/{state}", GW_ROUTE_STATE, false, GW_SRC_STATS | GW_SRC_REM},
    {"/api/reminders", GW_ROUTE_REMINDERS, false, GW_SRC_REM},
    {"/api/events", GW_ROUTE_EVENTS, false, GW_SRC_STORE},
    {"/api/report", GW_ROUTE_REPORT, false, GW_SRC_STATS},
    {"/api/names", GW_ROUTE_NAMES, false, 0},
    {"/api/stream", GW_ROUTE_STREAM, false, 0},
    {"/api/openapi.json", GW_ROUTE_OPENAPI, true, 0},
    {"/healthz", GW_ROUTE_HEALTH, true, 0},
    {"/metrics", GW_ROUTE_METRICS, false, 0},
};
#define EXPECTED (sizeof s_expected / sizeof s_expected[0])

static json_t *s_openapi(void)
{
    char path[4096];
    json_error_t jerr;
    json_t *doc =
        json_load_file(test_source_path("services/gatewayd/www/openapi.json",
                                        path, sizeof path),
                       0, &jerr);
    if (!doc)
        fail_msg("%s: %s", path, jerr.text);
    return doc;
}

/*  The row of s_expected for the documented 'path'; fails if none. */
static size_t s_row(const char *path)
{
    for (size_t i = 0; i < EXPECTED; i++)
        if (strcmp(s_expected[i].path, path) == 0)
            return i;
    fail_msg("%s is documented but the test does not know it", path);
    return 0;
}

/*  A target for the documented 'path': {state} becomes PER. */
static void s_target(const char *path, const char *query, char *out, size_t cap)
{
    const char *brace = strchr(path, '{');
    int n = brace ? (int)(brace - path) : (int)strlen(path);
    snprintf(out, cap, "%.*s%s%s%s", n, path, brace ? "PER" : "",
             query ? "?" : "", query ? query : "");
}

/*  Routes 'method' 'target' into 'route' (cleared by the caller). */
static void s_route(const char *method, const char *target, gw_route_t *route)
{
    if (gw_route(method, target, route) != OPCAT_OK)
        fail_msg("%s %s: out of memory", method, target);
}

static void s_expect_400(const char *method, const char *target,
                         const char *fault, const char *why)
{
    gw_route_t route;
    s_route(method, target, &route);
    if (route.id != GW_ROUTE_BAD_REQUEST || route.status != 400 ||
        strcmp(route.fault, fault) != 0 || !strstr(route.message, why))
        fail_msg("%s %s: id %d, status %u, fault \"%s\", message \"%s\"; "
                 "expected 400 naming \"%s\" (\"%s\")",
                 method, target, (int)route.id, route.status, route.fault,
                 route.message, fault, why);
    gw_route_clear(&route);
}

static void s_expect(const char *method, const char *target, gw_route_id_t id,
                     unsigned status)
{
    gw_route_t route;
    s_route(method, target, &route);
    if (route.id != id || route.status != status)
        fail_msg("%s %s: id %d status %u, expected id %d status %u (%s)",
                 method, target, (int)route.id, route.status, (int)id, status,
                 route.message);
    gw_route_clear(&route);
}

/* ------------------------------------------------------------ the paths */

static void test_every_documented_path_reaches_its_handler(void **state)
{
    (void)state;
    json_t *doc = s_openapi(), *item;
    const char *path;
    size_t seen = 0;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        size_t i = s_row(path);
        assert_non_null(json_object_get(item, "get"));
        char target[256];
        s_target(path, NULL, target, sizeof target);
        s_expect("GET", target, s_expected[i].id, 0);
        s_expect("HEAD", target, s_expected[i].id, 0);
        gw_route_t route;
        s_route("GET", target, &route);
        assert_int_equal(route.sources, s_expected[i].sources);
        assert_string_equal(route.path, target);
        gw_route_clear(&route);
        seen++;
    }
    /* and nothing the test expects is undocumented */
    assert_int_equal(seen, EXPECTED);
    json_decref(doc);
}

/*  Checks that 'target' with each of the documented 'params' reaches
    handler 'id' with the value decoded, and that an undocumented one is
    refused naming it and listing exactly those documented. */
static void s_check_params(const char *path, gw_route_id_t id, bool ignores,
                           json_t *params)
{
    char target[512], query[128];
    const char *names[16];
    size_t i, count = 0;
    json_t *param;
    json_array_foreach(params, i, param)
    {
        const char *name = json_string_value(json_object_get(param, "name"));
        if (strcmp(json_string_value(json_object_get(param, "in")), "query"))
            continue;
        snprintf(query, sizeof query, "%s=v%%20%zu", name, i);
        s_target(path, query, target, sizeof target);
        gw_route_t route;
        s_route("GET", target, &route);
        assert_int_equal(route.id, id);
        snprintf(query, sizeof query, "v %zu", i);
        assert_string_equal(gw_route_param(&route, name), query);
        gw_route_clear(&route);
        assert_true(count < sizeof names / sizeof names[0]);
        names[count++] = name;
    }
    s_target(path, "bogus=1", target, sizeof target);
    if (ignores) {
        s_expect("GET", target, id, 0);
        return;
    }
    s_expect_400("GET", target, "bogus", "bogus: unknown parameter (");
    gw_route_t route;
    s_route("HEAD", target, &route);
    /* the list names each documented parameter, and no other */
    const char *list = strchr(route.message, '(');
    assert_non_null(list);
    size_t commas = 0;
    for (const char *p = list; *p; p++)
        commas += *p == ',';
    for (i = 0; i < count; i++)
        if (!strstr(list, names[i]))
            fail_msg("%s: \"%s\" does not list %s", path, route.message,
                     names[i]);
    if (count)
        assert_int_equal(commas + 1, count);
    else
        assert_string_equal(list, "(none)");
    gw_route_clear(&route);
}

static void test_documented_parameters_pass_and_others_are_named(void **state)
{
    (void)state;
    json_t *doc = s_openapi(), *item;
    const char *path;
    json_object_foreach(json_object_get(doc, "paths"), path, item)
    {
        size_t i = s_row(path);
        s_check_params(
            path, s_expected[i].id, s_expected[i].ignores_query,
            json_object_get(json_object_get(item, "get"), "parameters"));
    }
    json_decref(doc);
}

static void test_a_state_path_carries_its_code(void **state)
{
    (void)state;
    gw_route_t route;
    s_route("GET", "/api/states/PER?as_of=2020-01-31", &route);
    assert_int_equal(route.id, GW_ROUTE_STATE);
    assert_string_equal(route.arg, "PER");
    assert_string_equal(gw_route_param(&route, "as_of"), "2020-01-31");
    assert_null(gw_route_param(&route, "from"));
    gw_route_clear(&route);
    /* the handler judges the code, even an empty one */
    s_route("GET", "/api/states/", &route);
    assert_int_equal(route.id, GW_ROUTE_STATE);
    assert_string_equal(route.arg, "");
    gw_route_clear(&route);
    s_route("GET", "/api/states/p%45r", &route); /* decoded: pEr */
    assert_string_equal(route.arg, "pEr");
    gw_route_clear(&route);
}

static void test_api_paths_nothing_serves_are_404_problems(void **state)
{
    (void)state;
    const char *paths[] = {"/api",           "/api/",          "/api/nope",
                           "/api/statsx",    "/api/stats/now", "/api/State",
                           "/api/index.html"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        gw_route_t route;
        s_route("GET", paths[i], &route);
        assert_int_equal(route.id, GW_ROUTE_NO_ENDPOINT);
        assert_int_equal(route.status, 404);
        assert_non_null(strstr(route.message, paths[i]));
        gw_route_clear(&route);
    }
}

static void test_browser_paths_are_files_or_an_html_404(void **state)
{
    (void)state;
    const char *files[][2] = {{"/", "index.html"},
                              {"/app.js", "app.js"},
                              {"/style.css?v=2", "style.css"},
                              {"/openapi.json", "openapi.json"},
                              {"/state-1_b.html", "state-1_b.html"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        gw_route_t route;
        s_route("GET", files[i][0], &route);
        assert_int_equal(route.id, GW_ROUTE_STATIC);
        assert_string_equal(route.arg, files[i][1]);
        gw_route_clear(&route);
    }
    const char *pages[] = {
        "/nope",
        "/.hidden.html",
        "/a/b.html",
        "/tool.exe",
        "/healthzx",
        "/metrics/",
        "/index.html/",
        "/..%2Fetc.txt",
        ("/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaa.js")};
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        s_expect("GET", pages[i], GW_ROUTE_NO_PAGE, 404);
    assert_string_equal(gw_route_file_type("a.svg"), "image/svg+xml");
    assert_string_equal(gw_route_file_type("index.html"),
                        "text/html; charset=utf-8");
    assert_null(gw_route_file_type("README"));
    assert_null(gw_route_file_type(""));
}

/* ----------------------------------------------------------- the methods */

static void test_only_get_and_head_read_and_options_is_a_preflight(void **st)
{
    (void)st;
    const char *targets[] = {"/api/stats", "/api/nope", "/", "/nope",
                             "/healthz"};
    const char *writes[] = {"POST", "PUT", "DELETE", "PATCH", "get", "TRACE"};
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        for (size_t m = 0; m < sizeof writes / sizeof writes[0]; m++)
            s_expect(writes[m], targets[t], GW_ROUTE_NOT_ALLOWED, 405);
        s_expect("OPTIONS", targets[t], GW_ROUTE_PREFLIGHT, 0);
    }
    /* HEAD is GET without the body: the same route, the same checks */
    s_expect("HEAD", "/api/stats?as_of=2020-01-01", GW_ROUTE_STATS, 0);
    s_expect_400("HEAD", "/api/stats?as_of=1&as_of=2", "as_of",
                 "given more than once");
    s_expect("HEAD", "/api/nope", GW_ROUTE_NO_ENDPOINT, 404);
}

static void test_healthz_and_metrics_alone_are_exempt_from_limits(void **st)
{
    (void)st;
    const char *exempt[] = {"/healthz", "/metrics", "/healthz?probe=1"};
    const char *counted[] = {"/api/stats", "/", "/healthz/", "/metricsx"};
    gw_route_t route;
    for (size_t i = 0; i < sizeof exempt / sizeof exempt[0]; i++) {
        s_route("POST", exempt[i], &route);
        assert_true(route.exempt);
        gw_route_clear(&route);
    }
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++) {
        s_route("GET", counted[i], &route);
        assert_false(route.exempt);
        gw_route_clear(&route);
    }
}

/* ------------------------------------------------------- strict targets */

static void test_targets_that_do_not_decode_name_the_part_at_fault(void **st)
{
    (void)st;
    s_expect_400("GET", "/api/stats?as_of=%zz", "as_of", "malformed");
    s_expect_400("GET", "/api/stats?as_of=20%2", "as_of", "malformed");
    s_expect_400("GET", "/api/stats?%zz=1", "%zz", "parameter's name");
    s_expect_400("GET", "/api%zzstats", "path", "malformed");
    s_expect_400("GET", "/app.js%00.html", "path", "encoded NUL");
    s_expect_400("GET", "/api/stats?from=%00", "from", "encoded NUL");
    s_expect_400("GET", "/api/stats?as_of=%ff", "as_of", "not UTF-8");
    /* the target is judged before the method: a POST learns of it too */
    s_expect_400("POST", "/api/stats?as_of=%zz", "as_of", "malformed");
    /* control characters named back are made printable */
    s_expect_400("GET", "/api/stats?a%01=1", "a?", "unknown parameter");
}

static void test_a_parameter_given_twice_is_named(void **st)
{
    (void)st;
    s_expect_400("GET", "/api/stats?as_of=1&as_of=2", "as_of",
                 "given more than once");
    /* after decoding: %66 is f */
    s_expect_400("GET", "/api/events?from=1&%66rom=2", "from",
                 "given more than once");
    s_expect_400("GET", "/api/events?limit&limit=2", "limit",
                 "given more than once");
    /* on a path that ignores its query string too */
    s_expect_400("GET", "/?v=1&v=2", "v", "given more than once");
}

static void test_parameters_decode_and_are_bounded(void **st)
{
    (void)st;
    gw_route_t route;
    s_route("GET", "/api/events?topic=a+b%2Bc&&from=&limit", &route);
    assert_int_equal(route.id, GW_ROUTE_EVENTS);
    assert_int_equal(route.count, 3);
    assert_string_equal(gw_route_param(&route, "topic"), "a b+c");
    assert_string_equal(gw_route_param(&route, "from"), "");
    assert_null(gw_route_param(&route, "limit")); /* no '=': no value */
    gw_route_clear(&route);
    /* 32 parameters pass the decoding (then the handler's list refuses
       them); the 33rd is refused as one too many */
    char target[512] = "/?";
    for (int i = 0; i < GW_PARAMS_MAX + 1; i++)
        snprintf(target + strlen(target), sizeof target - strlen(target),
                 "%sp%d=1", i ? "&" : "", i);
    s_expect_400("GET", target, "p32", "more than 32 parameters");
    *strrchr(target, '&') = '\0';
    s_expect("GET", target, GW_ROUTE_STATIC, 0);
}

/* ---------------------------------------------------------------- ETags */

static void test_an_etag_hashes_target_day_and_positions(void **st)
{
    (void)st;
    const uint64_t at[GW_POSITIONS] = {7, 8, 9};
    char a[GW_ETAG_LEN], b[GW_ETAG_LEN];
    gw_etag_make("/api/stats", "2026-12-03", at, a);
    assert_int_equal(strlen(a), 18);
    assert_int_equal(a[0], '"');
    assert_int_equal(a[17], '"');
    assert_int_equal(strspn(a + 1, "0123456789abcdef"), 16);
    gw_etag_make("/api/stats", "2026-12-03", at, b);
    assert_string_equal(a, b);
    gw_etag_make("/api/stats?as_of=2026-12-03", "2026-12-03", at, b);
    assert_string_not_equal(a, b);
    gw_etag_make("/api/stats", "2026-12-04", at, b);
    assert_string_not_equal(a, b);
    for (int i = 0; i < GW_POSITIONS; i++) {
        uint64_t moved[GW_POSITIONS] = {7, 8, 9};
        moved[i]++;
        gw_etag_make("/api/stats", "2026-12-03", moved, b);
        assert_string_not_equal(a, b);
    }
}

static void test_if_none_match_decides_the_304(void **st)
{
    (void)st;
    const char *etag = "\"0123456789abcdef\"";
    const char *fresh[] = {"\"0123456789abcdef\"",
                           "W/\"0123456789abcdef\"",
                           "\"x\", \"0123456789abcdef\"",
                           "\"x\",W/\"0123456789abcdef\" ,\"y\"",
                           "*",
                           " \t\"0123456789abcdef\""};
    const char *stale[] = {"",
                           "\"x\"",
                           "\"0123456789abcde\"",
                           "\"0123456789abcdef0\"",
                           "0123456789abcdef",
                           "\"0123456789abcdef\"x"};
    for (size_t i = 0; i < sizeof fresh / sizeof fresh[0]; i++)
        if (!gw_etag_matches(fresh[i], etag))
            fail_msg("If-None-Match: %s should match %s", fresh[i], etag);
    for (size_t i = 0; i < sizeof stale / sizeof stale[0]; i++)
        if (gw_etag_matches(stale[i], etag))
            fail_msg("If-None-Match: %s should not match %s", stale[i], etag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_documented_path_reaches_its_handler),
        cmocka_unit_test(test_documented_parameters_pass_and_others_are_named),
        cmocka_unit_test(test_a_state_path_carries_its_code),
        cmocka_unit_test(test_api_paths_nothing_serves_are_404_problems),
        cmocka_unit_test(test_browser_paths_are_files_or_an_html_404),
        cmocka_unit_test(
            test_only_get_and_head_read_and_options_is_a_preflight),
        cmocka_unit_test(test_healthz_and_metrics_alone_are_exempt_from_limits),
        cmocka_unit_test(
            test_targets_that_do_not_decode_name_the_part_at_fault),
        cmocka_unit_test(test_a_parameter_given_twice_is_named),
        cmocka_unit_test(test_parameters_decode_and_are_bounded),
        cmocka_unit_test(test_an_etag_hashes_target_day_and_positions),
        cmocka_unit_test(test_if_none_match_decides_the_304),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
