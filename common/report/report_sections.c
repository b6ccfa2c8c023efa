/*  report_sections: the report's sections (see report_int.h).

    Each section reads its keys of the stats contract, then hands them to
    an English or a Chinese function, which writes the section's prose
    with the primitives of report_put.c, or to the function of
    report_say.c that writes a table language's sentences.  Half of the
   renderer's lines are here, the prose of two languages for the title and six
   sections. */
#include <stdlib.h>
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

/*  The number of the annual report on calendar year 'y': the fifth
    covered 2011, and each later one a calendar year; the first four
    covered other periods.  0: no number. */
int render_report_number(const render_t *r)
{
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    return r->full_year && y >= 2011 ? y - 2006 : 0;
}

void render_title(render_t *r)
{
    int number = render_report_number(r);
    if (r->lang) {
        say_title(r);
        return;
    }
    if (r->zh) {
        render_put(r, "# 防范酷刑和其他残忍、不人道或有辱人格待遇或处罚"
                      "小组委员会");
        if (number) {
            render_put_ordinal(r, number, false);
            render_put(r, "次");
        }
        render_put(r, "年度报告\n\n## 一. 导言\n\n本报告涵盖小组委员会");
        render_put_period(r);
        render_put(r, "开展的活动。\n\n## 二. 组织和其他事项\n\n"
                      "### A. 国家加入《任择议定书》制度的情况\n\n");
        return;
    }
    render_put(r, "# ");
    if (number) {
        render_put_ordinal(r, number, true);
        render_put(r, " annual report");
    } else {
        render_put(r, "Annual report");
    }
    render_put(r, " of the Subcommittee on Prevention of Torture and Other "
                  "Cruel, Inhuman or Degrading Treatment or Punishment\n\n"
                  "## I. Introduction\n\nThe present report covers the "
                  "activities of the Subcommittee from ");
    render_put_period(r);
    render_put(r, ".\n\n## II. Organizational and other matters\n\n"
                  "### A. Participation in the Optional Protocol system\n\n");
}

void render_region_table(render_t *r, const char *path, const char *what)
{
    const json_t *by_region = render_get(r, path, JSON_OBJECT);
    render_put(r, "| %s | %s |\n|---|--:|\n",
               r->lang ? r->lang->region_col
               : r->zh ? "区域"
                       : "Regional group",
               what);
    for (size_t i = 0; i < REGION_COUNT; i++) {
        long long n = render_member_count(r, by_region, path, s_regions[i].key);
        render_put(r, "| %s | ",
                   r->lang ? r->lang->regions[i]
                   : r->zh ? s_regions[i].zh
                           : s_regions[i].en);
        render_put_count(r, n, false);
        render_put(r, "%s |\n", r->zh ? "个" : "");
    }
    render_put(r, "\n");
}

static int s_dated_cmp(const void *a, const void *b)
{
    const dated_t *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return strcmp(x->en, y->en);
}

/*  The items of 'list' ('path') with their State and the date at 'key'
    ('end' at 'end_key' if not NULL; a missing optional date sorts last),
    sorted; '*n' gets their number.  NULL on failure or an empty list;
    the caller frees. */
dated_t *render_dated(render_t *r, const json_t *list, const char *path,
                      const char *key, const char *end_key, bool optional,
                      size_t *n)
{
    *n = json_array_size(list);
    dated_t *items = *n ? calloc(*n, sizeof *items) : NULL;
    if (*n && !items)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; items && i < *n && !r->failed; i++) {
        const json_t *item = json_array_get(list, i);
        items[i].item = item;
        items[i].code = render_item_code(r, item, path);
        items[i].en =
            items[i].code ? report_name_en(r->report, items[i].code) : "";
        items[i].day = render_item_date(r, item, path, key, optional);
        if (optional && items[i].day == INT32_MIN)
            items[i].day = INT32_MAX;
        if (end_key)
            items[i].end = render_item_date(r, item, path, end_key, false);
    }
    if (r->failed) {
        free(items);
        return NULL;
    }
    if (items)
        qsort(items, *n, sizeof *items, s_dated_cmp);
    return items;
}

