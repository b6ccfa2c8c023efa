/*  test_report_unrecorded: what the stats mark incomplete
    (common/report/report.c; tests/report_fixture.h) is "not recorded" in
    every language, never a count: the counts of a year the dataset does
    not cover, the reports and dialogues of a year it covers in part,,
    a count of visit reports a source states without listing them, and
    the States parties or signatories on a day a date's bounds hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fixture.h"

/*  A figure the stats mark incomplete is "not recorded", not a count. */
static void test_not_recorded_counts(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2010);
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s,s,s,s]", "sessions_in_period", "reports",
                          "npm.designated_total",
                          "fund.contributions_in_period",
                          "visits.planned_in_period"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en, "The number of sessions held in 2010 is not recorded.",
        "The number of visit reports transmitted to States parties as at "
        "31 December 2010 is not recorded.",
        "The number of national preventive mechanisms designated as at "
        "31 December 2010 is not recorded.",
        "The amount of the contributions received by the Special Fund in "
        "2010 is not recorded.",
        "The announcement of visits in 2010 is not recorded.", NULL);
    assert_null(strstr(en, "Armenia"));
    assert_null(strstr(en, "Paraguay"));
    assert_null(strstr(en, "95 visit reports"));
    assert_null(strstr(en, "some 80"));
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "2010年，小组委员会举行的届会未记录。",
                   "截至2010年12月31日向缔约国转交的查访报告数量没有记录。",
                   NULL);
    free(en);
    free(zh);
    /* and in the languages written from a table */
    static const char *const cases[][2] = {
        {"fr", "Nombre de sessions tenues (en 2010) : information non "
               "consignée."},
        {"es", "Número de períodos de sesiones celebrados (en 2010): "
               "información no registrada."},
        {"ru", "Число проведенных сессий (в 2010 году): сведения не "
               "зарегистрированы."},
        {"ar", "عدد الدورات المعقودة (في عام 2010): معلومات غير مسجلة."}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = fixture_render(f, stats, cases[i][0]);
        fixture_expect(text, cases[i][1], NULL);
        assert_null(strstr(text, " 80"));
        free(text);
    }
    json_decref(stats);
}

/*  Section II.A with one of its counts marked incomplete (a signature or
    a ratification whose day is known only within bounds that hold the
    as-of day): that count, its regional table and its list are not
    printed; the other count is, in every language. */
static void test_parties_not_recorded(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    fixture_set(
        stats, NULL, "incomplete",
        json_pack("[s,s]", "signatories.total", "signatories.by_region"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(en,
                   "As at 31 December 2025, there were 96 States parties to "
                   "the Optional Protocol.\n\nThe number of signatories as "
                   "at 31 December 2025 is not recorded.\n\nBangladesh "
                   "acceded to the Optional Protocol on 17 July 2025",
                   "| States parties |", NULL);
    assert_null(strstr(en, "11 signatories"));
    assert_null(strstr(en, "| Signatories |"));
    assert_null(strstr(en, "[^signatories]"));
    static const char *const signatories[][2] = {
        {"zh", "截至2025年12月31日，《任择议定书》有96个缔约国。\n\n截至2025年"
               "12月31日，签署国数目未记录。"},
        {"fr", "Au 31 décembre 2025, le nombre d'États parties au Protocole "
               "facultatif s'élevait à 96.\n\nNombre de signataires (au 31 "
               "décembre 2025) : information non consignée."},
        {"es", "el número de Estados partes en el Protocolo Facultativo "
               "ascendía a 96.\n\nNúmero de signatarios"},
        {"ru", "составляло 96.\n\nЧисло подписавших государств"},
        {"ar", "بلغ عدد الدول الأطراف في البروتوكول الاختياري 96.\n\nعدد الدول "
               "الموقعة"}};
    for (size_t i = 0; i < sizeof signatories / sizeof *signatories; i++) {
        char *text = fixture_render(f, stats, signatories[i][0]);
        fixture_expect(text, signatories[i][1], NULL);
        assert_null(strstr(text, "[^signatories]"));
        free(text);
    }
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s,s]", "states_parties.total",
                          "states_parties.by_region",
                          "states_parties.joined_in_period"));
    char *parties = fixture_render(f, stats, "en");
    fixture_expect(parties,
                   "As at 31 December 2025, there were 11 signatories of "
                   "the Optional Protocol.[^signatories]\n\nThe number of "
                   "States parties as at 31 December 2025 is not recorded."
                   "\n\nThe list of States that became parties in 2025 is not "
                   "recorded.",
                   "| Signatories |", "[^signatories]: As at 31 December 2025",
                   NULL);
    assert_null(strstr(parties, "96 States parties"));
    assert_null(strstr(parties, "Bangladesh acceded"));
    assert_null(strstr(parties, "| States parties |"));
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(zh, "《任择议定书》有11个签署国。[^signatories]",
                   "2025年，成为缔约国的国家未记录。", NULL);
    free(zh);
    free(parties);
    free(en);
    json_decref(stats);
}

/*  A figure the stats mark incomplete is "not recorded", never a count:
    the reports and dialogues of a year the dataset does not cover. */
