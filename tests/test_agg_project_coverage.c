/*  The aggregation service's answers where the record is not complete
    (services/aggregated, no daemons; tests/proj_fixture.h): dates not
    known to the day, and the dataset's coverage (open, closed, several
    intervals, reaching back to the Protocol's entry into force). */
#include "test_common.h"

#include <string.h>

#include "proj_fixture.h"

/*  Dates not known to the day and coverage (tests/fixtures/agg-known.jsonl):
    a placeholder date is never counted as a fact of a period it may lie
    outside; a reply that could have come before coverage is not overdue;
    without coverage, the log is complete. */
static void test_precision_and_coverage(void **state)
{
    fixture_t *f = *state;
    char path[4096];
    events_t known = {.count = 0};
    proj_load_lines(&known, test_source_path("tests/fixtures/agg-known.jsonl",
                                             path, sizeof path));
    env_t env;
    proj_env_with(&env, &known);
    /* 2024: KAZ's and HRV's "2024-12-31" are "not after": not in 2024 */
    json_t *r = proj_stats(f, &env, "2024-12-31", NULL);
    proj_expect(r, "reports.transmitted_in_period", "[\"PER\"]");
    proj_expect(r, "reports.transmitted_total", "13");
    proj_expect(r, "visits.completed_in_period", "[\"BEN\"]");
    assert_false(proj_in_list(r, "incomplete", "reports.transmitted_total"));
    assert_true(proj_in_list(r, "incomplete", "reports.transmitted_in_period"));
    json_decref(r);
    /* a period inside the month the visit may lie in: unsure */
    r = proj_stats(f, &env, "2024-05-10", "2024-05-01");
    proj_expect(r, "visits.completed_in_period", "[]");
    assert_true(proj_in_list(r, "incomplete", "visits.completed_in_period"));
    assert_true(proj_in_list(r, "incomplete", "visits.places_in_period"));
    assert_true(proj_in_list(r, "incomplete", "reports.transmitted_total"));
    assert_true(proj_in_list(r, "incomplete", "signatories.total"));
    json_decref(r);
    /* ALB "2025" lies in 2025 whatever its day; KAZ's could be any day
       before 2025, so its reply may be overdue (the log is complete) */
    r = proj_stats(f, &env, "2025-12-31", NULL);
    proj_expect(r, "reports.transmitted_in_period", "[\"ALB\",\"GEO\"]");
    proj_expect(r, "reports.transmitted_total", "15");
    proj_expect(r, "replies.overdue", "[\"GEO\",\"KAZ\",\"PER\"]");
    assert_null(json_object_get(r, "incomplete"));
    json_decref(r);
    r = proj_state(&env, f, "TCD", "2025-12-31");
    proj_expect(r, "signed_on", "\"2024-06-30\"");
    proj_expect(r, "signed_on_precision", "\"not_after\"");
    json_decref(r);
    r = proj_state(&env, f, "GEO", "2025-12-31");
    assert_null(json_object_get(r, "signed_on_precision"));
    json_decref(r);
    /* GHA listed "in 2025": on the list by the year's end, maybe not
       on 30 June */
    r = proj_stats(f, &env, "2025-06-30", NULL);
    proj_expect(r, "npm.art17_list", "[]");
    assert_true(proj_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    r = proj_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-06-30\"}");
    proj_expect(r, "incomplete", "[\"art17_list\"]");
    json_decref(r);
    r = proj_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    proj_expect(r, "art17_list", "[\"GHA\"]");
    assert_null(json_object_get(r, "incomplete"));
    json_decref(r);
    /* replies recorded only from 2025: KAZ's and PER's may have come
       before; GEO's report was transmitted inside coverage */
    err_t err;
    const char *cover = "{\"type\":\"dataset.coverage\",\"occurred_on\":"
                        "\"2025-12-31\",\"types\":[\"reply.\"],"
                        "\"from\":\"2025-01-01\"}";
    events_t more = {.count = 1};
    more.events[0] = event_from_text(cover, strlen(cover), &err);
    assert_non_null(more.events[0]);
    more.events[0]->sequence = 100;
    proj_apply_all(&env, &more, NULL);
    r = proj_stats(f, &env, "2025-12-31", NULL);
    proj_expect(r, "replies.overdue", "[\"GEO\"]");
    assert_true(proj_in_list(r, "incomplete", "replies.overdue"));
    assert_false(proj_in_list(r, "incomplete", "replies.received_in_period"));
    json_decref(r);
    r = proj_stats(f, &env, "2024-12-31", NULL);
    assert_true(proj_in_list(r, "incomplete", "replies.received_in_period"));
    json_decref(r);
    r = proj_state(&env, f, "KAZ", "2025-12-31");
    const json_t *kaz = json_array_get(json_object_get(r, "reports"), 0);
    proj_expect(kaz, "reply_status", "\"unknown\"");
    proj_expect(kaz, "reply_overdue", "false");
    proj_expect(kaz, "transmitted_on_precision", "\"not_after\"");
    proj_expect(kaz, "reply_due_upper_bound", "true");
    json_decref(r);
    event_free(&more.events[0]);
    for (size_t i = 0; i < known.count; i++)
        event_free(&known.events[i]);
    proj_env_close(&env);
}

