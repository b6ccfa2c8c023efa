/*  reports: the visit reports, replies and follow-up dialogues of a
    stats answer. */
#include "agg_reports.h"

#include <stdint.h>

#include "agg_build.h"
#include "agg_known.h"
#include "date.h"
#include "kv.h"

/*  Whether the State 'code' has a report whose reply is surely overdue on
    the as-of day ('*sure'), and whether one may be ('*unsure'): the reply
    could lie before the coverage of reply.received, or on a day not known.
    The counter (SUM 'O') already says that one is overdue if every reply
    was recorded; this looks at that State's reports only. */
typedef struct {
    agg_build_t *b;
    bool *sure, *unsure;
} overdue_t;

/*  One report of the State (a BYSTATE key): whether its reply is
    overdue, surely or maybe. */
static int s_overdue_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    overdue_t *o = arg;
    agg_build_t *b = o->b;
    agg_report_rec_t p;
    if (key->mv_size < 4)
        return KV_STOP;
    int rc = agg_tab_get(b->tx, AGG_DB_REPORTS, (const char *)key->mv_data + 3,
                         key->mv_size - 3, &p, sizeof p);
    if (rc)
        return rc == MDB_NOTFOUND ? 0 : rc;
    if (p.recipient != 's' || p.transmitted_on == AGG_NEVER ||
        date_add_months(p.transmitted_on, 6) >= b->as_of ||
        p.received_from <= b->as_of)
        return 0;
    /* the reply could lie anywhere from the first possible day of the
       transmission to the as-of day */
    bool covered = coverage_covers(b->cover, "reply.received",
                                   p.transmitted_from, b->as_of);
    if (covered && p.received_on > b->as_of)
        *o->sure = true;
    else
        *o->unsure = true;
    return 0;
}

static void s_state_overdue(agg_build_t *b, const char *code, bool *sure,
                            bool *unsure)
{
    overdue_t o = {b, sure, unsure};
    b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_BYSTATE], NULL, code, 3,
                    s_overdue_record, &o);
}

/*  The States with a report to them overdue for a reply on 'as_of'. */
static json_t *s_overdue(agg_build_t *b)
{
    json_t *array = json_array();
    char sub[3] = {0, 0, 0};
    bool found = true, unsure = false, vague = false;
    if (!b->rc)
        b->rc = agg_known_vague_any(b->tx, AGG_SET_RECEIVED, &vague);
    /* with every reply recorded, each to the day, the counter is exact:
       the per-report look (a read per report of the State) is skipped */
    bool exact = !coverage_names(b->cover, "reply.received") && !vague;
    while (!b->rc && found) {
        b->rc = agg_tab_sum_next_sub(b->tx, AGG_SUM_OVERDUE, sub, &found);
        if (b->rc || !found)
            break;
        if (agg_build_sum(b, AGG_SUM_OVERDUE, sub, AGG_FIRST_DAY, b->as_of) >
            0) {
            char code[4] = {sub[0], sub[1], sub[2], 0};
            bool sure = exact;
            if (!exact)
                s_state_overdue(b, code, &sure, &unsure);
            if (sure)
                json_array_append_new(array, json_string(code));
        }
    }
    if (unsure)
        agg_build_incomplete(b, "replies.overdue");
    return array;
}

/*  A cumulative total of 'type' (SUM and VAGUE 'tag') up to as-of. */
static int64_t s_total(agg_build_t *b, const char *path, char tag,
                       const char *type)
{
    agg_build_vague(b, path, tag, INT32_MIN, NULL);
    agg_build_coverage(b, path, type, true);
    return agg_build_sum(b, tag, NULL, AGG_FIRST_DAY, b->as_of);
}

/*  The count of visit reports the period's summaries state, if one does:
    incomplete unless they state it for every day of the period (a
    summary that straddles the period marked it already). */
static void s_reports_stated(agg_build_t *b, json_t *reports)
{
    if (!b->sum.reports_stated)
        return;
    json_object_set_new(reports, "transmitted_in_period_stated",
                        json_integer((json_int_t)b->sum.reports));
    if (b->sum.reports_until < b->as_of)
        agg_build_incomplete(b, "reports.transmitted_in_period_stated");
}

void agg_reports_section(agg_build_t *b, json_t *out)
{
    int64_t transmitted = s_total(b, "reports.transmitted_total",
                                  AGG_SUM_TRANSMITTED, "report.transmitted");
    int64_t published = s_total(b, "reports.published_total", AGG_SUM_PUBLISHED,
                                "report.published");
    json_t *reports = json_pack(
        "{s:I,s:o,s:I,s:o}", "transmitted_total", (json_int_t)transmitted,
        "transmitted_in_period",
        agg_build_figure(b, "reports.transmitted_in_period",
                         AGG_SET_TRANSMITTED, "report.transmitted"),
        "published_total", (json_int_t)published, "published_in_period",
        agg_build_figure(b, "reports.published_in_period", AGG_SET_PUBLISHED,
                         "report.published"));
    s_reports_stated(b, reports);
    json_object_set_new(out, "reports", reports);
    json_object_set_new(
        out, "replies",
        json_pack("{s:o,s:o,s:o}", "received_in_period",
                  agg_build_figure(b, "replies.received_in_period",
                                   AGG_SET_RECEIVED, "reply.received"),
                  "published_in_period",
                  agg_build_figure(b, "replies.published_in_period",
                                   AGG_SET_REPLY_PUB, "reply.published"),
                  "overdue", s_overdue(b)));
    json_object_set_new(
        out, "followup_dialogues_in_period",
        json_pack("{s:o,s:o}", "state",
                  agg_build_figure(b, "followup_dialogues_in_period.state",
                                   AGG_SET_DIALOGUE, "followup.dialogue"),
                  "npm",
                  agg_build_figure(b, "followup_dialogues_in_period.npm",
                                   AGG_SET_DIALOGUE_N, "followup.dialogue")));
}
