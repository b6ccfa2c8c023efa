/*  opcatctl reminders: ask opcat-reminderd (OPCAT_REMINDERS) what is open
    or what has fired.  A table by default; with --json one JSON object a
    line (JSON lines), in the service's order. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char s_usage[] =
    "usage: opcatctl reminders [--as-of YYYY-MM-DD] [--state XXX] "
    "[--rule PREFIX]\n"
    "                          [--issued | --due] [--limit N] [--json] "
    "[--status]\n"
    "Lists every deadline open as of a day (default: the service's "
    "today):\n"
    "rule, State, subject (report id, visit id or State), opened, due day,\n"
    "stage as of that day and, for an obligation, days late.  Obligations\n"
    "(replies: SPT practice under art. 12(d), para 28; NPM designation:\n"
    "art. 17) are pending, upcoming, due or overdue; visit notices are\n"
    "upcoming or starting, never overdue.  Encouragements to publish a\n"
    "report (art. 16(2); the treaty sets no deadline, para 27) are listed\n"
    "apart: one reminder a year, never overdue.\n"
    "  --as-of D       the day to look from\n"
    "  --state XXX     only this State (ISO 3166-1 alpha-3)\n"
    "  --rule PREFIX   only rules starting so (e.g. art12, art17.)\n"
    "  --issued        list the reminders issued instead (--as-of ignored)\n"
    "  --due           list what the firing timer reads for the day: open\n"
    "                  deadlines whose next stage falls on or before it, from\n"
    "                  the by-day index (no --state/--rule)\n"
    "  --limit N       at most N rows (default 100000)\n"
    "  --status        print the service's status as one JSON object\n"
    "                  (position, head, today, idle, counts of this run)\n"
    "  --json          JSON lines: one object per row, no table header\n";

typedef struct {
    const char *as_of, *rule;
    char state[4]; /* "" for every State */
    unsigned long long limit;
    bool issued, due, status;
} opts_t;

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    opts_t *o = arg;
    switch (c) {
    case 'A':
        o->as_of = value;
        return 0;
    case 'S':
        return ctl_state_code(value, "--state", o->state, err);
    case 'R':
        o->rule = value;
        return 0;
    case 'I':
        o->issued = true;
        return 0;
    case 'D':
        o->due = true;
        return 0;
    case 'T':
        o->status = true;
        return 0;
    case 'L':
        return ctl_number(value, "--limit", 1, &o->limit, err);
    default:
        return 1;
    }
}

static json_t *s_request(const opts_t *o)
{
    if (o->status)
        return json_pack("{s:s}", "op", "service");
    json_t *req = json_pack("{s:s}", "op",
                            o->issued ? "issued"
                            : o->due  ? "due"
                                      : "reminders");
    if (o->as_of && !o->issued)
        json_object_set_new(req, "as_of", json_string(o->as_of));
    if (o->state[0])
        json_object_set_new(req, "state", json_string(o->state));
    if (o->rule)
        json_object_set_new(req, "rule", json_string(o->rule));
    if (o->limit)
        json_object_set_new(req, "limit", json_integer((json_int_t)o->limit));
    return req;
}

static const char *s_str(const json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));
    return v && *v ? v : "-";
}

/*  What is listed: open deadlines, reminders issued, or the due index. */
typedef enum { LIST_OPEN, LIST_ISSUED, LIST_DUE } list_t;

static const char *const s_members[] = {"reminders", "issued", "due"};

/*  One open deadline: its opening day at its precision, its due day as
    an upper bound ("by ...") when computed from an imprecise day, and no
    days late for a notice, an encouragement or a deadline whose status
    is unknown. */
static void s_print_open(const json_t *row)
{
    char opened[DATEFMT_MAX], due[DATEFMT_MAX], late[24] = "-";
    ctl_date(row, "opened_on", opened);
    snprintf(due, sizeof due, "%s%s",
             json_is_true(json_object_get(row, "due_upper_bound")) ? "by " : "",
             s_str(row, "due_on"));
    /* a notice or an encouragement is never late (no days_late); an
       unknown deadline's lateness is not known */
    const json_t *days = json_object_get(row, "days_late");
    if (json_is_integer(days) && strcmp(s_str(row, "stage"), "unknown") != 0)
        snprintf(late, sizeof late, "%lld",
                 (long long)json_integer_value(days));
    printf("%-21s %-5s %-22s %-13s  %-13s  %-8s  %5s\n", s_str(row, "rule"),
           s_str(row, "state"), s_str(row, "subject"), opened, due,
           s_str(row, "stage"), late);
}