/*  Coverage with a last day (`until`), several intervals combined: a
    period's figure is complete only inside their union, a reply is
    overdue only while every day it could have come on is covered, and a
    cumulative total needs every day since its baseline covered. */
static void test_closed_coverage(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"baseline\",\"occurred_on\":\"2016-12-31\","
        "\"counts\":{\"reports_transmitted\":5}}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-05-10\","
        "\"state\":\"PER\",\"visit_id\":\"PER-1\",\"start\":\"2017-05-01\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2019-03-10\","
        "\"state\":\"URY\",\"visit_id\":\"URY-1\",\"start\":\"2019-03-01\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2017-02-01\","
        "\"state\":\"GEO\",\"report_id\":\"GEO-1\",\"recipient\":\"state\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.completed\"],\"from\":\"2018-01-01\","
        "\"until\":\"2018-12-31\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.completed\",\"report.\",\"reply.\"],"
        "\"from\":\"2017-01-01\",\"until\":\"2017-12-31\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"visit.\",\"period.summary\"],\"from\":\"2025-01-01\"}"};
    env_t env;
    proj_env_with_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = proj_stats(f, &env, "2017-12-31", NULL);
    proj_expect(r, "visits.completed_in_period", "[\"PER\"]");
    assert_false(proj_in_list(r, "incomplete", "visits.completed_in_period"));
    /* no summary recorded for 2017: its places and interviews are not */
    assert_true(proj_in_list(r, "incomplete", "visits.interviews_in_period"));
    assert_true(proj_in_list(r, "incomplete", "visits.places_in_period"));
    proj_expect(r, "replies.overdue", "[\"GEO\"]");
    assert_false(proj_in_list(r, "incomplete", "replies.overdue"));
    proj_expect(r, "reports.transmitted_total", "6");
    assert_false(proj_in_list(r, "incomplete", "reports.transmitted_total"));
    json_decref(r);
    /* 2017 and 2018 join */
    r = proj_stats(f, &env, "2018-12-31", "2017-01-01");
    assert_false(proj_in_list(r, "incomplete", "visits.completed_in_period"));
    json_decref(r);
    /* 2019 is in no interval; a reply could have come unrecorded in 2018 */
    r = proj_stats(f, &env, "2019-12-31", NULL);
    proj_expect(r, "visits.completed_in_period", "[\"URY\"]");
    assert_true(proj_in_list(r, "incomplete", "visits.completed_in_period"));
    json_decref(r);
    r = proj_stats(f, &env, "2018-06-30", NULL);
    proj_expect(r, "replies.overdue", "[]");
    assert_true(proj_in_list(r, "incomplete", "replies.overdue"));
    assert_true(proj_in_list(r, "incomplete", "reports.transmitted_total"));
    json_decref(r);
    r = proj_state(&env, f, "GEO", "2018-06-30");
    proj_expect(json_array_get(json_object_get(r, "reports"), 0),
                "reply_status", "\"unknown\"");
    json_decref(r);
    r = proj_stats(f, &env, "2025-12-31", NULL);
    assert_false(proj_in_list(r, "incomplete", "visits.completed_in_period"));
    assert_false(proj_in_list(r, "incomplete", "visits.interviews_in_period"));
    json_decref(r);
    proj_env_close(&env);
}