/*  The verb of an instrument: "acceded to", "加入". */
static const char *s_verb(const render_t *r, const json_t *item)
{
    const char *inst = json_string_value(json_object_get(item, "instrument"));
    bool accession = inst && strcmp(inst, "accession") == 0;
    bool succession = inst && strcmp(inst, "succession") == 0;
    if (r->zh)
        return accession ? "加入" : succession ? "继承" : "批准";
    return accession ? "acceded to" : succession ? "succeeded to" : "ratified";
}

/*  The States that joined in the period, each with its date, as para 2
    of the seed: "孟加拉国于2025年7月17日加入《任择议定书》，哥伦比亚于
    2025年11月10日加入。", "Bangladesh acceded to the Optional Protocol on
    17 July 2025 and Colombia on 10 November 2025." */
static void s_put_joined(render_t *r, const json_t *joined_on)
{
    size_t n;
    dated_t *items =
        render_dated(r, joined_on, "states_parties.joined_in_period_on", "on",
                     NULL, false, &n);
    for (size_t i = 0; items && i < n; i++) {
        const char *verb = s_verb(r, items[i].item);
        bool same = i > 0 && strcmp(verb, s_verb(r, items[i - 1].item)) == 0;
        if (r->zh) {
            render_put(r, "%s", i ? "，" : "");
            render_put_state(r, items[i].code, false);
            render_put(r, "于");
            render_put_day(r, items[i].day);
            render_put(r, "%s%s", verb, i ? "" : "《任择议定书》");
            if (i + 1 == n)
                render_put(r, "。");
            continue;
        }
        if (i)
            render_put(r, "%s", i + 1 == n ? " and " : ", ");
        render_put_state(r, items[i].code, i == 0);
        if (!i)
            render_put(r, " %s the Optional Protocol", verb);
        else if (!same)
            render_put(r, " %s it", verb);
        render_put(r, " on ");
        render_put_day(r, items[i].day);
        if (i + 1 == n)
            render_put(r, ".");
    }
    free(items);
}

static void s_parties_zh(render_t *r, long long parties, long long signatories,
                         const json_t *joined_on, const json_t *signed_list)
{
    render_put_as_at(r, true);
    render_put(r, "，《任择议定书》有%s个缔约国，%s个签署国。",
               render_num(parties).text, render_num(signatories).text);
    if (signatories)
        render_put(r, "[^signatories]");
    if (json_array_size(joined_on)) {
        s_put_joined(r, joined_on);
    } else {
        render_put_when(r, true);
        render_put(r, "，没有国家加入《任择议定书》。");
    }
    render_put(r, "\n\n各区域加入《任择议定书》的情况如下：\n\n");
    render_region_table(r, "states_parties.by_region", "缔约国");
    if (signatories)
        render_put(r, "%s个", render_num(signatories).text);
    render_put(r, "签署国的区域分布情况如下：\n\n");
    render_region_table(r, "signatories.by_region", "签署国");
    if (!signatories)
        return;
    render_put(r, "[^signatories]: ");
    render_put_as_at(r, true);
    render_put(r, "，%s个签署国为：", render_num(signatories).text);
    render_put_states(r, signed_list, true);
    render_put(r, "。\n\n");
}

