/*  test_ntf_route: opcat-notifyd's config and routing
    (services/notifyd/ntf_config.h): which destinations a reminder goes
    to, the errors that name the bad member, and the back-off
    arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ntf_config.h"

/*  A config from JSON text, failing the test if it does not parse. */
static ntf_config_t *s_config(const char *text)
{
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        fail_msg("bad test JSON: %s", jerr.text);
    err_t err;
    ntf_config_t *c = ntf_config_parse(root, NULL, NULL, &err);
    json_decref(root);
    if (!c)
        fail_msg("config refused: %s", err.message);
    return c;
}

/*  The error of a config that must be refused. */
static err_t s_refused(const char *text)
{
    json_t *root = json_loads(text, 0, NULL);
    assert_non_null(root);
    err_t err;
    err_clear(&err);
    ntf_config_t *c = ntf_config_parse(root, NULL, NULL, &err);
    json_decref(root);
    if (c)
        fail_msg("config accepted, expected an error: %s", text);
    assert_int_equal(err.code, OPCAT_EINVAL);
    return err;
}

/*  Collects routes as "channel destination" lines. */
typedef struct {
    char text[2048];
    int count;
} routes_t;

static int s_collect(void *arg, ntf_channel_t channel, const char *dest)
{
    routes_t *r = arg;
    size_t n = strlen(r->text);
    snprintf(r->text + n, sizeof r->text - n, "%s %s\n",
             ntf_channel_name(channel), dest);
    r->count++;
    return 0;
}

static routes_t s_route(const ntf_config_t *c, const char *rule,
                        const char *state, const char *region)
{
    routes_t r = {{0}, 0};
    assert_int_equal(ntf_config_route(c, rule, state, region, s_collect, &r),
                     0);
    return r;
}

static const char s_full[] =
    "{\"smtp\": {\"url\": \"smtp://127.0.0.1:2525\", \"from\": "
    "\"opcat@example.org\"},"
    " \"email\": {\"states\": {\"PER\": [\"per@example.pe\", "
    "\"lac@example.org\"]},"
    "             \"regions\": {\"latin_america_caribbean\": "
    "\"lac@example.org\","
    "                           \"weog\": [\"weog@example.org\"]},"
    "             \"rules\": {\"art12.\": [\"replies@example.org\"],"
    "                         \"art17.npm\": [\"npm@example.org\"]},"
    "             \"default\": [\"secretariat@example.org\"]},"
    " \"webhook\": {\"rules\": {\"art16\": \"https://hooks.example.org/pub\"},"
    "               \"default\": \"http://127.0.0.1:9/all\"},"
    " \"retry\": {\"base_ms\": 200, \"max_attempts\": 3},"
    " \"timeout_ms\": 2000, \"max_age_days\": 0}";

static void test_route_state_region_rule(void **state)
{
    (void)state;
    ntf_config_t *c = s_config(s_full);
    /* State, then region (lac@ once only), then rule; webhook: default */
    routes_t r =
        s_route(c, "art12.state_reply", "PER", "latin_america_caribbean");
    assert_string_equal(r.text, "email per@example.pe\n"
                                "email lac@example.org\n"
                                "email replies@example.org\n"
                                "webhook http://127.0.0.1:9/all\n");
    /* a region only */
    r = s_route(c, "visit.upcoming", "FRA", "weog");
    assert_string_equal(r.text, "email weog@example.org\n"
                                "webhook http://127.0.0.1:9/all\n");
    /* a rule prefix only; the webhook has a route of its own */
    r = s_route(c, "art16.publication", "KAZ", "asia_pacific");
    assert_string_equal(r.text, "email secretariat@example.org\n"
                                "webhook https://hooks.example.org/pub\n");
    r = s_route(c, "art17.npm_designation", "", NULL);
    assert_string_equal(r.text, "email npm@example.org\n"
                                "webhook http://127.0.0.1:9/all\n");
    /* nothing specific: the defaults */
    r = s_route(c, "visit.upcoming", NULL, NULL);
    assert_int_equal(r.count, 2);
    assert_string_equal(r.text, "email secretariat@example.org\n"
                                "webhook http://127.0.0.1:9/all\n");
    assert_int_equal(ntf_config_destinations(c), 9);
    assert_true(ntf_config_uses_regions(c));
    ntf_config_destroy(&c);
    assert_null(c);
}

