/*  daemon: signals, usage and the start line (see daemon.h). */
#include "daemon.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <zmq.h>

#include "log.h"
#include "version.h"

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

volatile sig_atomic_t *daemon_signals(void)
{
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return &s_stop;
}

/* ------------------------------------------------------ the command line */

#define OPTIONS_MAX 48 /* long options of one daemon, shared ones included */

/*  The shared options: the DAEMON_OPT_* bit that makes a daemon take
    one (0: every daemon takes it) and its getopt spelling; a value
    below 256 is its short form too. */
static const struct {
    unsigned bit;
    struct option option;
} s_shared[] = {
    {DAEMON_OPT_APPEND, {"append", required_argument, NULL, 'a'}},
    {DAEMON_OPT_PUBLISH, {"publish", required_argument, NULL, 'p'}},
    {DAEMON_OPT_REPLAY, {"replay", required_argument, NULL, 'r'}},
    {DAEMON_OPT_DATA, {"data", required_argument, NULL, 'D'}},
    {DAEMON_OPT_REBUILD, {"rebuild", no_argument, NULL, 'R'}},
    {DAEMON_OPT_CATCH_UP_BATCH,
     {"catch-up-batch", required_argument, NULL, 'B'}},
    {DAEMON_OPT_NOW, {"now", required_argument, NULL, DAEMON_NOW_VALUE}},
    {0, {"check", no_argument, NULL, 'n'}},
    {0, {"verbose", no_argument, NULL, 'v'}},
    {0, {"help", no_argument, NULL, 'h'}},
    {0, {"version", no_argument, NULL, 'V'}},
};
#define SHARED (sizeof s_shared / sizeof s_shared[0])

/*  getopt's tables for 'cli': the long options and the short string
    (':' first, so that a missing value is told from an unknown option). */
typedef struct {
    struct option all[OPTIONS_MAX + 1];
    char shorts[128];
} table_t;

/*  Whether 'cli' takes the shared option of value 'c'. */
static bool s_takes_shared(const daemon_cli_t *cli, int c)
{
    for (size_t i = 0; i < SHARED; i++)
        if (s_shared[i].option.val == c &&
            (!s_shared[i].bit || (cli->shared & s_shared[i].bit)))
            return true;
    return false;
}

static void s_add_short(table_t *t, const struct option *o)
{
    if (o->val >= 256)
        return;
    size_t n = strlen(t->shorts);
    assert(n + 3 < sizeof t->shorts); /* 11 shared options fit */
    t->shorts[n++] = (char)o->val;
    if (o->has_arg == required_argument)
        t->shorts[n++] = ':';
    t->shorts[n] = '\0';
}

static void s_table(const daemon_cli_t *cli, table_t *t)
{
    size_t n = 0;
    snprintf(t->shorts, sizeof t->shorts, ":");
    for (size_t i = 0; i < SHARED; i++)
        if (!s_shared[i].bit || (cli->shared & s_shared[i].bit)) {
            t->all[n++] = s_shared[i].option;
            s_add_short(t, &s_shared[i].option);
        }
    for (const struct option *o = cli->own_long; o && o->name; o++) {
        assert(n < OPTIONS_MAX && !s_takes_shared(cli, o->val));
        if (n < OPTIONS_MAX) /* without assertions: cut, not overrun */
            t->all[n++] = *o;
    }
    t->all[n] = (struct option){NULL, 0, NULL, 0};
    size_t len = strlen(t->shorts);
    assert(len + strlen(cli->own_short) < sizeof t->shorts);
    snprintf(t->shorts + len, sizeof t->shorts - len, "%s", cli->own_short);
}

/*  The option getopt refused, as typed: a long one without its
    "=VALUE", a short one from optopt. */
static void s_refused(char **argv, char *out, size_t cap)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (strncmp(arg, "--", 2) == 0 || !optopt)
        snprintf(out, cap, "%.*s", (int)strcspn(arg, "="), arg);
    else
        snprintf(out, cap, "-%c", optopt);
}

/*  Takes the shared option 'c' with 'value'. */
static int s_take_shared(const daemon_cli_t *cli, int c, const char *value,
                         cfg_t *cfg, daemon_flags_t *flags, err_t *err)
{
    switch (c) {
    case 'a':
        cfg->append = value;
        break;
    case 'p':
        cfg->publish = value;
        break;
    case 'r':
        cfg->replay = value;
        break;
    case 'D':
        cfg->data = value;
        break;
    case 'R':
        flags->rebuild = 1;
        break;
    case 'B':
        return daemon_parse_number("--catch-up-batch", value, 0,
                                   cli->catch_up_max, &flags->catch_up_batch,
                                   err);
    case DAEMON_NOW_VALUE:
        flags->now = value;
        break;
    case 'n':
        flags->check = 1;
        break;
    case 'v':
        flags->verbose = 1;
        break;
    case 'h':
        return DAEMON_PARSED_HELP;
    case 'V':
        return DAEMON_PARSED_VERSION;
    }
    return DAEMON_PARSED_RUN;
}

