/*  report_sec_parties: the title and section II.A, participation in the
    Optional Protocol (see report_sec.h). */
#include <string.h>

#include "report_say.h"
#include "report_sec.h"

/* ------------------------------------------------------------------ */
/*  The title and section II.A: participation in the Optional Protocol. */

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

/*  "签署国" or "20个签署国". */
static void s_signatories_zh(render_t *r, long long signatories)
{
    if (signatories)
        render_put(r, "%s个", render_num(signatories).text);
    render_put(r, "签署国");
}

/*  The counts' sentence in Chinese: both counts, or the one known and a
    paragraph for each one not recorded. */
static void s_counts_zh(render_t *r, const parties_t *f)
{
    const char *note = f->signatories ? "[^signatories]" : "";
    if (f->parties_known || f->signatories_known) {
        render_put_as_at(r, true);
        render_put(r, "，《任择议定书》有");
    }
    if (f->parties_known && f->signatories_known) {
        render_put(r, "%s个缔约国，%s个签署国。%s", render_num(f->parties).text,
                   render_num(f->signatories).text, note);
        return;
    }
    if (f->parties_known)
        render_put(r, "%s个缔约国。\n\n", render_num(f->parties).text);
    else if (f->signatories_known)
        render_put(r, "%s个签署国。%s\n\n", render_num(f->signatories).text,
                   note);
    render_counts_not_recorded(r);
}

static void s_parties_zh(render_t *r, const parties_t *f)
{
    s_counts_zh(r, f);
    if (!render_not_recorded(r, "states_parties.joined_in_period", WHAT_JOINED,
                             false)) {
        if (json_array_size(f->joined_on)) {
            s_put_joined(r, f->joined_on);
        } else {
            render_put_when(r, true);
            render_put(r, "，没有国家加入《任择议定书》。");
        }
        render_put(r, "\n\n");
    }
    if (f->parties_known) {
        render_put(r, "各区域加入《任择议定书》的情况如下：\n\n");
        render_region_table(r, "states_parties.by_region", "缔约国");
    }
    if (f->signatories_known) {
        s_signatories_zh(r, f->signatories);
        render_put(r, "的区域分布情况如下：\n\n");
        render_region_table(r, "signatories.by_region", "签署国");
    }
    if (!f->signatories_known || !f->signatories)
        return;
    render_put(r, "[^signatories]: ");
    render_put_as_at(r, true);
    render_put(r, "，%s个签署国为：", render_num(f->signatories).text);
    render_put_states(r, f->signed_list, true);
    render_put(r, "。\n\n");
}

/*  The counts' sentence in English: both counts, or the one known and a
    paragraph for each one not recorded. */
static void s_counts_en(render_t *r, const parties_t *f)
{
    const char *note = f->signatories ? "[^signatories]" : "";
    if (f->parties_known || f->signatories_known) {
        long long first = f->parties_known ? f->parties : f->signatories;
        render_put_as_at(r, true);
        render_put(r, ", there %s ", first == 1 ? "was" : "were");
    }
    if (f->parties_known)
        render_put_things(r, f->parties, true, "State party", "States parties");
    if (f->parties_known && f->signatories_known) {
        render_put(r, " to the Optional Protocol and ");
        render_put_things(r, f->signatories, true, "signatory", "signatories");
        render_put(r, ".%s ", note);
        return;
    }
    if (f->parties_known)
        render_put(r, " to the Optional Protocol.\n\n");
    else if (f->signatories_known) {
        render_put_things(r, f->signatories, true, "signatory", "signatories");
        render_put(r, " of the Optional Protocol.%s\n\n", note);
    }
    render_counts_not_recorded(r);
}

static void s_parties_en(render_t *r, const parties_t *f)
{
    s_counts_en(r, f);
    if (!render_not_recorded(r, "states_parties.joined_in_period", WHAT_JOINED,
                             false)) {
        if (json_array_size(f->joined_on)) {
            s_put_joined(r, f->joined_on);
        } else {
            render_put(r, "No State became a party to the Optional Protocol ");
            render_put_when(r, false);
            render_put(r, ".");
        }
        render_put(r, "\n\n");
    }
    if (f->parties_known) {
        render_put(r, "The regional distribution of States parties is as "
                      "follows:\n\n");
        render_region_table(r, "states_parties.by_region", "States parties");
    }
    if (f->signatories_known) {
        render_put(r, "The regional distribution of ");
        if (f->signatories) {
            render_put(r, "the ");
            render_put_things(r, f->signatories, true, "signatory",
                              "signatories");
        } else {
            render_put(r, "signatories");
        }
        render_put(r, " is as follows:\n\n");
        render_region_table(r, "signatories.by_region", "Signatories");
    }
    if (!f->signatories_known || !f->signatories)
        return;
    render_put(r, "[^signatories]: ");
    render_put_as_at(r, true);
    render_put(r, ", the signatories were: ");
    render_put_states(r, f->signed_list, false);
    render_put(r, ".\n\n");
}

/*  Section II.A.  A count the stats mark incomplete is not printed: the
    report says it is not recorded, and leaves out its regional table
    (whose rows the same mark covers) and its list. */
void render_parties(render_t *r)
{
    render_states(r, "states_parties.joined_in_period");
    parties_t f = {
        .parties = render_count(r, "states_parties.total"),
        .signatories = render_count(r, "signatories.total"),
        .joined_on = render_items(r, "states_parties.joined_in_period_on"),
        .signed_list = render_states(r, "signatories.states"),
        .parties_known = !render_incomplete(r, "states_parties.total"),
        .signatories_known = !render_incomplete(r, "signatories.total"),
    };
    if (r->lang)
        say_parties(r, &f);
    else if (r->zh)
        s_parties_zh(r, &f);
    else
        s_parties_en(r, &f);
}
