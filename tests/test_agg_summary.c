/*  test_agg_summary: what the sources give only coarsely, as the
    aggregation service projects it (services/aggregated): the figures a
    period.summary states as totals for a period, and a visit's last day
    known only as a bound.  Without daemons: events are applied to an LMDB
    environment directly and the queries run on it.

    - a summary that states only the count of visit reports transmitted
      gives reports.transmitted_in_period_stated, and says nothing of the
      places and interviews of its period;
    - a summary that straddles the period marks incomplete the figures it
      states, and only those;
    - a count stated for part of the period only is marked incomplete;
    - a summary record of the layout before the count is still read;
    - a visit whose last day is a bound carries its precision in the
      stats' visit dates and in the State's answer, whatever the order of
      the events. */
#include "test_common.h"

#include <string.h>

#include "be64.h"
#include "date.h"
#include "proj_fixture.h"

/*  One test's state: the shared fixture (regions, names) and a new
    environment of its own. */
typedef struct {
    fixture_t *f;
    env_t env;
} case_t;

static int s_open(void **state)
{
    case_t *c = calloc(1, sizeof *c);
    assert_non_null(c);
    c->f = *state;
    proj_env_open(&c->env, false);
    *state = c;
    return 0;
}

static int s_close(void **state)
{
    case_t *c = *state;
    proj_env_close(&c->env);
    free(c);
    return 0;
}

/*  Whether 'path' is in the stats' "incomplete" list. */
static bool s_incomplete(const json_t *stats, const char *path)
{
    return proj_in_list(stats, "incomplete", path);
}

/*  The stated count, or -1 if the stats have none. */
static json_int_t s_stated(const json_t *stats)
{
    const json_t *v = json_object_get(json_object_get(stats, "reports"),
                                      "transmitted_in_period_stated");
    return v ? json_integer_value(v) : -1;
}

static const char *const s_covered_2025[] = {
    "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
    "\"types\":[\"period.summary\"],\"from\":\"2025-01-01\"}",
    "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
    "\"types\":[\"visit.completed\"],\"from\":\"2017-01-01\","
    "\"until\":\"2017-12-31\"}",
    "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-05-11\","
    "\"state\":\"BOL\",\"visit_id\":\"BOL-2017\",\"start\":\"2017-05-02\"}",
    "{\"type\":\"period.summary\",\"occurred_on\":\"2017-12-31\","
    "\"from\":\"2017-01-01\",\"to\":\"2017-12-31\","
    "\"reports_transmitted\":17}"};

/*  The dataset's case: summaries are covered from 2025 only, and 2017's
    states the reports alone.  2017 has the count; its places and
    interviews stay not recorded (not "0"); other years have no count. */
static void test_reports_alone(void **state)
{
    case_t *c = *state;
    proj_apply_text(&c->env, s_covered_2025,
                    sizeof s_covered_2025 / sizeof s_covered_2025[0]);
    json_t *year = proj_stats(c->f, &c->env, "2017-12-31", NULL);
    assert_int_equal(s_stated(year), 17);
    assert_false(s_incomplete(year, "reports.transmitted_in_period_stated"));
    assert_true(s_incomplete(year, "visits.places_in_period"));
    assert_true(s_incomplete(year, "visits.places_total_in_period"));
    assert_true(s_incomplete(year, "visits.interviews_in_period"));
    assert_true(s_incomplete(year, "visits.persons_interviewed_in_period"));
    assert_false(s_incomplete(year, "visits.completed_in_period"));
    json_decref(year);
    json_t *before = proj_stats(c->f, &c->env, "2016-12-31", NULL);
    assert_int_equal(s_stated(before), -1);
    assert_false(s_incomplete(before, "reports.transmitted_in_period_stated"));
    json_decref(before);
    /* half the year: the count cannot be split */
    json_t *half = proj_stats(c->f, &c->env, "2017-06-30", NULL);
    assert_int_equal(s_stated(half), -1);
    assert_true(s_incomplete(half, "reports.transmitted_in_period_stated"));
    json_decref(half);
}

/*  Summaries covered from 2017: a summary that states the reports only
    leaves the places to the visits (complete, not made unknown by it, nor
    by its straddling half a year), and one that states places marks them
    when it straddles. */
