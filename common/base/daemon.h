/*  daemon: what every opcat daemon does the same way around its loop.

    The stop flag is the project's one global: a signal handler can only
    reach the daemon through it.  SIGTERM and SIGINT set it; the daemon's
    zmq_poll loop sees zmq_poll fail with EINTR and checks it.  SIGPIPE is
    ignored, so that a peer gone shows as an error value (EPIPE) where the
    write happens, not as the death of the process. */
#ifndef OPCAT_DAEMON_H
#define OPCAT_DAEMON_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"
#include "err.h"

/*  The exit status of a command line the program cannot run: an unknown
    option, a missing or bad value, an operand too many (clig.dev, and
    getopt's tradition).  A failure at run time exits 1. */
#define DAEMON_EXIT_USAGE 2

/*  Installs the handlers and returns the stop flag (0 until a signal). */
volatile sig_atomic_t *daemon_signals(void);

/*  The options the daemons share, each spelled the same everywhere:
    a daemon names those it takes in daemon_cli_t.shared; -n (--check),
    -v (--verbose), -h (--help) and -V (--version) it always takes. */
enum {
    DAEMON_OPT_APPEND = 1u << 0,  /* -a, --append EP: cfg->append */
    DAEMON_OPT_PUBLISH = 1u << 1, /* -p, --publish EP: cfg->publish */
    DAEMON_OPT_REPLAY = 1u << 2,  /* -r, --replay EP: cfg->replay */
    DAEMON_OPT_DATA = 1u << 3,    /* -D, --data DIR: cfg->data */
    DAEMON_OPT_REBUILD = 1u << 4, /* -R, --rebuild: flags->rebuild */
    /* -B, --catch-up-batch N: flags->catch_up_batch, 0 to catch_up_max */
    DAEMON_OPT_CATCH_UP_BATCH = 1u << 5,
    DAEMON_OPT_NOW = 1u << 6 /* --now DATE: flags->now, checked by its user */
};

/*  What getopt returns for --now, which has no short form.  A daemon's
    own long-only options take values from 256 up to below this one. */
#define DAEMON_NOW_VALUE 1000

/*  What the shared options set beyond the endpoints. */
typedef struct {
    int check;                /* -n, --check: check the settings, exit */
    int verbose;              /* -v, --verbose */
    int rebuild;              /* -R, --rebuild */
    const char *now;          /* --now DATE (borrowed from argv), or NULL */
    long long catch_up_batch; /* -B; as the daemon set it when not given */
} daemon_flags_t;

/*  A daemon's command line: the shared options it takes and its own. */
typedef struct {
    const char *name;              /* "opcat-stored": for messages */
    unsigned shared;               /* DAEMON_OPT_* it takes */
    long long catch_up_max;        /* the bound of --catch-up-batch */
    const char *own_short;         /* its own short options ("m:L"), or "" */
    const struct option *own_long; /* its own long options, {0}-ended */
    /*  Takes its own option 'c' (getopt's value) with 'value' (NULL for
        an option without one); may exit DAEMON_EXIT_USAGE on a bad value
        (daemon_number). */
    void (*option)(void *arg, int c, const char *value);
    void *arg;                /* the first argument of 'option' */
    void (*usage)(FILE *out); /* the --help text */
} daemon_cli_t;

/*  What daemon_opts_parse() found, beside OPCAT_EINVAL. */
enum {
    DAEMON_PARSED_RUN = 0, /* every option taken: run */
    DAEMON_PARSED_HELP,    /* -h: print the usage, exit 0 */
    DAEMON_PARSED_VERSION  /* -V: print the version, exit 0 */
};

/*  Parses 'argc'/'argv' (getopt_long, from the start) with the shared
    options 'cli' takes and its own: the shared ones go to 'cfg' and
    'flags', each own one to cli->option.  Stops at -h or -V.  Returns a
    DAEMON_PARSED_* value, or OPCAT_EINVAL with 'err' for an unknown
    option or one without its value ('err->field' empty, the message
    naming the option as typed), a bad value ('err->field' the option,
    "--catch-up-batch"), or an operand (no daemon takes any).  The
    daemon's own options must not reuse a value of a shared one it
    takes (asserted). */
int daemon_opts_parse(const daemon_cli_t *cli, int argc, char **argv,
                      cfg_t *cfg, daemon_flags_t *flags, err_t *err);

/*  The same for a daemon's main(): -h prints the usage on stdout and
    exits 0; -V prints "PROGRAM VERSION" and exits 0; a bad value is
    logged and exits DAEMON_EXIT_USAGE; any other error prints
    "NAME: MESSAGE" and the usage on stderr and exits DAEMON_EXIT_USAGE. */
void daemon_parse(const daemon_cli_t *cli, int argc, char **argv, cfg_t *cfg,
                  daemon_flags_t *flags);

/*  Parses 'text', the value of option 'flag' (as typed: "--timeout"), as
    a whole number in [min, max].  Returns OPCAT_OK with '*value' set, or
    OPCAT_EINVAL with 'err' naming the flag and the range. */
int daemon_parse_number(const char *flag, const char *text, long long min,
                        long long max, long long *value, err_t *err);

/*  The same for a daemon's command line: exits DAEMON_EXIT_USAGE with
    the message when the value is not a number in range. */
long long daemon_number(const char *flag, const char *text, long long min,
                        long long max);

/*  Tells the service manager the daemon is ready (sd_notify "READY=1"):
    called once its sockets are bound and it answers.  A no-op when it
    was not started by systemd (no NOTIFY_SOCKET) or under Type=simple.
    Returns 0, or a negative errno when the message could not be sent
    (the daemon logs it and goes on). */
int daemon_ready(void);

/*  Logs "NAME VERSION starting (libzmq X.Y.Z[, WITH])". */
void daemon_log_start(const char *name, const char *with);

#endif
