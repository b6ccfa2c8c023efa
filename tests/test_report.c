/*  test_report: the annual report renderer (common/report/report.c).

    Renders tests/fixtures/stats-2025.json (the stats contract filled with
    the seed report's 2025 figures) in English and Chinese and checks the
    key sentences, then checks that the figures follow the input and that
    a broken stats object is refused with the key named.  Needs
    OPCAT_SOURCE_DIR (set by CTest) and the iso-codes package. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "names.h"
#include "report.h"

/*  What every test gets: the names, a renderer and the fixture. */
typedef struct {
    names_t *names;
    report_t *report;
    json_t *stats;
} fixture_t;

#define CHECK(cond, err)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            fail_msg("%s:%d: %s: %s", __FILE__, __LINE__, #cond,               \
                     (err)->message);                                          \
    } while (0)

static const char *s_source_dir(void)
{
    const char *dir = getenv("OPCAT_SOURCE_DIR");
    return dir && *dir ? dir : ".";
}

static int s_setup(void **state)
{
    char path[4096];
    err_t err;
    fixture_t *f = calloc(1, sizeof *f);
    assert_non_null(f);
    snprintf(path, sizeof path, "%s/data/" NAMES_FILE, s_source_dir());
    f->names = names_new(path, &err);
    CHECK(f->names, &err);
    f->report = report_new(f->names, &err);
    CHECK(f->report, &err);
    snprintf(path, sizeof path, "%s/tests/fixtures/stats-2025.json",
             s_source_dir());
    json_error_t jerr;
    f->stats = json_load_file(path, 0, &jerr);
    if (!f->stats)
        fail_msg("%s: %s", path, jerr.text);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    report_destroy(&f->report);
    assert_null(f->report);
    names_destroy(&f->names);
    json_decref(f->stats);
    free(f);
    return 0;
}

/*  Renders 'stats' in 'lang' and fails the test if that fails. */
static char *s_render(const fixture_t *f, const json_t *stats, const char *lang)
{
    err_t err;
    char *text = report_render(f->report, stats, lang, &err);
    CHECK(text, &err);
    return text;
}

/*  Fails, showing the output, unless 'text' holds each of the NULL-ended
    sentences. */
static void s_expect(const char *text, ...)
{
    va_list ap;
    va_start(ap, text);
    const char *needle;
    while ((needle = va_arg(ap, const char *)))
        if (!strstr(text, needle)) {
            fprintf(stderr, "---- output ----\n%s\n---- end ----\n", text);
            fail_msg("missing: %s", needle);
        }
    va_end(ap);
}

