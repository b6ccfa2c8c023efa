/*  opcatctl stats and opcatctl art17: ask opcat-aggregated (OPCAT_STATS).

    stats prints the figures of the annual report for an as-of date as a
    short table, or with --json the stats object of DOMAIN.md exactly as
    the service answers it.  art17 prints the SPT's art. 17 list beside
    the list computed from the NPM deadlines, differences marked. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char s_stats_usage[] =
    "usage: opcatctl stats [--as-of YYYY-MM-DD] [--from YYYY-MM-DD] "
    "[--json]\n"
    "Prints the annual report's figures as of a day (default: today, or\n"
    "$OPCAT_NOW) for the period from --from (default: 1 January of that\n"
    "year) to that day: States parties and signatories by region, visits,\n"
    "reports, replies, follow-up dialogues, NPMs, the art. 17 list and the\n"
    "Special Fund.\n"
    "  --as-of D   the day to count up to\n"
    "  --from D    the first day of the period\n"
    "  --json      the stats object of DOMAIN.md instead of a table\n"
    "  --status    print the service's progress instead (position, head,\n"
    "              lag, caught_up)\n";

static const char s_art17_usage[] =
    "usage: opcatctl art17 [--as-of YYYY-MM-DD] [--json]\n"
    "Prints the States on the SPT's art. 17 list (art17.listed minus\n"
    "art17.delisted) beside the parties whose NPM designation deadline\n"
    "(entry into force + 1 year + art. 24 Part IV years) has passed with\n"
    "no npm.designated, and marks where the two lists differ.\n"
    "  --as-of D   the day to look from (default: today, or $OPCAT_NOW)\n"
    "  --json      the service's answer as JSON\n";

typedef struct {
    const char *as_of, *from;
    int status;
} opts_t;

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    (void)err;
    opts_t *o = arg;
    if (c == 'A')
        o->as_of = value;
    else if (c == 'F')
        o->from = value;
    else if (c == 'S')
        o->status = 1;
    else
        return 1;
    return 0;
}

/*  Sends {"op": op, "as_of", "from"} and returns the answer or NULL
    with '*status' set. */
static json_t *s_call(ctl_t *ctl, const char *op, const opts_t *o, int *status)
{
    json_t *req = json_pack("{s:s}", "op", op);
    if (o->as_of)
        json_object_set_new(req, "as_of", json_string(o->as_of));
    if (o->from)
        json_object_set_new(req, "from", json_string(o->from));
    return ctl_query(ctl, "stats", req, status);
}

/*  "AAA BBB CCC" of a list of codes, "-" when empty. */
static void s_codes(const json_t *list)
{
    size_t i;
    const json_t *v;
    if (!json_array_size(list))
        fputs("-", stdout);
    json_array_foreach(list, i, v)
    {
        printf("%s%s", i ? " " : "", json_string_value(v));
    }
}

/*  "k1 n1, k2 n2" of an object of counts or amounts. */
static void s_pairs(const json_t *obj)
{
    const char *k;
    const json_t *v;
    int first = 1;
    json_object_foreach((json_t *)obj, k, v)
    {
        if (json_is_string(v))
            printf("%s%s %s", first ? "" : ", ", k, json_string_value(v));
        else
            printf("%s%s %lld", first ? "" : ", ", k,
                   (long long)json_integer_value(v));
        first = 0;
    }
    if (first)
        fputs("-", stdout);
}

static const json_t *s_get(const json_t *root, const char *a, const char *b)
{
    const json_t *v = json_object_get(root, a);
    return b ? json_object_get(v, b) : v;
}

/*  One line: label, a number, then a list of codes. */
static void s_line(const char *label, long long n, const json_t *codes)
{
    printf("%-28s %5lld   ", label, n);
    s_codes(codes);
    putchar('\n');
}

static long long s_int(const json_t *root, const char *a, const char *b)
{
    return (long long)json_integer_value(s_get(root, a, b));
}

static long long s_size(const json_t *root, const char *a, const char *b)
{
    return (long long)json_array_size(s_get(root, a, b));
}

