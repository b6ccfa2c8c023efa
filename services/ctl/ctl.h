/*  opcatctl: the command-line client.  main.c parses the global options
    and dispatches to one cmd_*() per command; each command parses its own
    options and returns the process exit status: CTL_EXIT_OK,
    CTL_EXIT_FAILURE (the command could not be done: a service did not
    answer, refused, an input was bad) or CTL_EXIT_USAGE (the command line
    itself is wrong: an unknown option or command, a missing or bad
    argument, an unknown State code). */
#ifndef OPCAT_CTL_H
#define OPCAT_CTL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "bus.h"
#include "cfg.h"
#include "codes.h"
#include "datefmt.h"
#include "dayclock.h"

#define CTL_EXIT_OK 0
#define CTL_EXIT_FAILURE 1
#define CTL_EXIT_USAGE 2

/*  What every command gets: settings and the bus (a ZeroMQ context and
    the client keys, read before the command runs; NULL for keygen). */
typedef struct {
    cfg_t cfg;
    bus_t *bus;
    int timeout_ms;      /* how long to wait for any answer */
    bool json;           /* --json: JSON lines instead of tables */
    const char *command; /* the command's name, for messages */
    dayclock_t clock;    /* today: OPCAT_NOW or the system's */
    unsigned probes;     /* ctl_reach's monitors so far: unique names */
} ctl_t;

int cmd_import(ctl_t *ctl, int argc, char **argv);
int cmd_publish(ctl_t *ctl, int argc, char **argv);
int cmd_tail(ctl_t *ctl, int argc, char **argv);
int cmd_get(ctl_t *ctl, int argc, char **argv);
int cmd_head(ctl_t *ctl, int argc, char **argv);
int cmd_ping(ctl_t *ctl, int argc, char **argv);
int cmd_keygen(ctl_t *ctl, int argc, char **argv);
int cmd_stats(ctl_t *ctl, int argc, char **argv);
int cmd_state(ctl_t *ctl, int argc, char **argv);
int cmd_art17(ctl_t *ctl, int argc, char **argv);
int cmd_reminders(ctl_t *ctl, int argc, char **argv);
int cmd_report(ctl_t *ctl, int argc, char **argv);
int cmd_notifications(ctl_t *ctl, int argc, char **argv);
int cmd_restore(ctl_t *ctl, int argc, char **argv);

/*  A command's option: 'option' with getopt's 'value'.  Returns 0, or
    non-zero with 'err' naming the option and what is wrong with it. */
typedef int (*ctl_option_fn)(void *arg, int option, const char *value,
                             err_t *err);

/*  Parses the options common to every command (--json, --help) and the
    command's own 'optstring'/'longopts'; calls 'on_option' for each of
    the command's options.  Prints 'usage' and exits 0 on --help; on an
    unknown option, a missing value or a value 'on_option' refuses,
    reports it (ctl_usage_error) and exits CTL_EXIT_USAGE.  Returns
    optind. */
int ctl_parse(ctl_t *ctl, int argc, char **argv, const char *usage,
              const char *optstring, const void *longopts,
              ctl_option_fn on_option, void *arg);

/*  Reports a failure: "opcatctl: COMMAND: message" on stderr, or with
    --json {"error": {"code", "field", "message"}} on one line of stdout.
    'code' is a short word: usage, unreachable, refused, invalid, failed.
    Returns 'status', for `return ctl_error(...)`. */
int ctl_error(const ctl_t *ctl, int status, const char *code, const char *field,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*  ctl_error with code "usage", then (not with --json) a line pointing at
    --help.  Returns CTL_EXIT_USAGE. */
int ctl_usage_error(const ctl_t *ctl, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*  Loads the ISO code lists or exits with a message. */
codes_t *ctl_codes(void);

/*  Parses 'value' of option 'what' as a whole number >= 'min' into
    '*out'.  Returns OPCAT_OK or OPCAT_EINVAL with 'err' naming 'what'. */
int ctl_number(const char *value, const char *what, unsigned long long min,
               unsigned long long *out, err_t *err);

/*  Checks 'value' of 'what' ("state", "--state") as a State code, in any
    case ("per" is PER), into 'out'.  Returns OPCAT_OK, or OPCAT_EINVAL
    with 'err' saying it is not three letters or not an ISO 3166-1
    alpha-3 code. */
int ctl_state_code(const char *value, const char *what, char out[4],
                   err_t *err);

/*  Checks that something accepts connections at 'endpoint' (of 'service':
    store, stats, reminders or notify) within a short time (2 s at most,
    --timeout if shorter), so that a service not running is named at once
    with a hint instead of a silent wait for --timeout.  Returns 0, or
    CTL_EXIT_FAILURE after reporting it (ctl_error, code "unreachable"). */
int ctl_reach(ctl_t *ctl, const char *service, const char *endpoint);

/*  Whether 'out' may carry styles: a terminal, NO_COLOR unset or empty,
    TERM not "dumb" (https://no-color.org). */
bool ctl_styled(FILE *out);

/*  The escape that starts bold text on 'out', and the one that ends it;
    "" when 'out' is not ctl_styled. */
const char *ctl_bold(FILE *out);
const char *ctl_plain(FILE *out);

/*  Sends the JSON query 'request' (taken: freed here) to 'service'
    (stats, reminders, notify: its endpoint from the settings) and returns
    its answer (the caller's), or NULL after reporting why (ctl_error:
    not reachable, no answer within --timeout, or the service's error,
    a usage error when it names a field of the request: '*status' says
    which exit status). */
json_t *ctl_query(ctl_t *ctl, const char *service, json_t *request,
                  int *status);

/*  The endpoint of 'service' (store: REPLAY) in the settings. */
const char *ctl_endpoint(const ctl_t *ctl, const char *service);

/*  Prints 'value' as JSON on one line of its own, dumped with 'flags'
    (jansson's: JSON_COMPACT, JSON_INDENT(2), JSON_SORT_KEYS...). */
void ctl_print_json(const json_t *value, size_t flags);

/*  The date at 'key' of 'obj' at its precision (the 'key'_precision
    beside it, day when absent): "2024-05-03", "2024-05", "2024",
    "by 2024-12-31"; "-" when there is none.  Returns 'out'. */
const char *ctl_date(const json_t *obj, const char *key, char out[DATEFMT_MAX]);

/*  Prints one event ('data' packed) as a table row or a JSON line. */
void ctl_print_event(const ctl_t *ctl, const unsigned char *data,
                     unsigned long len, bool with_content);

#endif
