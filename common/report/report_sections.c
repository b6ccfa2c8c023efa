/*  report_sections: the report's sections (see report_int.h).

    Each section reads its keys of the stats contract, then hands them to
    an English or a Chinese function, which writes the section's prose
    with the primitives of report_put.c.  Half of the renderer's lines are
    here, the prose of two languages for the title and six sections. */
#include <string.h>

#include "date.h"
#include "report_int.h"

/*  Chinese numerals up to ten, as the seed writes small counts. */
static const char *const s_small_zh[] = {"零", "一", "两", "三", "四", "五",
                                         "六", "七", "八", "九", "十"};

/*  The five regional groups, in the report's order. */
static const struct {
    const char *key, *en, *zh;
} s_regions[] = {
    {"africa", "African States", "非洲国家"},
    {"asia_pacific", "Asia-Pacific States", "亚太国家"},
    {"eastern_europe", "Eastern European States", "东欧国家"},
    {"latin_america_caribbean", "Latin American and Caribbean States",
     "拉丁美洲和加勒比国家"},
    {"weog", "Western European and other States", "西欧和其他国家"}};

/*  Places of deprivation of liberty, in the report's order (para 20). */
static const struct {
    const char *key, *en_one, *en_many, *zh;
} s_places[] = {
    {"prison", "prison", "prisons", "所监狱"},
    {"women_detention", "women's detention facility",
     "women's detention facilities", "个女子拘留设施"},
    {"police", "police station", "police stations", "个警察局"},
    {"child_detention", "child detention centre", "child detention centres",
     "个儿童拘留中心"},
    {"psychiatric", "psychiatric and health-care institution",
     "psychiatric and health-care institutions", "个精神病和医疗保健机构"},
    {"immigration", "detention centre for undocumented migrants",
     "detention centres for undocumented migrants", "个无证移民拘留中心"},
    {"drug_rehabilitation", "drug rehabilitation centre",
     "drug rehabilitation centres", "个戒毒所"},
    {"court_cells", "court holding cell", "court holding cells",
     "个法院拘留所"},
    {"elderly_care", "social care facility for older persons",
     "social care facilities for older persons", "个老年人社会护理设施"},
    {"other", "other place", "other places", "个其他场所"}};
#define PLACE_COUNT (sizeof s_places / sizeof s_places[0])

/* ------------------------------------------------------------------ */
/*  The title and section II.A: participation in the Optional Protocol. */

void render_title(render_t *r)
{
    if (r->zh) {
        render_put(r, "# 防范酷刑小组委员会年度报告：数字\n\n本报告所述期间：");
        render_put_period(r);
        render_put(r, "。数字");
        render_put_as_at(r, true);
        render_put(r, "，全部根据事件存储中记录的事件计算得出。\n\n"
                      "## 二. 组织和其他事项\n\n"
                      "### A. 国家加入《任择议定书》制度的情况\n\n");
        return;
    }
    render_put(r,
               "# Annual report of the Subcommittee on Prevention of Torture: "
               "figures\n\nReporting period: ");
    render_put_period(r);
    render_put(r, ". Figures ");
    render_put_as_at(r, false);
    render_put(r, ", every one computed from the events in the event store.\n\n"
                  "## II. Organizational and other matters\n\n"
                  "### A. Participation in the Optional Protocol system\n\n");
}

/*  Writes a Markdown table of the regional distribution at 'path'. */
static void s_region_table(render_t *r, const char *path, const char *what)
{
    const json_t *by_region = render_get(r, path, JSON_OBJECT);
    render_put(r,
               r->zh ? "| 区域 | %s |\n|---|--:|\n"
                     : "| Regional group | %s |\n|---|--:|\n",
               what);
    for (size_t i = 0; i < sizeof s_regions / sizeof *s_regions; i++) {
        long long n = render_member_count(r, by_region, path, s_regions[i].key);
        render_put(r, "| %s | %s%s |\n",
                   r->zh ? s_regions[i].zh : s_regions[i].en,
                   render_num(n).text, r->zh ? "个" : "");
    }
    render_put(r, "\n");
}