static void test_straddles_its_own_figures(void **state)
{
    case_t *c = *state;
    static const char *const lines[] = {
        "{\"type\":\"dataset.coverage\",\"occurred_on\":\"2025-12-31\","
        "\"types\":[\"period.summary\",\"visit.completed\"],"
        "\"from\":\"2017-01-01\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-05-11\","
        "\"state\":\"BOL\",\"visit_id\":\"BOL-2017\","
        "\"start\":\"2017-05-02\",\"places\":{\"prison\":3}}",
        "{\"type\":\"period.summary\",\"occurred_on\":\"2017-12-31\","
        "\"from\":\"2017-01-01\",\"to\":\"2017-12-31\","
        "\"reports_transmitted\":17}",
        "{\"type\":\"period.summary\",\"occurred_on\":\"2018-12-31\","
        "\"from\":\"2018-01-01\",\"to\":\"2018-12-31\","
        "\"places\":{\"prison\":30},\"interviews\":400}"};
    proj_apply_text(&c->env, lines, sizeof lines / sizeof lines[0]);
    json_t *half = proj_stats(c->f, &c->env, "2017-06-30", NULL);
    assert_false(s_incomplete(half, "visits.places_in_period"));
    assert_false(s_incomplete(half, "visits.places_total_in_period"));
    assert_false(s_incomplete(half, "visits.interviews_in_period"));
    assert_true(s_incomplete(half, "reports.transmitted_in_period_stated"));
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(half, "visits"),
                                           "places_total_in_period")),
        3);
    json_decref(half);
    json_t *year = proj_stats(c->f, &c->env, "2017-12-31", NULL);
    assert_int_equal(s_stated(year), 17);
    assert_null(json_object_get(year, "incomplete"));
    json_decref(year);
    json_t *half18 = proj_stats(c->f, &c->env, "2018-06-30", NULL);
    assert_true(s_incomplete(half18, "visits.places_total_in_period"));
    assert_true(s_incomplete(half18, "visits.interviews_in_period"));
    assert_false(s_incomplete(half18, "fund.grants_in_period"));
    assert_false(s_incomplete(half18, "reports.transmitted_in_period_stated"));
    json_decref(half18);
}

/*  A period of two years: 2017's count alone is a part (marked), both
    years' counts the whole. */
static void test_stated_for_part(void **state)
{
    case_t *c = *state;
    proj_apply_text(&c->env, s_covered_2025,
                    sizeof s_covered_2025 / sizeof s_covered_2025[0]);
    json_t *two = proj_stats(c->f, &c->env, "2018-12-31", "2017-01-01");
    assert_int_equal(s_stated(two), 17);
    assert_true(s_incomplete(two, "reports.transmitted_in_period_stated"));
    json_decref(two);
    static const char *const y2018[] = {
        "{\"type\":\"period.summary\",\"occurred_on\":\"2018-12-31\","
        "\"from\":\"2018-01-01\",\"to\":\"2018-12-31\","
        "\"reports_transmitted\":6}"};
    proj_apply_text(&c->env, y2018, 1);
    two = proj_stats(c->f, &c->env, "2018-12-31", "2017-01-01");
    assert_int_equal(s_stated(two), 23);
    assert_false(s_incomplete(two, "reports.transmitted_in_period_stated"));
    json_decref(two);
}

typedef struct {
    const env_t *env;
    const void *rec;
    size_t size;
} put_t;

static int s_put_summary(void *arg, MDB_txn *txn)
{
    put_t *p = arg;
    agg_tx_t tx;
    agg_query_tx(p->env->kv, txn, &tx);
    uint8_t key[16];
    int32_t from, to;
    assert_true(date_parse("2019-01-01", &from));
    assert_true(date_parse("2019-12-31", &to));
    date_key_put(key, from);
    date_key_put(key + 4, to);
    be64_put(key + 8, 1);
    return agg_tab_put(&tx, AGG_DB_SUMMARY, key, sizeof key, p->rec, p->size);
}

/*  A projection made before the count holds shorter summary records:
    they are read, their figures added, with no count of reports. */
