/*  report_sec_fund: section II.D, the Special Fund's grants and
    contributions (see report_sec.h). */
#include <stdlib.h>

#include "report_say.h"
#include "report_sec.h"

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
static void s_donors_zh(render_t *r, const dated_t *items, size_t n,
                        size_t firsts)
{
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
}

static void s_donors_en(render_t *r, const dated_t *items, size_t n,
                        size_t firsts)
{
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

/*  The donors' sentence, if there were donors. */
static void s_put_donors(render_t *r)
{
    const char *path = "fund.contributions_by_donor_in_period";
    const json_t *list = render_items(r, path);
    size_t n, firsts = 0;
    dated_t *items = render_dated(r, list, path, "", NULL, true, &n);
    for (size_t i = 0; items && i < n; i++)
        firsts += json_is_true(json_object_get(items[i].item, "first"));
    if (items && n)
        (r->zh ? s_donors_zh : s_donors_en)(r, items, n, firsts);
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
