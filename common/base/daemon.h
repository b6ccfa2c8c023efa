/*  daemon: what every opcat daemon does the same way around its loop.

    The stop flag is the project's one global: a signal handler can only
    reach the daemon through it.  SIGTERM and SIGINT set it; the daemon's
    zmq_poll loop sees zmq_poll fail with EINTR and checks it.  SIGPIPE is
    ignored, so that a peer gone shows as an error value (EPIPE) where the
    write happens, not as the death of the process. */
#ifndef OPCAT_DAEMON_H
#define OPCAT_DAEMON_H

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

/*  The flags every daemon spells the same way. */
typedef struct {
    int check;   /* -n, --check: check the settings and the state, exit */
    int verbose; /* -v, --verbose */
} daemon_flags_t;

/*  Takes option 'c' (with getopt's 'arg') if every daemon spells it the
    same way: -a/-p/-r the store's APPEND/PUBLISH/REPLAY endpoints and -D
    the data directory into 'cfg', -n/-v into 'flags'; -V (--version)
    prints "PROGRAM VERSION" on stdout and exits 0.  Returns false for
    any other option, which is the daemon's own.  Which of them a daemon
    accepts is its getopt string's business. */
bool daemon_option(int c, const char *arg, cfg_t *cfg, daemon_flags_t *flags);

/*  The end of every daemon's option switch: -h prints 'usage' to stdout
    and exits 0; anything else is an unknown option (getopt has named it):
    'usage' to stderr and exit DAEMON_EXIT_USAGE. */
_Noreturn void daemon_usage_exit(int option, void (*usage)(FILE *out));

/*  Exits DAEMON_EXIT_USAGE, naming the first one, if operands follow the
   options (argv[optind..]): no daemon takes any. */
void daemon_no_operands(const char *name, int argc, char **argv,
                        void (*usage)(FILE *out));

/*  Parses 'text', the value of option 'flag' (as typed: "--timeout"), as
    a whole number in [min, max].  Returns OPCAT_OK with '*value' set, or
    OPCAT_EINVAL with 'err' naming the flag and the range. */
int daemon_parse_number(const char *flag, const char *text, long long min,
                        long long max, long long *value, err_t *err);

/*  The same for a daemon's command line: exits DAEMON_EXIT_USAGE with
    the message when the value is not a number in range. */
long long daemon_number(const char *flag, const char *text, long long min,
                        long long max);

/*  The long option of -V, for a daemon's getopt_long table. */
#define DAEMON_VERSION_OPTION                                                  \
    {                                                                          \
        "version", no_argument, NULL, 'V'                                      \
    }

/*  Tells the service manager the daemon is ready (sd_notify "READY=1"):
    called once its sockets are bound and it answers.  A no-op when it
    was not started by systemd (no NOTIFY_SOCKET) or under Type=simple.
    Returns 0, or a negative errno when the message could not be sent
    (the daemon logs it and goes on). */
int daemon_ready(void);

/*  Logs "NAME VERSION starting (libzmq X.Y.Z[, WITH])". */
void daemon_log_start(const char *name, const char *with);

#endif