static void test_en_sentences(void **state)
{
    fixture_t *f = *state;
    char *text = s_render(f, f->stats, "en");
    s_expect(text,
             "As at 31 December 2025, there were 96 States parties to the "
             "Optional Protocol and 11 signatories.",
             "Bangladesh acceded to the Optional Protocol on 17 July 2025 and "
             "Colombia on 10 November 2025.",
             "| African States | 25 |", "| Asia-Pacific States | 14 |",
             "| Eastern European States | 21 |",
             "| Latin American and Caribbean States | 16 |",
             "| Western European and other States | 20 |",
             "| African States | 7 |", "| Eastern European States | 0 |",
             "The regional distribution of the 11 signatories is as follows:",
             "the signatories were: Angola, Belgium, Cameroon, Chad, Guinea, "
             "Guinea-Bissau, Ireland, Sierra Leone, Timor-Leste, Venezuela "
             "(Bolivarian Republic of) and Zambia.",
             "In 2025, grants totalling $423,926 were awarded to support 16 "
             "torture prevention projects in 15 States.",
             "voluntary contributions totalling $397,871 and €210,000.", NULL);
    s_expect(
        text,
        "The visits planned to Afghanistan, Burundi, France and Mexico were "
        "postponed.",
        "the Subcommittee conducted four visits in 2025, to Peru (15–21 "
        "June), Serbia (15–21 June), New Zealand (13–25 September) and "
        "Mozambique (18–30 October).",
        "the Subcommittee conducted more than 550 individual and group "
        "interviews with more than 900 persons.",
        "The Subcommittee visited more than 100 places of deprivation of "
        "liberty: 29 "
        "prisons, 7 women's detention facilities, 35 police stations, 13 "
        "child detention centres, 1 psychiatric and health-care institution, "
        "5 detention centres for undocumented migrants, 3 drug "
        "rehabilitation centres, 4 court holding cells and 5 social care "
        "facilities for older persons.",
        "As at 31 December 2025, the Subcommittee had transmitted 95 visit "
        "reports to States parties, including six transmitted during the "
        "reporting period, to Albania, Bolivia (Plurinational State of), "
        "Gabon, Greece, Mongolia and Peru.",
        "Of the 95 visit reports transmitted to States parties, 58 had been "
        "published",
        "including the reports on Croatia, Kazakhstan and Senegal published "
        "during the reporting period.",
        NULL);
    s_expect(
        text,
        "the Subcommittee received six replies, from Croatia, Guatemala, "
        "Honduras, Lebanon, Mozambique and Senegal.",
        "the replies of Croatia, Mozambique and Senegal were made public.",
        "In 2025, follow-up dialogues were held with Australia, Bosnia and "
        "Herzegovina, Croatia, Georgia, Guatemala, Honduras, Nauru and "
        "Türkiye.",
        "By the end of 2025, the Subcommittee had held follow-up dialogues "
        "with the national preventive mechanisms of Guatemala, Honduras and "
        "Mongolia.",
        "national preventive mechanisms from Australia, Benin, Madagascar, "
        "Nigeria and South Africa.",
        "As at 31 December 2025, the following 12 States parties were on the "
        "list of States parties not in compliance with article 17 of the "
        "Optional Protocol: Afghanistan, Belize, Burundi, the Central African "
        "Republic, the Democratic Republic of the Congo, Gabon, Ghana, "
        "Liberia, Nauru, the Philippines, South Sudan and the State of "
        "Palestine.",
        NULL);
    s_expect(
        text,
        "# Nineteenth annual report of the Subcommittee on Prevention of "
        "Torture and Other Cruel, Inhuman or Degrading Treatment or "
        "Punishment",
        "The present report covers the activities of the Subcommittee from 1 "
        "January to 31 December 2025.",
        "In 2025, the Subcommittee held two sessions in Geneva: its "
        "fifty-fifth session (27 January–7 February 2025) and its "
        "fifty-sixth session (10–14 November 2025).",
        "They include projects in Argentina, Benin, Gabon, Maldives, "
        "Mauritania, Nigeria, Senegal and Togo.",
        "The Subcommittee is very grateful to Armenia ($5,000) and Saudi "
        "Arabia ($50,000) for their first contributions to the Special Fund, "
        "and to Austria ($81,871), Denmark ($141,000), Germany (€200,000), "
        "Spain (€10,000) and Switzerland ($120,000) for their continued "
        "support.",
        "To date, some 80 national preventive mechanisms are operating "
        "worldwide.",
        "The Subcommittee announced that it would conduct the postponed "
        "visits to Burundi, France and Mexico in 2026. It also announced new "
        "visits to Paraguay, Rwanda and Sri Lanka, likewise to take place in "
        "2026.",
        NULL);
    assert_null(strstr(text, "event store"));
    assert_null(strstr(text, "computed from"));
    free(text);
}

