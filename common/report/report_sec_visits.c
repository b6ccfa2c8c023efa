/*  report_sec_visits: section III.A, the visits conducted with their
    interviews and places, and section VI.B, the visits announced (see
    report_sec.h). */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "report_say.h"
#include "report_sec.h"

/*  Places of deprivation of liberty in English and Chinese, one row a
    kind, in the order of PLACE_KINDS (place.h): the order of the
    counts render_place_counts() gives. */
static const struct {
    const char *en_one, *en_many, *zh;
} s_place_names[] = {
    {"prison", "prisons", "所监狱"},
    {"women's detention facility", "women's detention facilities",
     "个女子拘留设施"},
    {"police station", "police stations", "个警察局"},
    {"child detention centre", "child detention centres", "个儿童拘留中心"},
    {"psychiatric and health-care institution",
     "psychiatric and health-care institutions", "个精神病和医疗保健机构"},
    {"detention centre for undocumented migrants",
     "detention centres for undocumented migrants", "个无证移民拘留中心"},
    {"drug rehabilitation centre", "drug rehabilitation centres", "个戒毒所"},
    {"court holding cell", "court holding cells", "个法院拘留所"},
    {"social care facility for older persons",
     "social care facilities for older persons", "个老年人社会护理设施"},
    {"other place", "other places", "个其他场所"}};
/*  A row added here without a kind of PLACE_KINDS (or a kind without a
    row) stops the build. */
_Static_assert(sizeof s_place_names / sizeof s_place_names[0] == PLACE_KINDS,
               "s_place_names needs one row for each of PLACE_KINDS");

/* ------------------------------------------------------------------ */
/*  Section III.A: visits, places and interviews. */

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
    long long counts[PLACE_KINDS], sum, total;
    if (!render_places_visited(r, counts, &sum, &total))
        return;
    render_put(r, "%s",
               r->zh ? "小组委员会查访了" : "The Subcommittee visited ");
    s_put_figure(r, "places_total_in_period", total ? total : sum);
    render_put(r, "%s",
               r->zh ? "个剥夺自由场所"
                     : " places of deprivation "
                       "of liberty");
    size_t left = 0, done = 0;
    for (size_t i = 0; i < PLACE_KINDS; i++)
        left += counts[i] != 0;
    if (left)
        render_put(r, "%s", r->zh ? "：" : ": ");
    for (size_t i = 0; i < PLACE_KINDS; i++) {
        if (!counts[i])
            continue;
        if (done++)
            render_put(r, "%s", r->zh ? "、" : done == left ? " and " : ", ");
        if (r->zh)
            render_put(r, "%s%s", render_num(counts[i]).text,
                       s_place_names[i].zh);
        else
            render_put_things(r, counts[i], false, s_place_names[i].en_one,
                              s_place_names[i].en_many);
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
        int end = render_item_precision(r, &items[i], "end");
        if (items[i].day == INT32_MAX && end == DATEFMT_DAY)
            continue; /* the first day is not recorded, the last exact */
        render_put(r, "%s", r->zh ? "(" : " (");
        if (items[i].day == INT32_MAX) /* "by 20 October 2017" */
            render_put_date(r, items[i].end, end);
        else
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