static void s_print_row(const json_t *row, list_t list)
{
    if (list == LIST_OPEN)
        s_print_open(row);
    else
        printf("%-10s  %-21s %-5s %-22s %-8s  %s\n",
               s_str(row, list == LIST_DUE ? "next_on" : "issued_on"),
               s_str(row, "rule"), s_str(row, "state"), s_str(row, "subject"),
               s_str(row, "stage"), s_str(row, "due_on"));
}

/*  The header row, bold on a terminal (ctl_bold). */
static void s_print_header(list_t list)
{
    fputs(ctl_bold(stdout), stdout);
    if (list == LIST_OPEN)
        printf("%-21s %-5s %-22s %-13s  %-13s  %-8s  %5s", "RULE", "STATE",
               "SUBJECT", "OPENED", "DUE", "STAGE", "LATE");
    else
        printf("%-10s  %-21s %-5s %-22s %-8s  %s",
               list == LIST_DUE ? "NEXT" : "ISSUED", "RULE", "STATE", "SUBJECT",
               "STAGE", "DUE");
    printf("%s\n", ctl_plain(stdout));
}

/*  Prints 'rows', a table's lines or JSON lines. */
static void s_print_rows(const ctl_t *ctl, const json_t *rows, list_t list)
{
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (!ctl->json)
            s_print_row(row, list);
        else
            ctl_print_json(row, JSON_COMPACT | JSON_SORT_KEYS);
    }
}

/*  The encouragements, apart from the obligations and notices: a table
    of their own under a heading (JSON lines: after them, each row with
    its "kind"). */
static void s_print_encouragements(const ctl_t *ctl, const json_t *reply)
{
    const json_t *rows = json_object_get(reply, "encouragements");
    if (!ctl->json && json_array_size(rows)) {
        printf("\nEncouragements (no treaty deadline: publication is at the "
               "State's request, art. 16(2), para 27)\n");
        s_print_header(LIST_OPEN);
    }
    s_print_rows(ctl, rows, LIST_OPEN);
}

static void s_print(const ctl_t *ctl, const json_t *reply, list_t list)
{
    const json_t *rows = json_object_get(reply, s_members[list]);
    if (!ctl->json)
        s_print_header(list);
    s_print_rows(ctl, rows, list);
    if (list == LIST_OPEN)
        s_print_encouragements(ctl, reply);
    if (!ctl->json && list == LIST_OPEN)
        printf("%zu open as of %s (%zu obligations and notices, %zu "
               "encouragements)\n",
               json_array_size(rows) +
                   json_array_size(json_object_get(reply, "encouragements")),
               s_str(reply, "as_of"), json_array_size(rows),
               json_array_size(json_object_get(reply, "encouragements")));
    if (!ctl->json && list == LIST_DUE)
        printf("%zu due to be looked at on %s\n", json_array_size(rows),
               s_str(reply, "as_of"));
    if (json_is_true(json_object_get(reply, "truncated")))
        fprintf(stderr, "opcatctl: only the first %zu rows (--limit)\n",
                json_array_size(rows));
}

int cmd_reminders(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'A'},
        {"state", required_argument, NULL, 'S'},
        {"rule", required_argument, NULL, 'R'},
        {"issued", no_argument, NULL, 'I'},
        {"due", no_argument, NULL, 'D'},
        {"limit", required_argument, NULL, 'L'},
        {"status", no_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}};
    opts_t o = {0};
    int first = ctl_parse(ctl, argc, argv, s_usage, "A:S:R:IDL:T", longopts,
                          s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    int status;
    json_t *reply = ctl_query(ctl, "reminders", s_request(&o), &status);
    if (!reply)
        return status;
    if (o.status) {
        ctl_print_json(reply, JSON_COMPACT);
    } else {
        s_print(ctl, reply,
                o.issued ? LIST_ISSUED
                : o.due  ? LIST_DUE
                         : LIST_OPEN);
    }
    json_decref(reply);
    return 0;
}
