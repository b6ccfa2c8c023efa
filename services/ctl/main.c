/*  opcatctl: global options, the command table, shared helpers. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "ctl.h"
#include "date.h"
#include "event.h"
#include "log.h"
#include "query.h"
#include "version.h"

typedef struct {
    const char *name;
    int (*run)(ctl_t *, int, char **);
    const char *summary;
} command_t;

static const command_t s_commands[] = {
    {"import", cmd_import, "append a JSON-lines file, all or nothing"},
    {"publish", cmd_publish, "append one JSON event read from stdin"},
    {"tail", cmd_tail, "print events: catch up from --from, then live"},
    {"get", cmd_get, "print the event with sequence SEQ"},
    {"head", cmd_head, "print the last committed sequence"},
    {"ping", cmd_ping, "check that the store (or a service) answers"},
    {"keygen", cmd_keygen, "write a CURVE key pair NAME.key and NAME.pub"},
    {"stats", cmd_stats, "print the annual report's figures as of a day"},
    {"state", cmd_state, "print one State's status and timeline"},
    {"art17", cmd_art17, "the SPT's art. 17 list beside the computed one"},
    {"reminders", cmd_reminders, "list open deadlines, or --issued reminders"},
    {"report", cmd_report,
     "write the annual report's figures (Markdown, HTML, DOCX)"},
    {"notifications", cmd_notifications,
     "list reminder deliveries (e-mail, webhook); --retry failed ones"},
    {"restore", cmd_restore,
     "rebuild a stopped store's log from its JetStream copy"},
};
#define COMMAND_COUNT (sizeof s_commands / sizeof s_commands[0])

static void s_usage(FILE *out)
{
    fprintf(out, "usage: opcatctl [OPTIONS] COMMAND [ARGS]   (opcatctl COMMAND "
                 "--help for more)\n\ncommands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-13s %s\n", s_commands[i].name, s_commands[i].summary);
    fprintf(
        out,
        "\noptions (each also read from the environment):\n"
        "  --append EP      store APPEND    [$OPCAT_APPEND, " CFG_APPEND_DEFAULT
        "]\n"
        "  --publish EP     store PUBLISH   "
        "[$OPCAT_PUBLISH, " CFG_PUBLISH_DEFAULT "]\n"
        "  --replay EP      store REPLAY    [$OPCAT_REPLAY, " CFG_REPLAY_DEFAULT
        "]\n"
        "  --reminders EP   reminder queries "
        "[$OPCAT_REMINDERS, " CFG_REMINDERS_DEFAULT "]\n"
        "  --stats EP       stats queries   [$OPCAT_STATS, " CFG_STATS_DEFAULT
        "]\n"
        "  --notify EP      notifier queries "
        "[$OPCAT_NOTIFY, " CFG_NOTIFY_DEFAULT "]\n"
        "  --timeout MS     wait this long for an answer (default 10000);\n"
        "                   a service that does not accept the connection\n"
        "                   within 2 s (or MS if less) is reported at once\n"
        "  --version        print the version\n"
        "  --json           output (and errors) as JSON, as COMMAND --json\n"
        "\nexit status:\n"
        "  0  done\n"
        "  1  the command failed: a service did not answer or refused, an\n"
        "     input line or file was bad (the reason is on stderr)\n"
        "  2  the command line is wrong: unknown command or option, a\n"
        "     missing or bad argument, an unknown State code\n"
        "With --json a command reports a failure as one JSON object on\n"
        "stdout: {\"error\": {\"code\", \"field\", \"message\"}}.\n"
        "Bold and colour only on a terminal, never with NO_COLOR set.\n");
}

/*  The option in argv[optind - 1] that getopt refused, for a message:
    a long one as typed, a short one from optopt. */
static const char *s_bad_option(char **argv, char buf[3])
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) == 0 || !optopt)
        return arg;
    buf[0] = '-', buf[1] = (char)optopt, buf[2] = '\0';
    return buf;
}

/*  Reports getopt's refusal (':' a missing value, '?' an unknown option)
    as a usage error and exits. */