static void s_parties_en(render_t *r, long long parties, long long signatories,
                         const json_t *joined_on, const json_t *signed_list)
{
    render_put_as_at(r, true);
    render_put(r, ", there %s ", parties == 1 ? "was" : "were");
    render_put_things(r, parties, true, "State party", "States parties");
    render_put(r, " to the Optional Protocol and ");
    render_put_things(r, signatories, true, "signatory", "signatories");
    render_put(r, ".%s ", signatories ? "[^signatories]" : "");
    if (json_array_size(joined_on)) {
        s_put_joined(r, joined_on);
        render_put(r, "\n\n");
    } else {
        render_put(r, "No State became a party to the Optional Protocol ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
    }
    render_put(
        r, "The regional distribution of States parties is as follows:\n\n");
    render_region_table(r, "states_parties.by_region", "States parties");
    render_put(r, "The regional distribution of ");
    if (signatories) {
        render_put(r, "the ");
        render_put_things(r, signatories, true, "signatory", "signatories");
    } else {
        render_put(r, "signatories");
    }
    render_put(r, " is as follows:\n\n");
    render_region_table(r, "signatories.by_region", "Signatories");
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
    render_states(r, "states_parties.joined_in_period");
    const json_t *joined_on =
        render_items(r, "states_parties.joined_in_period_on");
    const json_t *signed_list = render_states(r, "signatories.states");
    if (r->lang)
        say_parties(r, parties, signatories, joined_on, signed_list);
    else if (r->zh)
        s_parties_zh(r, parties, signatories, joined_on, signed_list);
    else
        s_parties_en(r, parties, signatories, joined_on, signed_list);
}

/* ------------------------------------------------------------------ */
/*  Section II.B: sessions. */

/*  Places of sessions the report names in Chinese. */
static const struct {
    const char *en, *zh;
} s_places_of_sessions[] = {{"Geneva", "日内瓦"}, {"New York", "纽约"}};

/*  The place every session of 'items' was held at, if they share one
    the report can name in its language; else NULL. */
const char *render_session_place(const render_t *r, const dated_t *items,
                                 size_t n)
{
    const char *place = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *p =
            json_string_value(json_object_get(items[i].item, "place"));
        if (!p || !*p || (place && strcmp(place, p) != 0))
            return NULL;
        place = p;
    }
    if (!place || !r->zh)
        return place;
    for (size_t i = 0;
         i < sizeof s_places_of_sessions / sizeof s_places_of_sessions[0]; i++)
        if (strcmp(s_places_of_sessions[i].en, place) == 0)
            return s_places_of_sessions[i].zh;
    return NULL;
}

/*  The sessions of the list, sorted by start; a session has no State, so
    dated_t's code is unused. */
static dated_t *s_sessions(render_t *r, const json_t *list, size_t *n)
{
    *n = json_array_size(list);
    dated_t *items = *n ? calloc(*n, sizeof *items) : NULL;
    if (*n && !items)
        render_fail(r, OPCAT_ENOMEM, NULL, "out of memory");
    for (size_t i = 0; items && i < *n; i++) {
        const json_t *item = json_array_get(list, i);
        items[i].item = item;
        items[i].en = "";
        items[i].day =
            render_item_date(r, item, "sessions_in_period", "start", false);
        items[i].end =
            render_item_date(r, item, "sessions_in_period", "end", false);
        const json_t *number = json_object_get(item, "number");
        if (!json_is_integer(number) || json_integer_value(number) < 1)
            render_fail(r, OPCAT_EINVAL, "sessions_in_period",
                        "stats: \"sessions_in_period\": a session's "
                        "\"number\" is not a number >= 1");
    }
    if (r->failed) {
        free(items);
        return NULL;
    }
    if (items)
        qsort(items, *n, sizeof *items, s_dated_cmp);
    return items;
}

/*  "第五十五届会议(2025年1月27日至2月7日)", "its fifty-fifth session (27
    January–7 February 2025)". */
static void s_put_session(render_t *r, const dated_t *session)
{
    long long number =
        json_integer_value(json_object_get(session->item, "number"));
    if (!r->zh)
        render_put(r, "its ");
    render_put_ordinal(r, number, false);
    render_put(r, "%s", r->zh ? "届会议(" : " session (");
    render_put_range(r, session->day, session->end, true);
    render_put(r, ")");
}

