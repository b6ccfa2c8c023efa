/*  test_report_input: the report follows the stats it is given
    (common/report/report.c; tests/report_fixture.h): the figures come from
    the input, not from the text; a period that is not a calendar year, and
    empty lists; another year's number, dates and plan; a visit whose last
    day is known only as a bound; sessions known only to their month. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fixture.h"

/*  The numbers come from the input, not from the text. */
static void test_figures_follow_input(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    fixture_set(stats, "states_parties", "total", json_integer(97));
    fixture_set(stats, "states_parties", "joined_in_period",
                json_pack("[s]", "COL"));
    fixture_set(stats, "states_parties", "joined_in_period_on",
                json_pack("[{s:s,s:s,s:s}]", "state", "COL", "on", "2025-11-10",
                          "instrument", "ratification"));
    fixture_set(stats, "visits", "more_than", json_array());
    fixture_set(stats, "npm", "designated_total", json_integer(7));
    fixture_set(stats, "reports", "transmitted_total", json_integer(1234));
    fixture_set(stats, "replies", "received_in_period",
                json_pack("[s]", "PER"));
    json_t *grants =
        json_object_get(json_object_get(stats, "fund"), "grants_in_period");
    fixture_set(grants, NULL, "total",
                json_pack("{s:s,s:s}", "USD", "1234.5", "CHF", "10000.00"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en, "there were 97 States parties",
        "Colombia ratified the Optional Protocol on 10 November 2025.",
        "conducted 550 individual and group interviews with 900 persons.",
        "The Subcommittee visited 100 places",
        "To date, 7 national preventive mechanisms are operating",
        "had transmitted 1,234 visit reports", "received one reply, from Peru.",
        "grants totalling $1,234.50 and CHF 10,000 were awarded", NULL);
    assert_null(strstr(en, "Bangladesh"));
    assert_null(strstr(en, "96 States parties"));
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "《任择议定书》有97个缔约国",
                   "哥伦比亚于2025年11月10日批准《任择议定书》。",
                   "小组委员会与900人进行了550次单独和集体访谈。",
                   "迄今为止，全球有7个国家防范机制在开展工作。",
                   "转交了1,234份查访报告", "收到了秘鲁的一份答复。",
                   "总额为1,234.50美元和10,000瑞士法郎的赠款", NULL);
    free(en);
    free(zh);
    json_decref(stats);
}

/*  A period that is not a calendar year, and empty lists. */
static void test_partial_period(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    fixture_set(stats, NULL, "as_of", json_string("2025-06-30"));
    fixture_set(
        stats, NULL, "period",
        json_pack("{s:s,s:s}", "from", "2025-01-01", "to", "2025-06-30"));
    fixture_set(stats, "states_parties", "joined_in_period", json_array());
    fixture_set(stats, "npm", "art17_list", json_array());
    fixture_set(stats, "states_parties", "joined_in_period_on", json_array());
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en, "# Annual report of the Subcommittee",
        "covers the activities of the Subcommittee from 1 January to 30 "
        "June 2025.",
        "As at 30 June 2025, there were 96 States parties",
        "No State became a party to the Optional Protocol during the "
        "reporting period.",
        "As at 30 June 2025, the Subcommittee had held follow-up "
        "dialogues with the national preventive mechanisms",
        "no State party was on the list", NULL);
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "在本报告所述期间，没有国家加入《任择议定书》。",
                   "截至2025年6月30日，小组委员会与危地马拉",
                   "没有缔约国被列入不遵守第17条的国家名单。", NULL);
    /* the year's totals cannot be split: not recorded for half a year */
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s]", "visits.interviews_in_period",
                          "visits.places_in_period"));
    char *half = fixture_render(f, stats, "en");
    fixture_expect(half,
                   "The interviews conducted and the places visited during "
                   "those visits are not recorded.",
                   NULL);
    assert_null(strstr(half, "550"));
    free(half);
    /* an announced visit whose year the period does not tell */
    assert_null(strstr(en, "in 2026"));
    free(en);
    free(zh);
    json_decref(stats);
}

/*  Another year: the report's number, the dates and the year of the plan
    follow the period; one report published is no "1国". */