static _Noreturn void s_getopt_error(const ctl_t *ctl, char **argv, int c)
{
    char buf[3];
    const char *option = s_bad_option(argv, buf);
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(option, "="), option);
    if (c == ':')
        exit(ctl_usage_error(ctl, name, "%s: needs a value", name));
    exit(ctl_usage_error(ctl, name, "%s: unknown option", name));
}

/*  Whether "--json" is among the arguments (before "--"): a usage error
    found before getopt reaches it is still reported as JSON. */
static bool s_json_asked(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--json") == 0)
            return true;
    return false;
}

static int s_global_options(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"append", required_argument, NULL, 'a'},
        {"publish", required_argument, NULL, 'p'},
        {"replay", required_argument, NULL, 'r'},
        {"reminders", required_argument, NULL, 'm'},
        {"stats", required_argument, NULL, 's'},
        {"notify", required_argument, NULL, 'n'},
        {"timeout", required_argument, NULL, 't'},
        {"version", no_argument, NULL, 'V'},
        {"json", no_argument, NULL, 'J'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char **slot[] = {
        ['a'] = &ctl->cfg.append, ['p'] = &ctl->cfg.publish,
        ['r'] = &ctl->cfg.replay, ['m'] = &ctl->cfg.reminders,
        ['s'] = &ctl->cfg.stats,  ['n'] = &ctl->cfg.notify};
    int c;
    opterr = 0;
    ctl->json = s_json_asked(argc, argv); /* for an error before it */
    unsigned long long ms;
    err_t err;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        if (c == 't') {
            if (ctl_number(optarg, "--timeout", 1, &ms, &err) || ms > INT_MAX)
                exit(ctl_usage_error(ctl, "--timeout",
                                     "--timeout: \"%.40s\" is not a number "
                                     "of milliseconds from 1",
                                     optarg));
            ctl->timeout_ms = (int)ms;
        } else if (c == 'J') {
            ctl->json = true;
        } else if (c == 'V') {
            printf("opcatctl %s\n", OPCAT_VERSION_STRING);
            exit(0);
        } else if (c == 'h') {
            s_usage(stdout);
            exit(0);
        } else if (c == '?' || c == ':') {
            s_getopt_error(ctl, argv, c);
        } else {
            *slot[c] = optarg;
        }
    }
    return optind;
}

int ctl_parse(ctl_t *ctl, int argc, char **argv, const char *usage,
              const char *optstring, const void *longopts,
              ctl_option_fn on_option, void *arg)
{
    struct option all[32];
    size_t n = 0;
    for (const struct option *o = longopts; o && o->name && n < 28; o++)
        all[n++] = *o;
    all[n++] = (struct option){"json", no_argument, NULL, 'J'};
    all[n++] = (struct option){"help", no_argument, NULL, 'h'};
    all[n] = (struct option){NULL, 0, NULL, 0};
    char opts[64];
    snprintf(opts, sizeof opts, ":%sh", optstring);
    ctl->json = ctl->json || s_json_asked(argc, argv);
    optind = 0; /* 0: glibc re-initialises, permuting options after args */
    opterr = 0; /* the messages are ours: one line, or JSON */
    int c;
    err_t err;
    while ((c = getopt_long(argc, argv, opts, all, NULL)) != -1) {
        err_clear(&err);
        if (c == 'J') {
            ctl->json = true;
        } else if (c == 'h') {
            fputs(usage, stdout);
            exit(0);
        } else if (c == '?' || c == ':') {
            s_getopt_error(ctl, argv, c);
        } else if (!on_option || on_option(arg, c, optarg, &err)) {
            exit(ctl_usage_error(ctl, err.field, "%s",
                                 err.code ? err.message
                                          : "an option it does "
                                            "not take"));
        }
    }
    return optind;
}

const char *ctl_endpoint(const ctl_t *ctl, const char *service)
{
    if (strstr(service, "://")) /* a consumer's own query endpoint */
        return service;
    return strcmp(service, "stats") == 0       ? ctl->cfg.stats
           : strcmp(service, "reminders") == 0 ? ctl->cfg.reminders
           : strcmp(service, "notify") == 0    ? ctl->cfg.notify
                                               : ctl->cfg.replay;
}