static void s_parties_zh(render_t *r, long long parties, long long signatories,
                         const json_t *joined, const json_t *signed_list)
{
    render_put_as_at(r, true);
    render_put(r, "，《任择议定书》有%s个缔约国，%s个签署国。",
               render_num(parties).text, render_num(signatories).text);
    if (signatories)
        render_put(r, "[^signatories]");
    render_put_when(r, true);
    render_put(r, "，");
    if (json_array_size(joined))
        render_put_states(r, joined, false);
    else
        render_put(r, "没有国家");
    render_put(
        r, "加入《任择议定书》。\n\n各区域加入《任择议定书》的情况如下：\n\n");
    s_region_table(r, "states_parties.by_region", "缔约国");
    if (signatories)
        render_put(r, "%s个", render_num(signatories).text);
    render_put(r, "签署国的区域分布情况如下：\n\n");
    s_region_table(r, "signatories.by_region", "签署国");
    if (!signatories)
        return;
    render_put(r, "[^signatories]: ");
    render_put_as_at(r, true);
    render_put(r, "，%s个签署国为：", render_num(signatories).text);
    render_put_states(r, signed_list, true);
    render_put(r, "。\n\n");
}

static void s_parties_en(render_t *r, long long parties, long long signatories,
                         const json_t *joined, const json_t *signed_list)
{
    render_put_as_at(r, true);
    render_put(r, ", there %s ", parties == 1 ? "was" : "were");
    render_put_things(r, parties, true, "State party", "States parties");
    render_put(r, " to the Optional Protocol and ");
    render_put_things(r, signatories, true, "signatory", "signatories");
    render_put(r, ".%s ", signatories ? "[^signatories]" : "");
    size_t n = json_array_size(joined);
    if (n) {
        render_put_when(r, true);
        render_put(r, ", ");
        render_put_states(r, joined, false);
        render_put(r, " became %s to the Optional Protocol.\n\n",
                   n == 1 ? "a party" : "parties");
    } else {
        render_put(r, "No State became a party to the Optional Protocol ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
    }
    render_put(
        r, "The regional distribution of States parties is as follows:\n\n");
    s_region_table(r, "states_parties.by_region", "States parties");
    render_put(r, "The regional distribution of ");
    if (signatories) {
        render_put(r, "the ");
        render_put_things(r, signatories, true, "signatory", "signatories");
    } else {
        render_put(r, "signatories");
    }
    render_put(r, " is as follows:\n\n");
    s_region_table(r, "signatories.by_region", "Signatories");
    if (!signatories)
        return;
    render_put(r, "[^signatories]: ");
    render_put_as_at(r, true);
    render_put(r, ", the signatories were: ");
    render_put_states(r, signed_list, false);
    render_put(r, ".\n\n");
}

void render_parties(render_t *r)
{
    long long parties = render_count(r, "states_parties.total");
    long long signatories = render_count(r, "signatories.total");
    const json_t *joined = render_states(r, "states_parties.joined_in_period");
    const json_t *signed_list = render_states(r, "signatories.states");
    if (r->zh)
        s_parties_zh(r, parties, signatories, joined, signed_list);
    else
        s_parties_en(r, parties, signatories, joined, signed_list);
}

/* ------------------------------------------------------------------ */
/*  Section II.D: the Special Fund. */

static void s_fund_zh(render_t *r, long long grants, long long states)
{
    render_put(r, "### D. 《任择议定书》所设特别基金\n\n");
    render_put_when(r, true);
    if (grants) {
        render_put(r, "，共发放了总额为");
        render_put_sums(r, "fund.grants_in_period.total");
        render_put(r, "的赠款，以支持%s个国家的%s个防止酷刑项目。",
                   render_num(states).text, render_num(grants).text);
    } else {
        render_put(r, "，未发放赠款。");
    }
    render_put(r, "\n\n");
    render_put_when(r, true);
    if (json_object_size(
            render_get(r, "fund.contributions_in_period", JSON_OBJECT))) {
        render_put(r, "，特别基金共收到捐款");
        render_put_sums(r, "fund.contributions_in_period");
        render_put(r, "。\n\n");
    } else {
        render_put(r, "，特别基金未收到捐款。\n\n");
    }
}

static void s_fund_en(render_t *r, long long grants, long long states)
{
    render_put(r, "### D. Special Fund of the Optional Protocol\n\n");
    if (grants) {
        render_put_when(r, true);
        render_put(r, ", grants totalling ");
        render_put_sums(r, "fund.grants_in_period.total");
        render_put(r, " were awarded to support ");
        render_put_things(r, grants, true, "torture prevention project",
                          "torture prevention projects");
        render_put(r, " in ");
        render_put_things(r, states, true, "State", "States");
        render_put(r, ".\n\n");
    } else {
        render_put(r, "No grants were awarded ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
    }
    if (json_object_size(
            render_get(r, "fund.contributions_in_period", JSON_OBJECT))) {
        render_put_when(r, true);
        render_put(r, ", the Special Fund received voluntary contributions "
                      "totalling ");
        render_put_sums(r, "fund.contributions_in_period");
        render_put(r, ".\n\n");
    } else {
        render_put(r, "The Special Fund received no contributions ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
    }
}

void render_fund(render_t *r)
{
    long long grants = render_count(r, "fund.grants_in_period.count");
    long long states = render_count(r, "fund.grants_in_period.states");
    const json_t *total =
        render_get(r, "fund.grants_in_period.total", JSON_OBJECT);
    if (grants && total && !json_object_size(total))
        render_fail(r, OPCAT_EINVAL, "fund.grants_in_period.total",
                    "stats: grants were awarded but their total is empty");
    if (r->zh)
        s_fund_zh(r, grants, states);
    else
        s_fund_en(r, grants, states);
}

/* ------------------------------------------------------------------ */
/*  Section III.A: visits, places and interviews. */

/*  The places of 'places' by category, in the report's order; a key the
    report does not name counts as "other".  Returns the total. */
static long long s_place_counts(render_t *r, const json_t *places,
                                long long counts[PLACE_COUNT])
{
    long long total = 0;
    const char *key;
    const json_t *value;
    memset(counts, 0, PLACE_COUNT * sizeof *counts);
    json_object_foreach((json_t *)places, key, value)
    {
        size_t i = 0;
        while (i + 1 < PLACE_COUNT && strcmp(s_places[i].key, key) != 0)
            i++;
        long long n =
            render_member_count(r, places, "visits.places_in_period", key);
        counts[i] += n;
        total += n;
    }
    return total;
}

static void s_places_sentence(render_t *r)
{
    const json_t *places =
        render_get(r, "visits.places_in_period", JSON_OBJECT);
    long long counts[PLACE_COUNT];
    long long total = s_place_counts(r, places, counts);
    if (!total)
        return;
    if (r->zh)
        render_put(r, "小组委员会查访了%s个剥夺自由场所：",
                   render_num(total).text);
    else
        render_put(r,
                   "The Subcommittee visited %s places of deprivation of "
                   "liberty: ",
                   render_num(total).text);
    size_t left = 0, done = 0;
    for (size_t i = 0; i < PLACE_COUNT; i++)
        left += counts[i] != 0;
    for (size_t i = 0; i < PLACE_COUNT; i++) {
        if (!counts[i])
            continue;
        if (done++)
            render_put(r, "%s", r->zh ? "、" : done == left ? " and " : ", ");
        if (r->zh)
            render_put(r, "%s%s", render_num(counts[i]).text, s_places[i].zh);
        else
            render_put_things(r, counts[i], false, s_places[i].en_one,
                              s_places[i].en_many);
    }
    render_put(r, "%s", r->zh ? "。" : ".");
}

static void s_visits_zh(render_t *r, const json_t *done, const json_t *later,
                        long long interviews)
{
    render_put(r, "## 三. 查访\n\n### A. 本报告所述期间进行的查访\n\n");
    if (json_array_size(later)) {
        render_put(r, "原计划对");
        render_put_states(r, later, false);
        render_put(r, "进行的查访被推迟。");
    }
    if (!json_array_size(done)) {
        render_put(r, "小组委员会");
        render_put_when(r, false);
        render_put(r, "未进行查访。\n\n");
        return;
    }
    render_put(r, "根据《任择议定书》第11条和第13条规定的任务，小组委员会");
    render_put_when(r, false);
    render_put(r, "对以下国家进行了查访：");
    render_put_states(r, done, true);
    render_put(r, "。\n\n");
    if (interviews)
        render_put(r, "在这些查访期间，小组委员会进行了%s次单独和集体访谈。",
                   render_num(interviews).text);
    s_places_sentence(r);
    render_put(r, "\n\n");
}

static void s_visits_en(render_t *r, const json_t *done, const json_t *later,
                        long long interviews)
{
    render_put(r,
               "## III. Visits\n\n### A. Visits conducted during the reporting "
               "period\n\n");
    size_t n = json_array_size(later);
    if (n) {
        render_put(r, "The %s planned to ", n == 1 ? "visit" : "visits");
        render_put_states(r, later, false);
        render_put(r, " %s postponed. ", n == 1 ? "was" : "were");
    }
    if (!json_array_size(done)) {
        render_put(r, "The Subcommittee conducted no visits ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
        return;
    }
    render_put(r,
               "In accordance with its mandate under articles 11 and 13 of the "
               "Optional Protocol, the Subcommittee conducted ");
    render_put_things(r, (long long)json_array_size(done), true, "visit",
                      "visits");
    render_put(r, " ");
    render_put_when(r, false);
    render_put(r, ", to ");
    render_put_states(r, done, false);
    render_put(r, ".\n\n");
    if (interviews)
        render_put(r,
                   "During those visits, the Subcommittee conducted %s "
                   "individual and group interviews. ",
                   render_num(interviews).text);
    s_places_sentence(r);
    render_put(r, "\n\n");
}

void render_visits(render_t *r)
{
    const json_t *done = render_states(r, "visits.completed_in_period");
    const json_t *later = render_states(r, "visits.postponed_in_period");
    long long interviews = render_count(r, "visits.interviews_in_period");
    if (r->zh)
        s_visits_zh(r, done, later, interviews);
    else
        s_visits_en(r, done, later, interviews);
}

/* ------------------------------------------------------------------ */
/*  Section III.B: visit reports. */

static void s_reports_zh(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    render_put(r, "### B. 查访报告\n\n");
    if (render_incomplete(r, "reports.transmitted_total")) {
        render_put_as_at(r, true);
        render_put(r, "向缔约国转交的查访报告数量没有记录。\n\n");
        return;
    }
    render_put_as_at(r, true);
    render_put(r, "，小组委员会向缔约国转交了%s份查访报告",
               render_num(sent).text);
    if (render_incomplete(r, "reports.transmitted_in_period")) {
        render_put(r, "；本报告所述期间转交的查访报告没有完整记录");
    } else if (json_array_size(sent_now)) {
        render_put(r, "，其中包括在报告所述期间向");
        render_put_states(r, sent_now, false);
        render_put(r, "转交的%s份查访报告",
                   render_num((long long)json_array_size(sent_now)).text);
    }
    render_put(r, "。\n\n");
    if (!sent)
        return;
    render_put(r, "在向缔约国转交的%s份查访报告中，应缔约国的请求，",
               render_num(sent).text);
    render_put_as_at(r, true);
    render_put(r, "，共公布了%s份查访报告", render_num(published).text);
    if (json_array_size(published_now)) {
        render_put(r, "，其中包括本报告所述期间对");
        render_put_states(r, published_now, false);
        render_put(r, "%s国的查访报告",
                   render_num((long long)json_array_size(published_now)).text);
    }
    render_put(r, "。\n\n");
}

static void s_reports_en(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    render_put(r, "### B. Visit reports\n\n");
    if (render_incomplete(r, "reports.transmitted_total")) {
        render_put(r, "The number of visit reports transmitted to States "
                      "parties ");
        render_put_as_at(r, false);
        render_put(r, " is not recorded.\n\n");
        return;
    }
    render_put_as_at(r, true);
    render_put(r, ", the Subcommittee had transmitted ");
    render_put_things(r, sent, true, "visit report", "visit reports");
    render_put(r, " to States parties");
    if (render_incomplete(r, "reports.transmitted_in_period")) {
        render_put(r, "; the reports transmitted during the reporting period "
                      "are not recorded");
    } else if (json_array_size(sent_now)) {
        render_put(r, ", including ");
        render_put_count(r, (long long)json_array_size(sent_now), true);
        render_put(r, " transmitted during the reporting period, to ");
        render_put_states(r, sent_now, false);
    }
    render_put(r, ".\n\n");
    if (!sent)
        return;
    render_put(r, "Of the ");
    render_put_things(r, sent, true, "visit report", "visit reports");
    render_put(r, " transmitted to States parties, ");
    if (published)
        render_put_count(r, published, true);
    else
        render_put(r, "none");
    render_put(r, " had been published at the request of the States parties "
                  "concerned ");
    render_put_as_at(r, false);
    if (json_array_size(published_now)) {
        render_put(r, ", including the %s on ",
                   json_array_size(published_now) == 1 ? "report" : "reports");
        render_put_states(r, published_now, false);
        render_put(r, " published during the reporting period");
    }
    render_put(r, ".\n\n");
}

void render_reports(render_t *r)
{
    long long sent = render_count(r, "reports.transmitted_total");
    const json_t *sent_now = render_states(r, "reports.transmitted_in_period");
    long long published = render_count(r, "reports.published_total");
    const json_t *published_now =
        render_states(r, "reports.published_in_period");
    if (r->zh)
        s_reports_zh(r, sent, sent_now, published, published_now);
    else
        s_reports_en(r, sent, sent_now, published, published_now);
}

/* ------------------------------------------------------------------ */
/*  Section III.C: replies and follow-up dialogues. */

/*  "截至2025年底"/"By the end of 2025" when the answer is as at 31
    December, else "截至<date>"/"As at <date>". */
static void s_put_by_end(render_t *r)
{
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    if (m != 12 || d != 31)
        render_put_as_at(r, true);
    else
        render_put(r, r->zh ? "截至%d年底" : "By the end of %d", y);
}

static void s_replies_zh(render_t *r, const json_t *in, const json_t *out,
                         const json_t *state, const json_t *npm)
{
    size_t n = json_array_size(in);
    render_put(r, "### C. 各国对查访报告的回应和后续对话\n\n在本报告所述期间，"
                  "小组委员会");
    if (render_incomplete(r, "replies.received_in_period")) {
        render_put(r, "收到的答复没有记录。");
    } else if (n) {
        render_put(r, "收到了");
        render_put_states(r, in, false);
        if (n <= 10)
            render_put(r, "的%s份答复。", s_small_zh[n]);
        else
            render_put(r, "的%s份答复。", render_num((long long)n).text);
    } else {
        render_put(r, "未收到答复。");
    }
    if (json_array_size(out)) {
        render_put(r, "经请求，对");
        render_put_states(r, out, false);
        render_put(r, "的答复予以公开。");
    }
    render_put(r, "\n\n");
    render_put_when(r, true);
    render_put(r, "，");
    if (render_incomplete(r, "followup_dialogues_in_period.state")) {
        render_put(r, "与缔约国举行的后续对话没有记录。\n\n");
    } else if (json_array_size(state)) {
        render_put(r, "与");
        render_put_states(r, state, false);
        render_put(r, "举行了后续对话。\n\n");
    } else {
        render_put(r, "未与缔约国举行后续对话。\n\n");
    }
    if (!json_array_size(npm))
        return;
    s_put_by_end(r);
    render_put(r, "，小组委员会与");
    render_put_states(r, npm, false);
    render_put(r, "的国家防范机制举行了后续对话。\n\n");
}

static void s_replies_en(render_t *r, const json_t *in, const json_t *out,
                         const json_t *state, const json_t *npm)
{
    size_t n = json_array_size(in);
    render_put(r, "### C. Replies to visit reports and follow-up dialogue\n\n");
    if (render_incomplete(r, "replies.received_in_period")) {
        render_put(r, "The replies received during the reporting period are "
                      "not recorded.");
    } else {
        render_put(r, "During the reporting period, the Subcommittee "
                      "received ");
        render_put_things(r, (long long)n, true, "reply", "replies");
        if (n) {
            render_put(r, ", from ");
            render_put_states(r, in, false);
        }
        render_put(r, ".");
    }
    if (json_array_size(out)) {
        render_put(r, " At the request of the States parties concerned, the "
                      "replies of ");
        render_put_states(r, out, false);
        render_put(r, " were made public.");
    }
    render_put(r, "\n\n");
    if (render_incomplete(r, "followup_dialogues_in_period.state")) {
        render_put(r, "Follow-up dialogues with States parties held ");
        render_put_when(r, false);
        render_put(r, " are not recorded");
    } else if (json_array_size(state)) {
        render_put_when(r, true);
        render_put(r, ", follow-up dialogues were held with ");
        render_put_states(r, state, false);
    } else {
        render_put(r, "No follow-up dialogue with a State party was held ");
        render_put_when(r, false);
    }
    render_put(r, ".\n\n");
    if (!json_array_size(npm))
        return;
    s_put_by_end(r);
    render_put(r, ", the Subcommittee had held follow-up dialogues with the "
                  "national preventive mechanisms of ");
    render_put_states(r, npm, false);
    render_put(r, ".\n\n");
}

void render_replies(render_t *r)
{
    const json_t *in = render_states(r, "replies.received_in_period");
    const json_t *out = render_states(r, "replies.published_in_period");
    const json_t *state =
        render_states(r, "followup_dialogues_in_period.state");
    const json_t *npm = render_states(r, "followup_dialogues_in_period.npm");
    if (r->zh)
        s_replies_zh(r, in, out, state, npm);
    else
        s_replies_en(r, in, out, state, npm);
}

/* ------------------------------------------------------------------ */
/*  Section IV.A: national preventive mechanisms and the art. 17 list. */

static void s_npm_zh(render_t *r, const json_t *designated, const json_t *list)
{
    render_put(r, "## 四. 国家防范机制\n\n### A. 国家在防范机制方面的义务\n\n");
    render_put_when(r, true);
    if (json_array_size(designated)) {
        render_put(r, "，小组委员会接受并感谢");
        render_put_states(r, designated, false);
        render_put(r, "关于建立国家防范机制的通知。\n\n");
    } else {
        render_put(r, "，小组委员会未收到关于建立国家防范机制的通知。\n\n");
    }
    render_put_as_at(r, true);
    if (json_array_size(list)) {
        render_put(r, "，以下%s个缔约国被列入不遵守第17条的国家名单：",
                   render_num((long long)json_array_size(list)).text);
        render_put_states(r, list, true);
        render_put(r, "。\n");
    } else {
        render_put(r, "，没有缔约国被列入不遵守第17条的国家名单。\n");
    }
}

static void s_npm_en(render_t *r, const json_t *designated, const json_t *list)
{
    render_put(r,
               "## IV. National preventive mechanisms\n\n### A. Obligations of "
               "States parties regarding national preventive mechanisms\n\n");
    if (json_array_size(designated)) {
        render_put_when(r, true);
        render_put(r,
                   ", the Subcommittee received, with thanks, notifications of "
                   "the establishment of national preventive mechanisms from ");
        render_put_states(r, designated, false);
    } else {
        render_put(r, "The Subcommittee received no notification of the "
                      "establishment of a national preventive mechanism ");
        render_put_when(r, false);
    }
    render_put(r, ".\n\n");
    render_put_as_at(r, true);
    size_t n = json_array_size(list);
    if (n) {
        render_put(r, ", the following ");
        render_put_things(r, (long long)n, true, "State party was",
                          "States parties were");
        render_put(r, " on the list of States parties not in compliance with "
                      "article 17 of the Optional Protocol: ");
        render_put_states(r, list, false);
    } else {
        render_put(r,
                   ", no State party was on the list of States parties not in "
                   "compliance with article 17 of the Optional Protocol");
    }
    render_put(r, ".\n");
}

void render_npm(render_t *r)
{
    const json_t *designated = render_states(r, "npm.designated_in_period");
    const json_t *list = render_states(r, "npm.art17_list");
    if (r->zh)
        s_npm_zh(r, designated, list);
    else
        s_npm_en(r, designated, list);
}
