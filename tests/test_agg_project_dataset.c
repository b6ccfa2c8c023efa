/*  The aggregation service's answers on the embedded dataset
    (services/aggregated, no daemons; tests/proj_fixture.h):

    - the stats object for 2025-12-31 reproduces data/expected-2025.json
      key by key (keys in its "_omitted" skipped);
    - the answers (stats at many dates, state, art17) are the same
      whatever order the events are applied in;
    - the seed's placeholder dates and year totals are not taken for
      facts of a period; the States are named as the UN names them. */
#include "test_common.h"

#include <string.h>

#include "proj_fixture.h"

/*  Each "_about" entry of 'want' ({"key": "a.b", "value": N}: the seed's
    "about N") holds in 'got': the count at the dotted key rounds to N at
    the nearest ten. */
static void s_expect_about(const json_t *want, const json_t *got)
{
    size_t i;
    const json_t *about;
    json_array_foreach(json_object_get(want, "_about"), i, about)
    {
        const char *key = json_string_value(json_object_get(about, "key"));
        json_int_t value = json_integer_value(json_object_get(about, "value"));
        char path[128];
        snprintf(path, sizeof path, "%s", key);
        const json_t *node = got;
        for (char *part = strtok(path, "."); part; part = strtok(NULL, "."))
            node = json_object_get(node, part);
        if (!json_is_integer(node) ||
            (json_integer_value(node) + 5) / 10 * 10 != value)
            fail_msg("%s: expected about %lld, got %lld", key, (long long)value,
                     node ? (long long)json_integer_value(node) : -1LL);
    }
}

static void test_expected_2025(void **state)
{
    fixture_t *f = *state;
    char path[4096];
    json_error_t jerr;
    json_t *want = json_load_file(
        test_source_path("data/expected-2025.json", path, sizeof path), 0,
        &jerr);
    assert_non_null(want);
    for (int deferred = 0; deferred <= 1; deferred++) {
        env_t env;
        proj_env_open(&env, deferred);
        proj_apply_all(&env, &f->data, NULL);
        json_t *got =
            proj_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}");
        proj_expect_subset(want, got, "");
        s_expect_about(want, got);
        json_decref(got);
        proj_env_close(&env);
    }
    json_decref(want);
}

static const char *const s_requests[] = {
    "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"stats\",\"as_of\":\"2025-06-30\"}",
    "{\"op\":\"stats\",\"as_of\":\"2016-12-31\",\"from\":\"2007-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2026-12-31\",\"from\":\"2000-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2010-03-01\"}",
    "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"state\",\"state\":\"AUS\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"state\",\"state\":\"SEN\",\"as_of\":\"2026-06-30\"}",
    "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}",
    "{\"op\":\"art17\",\"as_of\":\"2020-01-01\"}",
    "{\"op\":\"stats\",\"as_of\":\"2026-03-02\",\"from\":\"2025-01-01\"}",
    "{\"op\":\"state\",\"state\":\"PER\",\"as_of\":\"2026-03-02\"}",
};

/*  Answers to every request in 's_requests', in one array. */
static json_t *s_answers(const env_t *env, const fixture_t *f)
{
    json_t *all = json_array();
    for (size_t i = 0; i < sizeof s_requests / sizeof s_requests[0]; i++)
        json_array_append_new(all, proj_query(env, f, s_requests[i]));
    return all;
}

/*  Applies 'ev' in its order, one write per addition; then reversed and
    shuffled thrice, with counters collected per batch as the daemon does:
    the answers must not change. */
static void s_check_orders(const fixture_t *f, const events_t *ev)
{
    size_t n = ev->count, order[MAX_EVENTS];
    env_t base;
    proj_env_open(&base, false);
    proj_apply_all(&base, ev, NULL);
    json_t *want = s_answers(&base, f);
    proj_env_close(&base);
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < n; i++)
            order[i] = round == 0 ? n - 1 - i : i;
        srand(1000 + round);
        for (size_t i = n - 1; round > 0 && i > 0; i--) {
            size_t j = (size_t)rand() % (i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        env_t env;
        proj_env_open(&env, true);
        proj_apply_all(&env, ev, order);
        json_t *got = s_answers(&env, f);
        if (!json_equal(want, got))
            fail_msg("round %d: answers differ from the recorded order", round);
        json_decref(got);
        proj_env_close(&env);
    }
    json_decref(want);
}

