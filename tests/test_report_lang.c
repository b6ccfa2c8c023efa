/*  test_report_lang: the annual report in the six official languages
    (common/report/report.c; tests/report_fixture.h).

    - the seed report's 2025 sentences, word for word, in English and
      Chinese, and no software words;
    - the UN's terms, dates and amounts as French, Spanish, Russian and
      Arabic write them, State names from the table;
    - every figure the same in the six languages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_fixture.h"

static void test_en_sentences(void **state)
{
    fixture_t *f = *state;
    char *text = fixture_render(f, f->stats, "en");
    fixture_expect(
        text,
        "As at 31 December 2025, there were 96 States parties to the "
        "Optional Protocol and 11 signatories.",
        "Bangladesh acceded to the Optional Protocol on 17 July 2025 and "
        "Colombia on 10 November 2025.",
        "| African States | 25 |", "| Asia-Pacific States | 14 |",
        "| Eastern European States | 21 |",
        "| Latin American and Caribbean States | 16 |",
        "| Western European and other States | 20 |", "| African States | 7 |",
        "| Eastern European States | 0 |",
        "The regional distribution of the 11 signatories is as follows:",
        "the signatories were: Angola, Belgium, Cameroon, Chad, Guinea, "
        "Guinea-Bissau, Ireland, Sierra Leone, Timor-Leste, Venezuela "
        "(Bolivarian Republic of) and Zambia.",
        "In 2025, grants totalling $423,926 were awarded to support 16 "
        "torture prevention projects in 15 States.",
        "voluntary contributions totalling $397,871 and €210,000.", NULL);
    fixture_expect(
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
    fixture_expect(
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
    fixture_expect(
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
    char *text = fixture_render(f, f->stats, "zh");
    fixture_expect(
        text, "截至2025年12月31日，《任择议定书》有96个缔约国，11个签署国。",
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
    fixture_expect(
        text, "原计划对阿富汗、布隆迪、法国和墨西哥进行的查访被推迟。",
        "根据《任择议定书》第11条和第13条规定的任务，小组委员会在2025年"
        "对以下国家进行了查访：",
        NULL);
    /* Paras 2, 5, 16, 18, 20 (twice), 54 and 80 of the seed, word for
       word. */
    fixture_expect(
        text,
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
    fixture_expect(
        text,
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
    fixture_expect(
        text,
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

/*  The other four official languages: the UN's terms for the same report,
    dates and amounts as each language writes them, State names from the
    table, Western digits in Arabic. */
static void test_un_languages(void **state)
{
    fixture_t *f = *state;
    char *fr = fixture_render(f, f->stats, "fr");
    fixture_expect(
        fr,
        "# 19e rapport annuel du Sous-Comité pour la prévention de la "
        "torture",
        "Au 31 décembre 2025, le nombre d'États parties au Protocole "
        "facultatif s'élevait à 96 et celui des signataires à 11.",
        "Bangladesh (adhésion, 17 juillet 2025) et Colombie (adhésion, "
        "10 novembre 2025)",
        "du 1er janvier 2025 au 31 décembre 2025",
        "423\u00a0926 dollars des États-Unis", "Allemagne (200\u00a0000 euros)",
        "mécanismes nationaux de prévention des États suivants : "
        "Australie, Bénin, Madagascar, Nigéria et Afrique du Sud.",
        "nombre d'entretiens : plus de 550", "État de Palestine",
        "s'élève à environ 80.", NULL);
    char *es = fixture_render(f, f->stats, "es");
    fixture_expect(
        es, "Subcomité para la Prevención de la Tortura",
        "Al 31 de diciembre de 2025, el número de Estados partes en el "
        "Protocolo Facultativo ascendía a 96",
        "423.926 dólares de los Estados Unidos",
        "mecanismos nacionales de prevención", "Estado de Palestina",
        "del 15 de junio de 2025 al 21 de junio de 2025", NULL);
    char *ru = fixture_render(f, f->stats, "ru");
    fixture_expect(ru, "Подкомитета по предупреждению пыток",
                   "По состоянию на 31 декабря 2025 года число государств — "
                   "участников Факультативного протокола составляло 96",
                   "423\u00a0926 долл. США",
                   "национальных превентивных механизмов",
                   "Государство Палестина", "государств-участников", NULL);
    char *ar = fixture_render(f, f->stats, "ar");
    fixture_expect(ar, "للجنة الفرعية لمنع التعذيب",
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
    fixture_set(stats, "signatories", "states",
                json_pack("[s,s]", "FRA", "IRL"));
    es = fixture_render(f, stats, "es");
    fixture_expect(
        es, "los signatarios eran los siguientes: Francia e Irlanda.", NULL);
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
    fixture_set(stats, "states_parties", "by_region",
                json_pack("{s:i,s:i,s:i,s:i,s:i}", "africa", 45, "asia_pacific",
                          44, "eastern_europe", 41, "latin_america_caribbean",
                          46, "weog", 50));
    fixture_set(stats, "signatories", "total", json_integer(61));
    fixture_set(stats, "signatories", "by_region",
                json_pack("{s:i,s:i,s:i,s:i,s:i}", "africa", 37, "asia_pacific",
                          33, "eastern_europe", 32, "latin_america_caribbean",
                          34, "weog", 35));
    json_t *grants =
        json_object_get(json_object_get(stats, "fund"), "grants_in_period");
    fixture_set(grants, NULL, "count", json_integer(46));
    fixture_set(grants, NULL, "states", json_integer(43));
    json_t *places =
        json_object_get(json_object_get(stats, "visits"), "places_in_period");
    fixture_set(places, NULL, "psychiatric", json_integer(1234));
    fixture_set(places, NULL, "women_detention", json_integer(57));
    /* a session's number is an ordinal, in words in English and Chinese
       ("fifty-fifth", "第五十五") and in figures in the other four
       ("55e session"): numbers below 32 are left out of the comparison */
    json_t *sessions = json_object_get(stats, "sessions_in_period");
    fixture_set(json_array_get(sessions, 0), NULL, "number", json_integer(25));
    fixture_set(json_array_get(sessions, 1), NULL, "number", json_integer(26));
    static const char *const langs[] = {"en", "zh", "fr", "es", "ru", "ar"};
    long long want[256], got[256];
    size_t nwant = 0;
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        char *text = fixture_render(f, stats, langs[i]);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_en_sentences),
        cmocka_unit_test(test_zh_sentences),
        cmocka_unit_test(test_un_languages),
        cmocka_unit_test(test_same_figures),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