void render_sessions(render_t *r)
{
    const json_t *list = render_items(r, "sessions_in_period");
    render_put(r, "%s",
               r->lang ? r->lang->sessions_head
               : r->zh ? "### B. 届会\n\n"
                       : "### B. Sessions\n\n");
    if (render_not_recorded(r, "sessions_in_period", WHAT_SESSIONS, false))
        return;
    size_t n;
    dated_t *items = s_sessions(r, list, &n);
    if (r->lang) {
        say_sessions(r, items, n);
        free(items);
        return;
    }
    const char *place = render_session_place(r, items, n);
    render_put_when(r, true);
    if (r->zh) {
        render_put(r, "，小组委员会");
        if (!n) {
            render_put(r, "未举行届会。\n\n");
            return;
        }
        if (place)
            render_put(r, "在%s", place);
        if (n <= 10)
            render_put(r, "举行了%s届会议：", s_small_zh[n]);
        else
            render_put(r, "举行了%s届会议：", render_num((long long)n).text);
    } else {
        render_put(r, ", the Subcommittee held ");
        render_put_things(r, (long long)n, true, "session", "sessions");
        if (place)
            render_put(r, " in %s", place);
        render_put(r, "%s", n ? ": " : ".\n\n");
    }
    for (size_t i = 0; items && i < n; i++) {
        if (i)
            render_put(r, "%s",
                       r->zh ? (i + 1 == n ? "和" : "、")
                             : (i + 1 == n ? " and " : ", "));
        s_put_session(r, &items[i]);
    }
    if (n)
        render_put(r, "%s", r->zh ? "。\n\n" : ".\n\n");
    free(items);
}

/* ------------------------------------------------------------------ */
/*  Section II.D: the Special Fund. */

/*  One donor with its amount: "亚美尼亚(5,000美元)", "Armenia ($5,000)". */
static void s_put_donor(render_t *r, const dated_t *d)
{
    const char *path = "fund.contributions_by_donor_in_period";
    const json_t *currency = json_object_get(d->item, "currency");
    render_put_state(r, d->code, false);
    render_put(r, "%s", r->zh ? "(" : " (");
    render_put_money(
        r, path, json_string_value(currency) ? json_string_value(currency) : "",
        json_object_get(d->item, "amount"));
    render_put(r, ")");
}

/*  Writes the donors of 'items' whose "first" is 'first', joined. */
static size_t s_put_donor_list(render_t *r, const dated_t *items, size_t n,
                               bool first)
{
    size_t total = 0, done = 0;
    for (size_t i = 0; i < n; i++)
        total += json_is_true(json_object_get(items[i].item, "first")) == first;
    for (size_t i = 0; i < n; i++) {
        if (json_is_true(json_object_get(items[i].item, "first")) != first)
            continue;
        if (done++)
            render_put(r, "%s",
                       r->zh ? (done == total ? "和" : "、")
                             : (done == total ? " and " : ", "));
        s_put_donor(r, &items[i]);
    }
    return total;
}

/*  The donors, first-time donors first, as para 16 of the seed:
    "小组委员会非常感谢亚美尼亚(5,000美元)和沙特阿拉伯(50,000美元)首次
    向特别基金捐款，并感谢奥地利(81,871美元)……的持续支持。" */
static void s_put_donors(render_t *r)
{
    const char *path = "fund.contributions_by_donor_in_period";
    const json_t *list = render_items(r, path);
    size_t n, firsts = 0;
    dated_t *items = render_dated(r, list, path, "", NULL, true, &n);
    for (size_t i = 0; items && i < n; i++)
        firsts += json_is_true(json_object_get(items[i].item, "first"));
    if (!items || !n) {
        free(items);
        return;
    }
    if (r->zh) {
        render_put(r, "小组委员会非常感谢");
        if (firsts) {
            s_put_donor_list(r, items, n, true);
            render_put(r, "首次向特别基金捐款");
        }
        if (firsts && firsts < n)
            render_put(r, "，并感谢");
        if (firsts < n) {
            s_put_donor_list(r, items, n, false);
            render_put(r, "%s", firsts ? "的持续支持" : "对特别基金的支持");
        }
        render_put(r, "。\n\n");
    } else {
        render_put(r, "The Subcommittee is very grateful to ");
        if (firsts) {
            s_put_donor_list(r, items, n, true);
            render_put(r, " for %s to the Special Fund",
                       firsts == 1 ? "its first contribution"
                                   : "their first contributions");
        }
        if (firsts && firsts < n)
            render_put(r, ", and to ");
        if (firsts < n) {
            s_put_donor_list(r, items, n, false);
            render_put(r, " for %s",
                       firsts ? "their continued support"
                              : "their contributions to the "
                                "Special Fund");
        }
        render_put(r, ".\n\n");
    }
    free(items);
}

