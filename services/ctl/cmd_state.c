/*  opcatctl state PER: one State's status and timeline as of a day, from
    opcat-aggregated (OPCAT_STATS), with the reminders open for it from
    opcat-reminderd (OPCAT_REMINDERS) when that service answers; when it
    does not, the reminders are left out with a note saying why. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "query.h"

#define REMINDERS_TIMEOUT_MS 2000

static const char s_usage[] =
    "usage: opcatctl state XXX [--as-of YYYY-MM-DD] [--json]\n"
    "Prints State XXX (ISO 3166-1 alpha-3) as of a day (default: today, or\n"
    "$OPCAT_NOW): party since, NPM due and designated, the art. 17 list,\n"
    "visits, reports and replies, follow-up dialogues, and the reminders\n"
    "open for it (asked of the reminder service; left out with a note if\n"
    "it does not answer).\n"
    "  --as-of D   the day to look from\n"
    "  --json      the answer as one JSON object\n";

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    (void)err;
    if (c != 'A')
        return 1;
    *(const char **)arg = value;
    return 0;
}

/*  Adds "reminders_open" (obligations and notices) and
    "encouragements_open" (art. 16 publication, listed apart), or
    "reminders_note", to 'state'. */
static void s_reminders(ctl_t *ctl, const char *code, const char *as_of,
                        json_t *state)
{
    json_t *req = json_pack("{s:s,s:s}", "op", "reminders", "state", code);
    if (as_of)
        json_object_set_new(req, "as_of", json_string(as_of));
    json_t *reply = NULL;
    err_t err;
    int timeout = ctl->timeout_ms < REMINDERS_TIMEOUT_MS ? ctl->timeout_ms
                                                         : REMINDERS_TIMEOUT_MS;
    int rc =
        query_call(ctl->bus, ctl->cfg.reminders, req, timeout, &reply, &err);
    json_decref(req);
    json_t *list = rc ? NULL : json_object_get(reply, "reminders");
    json_t *encouragements =
        rc ? NULL : json_object_get(reply, "encouragements");
    if (json_is_array(list)) {
        json_object_set(state, "reminders_open", list);
        json_object_set(state, "encouragements_open",
                        json_is_array(encouragements) ? encouragements
                                                      : json_array());
    } else
        json_object_set_new(
            state, "reminders_note",
            json_sprintf("reminders omitted: the reminder service at %s did "
                         "not answer (%s)",
                         ctl->cfg.reminders,
                         rc ? err.message : "no reminders in its answer"));
    json_decref(reply);
}

static const char *s_str(const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    return v && *v ? v : "-";
}

static void s_print_head(const json_t *s)
{
    const json_t *npm = json_object_get(s, "npm");
    char d1[DATEFMT_MAX], d2[DATEFMT_MAX];
    printf("%s%s  %s%s  (%s)  as of %s\n", ctl_bold(stdout), s_str(s, "state"),
           s_str(s, "name"), ctl_plain(stdout), s_str(s, "region"),
           s_str(s, "as_of"));
    printf("  status            %s\n", s_str(s, "status"));
    printf("  signed            %s\n", ctl_date(s, "signed_on", d1));
    printf("  party since       %s (%s), in force %s\n",
           ctl_date(s, "party_since", d1), s_str(s, "instrument"),
           s_str(s, "entry_into_force"));
    printf("  NPM due           %s%s (art. 24 Part IV: %lld years)%s\n",
           s_str(npm, "due"),
           json_is_true(json_object_get(npm, "due_upper_bound"))
               ? " at the latest"
               : "",
           (long long)json_integer_value(
               json_object_get(npm, "art24_part_iv_years")),
           json_is_true(json_object_get(npm, "overdue")) ? "  OVERDUE" : "");
    printf("  NPM designated    %s  %s%s%s\n",
           ctl_date(npm, "designated_on", d2), s_str(npm, "body"),
           json_object_get(npm, "model") ? ", " : "",
           json_object_get(npm, "model") ? s_str(npm, "model") : "");
    printf("  art. 17 list      %s\n",
           json_is_true(json_object_get(npm, "on_art17_list")) ? "listed"
                                                               : "not listed");
}

