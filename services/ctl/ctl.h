/*  opcatctl: the command-line client.  main.c parses the global options
    and dispatches to one cmd_*() per command; each command parses its own
    options and returns the process exit status (0 ok, 1 failure). */
#ifndef OPCAT_CTL_H
#define OPCAT_CTL_H

#include <jansson.h>
#include <stdbool.h>

#include "cfg.h"
#include "codes.h"
#include "datefmt.h"

/*  What every command gets: settings and a ZeroMQ context. */
typedef struct {
    cfg_t cfg;
    void *zmq;
    int timeout_ms; /* how long to wait for any answer */
    bool json;      /* --json: JSON lines instead of tables */
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

/*  Parses the options common to every command (--json, --help) and the
    command's own 'optstring'/'longopts'; calls 'on_option' for each of
    the command's options.  Prints 'usage' and exits on --help (0) or a
    bad option (1).  Returns optind. */
typedef int (*ctl_option_fn)(void *arg, int option, const char *value);
int ctl_parse(ctl_t *ctl, int argc, char **argv, const char *usage,
              const char *optstring, const void *longopts,
              ctl_option_fn on_option, void *arg);

/*  Loads the ISO code lists or exits with a message. */
codes_t *ctl_codes(void);

/*  Parses a positive integer option value or exits naming 'what'. */
unsigned long long ctl_number(const char *value, const char *what);

/*  Sends the JSON query 'request' (taken: freed here) to a service's
    'endpoint' and returns its answer (the caller's), or NULL after
    printing "opcatctl: WHAT: the error" to stderr. */
json_t *ctl_query(ctl_t *ctl, const char *endpoint, json_t *request,
                  const char *what);

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