static void s_grants_zh(render_t *r, long long grants, long long states,
                        const json_t *named)
{
    render_put_when(r, true);
    if (!grants) {
        render_put(r, "，未发放赠款。\n\n");
        return;
    }
    render_put(r, "，共发放了总额为");
    render_put_sums(r, "fund.grants_in_period.total");
    render_put(r, "的赠款，以支持%s个国家的%s个防止酷刑项目。",
               render_num(states).text, render_num(grants).text);
    if (json_array_size(named)) {
        bool some = (long long)json_array_size(named) < states;
        render_put(r, "%s", some ? "其中包括" : "这些项目分别在");
        render_put_states(r, named, false);
        render_put(r, "%s", some ? "的项目。" : "实施。");
    }
    render_put(r, "\n\n");
}

static void s_grants_en(render_t *r, long long grants, long long states,
                        const json_t *named)
{
    if (!grants) {
        render_put(r, "No grants were awarded ");
        render_put_when(r, false);
        render_put(r, ".\n\n");
        return;
    }
    render_put_when(r, true);
    render_put(r, ", grants totalling ");
    render_put_sums(r, "fund.grants_in_period.total");
    render_put(r, " were awarded to support ");
    render_put_things(r, grants, true, "torture prevention project",
                      "torture prevention projects");
    render_put(r, " in ");
    render_put_things(r, states, true, "State", "States");
    render_put(r, ".");
    if (json_array_size(named)) {
        render_put(r, " %s in ",
                   (long long)json_array_size(named) < states
                       ? "They include projects"
                       : "The projects are");
        render_put_states(r, named, false);
        render_put(r, ".");
    }
    render_put(r, "\n\n");
}

/*  The donors, then the contributions' totals. */
static void s_contributions(render_t *r)
{
    bool any = json_object_size(
        render_get(r, "fund.contributions_in_period", JSON_OBJECT));
    if (r->lang) {
        const char *path = "fund.contributions_by_donor_in_period";
        size_t n;
        dated_t *items =
            render_dated(r, render_items(r, path), path, "", NULL, true, &n);
        say_contributions(r, items, n, any);
        free(items);
        return;
    }
    s_put_donors(r);
    if (r->zh) {
        render_put_when(r, true);
        render_put(r, "%s",
                   any ? "，特别基金共收到捐款" : "，特别基金未收到捐款");
    } else if (any) {
        render_put_when(r, true);
        render_put(r, ", the Special Fund received voluntary contributions "
                      "totalling ");
    } else {
        render_put(r, "The Special Fund received no contributions ");
        render_put_when(r, false);
    }
    if (any)
        render_put_sums(r, "fund.contributions_in_period");
    render_put(r, "%s", r->zh ? "。\n\n" : ".\n\n");
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
    const json_t *named =
        render_states(r, "fund.grants_in_period.states_named");
    render_put(r, "%s",
               r->lang ? r->lang->fund_head
               : r->zh ? "### D. 《任择议定书》所设特别基金\n\n"
                       : "### D. Special Fund of the Optional "
                         "Protocol\n\n");
    bool known =
        !render_not_recorded(r, "fund.grants_in_period", WHAT_GRANTS, false);
    if (known && r->lang)
        say_grants(r, grants, states, named);
    else if (known && r->zh)
        s_grants_zh(r, grants, states, named);
    else if (known)
        s_grants_en(r, grants, states, named);
    if (!render_not_recorded(r, "fund.contributions_in_period",
                             WHAT_CONTRIBUTIONS, false))
        s_contributions(r);
}

/* ------------------------------------------------------------------ */
/*  Section III.A: visits, places and interviews. */

/*  The places of 'places' by category, in the report's order; a key the
    report does not name counts as "other".  Returns the total. */
long long render_place_counts(render_t *r, const json_t *places,
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

/*  Whether the figure 'key' of "visits" is a lower bound ("more than"). */
bool render_more_than(render_t *r, const char *key)
{
    const json_t *list = render_get(r, "visits.more_than", JSON_ARRAY);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        if (json_is_string(item) && strcmp(json_string_value(item), key) == 0)
            return true;
    }
    return false;
}