/*  Whether the figure at "a.b" ('b' NULL: "a") is marked incomplete. */
static bool s_incomplete(const json_t *r, const char *a, const char *b)
{
    char path[128];
    snprintf(path, sizeof path, "%s%s%s", a, b ? "." : "", b ? b : "");
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(r, "incomplete"), i, v)
    {
        if (strcmp(json_string_value(v), path) == 0)
            return true;
    }
    return false;
}

/*  A line for the list at "a.b": its size and codes, or, when the figure
    is incomplete, "not recorded" and the States recorded. */
static void s_fig(const json_t *r, const char *label, const char *a,
                  const char *b)
{
    if (!s_incomplete(r, a, b)) {
        s_line(label, s_size(r, a, b), s_get(r, a, b));
        return;
    }
    printf("%-28s %5s   not recorded", label, "-");
    if (json_array_size(s_get(r, a, b))) {
        fputs(" (recorded: ", stdout);
        s_codes(s_get(r, a, b));
        putchar(')');
    }
    putchar('\n');
}

/*  A number, or "not recorded" when the figure is incomplete. */
static void s_count(const json_t *r, const char *label, long long n,
                    const char *a, const char *b)
{
    if (s_incomplete(r, a, b))
        printf("%-28s %5s   not recorded", label, "-");
    else
        printf("%-28s %5lld", label, n);
}

/*  The counts by region of the total "a.total" ("africa 25, ..."), or no
    number when the stats mark its breakdown incomplete. */
static void s_regions(const json_t *r, const char *a)
{
    fputs("   ", stdout);
    if (s_incomplete(r, a, "by_region"))
        fputs("by region not recorded", stdout);
    else
        s_pairs(s_get(r, a, "by_region"));
    putchar('\n');
}

static void s_print_parties(const json_t *r)
{
    s_count(r, "States parties", s_int(r, "states_parties", "total"),
            "states_parties", "total");
    s_regions(r, "states_parties");
    s_fig(r, "  joined in the period", "states_parties", "joined_in_period");
    s_count(r, "Signatories", s_int(r, "signatories", "total"), "signatories",
            "total");
    s_regions(r, "signatories");
    s_fig(r, "  signatories", "signatories", "states");
}

static void s_print_visits(const json_t *r)
{
    s_fig(r, "Visits completed", "visits", "completed_in_period");
    s_fig(r, "Visits postponed", "visits", "postponed_in_period");
    long long places = 0;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)s_get(r, "visits", "places_in_period"), k, v)
    {
        places += (long long)json_integer_value(v);
    }
    s_count(r, "Places visited", places, "visits", "places_in_period");
    /* by kind: what is recorded, said as such when the total is not */
    fputs("   ", stdout);
    if (s_incomplete(r, "visits", "places_in_period"))
        fputs("recorded: ", stdout);
    s_pairs(s_get(r, "visits", "places_in_period"));
    putchar('\n');
    s_count(r, "Interviews", s_int(r, "visits", "interviews_in_period"),
            "visits", "interviews_in_period");
    putchar('\n');
}

static void s_print_reports(const json_t *r)
{
    s_count(r, "Reports transmitted (total)",
            s_int(r, "reports", "transmitted_total"), "reports",
            "transmitted_total");
    fputs("   in the period: ", stdout);
    if (s_incomplete(r, "reports", "transmitted_in_period"))
        fputs("not recorded; recorded: ", stdout);
    s_codes(s_get(r, "reports", "transmitted_in_period"));
    putchar('\n');
    /* the number a source states where the reports are not itemized */
    if (s_get(r, "reports", "transmitted_in_period_stated"))
        printf("   in the period, as stated: %lld%s\n",
               s_int(r, "reports", "transmitted_in_period_stated"),
               s_incomplete(r, "reports", "transmitted_in_period_stated")
                   ? " (for part of the period)"
                   : "");
    s_count(r, "Reports published (total)",
            s_int(r, "reports", "published_total"), "reports",
            "published_total");
    fputs("   in the period: ", stdout);
    if (s_incomplete(r, "reports", "published_in_period"))
        fputs("not recorded; recorded: ", stdout);
    s_codes(s_get(r, "reports", "published_in_period"));
    putchar('\n');
    s_fig(r, "Replies received", "replies", "received_in_period");
    s_fig(r, "Replies published", "replies", "published_in_period");
    s_fig(r, "Replies overdue (as of)", "replies", "overdue");
    s_fig(r, "Follow-up dialogues, States", "followup_dialogues_in_period",
          "state");
    s_fig(r, "Follow-up dialogues, NPMs", "followup_dialogues_in_period",
          "npm");
}

