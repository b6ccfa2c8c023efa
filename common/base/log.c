/*  log: timestamped lines on stderr.

    The logger's settings are the one piece of process-wide state besides
    the signal flags: a logger is by nature per process, and threading a
    handle through every call would only add noise. */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *s_progname = "opcat";
static int s_verbose;

void log_init(const char *progname, int verbose)
{
    s_progname = progname;
    s_verbose = verbose;
}

static void s_vlog(const char *level, const char *fmt, va_list ap, int errnum)
{
    char stamp[32];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    char line[2048];
    vsnprintf(line, sizeof line, fmt, ap);
    if (errnum)
        fprintf(stderr, "%s.%03ldZ %s %s: %s: %s\n", stamp,
                ts.tv_nsec / 1000000, s_progname, level, line,
                strerror(errnum));
    else
        fprintf(stderr, "%s.%03ldZ %s %s: %s\n", stamp, ts.tv_nsec / 1000000,
                s_progname, level, line);
}

#define LOG_BODY(level, errnum)                                                \
    do {                                                                       \
        va_list ap;                                                            \
        va_start(ap, fmt);                                                     \
        s_vlog(level, fmt, ap, errnum);                                        \
        va_end(ap);                                                            \
    } while (0)

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