static void test_zh_sentences(void **state)
{
    fixture_t *f = *state;
    char *text = s_render(f, f->stats, "zh");
    s_expect(text,
             "截至2025年12月31日，《任择议定书》有96个缔约国，11个签署国。",
             "孟加拉国于2025年7月17日加入《任择议定书》，"
             "哥伦比亚于2025年11月10日加入。",
             "各区域加入《任择议定书》的情况如下：", "| 非洲国家 | 25个 |",
             "| 亚太国家 | 14个 |", "| 东欧国家 | 21个 |",
             "| 拉丁美洲和加勒比国家 | 16个 |", "| 西欧和其他国家 | 20个 |",
             "11个签署国的区域分布情况如下：", "| 西欧和其他国家 | 2个 |",
             "截至2025年12月31日，11个签署国为：安哥拉、比利时、喀麦隆、乍得、"
             "几内亚、几内亚比绍、爱尔兰、塞拉利昂、东帝汶、"
             "委内瑞拉玻利瓦尔共和国、赞比亚。",
             "2025年，共发放了总额为423,926美元的赠款，"
             "以支持15个国家的16个防止酷刑项目。",
             "特别基金共收到捐款397,871美元和210,000欧元。", NULL);
    s_expect(text, "原计划对阿富汗、布隆迪、法国和墨西哥进行的查访被推迟。",
             "根据《任择议定书》第11条和第13条规定的任务，小组委员会在2025年"
             "对以下国家进行了查访：",
             NULL);
    /* Paras 2, 5, 16, 18, 20 (twice), 54 and 80 of the seed, word for
       word. */
    s_expect(text,
             "孟加拉国于2025年7月17日加入《任择议定书》，"
             "哥伦比亚于2025年11月10日加入。",
             "第五十五届会议(2025年1月27日至2月7日)和第五十六届会议"
             "(2025年11月10日至14日)。",
             "小组委员会非常感谢亚美尼亚(5,000美元)和沙特阿拉伯(50,000美元)"
             "首次向特别基金捐款，并感谢奥地利(81,871美元)、丹麦(141,000美元)"
             "、德国(200,000欧元)、西班牙(10,000欧元)和瑞士(120,000美元)的"
             "持续支持。",
             "秘鲁(6月15日至21日)、塞尔维亚(6月15日至21日)、"
             "新西兰(9月13日至25日)、莫桑比克(10月18日至30日)。",
             "在这些查访期间，小组委员会与900多人进行了550多次单独和集体访谈",
             "小组委员会查访了100多个剥夺自由场所：29所监狱、7个女子拘留设施、"
             "35个警察局、13个儿童拘留中心、1个精神病和医疗保健机构、"
             "5个无证移民拘留中心、3个戒毒所、4个法院拘留所、"
             "5个老年人社会护理设施。",
             "迄今为止，全球约有80个国家防范机制在开展工作。",
             "将于2026年对布隆迪、法国和墨西哥进行被推迟的查访。"
             "小组委员会还宣布了对巴拉圭、卢旺达和斯里兰卡进行查访的新计划，"
             "这些查访也将于2026年进行。",
             NULL);
    /* Para 1 and the title; no software words. */
    s_expect(text,
             "# 防范酷刑和其他残忍、不人道或有辱人格待遇或处罚小组委员会"
             "第十九次年度报告",
             "本报告涵盖小组委员会2025年1月1日至12月31日开展的活动。",
             "2025年，小组委员会在日内瓦举行了两届会议：",
             "其中包括阿根廷、贝宁、加蓬、马尔代夫、毛里塔尼亚、尼日利亚、"
             "塞内加尔和多哥的项目。",
             NULL);
    assert_null(strstr(text, "事件"));
    assert_null(strstr(text, "1国"));
    /* Paras 25, 26, 29, 30, 32 and 34 of the seed, word for word. */
    s_expect(text,
             "截至2025年12月31日，小组委员会向缔约国转交了95份查访报告，"
             "其中包括在报告所述期间向阿尔巴尼亚、多民族玻利维亚国、加蓬、"
             "希腊、蒙古和秘鲁转交的6份查访报告。",
             "在向缔约国转交的95份查访报告中，应缔约国的请求，"
             "截至2025年12月31日，共公布了58份查访报告，"
             "其中包括本报告所述期间对克罗地亚、哈萨克斯坦和塞内加尔3国的"
             "查访报告。",
             "在本报告所述期间，小组委员会收到了克罗地亚、危地马拉、洪都拉斯、"
             "黎巴嫩、莫桑比克和塞内加尔的六份答复。"
             "经请求，对克罗地亚、莫桑比克和塞内加尔的答复予以公开。",
             "2025年，与澳大利亚、波斯尼亚和黑塞哥维那、克罗地亚、格鲁吉亚、"
             "危地马拉、洪都拉斯、瑙鲁和土耳其举行了后续对话。",
             "截至2025年底，小组委员会与危地马拉、洪都拉斯和蒙古的"
             "国家防范机制举行了后续对话。",
             "2025年，小组委员会接受并感谢澳大利亚、贝宁、马达加斯加、"
             "尼日利亚和南非关于建立国家防范机制的通知。",
             "截至2025年12月31日，以下12个缔约国被列入不遵守第17条的国家"
             "名单：阿富汗、伯利兹、布隆迪、中非共和国、刚果民主共和国、加蓬、"
             "加纳、利比里亚、瑙鲁、菲律宾、南苏丹、巴勒斯坦国。",
             NULL);
    free(text);
}

/*  Sets the member at 'parent'.'key' of 'stats' to 'value' (stolen). */
static void s_set(json_t *stats, const char *parent, const char *key,
                  json_t *value)
{
    json_t *obj = parent ? json_object_get(stats, parent) : stats;
    assert_non_null(obj);
    assert_int_equal(json_object_set_new(obj, key, value), 0);
}

/*  A copy of the fixture for the calendar year 2017 (as_of and period);
    the caller frees it. */
static json_t *s_stats_2017(const fixture_t *f)
{
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, NULL, "as_of", json_string("2017-12-31"));
    s_set(stats, NULL, "period",
          json_pack("{s:s,s:s}", "from", "2017-01-01", "to", "2017-12-31"));
    return stats;
}