static void test_other_year(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2017);
    fixture_set(stats, NULL, "sessions_in_period",
                json_pack("[{s:i,s:s,s:s,s:s}]", "number", 31, "start",
                          "2017-02-13", "end", "2017-02-17", "place",
                          "Geneva"));
    fixture_set(stats, "visits", "completed_dates_in_period",
                json_pack("[{s:s,s:s,s:s}]", "state", "LBN", "start",
                          "2017-12-28", "end", "2018-01-03"));
    fixture_set(stats, "visits", "postponed_in_period", json_array());
    fixture_set(stats, "reports", "published_in_period",
                json_pack("[s]", "HRV"));
    fixture_set(stats, "states_parties", "joined_in_period_on",
                json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]",
                          "state", "MDG", "on", "2017-09-21", "instrument",
                          "ratification", "state", "LKA", "on", "2017-12-05",
                          "instrument", "accession", "state", "AUS", "on",
                          "2017-12-21", "instrument", "ratification"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en, "# Eleventh annual report of the Subcommittee",
        "Madagascar ratified the Optional Protocol on 21 September 2017, "
        "Sri Lanka acceded to it on 5 December 2017 and Australia "
        "ratified it on 21 December 2017.",
        "from 1 January to 31 December 2017.",
        "In 2017, the Subcommittee held one session in Geneva: its "
        "thirty-first session (13–17 February 2017).",
        "to Lebanon (28 December 2017–3 January 2018).",
        "new visits to Burundi, France, Mexico, Paraguay, Rwanda and Sri "
        "Lanka, to take place in 2018.",
        NULL);
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "小组委员会第十一次年度报告",
                   "2017年，小组委员会在日内瓦举行了一届会议：第三十一届会议"
                   "(2017年2月13日至17日)。",
                   "黎巴嫩(2017年12月28日至2018年1月3日)。",
                   "其中包括本报告所述期间对克罗地亚的查访报告。",
                   "这些查访将于2018年进行。", NULL);
    assert_null(strstr(zh, "1国"));
    free(en);
    free(zh);
    /* a name with "the" opening a sentence */
    fixture_set(stats, "states_parties", "joined_in_period_on",
                json_pack("[{s:s,s:s,s:s}]", "state", "PHL", "on", "2012-04-17",
                          "instrument", "accession"));
    en = fixture_render(f, stats, "en");
    fixture_expect(en,
                   " The Philippines acceded to the Optional Protocol on 17 "
                   "April 2012.",
                   NULL);
    free(en);
    json_decref(stats);
}

/*  A visit whose first day is not recorded and whose last is a bound
    ("end_precision"): the bound, as each language writes one; without a
    precision, the State alone, as before. */
static void test_visit_end_bound(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2017);
    fixture_set(stats, "visits", "completed_in_period",
                json_pack("[s,s,s]", "HUN", "MAR", "RWA"));
    fixture_set(stats, "visits", "completed_dates_in_period",
                json_pack("[{s:s,s:s,s:s},{s:s,s:n,s:s,s:s},{s:s,s:n,s:s}]",
                          "state", "HUN", "start", "2017-03-21", "end",
                          "2017-03-30", "state", "RWA", "start", "end",
                          "2017-10-20", "end_precision", "not_after", "state",
                          "MAR", "start", "end", "2017-10-28"));
    static const char *const cases[][2] = {
        {"en", "Hungary (21–30 March), Rwanda (by 20 October 2017) and "
               "Morocco."},
        {"zh", "匈牙利(3月21日至30日)、卢旺达(不晚于2017年10月20日)、摩洛哥。"},
        {"fr", "Rwanda (au plus tard le 20 octobre 2017)"},
        {"es", "Rwanda (a más tardar el 20 de octubre de 2017)"},
        {"ru", "Руанда (не позднее 20 октября 2017 года)"},
        {"ar", "رواندا (في موعد أقصاه 20 تشرين الأول/أكتوبر 2017)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = fixture_render(f, stats, cases[i][0]);
        fixture_expect(text, cases[i][1], NULL);
        free(text);
    }
    json_decref(stats);
}

/*  Sessions known only to their month ("occurred_on_precision") are
    written by the month in every language, beside one known to the day;
    a session's day a source gives alone (the last, here) makes no range. */
static void test_session_month(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2018);
    fixture_set(stats, NULL, "sessions_in_period",
                json_pack("[{s:i,s:s,s:s,s:s},{s:i,s:s,s:s,s:s,s:s},"
                          "{s:i,s:s,s:s,s:s}]",
                          "number", 34, "occurred_on", "2018-02-28",
                          "occurred_on_precision", "month", "place", "Geneva",
                          "number", 35, "end", "2018-06-15", "occurred_on",
                          "2018-06-30", "occurred_on_precision", "month",
                          "place", "Geneva", "number", 36, "start",
                          "2018-11-12", "end", "2018-11-16", "place",
                          "Geneva"));
    static const char *const cases[][2] = {
        {"en", "In 2018, the Subcommittee held three sessions in Geneva: its "
               "thirty-fourth session (February 2018), its thirty-fifth "
               "session (June 2018) and its thirty-sixth session (12–16 "
               "November 2018)."},
        {"zh", "2018年，小组委员会在日内瓦举行了三届会议：第三十四届会议"
               "(2018年2月)、第三十五届会议(2018年6月)和第三十六届会议"
               "(2018年11月12日至16日)。"},
        {"fr", "34e session (février 2018), 35e session (juin 2018) et 36e "
               "session (du 12 novembre 2018 au 16 novembre 2018)"},
        {"es", "34º período de sesiones (febrero de 2018), 35º período de "
               "sesiones (junio de 2018)"},
        {"ru", "34-я сессия (февраль 2018 года), 35-я сессия (июнь 2018 "
               "года)"},
        {"ar", "الدورة 34 (شباط/فبراير 2018)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = fixture_render(f, stats, cases[i][0]);
        fixture_expect(text, cases[i][1], NULL);
        free(text);
    }
    json_decref(stats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_follow_input),
        cmocka_unit_test(test_partial_period),
        cmocka_unit_test(test_other_year),
        cmocka_unit_test(test_visit_end_bound),
        cmocka_unit_test(test_session_month),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
