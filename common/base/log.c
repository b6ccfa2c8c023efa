/*  log: timestamped lines on stderr, as text or JSON (see log.h).

    The logger's settings are the one piece of process-wide state besides
    the signal flags: a logger is by nature per process, and threading a
    handle through every call would only add noise.  Each line is built
    whole in a buffer and written with one call, so that lines of two
    threads (the gateway's) never interleave. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/*  The longest line written; a longer message is cut. */
#define LOG_LINE_MAX 4096

static const char *s_progname = "opcat";
static int s_verbose;
static log_format_t s_format;

int log_format_parse(const char *name)
{
    if (!name || !*name || strcasecmp(name, "text") == 0)
        return LOG_FORMAT_TEXT;
    if (strcasecmp(name, "json") == 0)
        return LOG_FORMAT_JSON;
    return -1;
}

void log_set_format(log_format_t format)
{
    s_format = format;
}

void log_init(const char *progname, int verbose)
{
    s_progname = progname;
    s_verbose = verbose;
    const char *name = getenv("OPCAT_LOG_FORMAT");
    int format = log_format_parse(name);
    s_format = format < 0 ? LOG_FORMAT_TEXT : (log_format_t)format;
    if (format < 0)
        log_warnx("OPCAT_LOG_FORMAT: \"%.40s\" is not text or json; "
                  "logging as text",
                  name);
}

/*  A growing line in a fixed buffer: appends past the end are dropped. */
typedef struct {
    char text[LOG_LINE_MAX];
    size_t len;
} line_t;

static void s_put(line_t *l, const char *s, size_t n)
{
    if (n > sizeof l->text - 2 - l->len) /* room for "\n" and NUL */
        n = sizeof l->text - 2 - l->len;
    memcpy(l->text + l->len, s, n);
    l->len += n;
}

static void s_puts(line_t *l, const char *s)
{
    s_put(l, s, strlen(s));
}

/*  The length of the valid UTF-8 sequence at 's', or 0 if it is not one. */
static size_t s_utf8_len(const unsigned char *s)
{
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4   ? 4
               : s[0] >= 0xe0                 ? 3
               : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

/*  Appends 's' as a JSON string: quotes, escapes, and U+FFFD for a byte
    that is not UTF-8 (a message may quote bad input). */
static void s_put_json(line_t *l, const char *s)
{
    s_put(l, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        char esc[8];
        size_t n;
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\', esc[1] = (char)*p;
            s_put(l, esc, 2), p++;
        } else if (*p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            s_puts(l, esc), p++;
        } else if (*p < 0x80) {
            s_put(l, (const char *)p, 1), p++;
        } else if ((n = s_utf8_len(p)) > 0) {
            s_put(l, (const char *)p, n), p += n;
        } else {
            s_puts(l, "\\ufffd"), p++;
        }
    }
    s_put(l, "\"", 1);
}

static void s_stamp(char out[40])
{
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, 40, "%.20s.%03dZ", stamp, (int)(ts.tv_nsec / 1000000));
}

static void s_json_member(line_t *l, const char *key, const char *value)
{
    s_put(l, ",", 1);
    s_put_json(l, key);
    s_put(l, ":", 1);
    s_put_json(l, value);
}

static void s_format_json(line_t *l, const char *stamp, const char *level,
                          const char *message, const log_field_t *fields,
                          size_t count, const char *error)
{
    s_puts(l, "{\"time\":");
    s_put_json(l, stamp);
    s_json_member(l, "level", level);
    s_json_member(l, "daemon", s_progname);
    s_json_member(l, "message", message);
    if (error)
        s_json_member(l, "error", error);
    for (size_t i = 0; i < count; i++)
        s_json_member(l, fields[i].key, fields[i].value ? fields[i].value : "");
    s_put(l, "}", 1);
}

static void s_format_text(line_t *l, const char *stamp, const char *level,
                          const char *message, const log_field_t *fields,
                          size_t count, const char *error)
{
    l->len = (size_t)snprintf(l->text, sizeof l->text - 2, "%s %s %s: ", stamp,
                              s_progname, level);
    if (l->len > sizeof l->text - 2)
        l->len = sizeof l->text - 2;
    s_puts(l, message);
    if (error) {
        s_puts(l, ": ");
        s_puts(l, error);
    }
    for (size_t i = 0; i < count; i++) {
        s_puts(l, " ");
        s_puts(l, fields[i].key);
        s_puts(l, "=");
        s_puts(l, fields[i].value ? fields[i].value : "");
    }
}

static void s_vlog(const char *level, const log_field_t *fields, size_t count,
                   int errnum, const char *fmt, va_list ap)
{
    char stamp[40], message[2048];
    s_stamp(stamp);
    vsnprintf(message, sizeof message, fmt, ap);
    const char *error = errnum ? strerror(errnum) : NULL;
    line_t l = {.len = 0};
    if (s_format == LOG_FORMAT_JSON)
        s_format_json(&l, stamp, level, message, fields, count, error);
    else
        s_format_text(&l, stamp, level, message, fields, count, error);
    l.text[l.len++] = '\n';
    fwrite(l.text, 1, l.len, stderr);
}

#define LOG_BODY(level, errnum)                                                \
    do {                                                                       \
        va_list ap;                                                            \
        va_start(ap, fmt);                                                     \
        s_vlog(level, NULL, 0, errnum, fmt, ap);                               \
        va_end(ap);                                                            \
    } while (0)

void log_fields(log_level_t level, const log_field_t *fields, size_t count,
                const char *fmt, ...)
{
    static const char *const names[] = {"debug", "info", "warning"};
    if (level == LOG_LEVEL_DEBUG && !s_verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    s_vlog(names[level], fields, count, 0, fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    int saved = errno;
    LOG_BODY("warning", saved);
}

void log_warnx(const char *fmt, ...)
{
    LOG_BODY("warning", 0);
}

void log_info(const char *fmt, ...)
{
    LOG_BODY("info", 0);
}

void log_debug(const char *fmt, ...)
{
    if (!s_verbose)
        return;
    LOG_BODY("debug", 0);
}

void fatal(const char *fmt, ...)
{
    int saved = errno;
    LOG_BODY("fatal", saved);
    exit(1);
}

void fatalx(const char *fmt, ...)
{
    LOG_BODY("fatal", 0);
    exit(1);
}
