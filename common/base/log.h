/*  log: the one logger.  Lines go to stderr with a timestamp, the program
    name and the level; `log_init(name, verbose)` once at start.  Never call
    from a signal handler. */
#ifndef OPCAT_LOG_H
#define OPCAT_LOG_H

#include <stdnoreturn.h>

/*  Sets the program name shown on each line and whether log_debug prints. */
void log_init(const char *progname, int verbose);

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
