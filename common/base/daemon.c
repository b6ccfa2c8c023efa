/*  daemon: signals, usage and the start line (see daemon.h). */
#include "daemon.h"

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

bool daemon_option(int c, const char *arg, cfg_t *cfg, daemon_flags_t *flags)
{
    switch (c) {
    case 'a':
        cfg->append = arg;
        return true;
    case 'p':
        cfg->publish = arg;
        return true;
    case 'r':
        cfg->replay = arg;
        return true;
    case 'D':
        cfg->data = arg;
        return true;
    case 'n':
        flags->check = 1;
        return true;
    case 'v':
        flags->verbose = 1;
        return true;
    case 'V':
        /* the name as invoked: the same binary under another name says so */
        printf("%s %s\n", program_invocation_short_name, OPCAT_VERSION_STRING);
        exit(fflush(stdout) == 0 ? 0 : 1);
    default:
        return false;
    }
}

_Noreturn void daemon_usage_exit(int option, void (*usage)(FILE *out))
{
    usage(option == 'h' ? stdout : stderr);
    exit(option == 'h' ? 0 : DAEMON_EXIT_USAGE);
}

void daemon_no_operands(const char *name, int argc, char **argv,
                        void (*usage)(FILE *out))
{
    if (optind >= argc)
        return;
    fprintf(stderr, "%s: unexpected argument: %s\n", name, argv[optind]);
    usage(stderr);
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