static void test_order_independent(void **state)
{
    fixture_t *f = *state;
    s_check_orders(f, &f->data);
    s_check_orders(f, &f->small);
}

/*  On the embedded dataset: the seven reports whose transmission date the
    seed does not give ("not after 2024-12-31") are not 2024's; KAZ's reply
    is not overdue from that placeholder (replies are recorded from 2025
    only); TCD's signature date is not printed as a fact. */
static void test_embedded_guesses(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->data);
    json_t *r = proj_stats(f, &env, "2024-12-31", NULL);
    proj_expect(r, "reports.transmitted_in_period", "[]");
    proj_expect(r, "reports.transmitted_total", "89");
    assert_true(proj_in_list(r, "incomplete", "reports.transmitted_in_period"));
    assert_true(
        proj_in_list(r, "incomplete", "followup_dialogues_in_period.state"));
    json_decref(r);
    r = proj_stats(f, &env, "2026-06-30", NULL);
    proj_expect(r, "replies.overdue", "[]");
    assert_true(proj_in_list(r, "incomplete", "replies.overdue"));
    json_decref(r);
    r = proj_state(&env, f, "KAZ", "2026-06-30");
    const json_t *kaz = json_array_get(json_object_get(r, "reports"), 0);
    proj_expect(kaz, "report_id", "\"KAZ-2023-ROSP\"");
    proj_expect(kaz, "reply_overdue", "false");
    proj_expect(kaz, "reply_status", "\"unknown\"");
    json_decref(r);
    r = proj_state(&env, f, "TCD", "2025-12-31");
    proj_expect(r, "signed_on_precision", "\"not_after\"");
    json_decref(r);
    proj_env_close(&env);
}

/*  The answers name the States as the UN does (data/state-names.tsv),
    not as ISO 3166-1 does ("Congo, The Democratic Republic of the"). */
static void test_state_names(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->data);
    static const char *const cases[][2] = {
        {"COD", "Democratic Republic of the Congo"},
        {"GBR", "United Kingdom of Great Britain and Northern Ireland"},
        {"BOL", "Bolivia (Plurinational State of)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *got = proj_state(&env, f, cases[i][0], "2025-12-31");
        assert_string_equal(json_string_value(json_object_get(got, "name")),
                            cases[i][1]);
        json_decref(got);
    }
    json_t *art17 =
        proj_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    char *text = json_dumps(art17, 0);
    assert_non_null(strstr(text, "\"State of Palestine\""));
    free(text);
    json_decref(art17);
    proj_env_close(&env);
}

/*  The seed's year totals (period.summary) are not split: half a year
    lists them as incomplete, and the sessions before the dataset's
    coverage too. */
static void test_summary_and_coverage(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->data);
    json_t *half =
        proj_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-06-30\"}");
    char *text = json_dumps(json_object_get(half, "incomplete"), 0);
    assert_non_null(strstr(text, "\"visits.places_total_in_period\""));
    assert_non_null(strstr(text, "\"fund.grants_in_period\""));
    free(text);
    json_decref(half);
    json_t *old =
        proj_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2024-12-31\"}");
    text = json_dumps(json_object_get(old, "incomplete"), 0);
    assert_non_null(strstr(text, "\"sessions_in_period\""));
    assert_non_null(strstr(text, "\"visits.planned_in_period\""));
    free(text);
    json_decref(old);
    json_t *year =
        proj_query(&env, f, "{\"op\":\"stats\",\"as_of\":\"2025-12-31\"}");
    text = json_dumps(year, 0);
    assert_null(strstr(text, "\"sessions_in_period\","));
    assert_null(strstr(text, "\"fund.grants_in_period\""));
    free(text);
    json_decref(year);
    /* a dialogue known to the year only is still a dialogue held */
    json_t *aus = proj_state(&env, f, "AUS", "2025-12-31");
    const json_t *vague = json_object_get(
        json_object_get(aus, "followup_dialogues"), "state_not_to_the_day");
    assert_int_equal(json_array_size(vague), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(vague, 0), "precision")),
                        "year");
    json_decref(aus);
    proj_env_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expected_2025),
        cmocka_unit_test(test_order_independent),
        cmocka_unit_test(test_embedded_guesses),
        cmocka_unit_test(test_state_names),
        cmocka_unit_test(test_summary_and_coverage),
    };
    return cmocka_run_group_tests(tests, proj_setup, proj_teardown);
}
