/*  The aggregation service's conventions on the hand-written scenario
    (tests/fixtures/agg-small.jsonl; services/aggregated, no daemons;
    tests/proj_fixture.h): party not signatory, reports to NPMs, first
    publication, baseline, reply overdue, art. 17, art. 24, amounts; and
    art. 17 and art. 12 on the days around their deadlines. */
#include "test_common.h"

#include <string.h>

#include "proj_fixture.h"

static void test_conventions(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->small);
    json_t *r = proj_stats(f, &env, "2025-12-31", NULL);
    proj_expect(r, "states_parties.total", "3");
    proj_expect(r, "states_parties.joined_in_period", "[\"NGA\"]");
    proj_expect(r, "signatories.states", "[\"ZAF\"]");
    proj_expect(r, "reports.transmitted_total", "12");
    proj_expect(r, "reports.transmitted_in_period", "[\"PER\"]");
    proj_expect(r, "reports.published_total", "6");
    proj_expect(r, "reports.published_in_period", "[\"PER\"]");
    proj_expect(r, "visits.places_in_period",
                "{\"prison\":34,\"police\":3,\"other\":1}");
    proj_expect(r, "visits.interviews_in_period", "670");
    proj_expect(
        r, "fund.grants_in_period",
        "{\"count\":17,\"states\":16,\"total\":{\"USD\":\"449926.50\"}}");
    proj_expect(r, "fund.contributions_in_period", "{\"EUR\":\"200000.00\"}");
    proj_expect(r, "npm.art17_list", "[\"LBR\"]");
    proj_expect(r, "npm.designated_in_period", "[\"NGA\"]");
    proj_expect(r, "replies.overdue", "[]");
    json_decref(r);
    r = proj_stats(f, &env, "2024-06-30", NULL); /* before ratification */
    proj_expect(r, "states_parties.total", "2");
    proj_expect(r, "signatories.states", "[\"NGA\",\"ZAF\"]");
    proj_expect(r, "reports.transmitted_total", "1");
    proj_expect(r, "npm.art17_list", "[\"BEN\",\"LBR\"]");
    json_decref(r);
    proj_env_close(&env);
}

static void test_reply_overdue(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->small);
    /* PER-2025-R: transmitted 2025-08-31, due 2026-02-28, reply 2026-03-05 */
    const char *const days[][2] = {{"2026-02-28", "[]"},
                                   {"2026-03-01", "[\"PER\"]"},
                                   {"2026-03-04", "[\"PER\"]"},
                                   {"2026-03-05", "[]"}};
    for (size_t i = 0; i < 4; i++) {
        json_t *r = proj_stats(f, &env, days[i][0], NULL);
        proj_expect(r, "replies.overdue", days[i][1]);
        json_decref(r);
    }
    json_t *r = proj_stats(f, &env, "2026-12-31", NULL);
    proj_expect(r, "replies.received_in_period", "[\"PER\"]");
    proj_expect(r, "replies.published_in_period", "[\"PER\"]");
    json_decref(r);
    proj_env_close(&env);
}

static void test_state_and_art17(void **state)
{
    fixture_t *f = *state;
    env_t env;
    proj_env_with(&env, &f->small);
    json_t *r = proj_state(&env, f, "AUS", "2025-12-31");
    proj_expect(r, "npm.due", "\"2023-01-20\""); /* 2018-01-20 + 1 + 3 + 1 */
    proj_expect(r, "npm.art24_part_iv_years", "4");
    json_decref(r);
    r = proj_state(&env, f, "AUS", "2019-01-01");
    proj_expect(r, "npm.due",
                "\"2022-01-20\""); /* the extension not yet made */
    json_decref(r);
    r = proj_query(&env, f, "{\"op\":\"art17\",\"as_of\":\"2025-12-31\"}");
    proj_expect(r, "art17_list", "[\"LBR\"]");
    proj_expect(r, "art17_overdue_computed", "[\"PER\"]");
    proj_expect(r, "differences",
                "{\"spt_list_only\":[\"LBR\"],\"computed_only\":[\"PER\"]}");
    json_decref(r);
    proj_env_close(&env);
}