/*  A total's breakdown by region is known when the total is: with the
    signatures recorded only from 2020 (and no baseline), the signatories'
    total, its regions and its list are listed in `incomplete`, the
    parties' (their
    instruments recorded since the Protocol's adoption) are not; a party
    whose deposit is known only to its month marks both totals, and both
    breakdowns, on a day inside that month. */
static void test_breakdown_follows_total(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2008-03-10\","
        "\"state\":\"ARG\",\"instrument\":\"ratification\"}",
        "{\"type\":\"state.signed\",\"occurred_on\":\"2021-09-01\","
        "\"state\":\"GHA\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2022-04-30\","
        "\"precision\":\"month\",\"state\":\"PER\","
        "\"instrument\":\"ratification\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"state.ratified\"],\"from\":\"2002-12-18\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"state.signed\"],\"from\":\"2020-01-01\"}"};
    env_t env;
    proj_env_open(&env, false);
    proj_apply_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = proj_stats(f, &env, "2025-12-31", NULL);
    proj_expect(r, "signatories.by_region.africa", "1");
    assert_true(proj_in_list(r, "incomplete", "signatories.total"));
    assert_true(proj_in_list(r, "incomplete", "signatories.by_region"));
    assert_true(proj_in_list(r, "incomplete", "signatories.states"));
    proj_expect(r, "states_parties.by_region.latin_america_caribbean", "2");
    assert_false(proj_in_list(r, "incomplete", "states_parties.total"));
    assert_false(proj_in_list(r, "incomplete", "states_parties.by_region"));
    json_decref(r);
    r = proj_stats(f, &env, "2022-04-15", NULL);
    assert_true(proj_in_list(r, "incomplete", "states_parties.total"));
    assert_true(proj_in_list(r, "incomplete", "states_parties.by_region"));
    assert_true(proj_in_list(r, "incomplete", "signatories.by_region"));
    assert_true(proj_in_list(r, "incomplete", "signatories.states"));
    json_decref(r);
    proj_env_close(&env);
}

/*  The art. 17 list as at a day is a total since the beginning: coverage
    reaching back to the Protocol's entry into force needs no baseline,
    and it stays complete only up to the interval's last day. */
