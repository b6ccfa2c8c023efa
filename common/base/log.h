/*  log: the one logger.  Lines go to stderr with a timestamp, the program
    name and the level; `log_init(name, verbose)` once at start.  Never call
    from a signal handler.

    Two formats, chosen by $OPCAT_LOG_FORMAT when log_init runs:

      text (default)  2026-12-02T18:00:00.123Z opcat-stored info: message
                      key=value ...
      json            one object per line, for a log collector:
                      {"time":"2026-12-02T18:00:00.123Z","level":"info",
                       "daemon":"opcat-stored","message":"...", and the
                       call site's fields as members: "key":"value"}

    log_warn's errno text is the member "error" in JSON, ": text" after
    the message in text.  Any other value of OPCAT_LOG_FORMAT is refused
    by log_init: it logs a warning and keeps text. */
#ifndef OPCAT_LOG_H
#define OPCAT_LOG_H

#include <stddef.h>
#include <stdnoreturn.h>

typedef enum { LOG_FORMAT_TEXT = 0, LOG_FORMAT_JSON = 1 } log_format_t;

/*  Sets the program name shown on each line and whether log_debug prints,
    and reads the format from $OPCAT_LOG_FORMAT ("text" or "json"; unset
    or empty: text). */
void log_init(const char *progname, int verbose);

/*  Parses a format name: "text" or "json" (any case).  Returns the format
    or -1 for any other name (NULL and "" are text). */
int log_format_parse(const char *name);

/*  Sets the format (after log_init, which would read the variable again). */
void log_set_format(log_format_t format);

/*  One named value a call site attaches to a line (log_fields).  'value'
    is text; a JSON line carries it as a string. */
typedef struct {
    const char *key;
    const char *value;
} log_field_t;

/*  Levels for log_fields. */
typedef enum { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING } log_level_t;

/*  A line with 'count' fields: members of the JSON object, " key=value"
    after the message in text.  log_debug's rule (verbose only) holds for
    LOG_LEVEL_DEBUG. */
void log_fields(log_level_t level, const log_field_t *fields, size_t count,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*  Warning with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*  Warning without errno. */
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*  Logs with errno and exits 1. */
noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*  Logs and exits 1. */
noreturn void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