/*  A figure of "visits": "550", "550多", "more than 550". */
static void s_put_figure(render_t *r, const char *key, long long n)
{
    bool more = render_more_than(r, key);
    if (r->zh)
        render_put(r, "%s%s", render_num(n).text, more ? "多" : "");
    else
        render_put(r, "%s%s", more ? "more than " : "", render_num(n).text);
}

static void s_places_sentence(render_t *r)
{
    if (render_incomplete(r, "visits.places_in_period"))
        return; /* said with the interviews */
    const json_t *places =
        render_get(r, "visits.places_in_period", JSON_OBJECT);
    long long counts[PLACE_COUNT];
    long long sum = render_place_counts(r, places, counts);
    long long total = render_count(r, "visits.places_total_in_period");
    if (!total && !sum)
        return;
    render_put(r, "%s",
               r->zh ? "小组委员会查访了" : "The Subcommittee visited ");
    s_put_figure(r, "places_total_in_period", total ? total : sum);
    render_put(r, "%s",
               r->zh ? "个剥夺自由场所"
                     : " places of deprivation "
                       "of liberty");
    size_t left = 0, done = 0;
    for (size_t i = 0; i < PLACE_COUNT; i++)
        left += counts[i] != 0;
    if (left)
        render_put(r, "%s", r->zh ? "：" : ": ");
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

/*  The visits completed in the period with their dates, in date order:
    "秘鲁(6月15日至21日)、塞尔维亚(6月15日至21日)", "Peru (15–21 June) and
    Serbia (15–21 June)"; the year is written when the period is not one
    calendar year. */
static void s_put_visits(render_t *r, const json_t *dates)
{
    const char *path = "visits.completed_dates_in_period";
    size_t n;
    dated_t *items = render_dated(r, dates, path, "start", "end", true, &n);
    for (size_t i = 0; items && i < n; i++) {
        if (i)
            render_put(r, "%s", r->zh ? "、" : i + 1 == n ? " and " : ", ");
        render_put_state(r, items[i].code, false);
        if (items[i].day == INT32_MAX)
            continue; /* the first day is not recorded */
        render_put(r, "%s", r->zh ? "(" : " (");
        render_put_range(r, items[i].day, items[i].end, !r->full_year);
        render_put(r, ")");
    }
    free(items);
}

/*  "在这些查访期间，小组委员会与900多人进行了550多次单独和集体访谈。" */
static void s_interviews(render_t *r, long long interviews, long long persons)
{
    if (render_incomplete(r, "visits.interviews_in_period")) {
        render_put(r, "%s",
                   r->zh ? "这些查访期间的访谈和查访的场所未记录。"
                         : "The interviews conducted and the places "
                           "visited during those visits are not "
                           "recorded.");
        return;
    }
    if (!interviews)
        return;
    if (r->zh) {
        render_put(r, "在这些查访期间，小组委员会");
        if (persons) {
            render_put(r, "与");
            s_put_figure(r, "persons_interviewed_in_period", persons);
            render_put(r, "人");
        }
        render_put(r, "进行了");
        s_put_figure(r, "interviews_in_period", interviews);
        render_put(r, "次单独和集体访谈。");
        return;
    }
    render_put(r, "During those visits, the Subcommittee conducted ");
    s_put_figure(r, "interviews_in_period", interviews);
    render_put(r, " individual and group interviews");
    if (persons) {
        render_put(r, " with ");
        s_put_figure(r, "persons_interviewed_in_period", persons);
        render_put(r, " persons");
    }
    render_put(r, ". ");
}

static void s_visits_zh(render_t *r, const json_t *done, const json_t *later,
                        long long interviews, long long persons)
{
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
    s_put_visits(r, done);
    render_put(r, "。\n\n");
    s_interviews(r, interviews, persons);
    s_places_sentence(r);
    render_put(r, "\n\n");
}

static void s_visits_en(render_t *r, const json_t *done, const json_t *later,
                        long long interviews, long long persons)
{
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
    s_put_visits(r, done);
    render_put(r, ".\n\n");
    s_interviews(r, interviews, persons);
    s_places_sentence(r);
    render_put(r, "\n\n");
}

void render_visits(render_t *r)
{
    render_states(r, "visits.completed_in_period");
    const json_t *done = render_items(r, "visits.completed_dates_in_period");
    const json_t *later = render_states(r, "visits.postponed_in_period");
    if (render_incomplete(r, "visits.postponed_in_period"))
        later = NULL; /* not all known: none named as if it were all */
    long long interviews = render_count(r, "visits.interviews_in_period");
    long long persons = render_count(r, "visits.persons_interviewed_in_period");
    render_put(r, "%s",
               r->lang ? r->lang->visits_head
               : r->zh ? "## 三. 查访\n\n### A. 本报告所述期间进行的查访"
                         "\n\n"
                       : "## III. Visits\n\n### A. Visits conducted "
                         "during the reporting period\n\n");
    if (render_not_recorded(r, "visits.completed_in_period", WHAT_VISITS,
                            false))
        return;
    if (r->lang)
        say_visits(r, done, later, interviews, persons);
    else if (r->zh)
        s_visits_zh(r, done, later, interviews, persons);
    else
        s_visits_en(r, done, later, interviews, persons);
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
        size_t n = json_array_size(published_now);
        render_put(r, "，其中包括本报告所述期间对");
        render_put_states(r, published_now, false);
        if (n > 1)
            render_put(r, "%s国", render_num((long long)n).text);
        render_put(r, "的查访报告");
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
    if (r->lang)
        say_reports(r, sent, sent_now, published, published_now);
    else if (r->zh)
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
    if (r->lang)
        say_replies(r, in, out, state, npm);
    else if (r->zh)
        s_replies_zh(r, in, out, state, npm);
    else
        s_replies_en(r, in, out, state, npm);
}

/* ------------------------------------------------------------------ */
/*  Section IV.A: national preventive mechanisms and the art. 17 list. */

/*  The number of mechanisms designated, as para 54 of the seed words
    it: "迄今为止，全球约有80个国家防范机制在开展工作。"; from 20 on, the
    count to the nearest ten, with "some"/"约". */
static void s_npm_total(render_t *r)
{
    long long n = render_count(r, "npm.designated_total");
    render_put(r, "\n");
    if (render_not_recorded(r, "npm.designated_total", WHAT_NPM_TOTAL, true))
        return;
    bool about = n >= 20;
    long long shown = about ? (n + 5) / 10 * 10 : n;
    if (r->lang)
        say_npm_total(r, shown, about);
    else if (r->zh)
        render_put(r, "迄今为止，全球%s有%s个国家防范机制在开展工作。\n",
                   about ? "约" : "", render_num(shown).text);
    else
        render_put(r,
                   "To date, %s%s national preventive %s operating "
                   "worldwide.\n",
                   about ? "some " : "", render_num(shown).text,
                   shown == 1 ? "mechanism is" : "mechanisms are");
}

static void s_designated_zh(render_t *r, const json_t *designated)
{
    render_put_when(r, true);
    if (json_array_size(designated)) {
        render_put(r, "，小组委员会接受并感谢");
        render_put_states(r, designated, false);
        render_put(r, "关于建立国家防范机制的通知。\n\n");
    } else {
        render_put(r, "，小组委员会未收到关于建立国家防范机制的通知。\n\n");
    }
}

static void s_designated_en(render_t *r, const json_t *designated)
{
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
}

static void s_art17_zh(render_t *r, const json_t *list)
{
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

static void s_art17_en(render_t *r, const json_t *list)
{
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
    render_put(r, "%s",
               r->lang ? r->lang->npm_head
               : r->zh
                   ? "## 四. 国家防范机制\n\n### A. 国家在防范机制方面的义务"
                     "\n\n"
                   : "## IV. National preventive mechanisms\n\n### A. "
                     "Obligations of States parties regarding national "
                     "preventive mechanisms\n\n");
    if (!render_not_recorded(r, "npm.designated_in_period", WHAT_DESIGNATED,
                             false))
        (r->lang ? say_designated
         : r->zh ? s_designated_zh
                 : s_designated_en)(r, designated);
    if (!render_not_recorded(r, "npm.art17_list", WHAT_ART17, true))
        (r->lang ? say_art17 : r->zh ? s_art17_zh : s_art17_en)(r, list);
    s_npm_total(r);
}

/* ------------------------------------------------------------------ */
/*  Section VI.B: the visits announced and still ahead. */

/*  Splits 'planned' into the visits postponed in the period (announced
    again) and the new ones; the caller frees both. */
static void s_split_planned(render_t *r, const json_t *planned, json_t **again,
                            json_t **fresh)
{
    const json_t *postponed = render_states(r, "visits.postponed_in_period");
    *again = json_array();
    *fresh = json_array();
    size_t i, j;
    const json_t *code, *other;
    json_array_foreach(planned, i, code)
    {
        bool was = false;
        json_array_foreach(postponed, j, other) was |= json_equal(code, other);
        json_array_append((was ? *again : *fresh), (json_t *)code);
    }
}

static void s_plan_zh(render_t *r, const json_t *planned, const json_t *again,
                      const json_t *fresh, int y)
{
    render_put(r, "\n## 六. 下一年工作计划\n\n### B. 查访\n\n");
    if (json_array_size(again)) {
        render_put(r, "小组委员会宣布，将");
        if (r->full_year)
            render_put(r, "于%d年", y + 1);
        render_put(r, "对");
        render_put_states(r, again, false);
        render_put(r, "进行被推迟的查访。");
    }
    if (json_array_size(fresh)) {
        render_put(r, "小组委员会%s宣布了对",
                   json_array_size(again) ? "还" : "");
        render_put_states(r, fresh, false);
        render_put(r, "进行查访的新计划");
        if (r->full_year)
            render_put(r, "，这些查访%s将于%d年进行",
                       json_array_size(again) ? "也" : "", y + 1);
        render_put(r, "。");
    }
    if (!json_array_size(planned))
        render_put(r, "小组委员会尚未宣布新的查访。");
    render_put(r, "\n");
}

static void s_plan_en(render_t *r, const json_t *planned, const json_t *again,
                      const json_t *fresh, int y)
{
    render_put(r, "\n## VI. Plan of work for the following year\n\n"
                  "### B. Visits\n\n");
    if (json_array_size(again)) {
        render_put(r, "The Subcommittee announced that it would conduct "
                      "the postponed visits to ");
        render_put_states(r, again, false);
        if (r->full_year)
            render_put(r, " in %d", y + 1);
        render_put(r, ".");
    }
    if (json_array_size(fresh)) {
        render_put(r, "%s announced new visits to ",
                   json_array_size(again) ? " It also" : "The Subcommittee");
        render_put_states(r, fresh, false);
        if (r->full_year)
            render_put(r, ", %sto take place in %d",
                       json_array_size(again) ? "likewise " : "", y + 1);
        render_put(r, ".");
    }
    if (!json_array_size(planned))
        render_put(r, "The Subcommittee had announced no further visits.");
    render_put(r, "\n");
}

void render_plan(render_t *r)
{
    const json_t *planned = render_states(r, "visits.planned_in_period");
    int y, m, d;
    date_to_ymd(r->to, &y, &m, &d);
    json_t *again, *fresh;
    s_split_planned(r, planned, &again, &fresh);
    if (render_incomplete(r, "visits.planned_in_period")) {
        render_put(r, "%s",
                   r->lang ? r->lang->plan_head
                   : r->zh ? "\n## 六. 下一年工作计划\n\n### B. 查访\n\n"
                           : "\n## VI. Plan of work for the following "
                             "year\n\n### B. Visits\n\n");
        render_not_recorded(r, "visits.planned_in_period", WHAT_PLAN, false);
    } else if (r->lang)
        say_plan(r, planned, again, fresh, y);
    else if (r->zh)
        s_plan_zh(r, planned, again, fresh, y);
    else
        s_plan_en(r, planned, again, fresh, y);
    json_decref(again);
    json_decref(fresh);
}