static void s_print_npm_fund(const json_t *r)
{
    s_fig(r, "NPMs designated", "npm", "designated_in_period");
    s_fig(r, "Art. 17 list (SPT)", "npm", "art17_list");
    s_fig(r, "Art. 17 overdue (computed)", "npm", "art17_overdue_computed");
    const json_t *grants = s_get(r, "fund", "grants_in_period");
    printf("%-28s %5lld   to %lld States: ", "Special Fund grants",
           s_int(grants, "count", NULL), s_int(grants, "states", NULL));
    s_pairs(json_object_get(grants, "total"));
    printf("\n%-28s %5s   ", "Special Fund contributions", "");
    s_pairs(s_get(r, "fund", "contributions_in_period"));
    putchar('\n');
}

static void s_print_table(const json_t *r)
{
    printf("OPCAT figures as of %s, period %s to %s\n\n",
           json_string_value(s_get(r, "as_of", NULL)),
           json_string_value(s_get(r, "period", "from")),
           json_string_value(s_get(r, "period", "to")));
    s_print_parties(r);
    s_print_visits(r);
    s_print_reports(r);
    s_print_npm_fund(r);
}

int cmd_stats(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'A'},
        {"from", required_argument, NULL, 'F'},
        {"status", no_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    opts_t o = {0};
    int first = ctl_parse(ctl, argc, argv, s_stats_usage, "A:F:S", longopts,
                          s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    int status;
    json_t *reply = s_call(ctl, o.status ? "status" : "stats", &o, &status);
    if (!reply)
        return status;
    if (o.status)
        ctl_print_json(reply, JSON_COMPACT);
    else if (ctl->json)
        ctl_print_json(reply, JSON_INDENT(2));
    else
        s_print_table(reply);
    json_decref(reply);
    return 0;
}

static const char *s_str_or_dash(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && *v ? v : "-";
}

static void s_print_art17(const json_t *r)
{
    printf("Art. 17 as of %s: %zu on the SPT's list, %zu overdue by the "
           "deadlines; * marks a difference\n\n",
           json_string_value(json_object_get(r, "as_of")),
           json_array_size(json_object_get(r, "art17_list")),
           json_array_size(json_object_get(r, "art17_overdue_computed")));
    if (json_array_size(json_object_get(r, "incomplete")))
        printf("The SPT's list on this day is not fully recorded: a listing "
               "or delisting date is not known to the day.\n\n");
    printf("  %-5s %-34s %-8s %-8s %-10s  %s\n", "STATE", "NAME", "SPT",
           "COMPUTED", "NPM DUE", "DIFFERENCE");
    size_t i;
    const json_t *row;
    json_array_foreach(json_object_get(r, "states"), i, row)
    {
        const char *diff =
            json_string_value(json_object_get(row, "difference"));
        const char *name = json_string_value(json_object_get(row, "name"));
        char due[DATEFMT_MAX];
        snprintf(due, sizeof due, "%s%s",
                 json_is_true(json_object_get(row, "npm_due_upper_bound"))
                     ? "by "
                     : "",
                 s_str_or_dash(row, "npm_due"));
        printf(
            "%c %-5s %-34.34s %-8s %-8s %-10s  %s\n", diff ? '*' : ' ',
            json_string_value(json_object_get(row, "state")), name ? name : "-",
            json_is_true(json_object_get(row, "on_spt_list")) ? "listed" : "-",
            json_is_true(json_object_get(row, "overdue_computed")) ? "overdue"
                                                                   : "-",
            due,
            !diff ? ""
            : strcmp(diff, "spt_list_only") == 0
                ? "on the SPT's list only"
                : "overdue, not on the SPT's list");
    }
}

int cmd_art17(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
    opts_t o = {0};
    int first =
        ctl_parse(ctl, argc, argv, s_art17_usage, "A:", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    int status;
    json_t *reply = s_call(ctl, "art17", &o, &status);
    if (!reply)
        return status;
    if (ctl->json)
        ctl_print_json(reply, JSON_INDENT(2));
    else
        s_print_art17(reply);
    json_decref(reply);
    return 0;
}