static void test_route_every_rule_and_none(void **state)
{
    (void)state;
    ntf_config_t *c =
        s_config("{\"webhook\": {\"rules\": {\"\": \"http://h/all\"}}}");
    routes_t r = s_route(c, "anything", "PER", "latin_america_caribbean");
    assert_string_equal(r.text, "webhook http://h/all\n");
    assert_false(ntf_config_uses_regions(c));
    ntf_config_destroy(&c);

    c = ntf_config_new();
    r = s_route(c, "art12.state_reply", "PER", NULL);
    assert_int_equal(r.count, 0);
    assert_int_equal(ntf_config_destinations(c), 0);
    const ntf_settings_t *s = ntf_config_settings_const(c);
    assert_int_equal(s->retry_base_ms, 30000);
    assert_int_equal(s->max_attempts, 8);
    assert_int_equal(s->max_age_days, 7);
    assert_null(s->smtp_url);
    ntf_config_destroy(&c);
}

static void test_settings(void **state)
{
    (void)state;
    ntf_config_t *c = s_config(s_full);
    const ntf_settings_t *s = ntf_config_settings_const(c);
    assert_string_equal(s->smtp_url, "smtp://127.0.0.1:2525");
    assert_string_equal(s->smtp_from, "opcat@example.org");
    assert_int_equal(s->retry_base_ms, 200);
    assert_int_equal(s->retry_max_ms, 6 * 3600 * 1000);
    assert_int_equal(s->max_attempts, 3);
    assert_int_equal(s->timeout_ms, 2000);
    assert_int_equal(s->max_age_days, 0);
    assert_null(s->tls_ca_file); /* the system's certificates */
    ntf_config_destroy(&c);
    /* a private CA: any readable file is taken (curl reads the PEM) */
    c = s_config("{\"tls\": {\"ca_file\": \"/dev/null\"}}");
    assert_string_equal(ntf_config_settings_const(c)->tls_ca_file, "/dev/null");
    ntf_config_destroy(&c);
}

static int s_abort_walk(void *arg, ntf_channel_t channel, const char *dest)
{
    (void)channel, (void)dest;
    ++*(int *)arg;
    return 7;
}

static void test_route_stops_on_error(void **state)
{
    (void)state;
    ntf_config_t *c = s_config(s_full);
    int calls = 0;
    assert_int_equal(ntf_config_route(c, "art12.state_reply", "PER", NULL,
                                      s_abort_walk, &calls),
                     7);
    assert_int_equal(calls, 1);
    ntf_config_destroy(&c);
}

/*  Each refusal names the member in err.field and in the message. */
static void s_expect(const char *text, const char *field)
{
    err_t err = s_refused(text);
    assert_string_equal(err.field, field);
    if (!strstr(err.message, field))
        fail_msg("message does not name %s: %s", field, err.message);
}