/*  Takes what getopt returned: 'c' with optarg. */
static int s_take(const daemon_cli_t *cli, int c, char **argv, cfg_t *cfg,
                  daemon_flags_t *flags, err_t *err)
{
    char option[64];
    if (c == '?' || c == ':') {
        s_refused(argv, option, sizeof option);
        return err_set(err, OPCAT_EINVAL, "",
                       c == ':' ? "%s: needs a value" : "%s: unknown option",
                       option);
    }
    if (s_takes_shared(cli, c))
        return s_take_shared(cli, c, optarg, cfg, flags, err);
    cli->option(cli->arg, c, optarg);
    return DAEMON_PARSED_RUN;
}

int daemon_opts_parse(const daemon_cli_t *cli, int argc, char **argv,
                      cfg_t *cfg, daemon_flags_t *flags, err_t *err)
{
    table_t t;
    s_table(cli, &t);
    err_clear(err);
    optind = 0; /* from the start, whatever parsed before */
    opterr = 0; /* the messages are ours */
    int c, rc = DAEMON_PARSED_RUN;
    while (rc == DAEMON_PARSED_RUN &&
           (c = getopt_long(argc, argv, t.shorts, t.all, NULL)) != -1)
        rc = s_take(cli, c, argv, cfg, flags, err);
    if (rc == DAEMON_PARSED_RUN && optind < argc)
        rc = err_set(err, OPCAT_EINVAL, "", "unexpected argument: %s",
                     argv[optind]);
    return rc;
}

void daemon_parse(const daemon_cli_t *cli, int argc, char **argv, cfg_t *cfg,
                  daemon_flags_t *flags)
{
    err_t err;
    int rc = daemon_opts_parse(cli, argc, argv, cfg, flags, &err);
    if (rc == DAEMON_PARSED_RUN)
        return;
    if (rc == DAEMON_PARSED_HELP) {
        cli->usage(stdout);
        exit(fflush(stdout) == 0 ? 0 : 1);
    }
    if (rc == DAEMON_PARSED_VERSION) {
        /* the name as invoked: the same binary under another name says so */
        printf("%s %s\n", program_invocation_short_name, OPCAT_VERSION_STRING);
        exit(fflush(stdout) == 0 ? 0 : 1);
    }
    if (err.field[0]) { /* a bad value: its message says what is wanted */
        log_warnx("%s", err.message);
        exit(DAEMON_EXIT_USAGE);
    }
    fprintf(stderr, "%s: %s\n", cli->name, err.message);
    cli->usage(stderr);
    exit(DAEMON_EXIT_USAGE);
}

int daemon_parse_number(const char *flag, const char *text, long long min,
                        long long max, long long *value, err_t *err)
{
    char *end;
    errno = 0;
    long long n = strtoll(text, &end, 10);
    /* strtoll would skip leading blanks; a value is its digits only */
    bool digits = isdigit((unsigned char)text[0]) ||
                  (text[0] == '-' && isdigit((unsigned char)text[1]));
    if (!digits || *end || errno || n < min || n > max)
        return err_set(err, OPCAT_EINVAL, flag,
                       "%s: \"%.40s\" must be a whole number from %lld to "
                       "%lld",
                       flag, text, min, max);
    *value = n;
    return OPCAT_OK;
}

long long daemon_number(const char *flag, const char *text, long long min,
                        long long max)
{
    err_t err;
    long long n = 0;
    if (daemon_parse_number(flag, text, min, max, &n, &err)) {
        log_warnx("%s", err.message);
        exit(DAEMON_EXIT_USAGE);
    }
    return n;
}

int daemon_ready(void)
{
    int rc = sd_notify(0, "READY=1");
    if (rc < 0) {
        log_warnx("cannot tell the service manager it is ready: %s",
                  strerror(-rc));
        return rc;
    }
    if (rc > 0)
        log_debug("told the service manager it is ready");
    return 0;
}

void daemon_log_start(const char *name, const char *with)
{
    char zmq[32];
    snprintf(zmq, sizeof zmq, "%d.%d.%d", ZMQ_VERSION_MAJOR, ZMQ_VERSION_MINOR,
             ZMQ_VERSION_PATCH);
    const log_field_t fields[] = {{"version", OPCAT_VERSION_STRING},
                                  {"libzmq", zmq}};
    log_fields(LOG_LEVEL_INFO, fields, 2, "%s %s starting (libzmq %s%s%s)",
               name, OPCAT_VERSION_STRING, zmq, with ? ", " : "",
               with ? with : "");
}