/*  Art. 17 and art. 12 on the days around their deadlines.  Three States
    ratify on 2006-09-14: in force 30 days later (2006-10-14), an NPM due
    one year after that, 2007-10-14.  PER designates none, URY designates
    on the due day, CHL the day after.  Overdue means the due day has
    passed (due < as_of) and no designation by as_of (designated_on >
    as_of).  Replies: reports transmitted 2025-03-31, reply due
    2025-09-30; URY replies on the due day, CHL never. */
static void test_deadline_boundaries(void **state)
{
    fixture_t *f = *state;
    env_t env;
    const char *const lines[] = {
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"PER\",\"instrument\":\"accession\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"URY\",\"instrument\":\"ratification\"}",
        "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","
        "\"state\":\"CHL\",\"instrument\":\"ratification\"}",
        "{\"type\":\"npm.designated\",\"occurred_on\":\"2007-10-14\","
        "\"state\":\"URY\",\"body\":\"INDDHH\",\"model\":\"nhri\"}",
        "{\"type\":\"npm.designated\",\"occurred_on\":\"2007-10-15\","
        "\"state\":\"CHL\",\"body\":\"INDH\",\"model\":\"nhri\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-03-31\","
        "\"state\":\"URY\",\"report_id\":\"URY-R\",\"recipient\":\"state\"}",
        "{\"type\":\"report.transmitted\",\"occurred_on\":\"2025-03-31\","
        "\"state\":\"CHL\",\"report_id\":\"CHL-R\",\"recipient\":\"state\"}",
        "{\"type\":\"reply.received\",\"occurred_on\":\"2025-09-30\","
        "\"state\":\"URY\",\"report_id\":\"URY-R\"}",
    };
    proj_env_with_text(&env, lines, sizeof lines / sizeof lines[0]);
    json_t *r = proj_state(&env, f, "PER", "2007-10-14");
    proj_expect(r, "npm.due", "\"2007-10-14\"");
    json_decref(r);
    /* as_of, then art17_overdue_computed and each State's npm.overdue */
    const char *const days[][5] = {
        {"2007-10-13", "[]", "false", "false", "false"},
        {"2007-10-14", "[]", "false", "false", "false"}, /* the due day */
        {"2007-10-15", "[\"PER\"]", "true", "false", "false"},
        {"2007-10-16", "[\"PER\"]", "true", "false", "false"},
    };
    const char *const states[] = {"PER", "URY", "CHL"};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "{\"op\":\"art17\",\"as_of\":\"%s\"}",
                 days[i][0]);
        r = proj_query(&env, f, req);
        proj_expect(r, "art17_overdue_computed", days[i][1]);
        json_decref(r);
        r = proj_stats(f, &env, days[i][0], NULL);
        proj_expect(r, "npm.art17_overdue_computed", days[i][1]);
        json_decref(r);
        for (size_t k = 0; k < 3; k++) {
            r = proj_state(&env, f, states[k], days[i][0]);
            proj_expect(r, "npm.overdue", days[i][2 + k]);
            json_decref(r);
        }
    }
    const char *const replies[][2] = {{"2025-09-29", "[]"},
                                      {"2025-09-30", "[]"}, /* due day */
                                      {"2025-10-01", "[\"CHL\"]"}};
    for (size_t i = 0; i < 3; i++) {
        r = proj_stats(f, &env, replies[i][0], NULL);
        proj_expect(r, "replies.overdue", replies[i][1]);
        json_decref(r);
    }
    proj_env_close(&env);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conventions),
        cmocka_unit_test(test_reply_overdue),
        cmocka_unit_test(test_state_and_art17),
        cmocka_unit_test(test_deadline_boundaries),
    };
    return cmocka_run_group_tests(tests, proj_setup, proj_teardown);
}