static void test_errors_name_the_member(void **state)
{
    (void)state;
    s_expect("{\"webhook\": {\"states\": {\"XY\": \"http://h/\"}}}",
             "webhook.states.XY");
    s_expect("{\"webhook\": {\"regions\": {\"europe\": \"http://h/\"}}}",
             "webhook.regions.europe");
    s_expect("{\"webhook\": {\"default\": [\"ftp://h/x\"]}}",
             "webhook.default");
    s_expect("{\"webhook\": {\"default\": 3}}", "webhook.default");
    s_expect("{\"webhook\": {\"sometimes\": []}}", "webhook.sometimes");
    s_expect("{\"smtp\": {\"url\": \"smtp://h\", \"from\": \"a@b\"},"
             " \"email\": {\"rules\": {\"art12\": [\"no address\"]}}}",
             "email.rules.art12");
    /* header injection through an address */
    s_expect("{\"smtp\": {\"url\": \"smtp://h\", \"from\": \"a@b\"},"
             " \"email\": {\"default\": [\"a@b\\r\\nBcc: c@d\"]}}",
             "email.default");
    s_expect("{\"email\": {\"default\": [\"a@b\"]}}", "smtp.url");
    s_expect("{\"smtp\": {\"url\": \"smtp://h\"},"
             " \"email\": {\"default\": [\"a@b\"]}}",
             "smtp.from");
    s_expect("{\"smtp\": {\"url\": \"http://h\"}}", "smtp.url");
    s_expect("{\"smtp\": {\"port\": 25}}", "smtp.port");
    s_expect("{\"smtp\": {\"starttls\": \"yes\"}}", "smtp.starttls");
    s_expect("{\"retry\": {\"max_attempts\": 0}}", "retry.max_attempts");
    s_expect("{\"retry\": {\"base_ms\": \"fast\"}}", "retry.base_ms");
    s_expect("{\"timeout_ms\": 5}", "timeout_ms");
    s_expect("{\"tls\": {\"ca_file\": \"/nonexistent/ca.pem\"}}",
             "tls.ca_file");
    s_expect("{\"tls\": {\"ca_file\": 7}}", "tls.ca_file");
    s_expect("{\"tls\": {\"verify\": false}}", "tls");
    s_expect("{\"max_age_days\": -1}", "max_age_days");
    s_expect("{\"routes\": {}}", "routes");
    s_expect("[]", "config");
}

static bool s_only_per(void *arg, const char *code)
{
    (void)arg;
    return strcmp(code, "PER") == 0;
}

static void test_state_codes_checked(void **state)
{
    (void)state;
    json_t *root =
        json_loads("{\"webhook\": {\"states\": {\"PER\": \"http://h/p\", "
                   "\"XYZ\": \"http://h/x\"}}}",
                   0, NULL);
    err_t err;
    ntf_config_t *c = ntf_config_parse(root, s_only_per, NULL, &err);
    assert_null(c);
    assert_string_equal(err.field, "webhook.states.XYZ");
    assert_non_null(strstr(err.message, "ISO 3166-1"));
    json_decref(root);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/test_ntf_route.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("{\"webhook\": {\"default\": \"http://h/\"},\n \"retry\": {", f);
    fclose(f);
    err_t err;
    ntf_config_t *c = ntf_config_load(path, NULL, NULL, &err);
    assert_null(c);
    assert_non_null(strstr(err.message, path));
    assert_string_equal(err.field, "config");
    c = ntf_config_load("/nonexistent/notify.json", NULL, NULL, &err);
    assert_null(c);
    unlink(path);
}

static void test_backoff(void **state)
{
    (void)state;
    const int64_t max = 6 * 3600 * 1000;
    assert_int_equal(ntf_backoff_ms(30000, max, 1), 30000);
    assert_int_equal(ntf_backoff_ms(30000, max, 2), 60000);
    assert_int_equal(ntf_backoff_ms(30000, max, 3), 120000);
    assert_int_equal(ntf_backoff_ms(30000, max, 7), 30000 * 64);
    assert_int_equal(ntf_backoff_ms(200, max, 1), 200);
    assert_int_equal(ntf_backoff_ms(200, max, 2), 400);
    /* the cap, and no overflow however many attempts */
    assert_int_equal(ntf_backoff_ms(30000, max, 11), max);
    assert_int_equal(ntf_backoff_ms(30000, max, 1000), max);
    assert_int_equal(ntf_backoff_ms(INT64_MAX / 2, INT64_MAX, 1000), INT64_MAX);
    assert_int_equal(ntf_backoff_ms(500, 300, 1), 300);
}

static void test_channel_names(void **state)
{
    (void)state;
    assert_string_equal(ntf_channel_name(NTF_EMAIL), "email");
    assert_string_equal(ntf_channel_name(NTF_WEBHOOK), "webhook");
    assert_null(ntf_channel_name(2));
    assert_int_equal(ntf_channel_parse("webhook"), NTF_WEBHOOK);
    assert_int_equal(ntf_channel_parse("sms"), -1);
    assert_int_equal(ntf_channel_parse(NULL), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_state_region_rule),
        cmocka_unit_test(test_route_every_rule_and_none),
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_route_stops_on_error),
        cmocka_unit_test(test_errors_name_the_member),
        cmocka_unit_test(test_state_codes_checked),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test(test_channel_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