static void test_not_recorded(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2024);
    fixture_set(stats, "reports", "transmitted_total", json_integer(89));
    fixture_set(stats, "reports", "transmitted_in_period", json_array());
    fixture_set(stats, "replies", "received_in_period", json_array());
    fixture_set(stats, "followup_dialogues_in_period", "state", json_array());
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s,s]", "followup_dialogues_in_period.state",
                          "replies.received_in_period",
                          "reports.transmitted_in_period"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en,
        "had transmitted 89 visit reports to States parties; the "
        "reports transmitted during the reporting period are not "
        "recorded.",
        "The replies received during the reporting period are not "
        "recorded.",
        "Follow-up dialogues with States parties held in 2024 are not "
        "recorded.",
        NULL);
    assert_null(strstr(en, "No follow-up dialogue"));
    assert_null(strstr(en, "received no replies"));
    char *zh = fixture_render(f, stats, "zh");
    fixture_expect(
        zh, "转交了89份查访报告；本报告所述期间转交的查访报告没有完整记录。",
        "小组委员会收到的答复没有记录。",
        "2024年，与缔约国举行的后续对话没有记录。", NULL);
    assert_null(strstr(zh, "未与缔约国举行后续对话"));
    free(en);
    free(zh);
    /* the whole total unknown */
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s]", "reports.transmitted_total"));
    en = fixture_render(f, stats, "en");
    fixture_expect(en,
                   "The number of visit reports transmitted to States parties "
                   "as at 31 December 2024 is not recorded.",
                   NULL);
    assert_null(strstr(en, "89"));
    free(en);
    json_decref(stats);
}

/*  A count of visit reports a source states for the year, the reports not
    itemized: said in each language where the list is not recorded, and
    not where the list is, or where the count itself is marked. */
static void test_stated_reports(void **state)
{
    fixture_t *f = *state;
    json_t *stats = fixture_stats_year(f, 2017);
    fixture_set(stats, "reports", "transmitted_in_period", json_array());
    fixture_set(stats, "reports", "transmitted_in_period_stated",
                json_integer(17));
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s]", "reports.transmitted_in_period",
                          "reports.transmitted_total"));
    /* each language's sentence, and a word of it no other sentence has */
    static const char *const cases[][3] = {
        {"en",
         "The number of visit reports transmitted to States parties as at 31 "
         "December 2017 is not recorded. In 2017, the Subcommittee "
         "transmitted 17 visit reports; the reports are not itemized here.\n",
         "itemized"},
        {"zh",
         "截至2017年12月31日向缔约国转交的查访报告数量没有记录。2017年，"
         "小组委员会转交了17份查访报告；本报告未逐一列出这些报告。\n",
         "逐一"},
        {"fr",
         "n'est pas consigné. En 2017, le nombre de rapports de visite "
         "transmis par le Sous-Comité s'est élevé à 17 ; ces rapports ne "
         "sont pas énumérés dans le présent rapport.\n",
         "énumérés"},
        {"es",
         "al 31 de diciembre de 2017. En 2017, el número de informes sobre "
         "las visitas transmitidos por el Subcomité ascendió a 17; esos "
         "informes no se enumeran en el presente informe.\n",
         "enumeran"},
        {"ru",
         "не зарегистрировано. В 2017 году число докладов о посещениях, "
         "направленных Подкомитетом, составило 17; эти доклады в настоящем "
         "докладе не перечисляются.\n",
         "перечисляются"},
        {"ar",
         "في عام 2017، بلغ عدد تقارير الزيارات التي أحالتها اللجنة الفرعية "
         "17؛ ولا ترد هذه التقارير مفردةً في هذا التقرير.\n",
         "مفردةً"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = fixture_render(f, stats, cases[i][0]);
        fixture_expect(text, cases[i][1], NULL);
        free(text);
    }
    /* the total known, the period's list not */
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s]", "reports.transmitted_in_period"));
    char *en = fixture_render(f, stats, "en");
    fixture_expect(
        en,
        "had transmitted 95 visit reports to States parties. In 2017, "
        "the Subcommittee transmitted 17 visit reports; the reports are "
        "not itemized here.\n",
        NULL);
    assert_null(strstr(en, "are not recorded"));
    free(en);
    char *fr = fixture_render(f, stats, "fr");
    fixture_expect(fr, "s'élevait à 95. En 2017, le nombre de rapports", NULL);
    free(fr);
    /* the count for part of the period only: not said */
    fixture_set(stats, NULL, "incomplete",
                json_pack("[s,s]", "reports.transmitted_in_period",
                          "reports.transmitted_in_period_stated"));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = fixture_render(f, stats, cases[i][0]);
        assert_null(strstr(text, cases[i][2]));
        free(text);
    }
    /* the list itemized: it speaks for itself */
    json_object_del(stats, "incomplete");
    en = fixture_render(f, stats, "en");
    assert_null(strstr(en, "itemized"));
    free(en);
    json_decref(stats);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_recorded_counts),
        cmocka_unit_test(test_not_recorded),
        cmocka_unit_test(test_parties_not_recorded),
        cmocka_unit_test(test_stated_reports),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