json_t *ctl_query(ctl_t *ctl, const char *service, json_t *request, int *status)
{
    const char *endpoint = ctl_endpoint(ctl, service);
    json_t *reply = NULL;
    err_t err;
    *status = ctl_reach(ctl, service, endpoint);
    if (*status) {
        json_decref(request);
        return NULL;
    }
    int rc =
        query_call(ctl->bus, endpoint, request, ctl->timeout_ms, &reply, &err);
    json_decref(request);
    if (!rc)
        return reply;
    /* the service named a field of the request: the command line's */
    bool usage = rc == OPCAT_EINVAL && err.field[0];
    *status = usage ? CTL_EXIT_USAGE : CTL_EXIT_FAILURE;
    ctl_error(ctl, *status,
              usage                   ? "usage"
              : rc == OPCAT_ETIMEDOUT ? "timeout"
                                      : "failed",
              err.field, "%s: %s", endpoint, err.message);
    return NULL;
}

const char *ctl_date(const json_t *obj, const char *key, char out[DATEFMT_MAX])
{
    int32_t day;
    const char *text = json_string_value(json_object_get(obj, key));
    if (!text || !date_parse(text, &day)) {
        snprintf(out, DATEFMT_MAX, "%s", text && *text ? text : "-");
        return out;
    }
    char name[64];
    snprintf(name, sizeof name, "%s_precision", key);
    int precision =
        datefmt_precision_parse(json_string_value(json_object_get(obj, name)));
    datefmt_format(day, precision < 0 ? DATEFMT_DAY : precision, DATEFMT_ISO,
                   out);
    return out;
}

void ctl_print_event(const ctl_t *ctl, const unsigned char *data,
                     unsigned long len, bool with_content)
{
    event_t *e = event_unpack(data, len);
    if (!e) {
        fprintf(stderr, "opcatctl: an event could not be decoded\n");
        return;
    }
    if (ctl->json) {
        json_t *obj = event_to_json(
            e, EVENT_JSON_META | (with_content ? 0 : EVENT_JSON_PUBLIC));
        char *text = obj ? json_dumps(obj, JSON_COMPACT) : NULL;
        if (text)
            puts(text);
        free(text);
        json_decref(obj);
    } else {
        printf("%8llu  %s  %-20s %-3s  %s\n", (unsigned long long)e->sequence,
               e->occurred_on, event_type_name(e->body_case),
               *e->state ? e->state : "-", e->id);
    }
    event_free(&e);
}

/*  Whether a command's own arguments ask for its help (before "--"). */
static bool s_help_asked(int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    ctl_t ctl = {.timeout_ms = 10000};
    log_init("opcatctl", 0);
    int first = s_global_options(&ctl, argc, argv);
    if (first >= argc) {
        s_usage(stderr);
        ctl.json = ctl.json || s_json_asked(argc, argv);
        return ctl_usage_error(&ctl, "COMMAND", "a command is needed");
    }
    cfg_fill(&ctl.cfg);
    err_t err;
    if (dayclock_init(&ctl.clock, NULL, &err))
        return ctl_usage_error(&ctl, "OPCAT_NOW", "%s", err.message);
    for (size_t i = 0; i < COMMAND_COUNT; i++) {
        if (strcmp(argv[first], s_commands[i].name) != 0)
            continue;
        ctl.command = s_commands[i].name;
        /* keygen writes the files the CURVE variables name: it runs
           before they exist; a command's --help needs no keys either */
        if (strcmp(ctl.command, "keygen") != 0 &&
            !s_help_asked(argc - first, argv + first) &&
            !(ctl.bus = bus_new(&err)))
            return ctl_error(&ctl, CTL_EXIT_FAILURE, "failed", err.field, "%s",
                             err.message);
        int rc = s_commands[i].run(&ctl, argc - first, argv + first);
        bus_destroy(&ctl.bus);
        fflush(stdout);
        return rc;
    }
    ctl.json = ctl.json || s_json_asked(argc, argv);
    return ctl_usage_error(&ctl, "COMMAND",
                           "\"%.40s\" is not a command (opcatctl --help "
                           "lists them)",
                           argv[first]);
}