static void s_print_lists(const json_t *s)
{
    size_t i;
    const json_t *v;
    printf("  visits\n");
    json_array_foreach(json_object_get(s, "visits"), i, v)
    {
        printf("    %-24s %-14s %-9s planned %s, start %s, postponed %s, "
               "completed %s\n",
               s_str(v, "visit_id"), s_str(v, "kind"), s_str(v, "status"),
               s_str(v, "planned_on"), s_str(v, "start"),
               s_str(v, "postponed_on"), s_str(v, "completed_on"));
    }
    printf("  reports           (reply due: six months after transmission, "
           "SPT practice under art. 12(d), para 28)\n");
    json_array_foreach(json_object_get(s, "reports"), i, v)
    {
        char sent[DATEFMT_MAX], got[DATEFMT_MAX];
        const char *status = s_str(v, "reply_status");
        printf("    %-24s to %-5s transmitted %s, reply due %s%s, received "
               "%s%s, published %s %s, reply published %s %s\n",
               s_str(v, "report_id"), s_str(v, "recipient"),
               ctl_date(v, "transmitted_on", sent), s_str(v, "reply_due"),
               json_is_true(json_object_get(v, "reply_due_upper_bound"))
                   ? " at the latest"
                   : "",
               ctl_date(v, "reply_received_on", got),
               json_is_true(json_object_get(v, "reply_overdue")) ? " OVERDUE"
               : strcmp(status, "unknown") == 0 ? " (not known whether "
                                                  "answered)"
                                                : "",
               s_str(v, "published_on"), s_str(v, "symbol"),
               s_str(v, "reply_published_on"), s_str(v, "reply_symbol"));
    }
    const json_t *d = json_object_get(s, "followup_dialogues");
    printf("  follow-up dialogues: %zu with the State, %zu with the NPM\n",
           json_array_size(json_object_get(d, "state")) +
               json_array_size(json_object_get(d, "state_not_to_the_day")),
           json_array_size(json_object_get(d, "npm")) +
               json_array_size(json_object_get(d, "npm_not_to_the_day")));
}

/*  One open deadline: rule, subject, due day, stage and, for an
    obligation, days late. */
static void s_print_reminder(const json_t *v)
{
    const json_t *late = json_object_get(v, "days_late");
    printf("    %-21s %-22s due %s%s  %s", s_str(v, "rule"),
           s_str(v, "subject"), s_str(v, "due_on"),
           json_is_true(json_object_get(v, "due_upper_bound"))
               ? " at the latest"
               : "",
           s_str(v, "stage"));
    if (json_integer_value(late) > 0 && strcmp(s_str(v, "stage"), "unknown"))
        printf(", %lld days late", (long long)json_integer_value(late));
    printf("\n");
}

static void s_print_reminders(const json_t *s)
{
    const json_t *list = json_object_get(s, "reminders_open");
    if (!list) {
        printf("  reminders         %s\n", s_str(s, "reminders_note"));
        return;
    }
    printf("  reminders open    %zu\n", json_array_size(list));
    size_t i;
    const json_t *v;
    json_array_foreach(list, i, v) s_print_reminder(v);
    list = json_object_get(s, "encouragements_open");
    printf("  encouragements    %zu (publication: no treaty deadline, "
           "art. 16(2), para 27)\n",
           json_array_size(list));
    json_array_foreach(list, i, v) s_print_reminder(v);
}

int cmd_state(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'A'}, {NULL, 0, NULL, 0}};
    const char *as_of = NULL;
    int first =
        ctl_parse(ctl, argc, argv, s_usage, "A:", longopts, s_option, &as_of);
    if (argc - first < 1)
        return ctl_usage_error(ctl, "state",
                               "a State code is missing (ISO 3166-1 alpha-3, "
                               "e.g. PER)");
    if (argc - first > 1)
        return ctl_usage_error(ctl, argv[first + 1],
                               "unexpected argument \"%.40s\"",
                               argv[first + 1]);
    char code[4];
    err_t err;
    if (ctl_state_code(argv[first], "state", code, &err))
        return ctl_usage_error(ctl, "state", "%s", err.message);
    json_t *req = json_pack("{s:s,s:s}", "op", "state", "state", code);
    if (as_of)
        json_object_set_new(req, "as_of", json_string(as_of));
    int status;
    json_t *reply = ctl_query(ctl, "stats", req, &status);
    if (!reply)
        return status;
    s_reminders(ctl, code, as_of, reply);
    if (ctl->json) {
        ctl_print_json(reply, JSON_INDENT(2));
    } else {
        s_print_head(reply);
        s_print_lists(reply);
        s_print_reminders(reply);
    }
    json_decref(reply);
    return 0;
}