/*  The numbers come from the input, not from the text. */
static void test_figures_follow_input(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, "states_parties", "total", json_integer(97));
    s_set(stats, "states_parties", "joined_in_period", json_pack("[s]", "COL"));
    s_set(stats, "states_parties", "joined_in_period_on",
          json_pack("[{s:s,s:s,s:s}]", "state", "COL", "on", "2025-11-10",
                    "instrument", "ratification"));
    s_set(stats, "visits", "more_than", json_array());
    s_set(stats, "npm", "designated_total", json_integer(7));
    s_set(stats, "reports", "transmitted_total", json_integer(1234));
    s_set(stats, "replies", "received_in_period", json_pack("[s]", "PER"));
    json_t *grants =
        json_object_get(json_object_get(stats, "fund"), "grants_in_period");
    s_set(grants, NULL, "total",
          json_pack("{s:s,s:s}", "USD", "1234.5", "CHF", "10000.00"));
    char *en = s_render(f, stats, "en");
    s_expect(en, "there were 97 States parties",
             "Colombia ratified the Optional Protocol on 10 November 2025.",
             "conducted 550 individual and group interviews with 900 persons.",
             "The Subcommittee visited 100 places",
             "To date, 7 national preventive mechanisms are operating",
             "had transmitted 1,234 visit reports",
             "received one reply, from Peru.",
             "grants totalling $1,234.50 and CHF 10,000 were awarded", NULL);
    assert_null(strstr(en, "Bangladesh"));
    assert_null(strstr(en, "96 States parties"));
    char *zh = s_render(f, stats, "zh");
    s_expect(zh, "《任择议定书》有97个缔约国",
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
    s_set(stats, NULL, "as_of", json_string("2025-06-30"));
    s_set(stats, NULL, "period",
          json_pack("{s:s,s:s}", "from", "2025-01-01", "to", "2025-06-30"));
    s_set(stats, "states_parties", "joined_in_period", json_array());
    s_set(stats, "npm", "art17_list", json_array());
    s_set(stats, "states_parties", "joined_in_period_on", json_array());
    char *en = s_render(f, stats, "en");
    s_expect(en, "# Annual report of the Subcommittee",
             "covers the activities of the Subcommittee from 1 January to 30 "
             "June 2025.",
             "As at 30 June 2025, there were 96 States parties",
             "No State became a party to the Optional Protocol during the "
             "reporting period.",
             "As at 30 June 2025, the Subcommittee had held follow-up "
             "dialogues with the national preventive mechanisms",
             "no State party was on the list", NULL);
    char *zh = s_render(f, stats, "zh");
    s_expect(zh, "在本报告所述期间，没有国家加入《任择议定书》。",
             "截至2025年6月30日，小组委员会与危地马拉",
             "没有缔约国被列入不遵守第17条的国家名单。", NULL);
    /* the year's totals cannot be split: not recorded for half a year */
    s_set(stats, NULL, "incomplete",
          json_pack("[s,s]", "visits.interviews_in_period",
                    "visits.places_in_period"));
    char *half = s_render(f, stats, "en");
    s_expect(half,
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
    json_t *stats = s_stats_2017(f);
    s_set(stats, NULL, "sessions_in_period",
          json_pack("[{s:i,s:s,s:s,s:s}]", "number", 31, "start", "2017-02-13",
                    "end", "2017-02-17", "place", "Geneva"));
    s_set(stats, "visits", "completed_dates_in_period",
          json_pack("[{s:s,s:s,s:s}]", "state", "LBN", "start", "2017-12-28",
                    "end", "2018-01-03"));
    s_set(stats, "visits", "postponed_in_period", json_array());
    s_set(stats, "reports", "published_in_period", json_pack("[s]", "HRV"));
    s_set(stats, "states_parties", "joined_in_period_on",
          json_pack("[{s:s,s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:s}]", "state",
                    "MDG", "on", "2017-09-21", "instrument", "ratification",
                    "state", "LKA", "on", "2017-12-05", "instrument",
                    "accession", "state", "AUS", "on", "2017-12-21",
                    "instrument", "ratification"));
    char *en = s_render(f, stats, "en");
    s_expect(en, "# Eleventh annual report of the Subcommittee",
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
    char *zh = s_render(f, stats, "zh");
    s_expect(zh, "小组委员会第十一次年度报告",
             "2017年，小组委员会在日内瓦举行了一届会议：第三十一届会议"
             "(2017年2月13日至17日)。",
             "黎巴嫩(2017年12月28日至2018年1月3日)。",
             "其中包括本报告所述期间对克罗地亚的查访报告。",
             "这些查访将于2018年进行。", NULL);
    assert_null(strstr(zh, "1国"));
    free(en);
    free(zh);
    /* a name with "the" opening a sentence */
    s_set(stats, "states_parties", "joined_in_period_on",
          json_pack("[{s:s,s:s,s:s}]", "state", "PHL", "on", "2012-04-17",
                    "instrument", "accession"));
    en = s_render(f, stats, "en");
    s_expect(en,
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
    json_t *stats = s_stats_2017(f);
    s_set(stats, "visits", "completed_in_period",
          json_pack("[s,s,s]", "HUN", "MAR", "RWA"));
    s_set(stats, "visits", "completed_dates_in_period",
          json_pack("[{s:s,s:s,s:s},{s:s,s:n,s:s,s:s},{s:s,s:n,s:s}]", "state",
                    "HUN", "start", "2017-03-21", "end", "2017-03-30", "state",
                    "RWA", "start", "end", "2017-10-20", "end_precision",
                    "not_after", "state", "MAR", "start", "end", "2017-10-28"));
    static const char *const cases[][2] = {
        {"en", "Hungary (21–30 March), Rwanda (by 20 October 2017) and "
               "Morocco."},
        {"zh", "匈牙利(3月21日至30日)、卢旺达(不晚于2017年10月20日)、摩洛哥。"},
        {"fr", "Rwanda (au plus tard le 20 octobre 2017)"},
        {"es", "Rwanda (a más tardar el 20 de octubre de 2017)"},
        {"ru", "Руанда (не позднее 20 октября 2017 года)"},
        {"ar", "رواندا (في موعد أقصاه 20 تشرين الأول/أكتوبر 2017)"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = s_render(f, stats, cases[i][0]);
        s_expect(text, cases[i][1], NULL);
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
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, NULL, "as_of", json_string("2018-12-31"));
    s_set(stats, NULL, "period",
          json_pack("{s:s,s:s}", "from", "2018-01-01", "to", "2018-12-31"));
    s_set(stats, NULL, "sessions_in_period",
          json_pack("[{s:i,s:s,s:s,s:s},{s:i,s:s,s:s,s:s,s:s},"
                    "{s:i,s:s,s:s,s:s}]",
                    "number", 34, "occurred_on", "2018-02-28",
                    "occurred_on_precision", "month", "place", "Geneva",
                    "number", 35, "end", "2018-06-15", "occurred_on",
                    "2018-06-30", "occurred_on_precision", "month", "place",
                    "Geneva", "number", 36, "start", "2018-11-12", "end",
                    "2018-11-16", "place", "Geneva"));
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
        char *text = s_render(f, stats, cases[i][0]);
        s_expect(text, cases[i][1], NULL);
        free(text);
    }
    json_decref(stats);
}

/*  A figure the stats mark incomplete is "not recorded", not a count. */
static void test_not_recorded_counts(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, NULL, "as_of", json_string("2010-12-31"));
    s_set(stats, NULL, "period",
          json_pack("{s:s,s:s}", "from", "2010-01-01", "to", "2010-12-31"));
    s_set(stats, NULL, "incomplete",
          json_pack("[s,s,s,s,s]", "sessions_in_period", "reports",
                    "npm.designated_total", "fund.contributions_in_period",
                    "visits.planned_in_period"));
    char *en = s_render(f, stats, "en");
    s_expect(en, "The number of sessions held in 2010 is not recorded.",
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
    char *zh = s_render(f, stats, "zh");
    s_expect(zh, "2010年，小组委员会举行的届会未记录。",
             "截至2010年12月31日向缔约国转交的查访报告数量没有记录。", NULL);
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
        char *text = s_render(f, stats, cases[i][0]);
        s_expect(text, cases[i][1], NULL);
        assert_null(strstr(text, " 80"));
        free(text);
    }
    json_decref(stats);
}

/*  A figure the stats mark incomplete is "not recorded", never a count:
    the reports and dialogues of a year the dataset does not cover. */
static void test_not_recorded(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, NULL, "as_of", json_string("2024-12-31"));
    s_set(stats, NULL, "period",
          json_pack("{s:s,s:s}", "from", "2024-01-01", "to", "2024-12-31"));
    s_set(stats, "reports", "transmitted_total", json_integer(89));
    s_set(stats, "reports", "transmitted_in_period", json_array());
    s_set(stats, "replies", "received_in_period", json_array());
    s_set(stats, "followup_dialogues_in_period", "state", json_array());
    s_set(stats, NULL, "incomplete",
          json_pack("[s,s,s]", "followup_dialogues_in_period.state",
                    "replies.received_in_period",
                    "reports.transmitted_in_period"));
    char *en = s_render(f, stats, "en");
    s_expect(en,
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
    char *zh = s_render(f, stats, "zh");
    s_expect(zh,
             "转交了89份查访报告；本报告所述期间转交的查访报告没有完整记录。",
             "小组委员会收到的答复没有记录。",
             "2024年，与缔约国举行的后续对话没有记录。", NULL);
    assert_null(strstr(zh, "未与缔约国举行后续对话"));
    free(en);
    free(zh);
    /* the whole total unknown */
    s_set(stats, NULL, "incomplete",
          json_pack("[s]", "reports.transmitted_total"));
    en = s_render(f, stats, "en");
    s_expect(en,
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
    json_t *stats = s_stats_2017(f);
    s_set(stats, "reports", "transmitted_in_period", json_array());
    s_set(stats, "reports", "transmitted_in_period_stated", json_integer(17));
    s_set(stats, NULL, "incomplete",
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
        char *text = s_render(f, stats, cases[i][0]);
        s_expect(text, cases[i][1], NULL);
        free(text);
    }
    /* the total known, the period's list not */
    s_set(stats, NULL, "incomplete",
          json_pack("[s]", "reports.transmitted_in_period"));
    char *en = s_render(f, stats, "en");
    s_expect(en,
             "had transmitted 95 visit reports to States parties. In 2017, "
             "the Subcommittee transmitted 17 visit reports; the reports are "
             "not itemized here.\n",
             NULL);
    assert_null(strstr(en, "are not recorded"));
    free(en);
    char *fr = s_render(f, stats, "fr");
    s_expect(fr, "s'élevait à 95. En 2017, le nombre de rapports", NULL);
    free(fr);
    /* the count for part of the period only: not said */
    s_set(stats, NULL, "incomplete",
          json_pack("[s,s]", "reports.transmitted_in_period",
                    "reports.transmitted_in_period_stated"));
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = s_render(f, stats, cases[i][0]);
        assert_null(strstr(text, cases[i][2]));
        free(text);
    }
    /* the list itemized: it speaks for itself */
    json_object_del(stats, "incomplete");
    en = s_render(f, stats, "en");
    assert_null(strstr(en, "itemized"));
    free(en);
    json_decref(stats);
}

/*  The other four official languages: the UN's terms for the same report,
    dates and amounts as each language writes them, State names from the
    table, Western digits in Arabic. */
static void test_un_languages(void **state)
{
    fixture_t *f = *state;
    char *fr = s_render(f, f->stats, "fr");
    s_expect(fr,
             "# 19e rapport annuel du Sous-Comité pour la prévention de la "
             "torture",
             "Au 31 décembre 2025, le nombre d'États parties au Protocole "
             "facultatif s'élevait à 96 et celui des signataires à 11.",
             "Bangladesh (adhésion, 17 juillet 2025) et Colombie (adhésion, "
             "10 novembre 2025)",
             "du 1er janvier 2025 au 31 décembre 2025",
             "423\u00a0926 dollars des États-Unis",
             "Allemagne (200\u00a0000 euros)",
             "mécanismes nationaux de prévention des États suivants : "
             "Australie, Bénin, Madagascar, Nigéria et Afrique du Sud.",
             "nombre d'entretiens : plus de 550", "État de Palestine",
             "s'élève à environ 80.", NULL);
    char *es = s_render(f, f->stats, "es");
    s_expect(es, "Subcomité para la Prevención de la Tortura",
             "Al 31 de diciembre de 2025, el número de Estados partes en el "
             "Protocolo Facultativo ascendía a 96",
             "423.926 dólares de los Estados Unidos",
             "mecanismos nacionales de prevención", "Estado de Palestina",
             "del 15 de junio de 2025 al 21 de junio de 2025", NULL);
    char *ru = s_render(f, f->stats, "ru");
    s_expect(ru, "Подкомитета по предупреждению пыток",
             "По состоянию на 31 декабря 2025 года число государств — "
             "участников Факультативного протокола составляло 96",
             "423\u00a0926 долл. США", "национальных превентивных механизмов",
             "Государство Палестина", "государств-участников", NULL);
    char *ar = s_render(f, f->stats, "ar");
    s_expect(ar, "للجنة الفرعية لمنع التعذيب",
             "حتى 31 كانون الأول/ديسمبر 2025، بلغ عدد الدول الأطراف في "
             "البروتوكول الاختياري 96",
             "423,926 دولار من دولارات الولايات المتحدة",
             "الآليات الوقائية الوطنية", "دولة فلسطين", NULL);
    free(fr);
    free(es);
    free(ru);
    free(ar);
    /* Spanish "e" for "y" before an i sound */
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, "signatories", "states", json_pack("[s,s]", "FRA", "IRL"));
    es = s_render(f, stats, "es");
    s_expect(es, "los signatarios eran los siguientes: Francia e Irlanda.",
             NULL);
    free(es);
    json_decref(stats);
}

/*  The figures of 'text' in order: runs of digits, joined across a
    thousands separator (",", ".", " " or a no-break space before three
    digits); days, months and small counts (1 to 31, which some
    languages write in words) and years (1990 to 2100) left out. */
static size_t s_figures(const char *text, long long *out, size_t max)
{
    size_t n = 0;
    const char *p = text;
    while (*p) {
        if (*p < '0' || *p > '9') {
            p++;
            continue;
        }
        long long v = 0;
        for (;;) {
            while (*p >= '0' && *p <= '9')
                v = v * 10 + (*p++ - '0');
            size_t sep = (*p == ',' || *p == '.' || *p == ' ') ? 1
                         : (p[0] == '\xc2' && p[1] == '\xa0')  ? 2
                                                               : 0;
            const char *q = p + sep;
            bool group = sep && q[0] >= '0' && q[0] <= '9' && q[1] >= '0' &&
                         q[1] <= '9' && q[2] >= '0' && q[2] <= '9' &&
                         !(q[3] >= '0' && q[3] <= '9');
            if (!group)
                break;
            p = q;
        }
        if (v > 31 && (v < 1990 || v > 2100) && n < max)
            out[n++] = v;
    }
    return n;
}

static int s_cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/*  Sorts the 'n' figures of 'v' and drops repeats (a language may say a
    figure twice: the Chinese footnote repeats the signatories' count);
    returns how many are left. */
static size_t s_unique(long long *v, size_t n)
{
    size_t k = 0;
    qsort(v, n, sizeof *v, s_cmp_ll);
    for (size_t i = 0; i < n; i++)
        if (!k || v[k - 1] != v[i])
            v[k++] = v[i];
    return k;
}

/*  Every figure is the same in the six languages: the fixture with every
    count above 31 (so that no language writes one in words) renders in
    each language, and the figures of each are the English ones. */
static void test_same_figures(void **state)
{
    fixture_t *f = *state;
    json_t *stats = json_deep_copy(f->stats);
    s_set(stats, "states_parties", "by_region",
          json_pack("{s:i,s:i,s:i,s:i,s:i}", "africa", 45, "asia_pacific", 44,
                    "eastern_europe", 41, "latin_america_caribbean", 46, "weog",
                    50));
    s_set(stats, "signatories", "total", json_integer(61));
    s_set(stats, "signatories", "by_region",
          json_pack("{s:i,s:i,s:i,s:i,s:i}", "africa", 37, "asia_pacific", 33,
                    "eastern_europe", 32, "latin_america_caribbean", 34, "weog",
                    35));
    json_t *grants =
        json_object_get(json_object_get(stats, "fund"), "grants_in_period");
    s_set(grants, NULL, "count", json_integer(46));
    s_set(grants, NULL, "states", json_integer(43));
    json_t *places =
        json_object_get(json_object_get(stats, "visits"), "places_in_period");
    s_set(places, NULL, "psychiatric", json_integer(1234));
    s_set(places, NULL, "women_detention", json_integer(57));
    /* a session's number is an ordinal, in words in English and Chinese
       ("fifty-fifth", "第五十五") and in figures in the other four
       ("55e session"): numbers below 32 are left out of the comparison */
    json_t *sessions = json_object_get(stats, "sessions_in_period");
    s_set(json_array_get(sessions, 0), NULL, "number", json_integer(25));
    s_set(json_array_get(sessions, 1), NULL, "number", json_integer(26));
    static const char *const langs[] = {"en", "zh", "fr", "es", "ru", "ar"};
    long long want[256], got[256];
    size_t nwant = 0;
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        char *text = s_render(f, stats, langs[i]);
        size_t n =
            s_unique(i ? got : want, s_figures(text, i ? got : want, 256));
        if (!i) {
            nwant = n;
            assert_true(nwant >= 25);
        }
        bool same = n == nwant && memcmp(got, want, n * sizeof *got) == 0;
        if (i && !same) {
            fprintf(stderr, "---- %s ----\n%s\n", langs[i], text);
            for (size_t j = 0; j < n || j < nwant; j++)
                fprintf(stderr, "%zu: en %lld %s %lld\n", j,
                        j < nwant ? want[j] : -1, langs[i],
                        j < n ? got[j] : -1);
            fail_msg("the figures in %s differ from the English", langs[i]);
        }
        free(text);
    }
    json_decref(stats);
}