static void test_history_coverage(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2004-11-15\","
        "\"state\":\"ARG\",\"instrument\":\"ratification\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2013-01-24\","
        "\"state\":\"NRU\",\"instrument\":\"ratification\"}",
        "{\"type\":\"art17.listed\",\"occurred_on\":\"2016-06-17\","
        "\"state\":\"ARG\"}",
        "{\"type\":\"art17.listed\",\"occurred_on\":\"2016-11-18\","
        "\"state\":\"NRU\"}",
        "{\"type\":\"art17.delisted\",\"occurred_on\":\"2018-02-28\","
        "\"precision\":\"not_after\",\"not_before\":\"2018-01-01\","
        "\"state\":\"ARG\"}",
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"art17.\"],\"from\":\"2006-06-22\","
        "\"until\":\"2017-12-31\"}"};
    env_t env;
    proj_env_with_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = proj_stats(f, &env, "2017-12-31", NULL);
    proj_expect(r, "npm.art17_list", "[\"ARG\",\"NRU\"]");
    assert_false(proj_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    r = proj_stats(f, &env, "2016-12-31", NULL);
    proj_expect(r, "npm.art17_list", "[\"ARG\",\"NRU\"]");
    assert_false(proj_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    /* after the interval a listing or removal may be missing */
    r = proj_stats(f, &env, "2018-06-30", NULL);
    assert_true(proj_in_list(r, "incomplete", "npm.art17_list"));
    json_decref(r);
    proj_env_close(&env);
}

/*  A session known only to its month is listed by the month (no days
    made up) in a period that holds the whole month; a period that holds
    only part of it, or none of it but may, marks the list incomplete
    instead of counting or dropping the session. */
static void test_session_known_to_month(void **state)
{
    fixture_t *f = *state;
    static const char *const lines[] = {
        "{\"type\":\"session.held\",\"occurred_on\":\"2017-11-17\","
        "\"number\":33,\"start\":\"2017-11-13\",\"end\":\"2017-11-17\","
        "\"place\":\"Geneva\"}",
        "{\"type\":\"session.held\",\"occurred_on\":\"2018-02-01\","
        "\"precision\":\"month\",\"number\":34,\"place\":\"Geneva\"}",
        "{\"type\":\"session.held\",\"occurred_on\":\"2018-06-15\","
        "\"precision\":\"month\",\"number\":35,\"end\":\"2018-06-15\","
        "\"place\":\"Geneva\"}"};
    const char *feb = "{\"number\":34,\"occurred_on\":\"2018-02-28\","
                      "\"occurred_on_precision\":\"month\","
                      "\"place\":\"Geneva\"}";
    char both[512];
    snprintf(both, sizeof both,
             "[%s,{\"number\":35,\"end\":\"2018-06-15\","
             "\"occurred_on\":\"2018-06-30\","
             "\"occurred_on_precision\":\"month\",\"place\":\"Geneva\"}]",
             feb);
    env_t env;
    proj_env_open(&env, false);
    proj_apply_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = proj_stats(f, &env, "2018-12-31", NULL);
    proj_expect(r, "sessions_in_period", both);
    assert_false(proj_in_list(r, "incomplete", "sessions_in_period"));
    json_decref(r);
    /* the period ends inside February: the 34th may or may not be in it */
    r = proj_stats(f, &env, "2018-02-15", NULL);
    proj_expect(r, "sessions_in_period", "[]");
    assert_true(proj_in_list(r, "incomplete", "sessions_in_period"));
    json_decref(r);
    /* it starts inside February: the 34th may lie before it */
    r = proj_stats(f, &env, "2018-03-31", "2018-02-10");
    proj_expect(r, "sessions_in_period", "[]");
    assert_true(proj_in_list(r, "incomplete", "sessions_in_period"));
    json_decref(r);
    r = proj_stats(f, &env, "2018-03-31", "2018-02-01");
    char one[256];
    snprintf(one, sizeof one, "[%s]", feb);
    proj_expect(r, "sessions_in_period", one);
    assert_false(proj_in_list(r, "incomplete", "sessions_in_period"));
    json_decref(r);
    /* a session known to the day is listed as before */
    r = proj_stats(f, &env, "2017-12-31", NULL);
    proj_expect(r, "sessions_in_period",
                "[{\"number\":33,\"start\":\"2017-11-13\","
                "\"end\":\"2017-11-17\",\"place\":\"Geneva\"}]");
    assert_false(proj_in_list(r, "incomplete", "sessions_in_period"));
    json_decref(r);
    proj_env_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_breakdown_follows_total),
        cmocka_unit_test(test_precision_and_coverage),
        cmocka_unit_test(test_closed_coverage),
        cmocka_unit_test(test_history_coverage),
        cmocka_unit_test(test_session_known_to_month),
    };
    return cmocka_run_group_tests(tests, proj_setup, proj_teardown);
}
