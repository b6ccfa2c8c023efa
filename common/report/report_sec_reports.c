/*  report_sec_reports: section III.B, the visit reports transmitted and
    published, and section III.C, the replies and follow-up dialogues
    (see report_sec.h). */
#include "date.h"
#include "report_say.h"
#include "report_sec.h"

/* ------------------------------------------------------------------ */
/*  Section III.B: visit reports. */

/*  "2017年，小组委员会转交了17份查访报告；本报告未逐一列出这些报告。" */
static void s_stated_zh(render_t *r, long long stated)
{
    render_put_when(r, true);
    render_put(r, "，小组委员会转交了%s份查访报告；本报告未逐一列出这些报告。",
               render_num(stated).text);
}

/*  "In 2017, the Subcommittee transmitted 17 visit reports; the reports
    are not itemized here." */
static void s_stated_en(render_t *r, long long stated)
{
    render_put_when(r, true);
    render_put(r, ", the Subcommittee transmitted ");
    render_put_things(r, stated, true, "visit report", "visit reports");
    render_put(r, "; the %s not itemized here.",
               stated == 1 ? "report is" : "reports are");
}

/*  Whether the period's reports are not itemized but a source states
    their number (then in '*stated'). */
static bool s_said(render_t *r, long long *stated)
{
    return render_incomplete(r, "reports.transmitted_in_period") &&
           render_stated(r, RENDER_REPORTS_STATED, stated);
}

/*  The reports transmitted: the total and those of the period.  Returns
    false if the total is not recorded. */
static bool s_sent_zh(render_t *r, long long sent, const json_t *sent_now)
{
    long long stated;
    bool said = s_said(r, &stated);
    render_put_as_at(r, true);
    if (render_incomplete(r, "reports.transmitted_total")) {
        render_put(r, "向缔约国转交的查访报告数量没有记录。");
        if (said)
            s_stated_zh(r, stated);
        render_put(r, "\n\n");
        return false;
    }
    render_put(r, "，小组委员会向缔约国转交了%s份查访报告",
               render_num(sent).text);
    if (said) {
        render_put(r, "。");
        s_stated_zh(r, stated);
        render_put(r, "\n\n");
        return true;
    }
    if (render_incomplete(r, "reports.transmitted_in_period")) {
        render_put(r, "；本报告所述期间转交的查访报告没有完整记录");
    } else if (json_array_size(sent_now)) {
        render_put(r, "，其中包括在报告所述期间向");
        render_put_states(r, sent_now, false);
        render_put(r, "转交的%s份查访报告",
                   render_num((long long)json_array_size(sent_now)).text);
    }
    render_put(r, "。\n\n");
    return true;
}

static void s_reports_zh(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    render_put(r, "### B. 查访报告\n\n");
    if (!s_sent_zh(r, sent, sent_now) || !sent)
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

/*  The reports transmitted: the total and those of the period.  Returns
    false if the total is not recorded. */
static bool s_sent_en(render_t *r, long long sent, const json_t *sent_now)
{
    long long stated;
    bool said = s_said(r, &stated);
    if (render_incomplete(r, "reports.transmitted_total")) {
        render_put(r, "The number of visit reports transmitted to States "
                      "parties ");
        render_put_as_at(r, false);
        render_put(r, " is not recorded.");
        if (said) {
            render_put(r, " ");
            s_stated_en(r, stated);
        }
        render_put(r, "\n\n");
        return false;
    }
    render_put_as_at(r, true);
    render_put(r, ", the Subcommittee had transmitted ");
    render_put_things(r, sent, true, "visit report", "visit reports");
    render_put(r, " to States parties");
    if (said) {
        render_put(r, ". ");
        s_stated_en(r, stated);
    } else if (render_incomplete(r, "reports.transmitted_in_period")) {
        render_put(r, "; the reports transmitted during the reporting period "
                      "are not recorded.");
    } else if (json_array_size(sent_now)) {
        render_put(r, ", including ");
        render_put_count(r, (long long)json_array_size(sent_now), true);
        render_put(r, " transmitted during the reporting period, to ");
        render_put_states(r, sent_now, false);
        render_put(r, ".");
    } else {
        render_put(r, ".");
    }
    render_put(r, "\n\n");
    return true;
}

static void s_reports_en(render_t *r, long long sent, const json_t *sent_now,
                         long long published, const json_t *published_now)
{
    render_put(r, "### B. Visit reports\n\n");
    if (!s_sent_en(r, sent, sent_now) || !sent)
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

/*  The heading and the replies received and made public. */
static void s_replies_zh(render_t *r, const json_t *in, const json_t *out)
{
    size_t n = json_array_size(in);
    render_put(r, "### C. 各国对查访报告的回应和后续对话\n\n在本报告所述期间，"
                  "小组委员会");
    if (render_incomplete(r, "replies.received_in_period")) {
        render_put(r, "收到的答复没有记录。");
    } else if (n) {
        render_put(r, "收到了");
        render_put_states(r, in, false);
        render_put(r, "的");
        render_put_zh_small(r, n);
        render_put(r, "份答复。");
    } else {
        render_put(r, "未收到答复。");
    }
    if (json_array_size(out)) {
        render_put(r, "经请求，对");
        render_put_states(r, out, false);
        render_put(r, "的答复予以公开。");
    }
    render_put(r, "\n\n");
}

/*  The follow-up dialogues with States, then with mechanisms. */
static void s_dialogues_zh(render_t *r, const json_t *state, const json_t *npm)
{
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

static void s_replies_en(render_t *r, const json_t *in, const json_t *out)
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
}

static void s_dialogues_en(render_t *r, const json_t *state, const json_t *npm)
{
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
    if (r->lang) {
        say_replies(r, in, out, state, npm);
    } else if (r->zh) {
        s_replies_zh(r, in, out);
        s_dialogues_zh(r, state, npm);
    } else {
        s_replies_en(r, in, out);
        s_dialogues_en(r, state, npm);
    }
}