/*  A missing or mistyped key is refused, naming the key. */
static void test_broken_stats(void **state)
{
    fixture_t *f = *state;
    err_t err;
    json_t *stats = json_deep_copy(f->stats);
    json_object_del(json_object_get(stats, "reports"), "published_total");
    assert_null(report_render(f->report, stats, "en", &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, "reports.published_total");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    s_set(stats, "states_parties", "total", json_string("96"));
    assert_null(report_render(f->report, stats, "zh", &err));
    assert_string_equal(err.field, "states_parties.total");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    s_set(json_object_get(stats, "fund"), NULL, "contributions_in_period",
          json_pack("{s:s}", "USD", "12,000"));
    assert_null(report_render(f->report, stats, "en", &err));
    assert_string_equal(err.field, "fund.contributions_in_period");
    json_decref(stats);

    stats = json_deep_copy(f->stats);
    s_set(stats, "visits", "completed_in_period", json_pack("[s]", "peru"));
    assert_null(report_render(f->report, stats, "en", &err));
    assert_string_equal(err.field, "visits.completed_in_period");
    json_decref(stats);

    /* a signatory that is no State: refused, the list of signatories
       left empty on the way (sorting nothing is no null pointer for
       qsort: UBSan checks it in the sanitizer build) */
    stats = json_deep_copy(f->stats);
    s_set(stats, "signatories", "states", json_pack("[s]", "peru"));
    static const char *const langs[] = {"en", "zh", "fr", "es", "ru", "ar"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        assert_null(report_render(f->report, stats, langs[i], &err));
        if (strcmp(err.field, "signatories.states") != 0)
            fail_msg("%s: field %s: %s", langs[i], err.field, err.message);
    }
    json_decref(stats);

    assert_null(report_render(f->report, f->stats, "de", &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_string_equal(err.field, "lang");
    assert_null(report_render(f->report, f->stats, NULL, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
}

/*  Names as the UN writes them, in both languages. */
static void test_names(void **state)
{
    fixture_t *f = *state;
    assert_string_equal(report_state_name(f->report, "PER", "zh"), "秘鲁");
    assert_string_equal(report_state_name(f->report, "SWZ", "zh"),
                        "埃斯瓦蒂尼");
    assert_string_equal(report_state_name(f->report, "GBR", "en"),
                        "United Kingdom of Great Britain and Northern Ireland");
    assert_null(report_state_name(f->report, "XXX", "en"));
    json_t *stats = json_deep_copy(f->stats);
    s_set(json_object_get(stats, "npm"), NULL, "designated_in_period",
          json_pack("[s,s]", "GBR", "SWZ"));
    char *en = s_render(f, stats, "en");
    s_expect(en,
             "from Eswatini and the United Kingdom of Great Britain and "
             "Northern Ireland.",
             NULL);
    char *zh = s_render(f, stats, "zh");
    s_expect(zh, "接受并感谢埃斯瓦蒂尼和大不列颠及北爱尔兰联合王国", NULL);
    free(en);
    free(zh);
    /* a State the table lacks is refused, naming the field */
    s_set(json_object_get(stats, "npm"), NULL, "designated_in_period",
          json_pack("[s]", "XKX"));
    err_t err;
    assert_null(report_render(f->report, stats, "zh", &err));
    assert_string_equal(err.field, "state");
    json_decref(stats);
}

/*  Without a table of names there is no renderer. */
static void test_no_names(void **state)
{
    (void)state;
    err_t err;
    assert_null(report_new(NULL, &err));
    assert_int_equal(err.code, OPCAT_EINVAL);
    assert_null(names_find("/nonexistent", &err));
    assert_int_equal(err.code, OPCAT_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_en_sentences),
        cmocka_unit_test(test_zh_sentences),
        cmocka_unit_test(test_un_languages),
        cmocka_unit_test(test_same_figures),
        cmocka_unit_test(test_figures_follow_input),
        cmocka_unit_test(test_partial_period),
        cmocka_unit_test(test_other_year),
        cmocka_unit_test(test_not_recorded_counts),
        cmocka_unit_test(test_not_recorded),
        cmocka_unit_test(test_stated_reports),
        cmocka_unit_test(test_visit_end_bound),
        cmocka_unit_test(test_session_month),
        cmocka_unit_test(test_broken_stats),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_no_names),
    };
    return cmocka_run_group_tests(tests, s_setup, s_teardown);
}
