/*  opcatctl notifications: ask opcat-notifyd (OPCAT_NOTIFY) what it has
    delivered, what is pending, what failed; and send failed deliveries
    again.  A table by default; with --json one JSON object a line. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

static const char s_usage[] =
    "usage: opcatctl notifications [--pending|--failed|--delivered] "
    "[--limit N] [--json]\n"
    "       opcatctl notifications --retry ID|all\n"
    "       opcatctl notifications --status\n"
    "Lists opcat-notifyd's deliveries (one per reminder, channel and\n"
    "destination): id, status, attempts, channel, the reminder, the\n"
    "destination and the last error.\n"
    "  --pending       only those waiting for their next attempt\n"
    "  --failed        only those that failed every attempt\n"
    "  --delivered     only those delivered\n"
    "  --limit N       at most N rows (default 100000)\n"
    "  --retry ID      make failed delivery ID (e.g. 351-0) pending again,\n"
    "                  attempts reset; \"all\": every failed delivery\n"
    "  --status        print the service's status as one JSON object\n"
    "  --json          JSON lines: one object per row, no table header\n";

typedef struct {
    const char *status, *retry;
    unsigned long long limit;
    bool service;
    int filters;
} opts_t;

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    opts_t *o = arg;
    switch (c) {
    case 'P':
        o->status = "pending", o->filters++;
        return 0;
    case 'F':
        o->status = "failed", o->filters++;
        return 0;
    case 'D':
        o->status = "delivered", o->filters++;
        return 0;
    case 'R':
        o->retry = value;
        return 0;
    case 'T':
        o->service = true;
        return 0;
    case 'L':
        return ctl_number(value, "--limit", 1, &o->limit, err);
    default:
        return 1;
    }
}

static json_t *s_request(const opts_t *o)
{
    if (o->service)
        return json_pack("{s:s}", "op", "service");
    if (o->retry)
        return json_pack("{s:s,s:s}", "op", "retry", "id", o->retry);
    json_t *req = json_pack("{s:s}", "op", "deliveries");
    if (o->status)
        json_object_set_new(req, "status", json_string(o->status));
    if (o->limit)
        json_object_set_new(req, "limit", json_integer((json_int_t)o->limit));
    return req;
}

static const char *s_str(const json_t *row, const char *key)
{
    const char *v = json_string_value(json_object_get(row, key));
    return v && *v ? v : "-";
}

static void s_print_row(const json_t *row)
{
    const char *status = s_str(row, "status");
    const char *when =
        strcmp(status, "pending") == 0     ? s_str(row, "next_attempt_at")
        : strcmp(status, "delivered") == 0 ? s_str(row, "delivered_at")
                                           : s_str(row, "failed_at");
    printf("%-10s %-9s %5lld  %-7s %-21s %-16s %-3s %-8s %-24s  %s",
           s_str(row, "id"), status,
           (long long)json_integer_value(json_object_get(row, "attempts")),
           s_str(row, "channel"), s_str(row, "rule"), s_str(row, "subject"),
           s_str(row, "state"), s_str(row, "stage"), when,
           s_str(row, "destination"));
    if (strcmp(status, "delivered") != 0 &&
        json_string_length(json_object_get(row, "last_error")))
        printf("  (%s)", s_str(row, "last_error"));
    putchar('\n');
}

static void s_print(const ctl_t *ctl, const json_t *reply)
{
    const json_t *rows = json_object_get(reply, "deliveries");
    if (!ctl->json)
        printf("%-10s %-9s %5s  %-7s %-21s %-16s %-3s %-8s %-24s  %s\n", "ID",
               "STATUS", "TRIES", "CHANNEL", "RULE", "SUBJECT", "ST.", "STAGE",
               "NEXT/DELIVERED/FAILED AT", "DESTINATION (ERROR)");
    size_t i;
    const json_t *row;
    json_array_foreach(rows, i, row)
    {
        if (ctl->json)
            ctl_print_json(row, JSON_COMPACT | JSON_SORT_KEYS);
        else
            s_print_row(row);
    }
    if (!ctl->json)
        printf("%zu deliveries\n", json_array_size(rows));
    if (json_is_true(json_object_get(reply, "truncated")))
        fprintf(stderr, "opcatctl: only the first %zu rows (--limit)\n",
                json_array_size(rows));
}

static void s_print_retry(const ctl_t *ctl, const json_t *reply)
{
    if (ctl->json) {
        ctl_print_json(reply, JSON_COMPACT | JSON_SORT_KEYS);
        return;
    }
    const json_t *ids = json_object_get(reply, "ids");
    printf("%lld made pending again",
           (long long)json_integer_value(json_object_get(reply, "retried")));
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id)
    {
        printf("%s%s", i ? " " : ": ", json_string_value(id));
    }
    putchar('\n');
}

int cmd_notifications(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"pending", no_argument, NULL, 'P'},
        {"failed", no_argument, NULL, 'F'},
        {"delivered", no_argument, NULL, 'D'},
        {"retry", required_argument, NULL, 'R'},
        {"status", no_argument, NULL, 'T'},
        {"limit", required_argument, NULL, 'L'},
        {NULL, 0, NULL, 0}};
    opts_t o = {0};
    int first = ctl_parse(ctl, argc, argv, s_usage, "", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    if (o.filters > 1)
        return ctl_usage_error(ctl, "--pending",
                               "--pending, --failed and --delivered: one at "
                               "the most");
    if (o.retry && (o.filters || o.service))
        return ctl_usage_error(ctl, "--retry",
                               "--retry goes alone (no --pending, --failed, "
                               "--delivered or --status)");
    int status;
    json_t *reply = ctl_query(ctl, "notify", s_request(&o), &status);
    if (!reply)
        return status;
    if (o.service)
        ctl_print_json(reply, JSON_COMPACT | JSON_SORT_KEYS);
    else if (o.retry)
        s_print_retry(ctl, reply);
    else
        s_print(ctl, reply);
    json_decref(reply);
    return 0;
}