static void test_earlier_layout(void **state)
{
    case_t *c = *state;
    agg_summary_rec_t rec;
    memset(&rec, 0, sizeof rec);
    rec.places[0] = 12;
    rec.interviews = 90;
    put_t p = {&c->env, &rec, AGG_SUMMARY_REC_MIN};
    err_t err;
    CHECK(kv_write(c->env.kv, s_put_summary, &p, &err), &err);
    json_t *year = proj_stats(c->f, &c->env, "2019-12-31", NULL);
    const json_t *visits = json_object_get(year, "visits");
    assert_int_equal(
        json_integer_value(json_object_get(visits, "interviews_in_period")),
        90);
    assert_int_equal(
        json_integer_value(json_object_get(visits, "places_total_in_period")),
        12);
    assert_int_equal(s_stated(year), -1);
    json_decref(year);
}

static const char *const s_rwanda[] = {
    "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-10-20\","
    "\"precision\":\"not_after\",\"not_before\":\"2017-10-16\","
    "\"state\":\"RWA\",\"visit_id\":\"RWA-2017\"}",
    "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-05-11\","
    "\"state\":\"BOL\",\"visit_id\":\"BOL-2017\",\"start\":\"2017-05-02\"}",
    "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-10-20\","
    "\"state\":\"RWA\",\"visit_id\":\"RWA-2017\"}"};

/*  The visit of 'code' in the stats' completed_dates_in_period. */
static const json_t *s_dates_of(const json_t *stats, const char *code)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(json_object_get(stats, "visits"),
                                       "completed_dates_in_period"),
                       i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "state")), code) == 0)
            return v;
    }
    fail_msg("no dates of %s", code);
    return NULL;
}

/*  The precision of RWA's completion in the State's answer, or NULL. */
static const char *s_state_precision(case_t *c, json_t **answer)
{
    *answer = proj_state(&c->env, c->f, "RWA", "2017-12-31");
    const json_t *visit = json_array_get(json_object_get(*answer, "visits"), 0);
    return json_string_value(json_object_get(visit, "completed_on_precision"));
}

/*  Rwanda 2017: suspended between 16 and 20 October, the first day not
    known.  Its end is "not_after"; a visit known to the day has none. */
static void test_visit_end_bound(void **state)
{
    case_t *c = *state;
    proj_apply_text(&c->env, s_rwanda, 2);
    json_t *year = proj_stats(c->f, &c->env, "2017-12-31", NULL);
    const json_t *rwa = s_dates_of(year, "RWA");
    assert_true(json_is_null(json_object_get(rwa, "start")));
    assert_string_equal(json_string_value(json_object_get(rwa, "end")),
                        "2017-10-20");
    assert_string_equal(
        json_string_value(json_object_get(rwa, "end_precision")), "not_after");
    assert_null(json_object_get(s_dates_of(year, "BOL"), "end_precision"));
    json_decref(year);
    json_t *answer;
    assert_string_equal(s_state_precision(c, &answer), "not_after");
    json_decref(answer);
    /* then recorded to the day too: the day */
    proj_apply_text(&c->env, s_rwanda + 2, 1);
    assert_null(s_state_precision(c, &answer));
    json_decref(answer);
}

/*  Recorded to the day first, then as a bound: still the day. */
static void test_visit_end_better_known(void **state)
{
    case_t *c = *state;
    static const char *const reversed[] = {
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-10-20\","
        "\"state\":\"RWA\",\"visit_id\":\"RWA-2017\"}",
        "{\"type\":\"visit.completed\",\"occurred_on\":\"2017-10-20\","
        "\"precision\":\"not_after\",\"not_before\":\"2017-10-16\","
        "\"state\":\"RWA\",\"visit_id\":\"RWA-2017\"}"};
    proj_apply_text(&c->env, reversed, 2);
    json_t *answer;
    assert_null(s_state_precision(c, &answer));
    json_decref(answer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reports_alone, s_open, s_close),
        cmocka_unit_test_setup_teardown(test_straddles_its_own_figures, s_open,
                                        s_close),
        cmocka_unit_test_setup_teardown(test_stated_for_part, s_open, s_close),
        cmocka_unit_test_setup_teardown(test_earlier_layout, s_open, s_close),
        cmocka_unit_test_setup_teardown(test_visit_end_bound, s_open, s_close),
        cmocka_unit_test_setup_teardown(test_visit_end_better_known, s_open,
                                        s_close),
    };
    return cmocka_run_group_tests(tests, proj_setup, proj_teardown);
}
