/*  opcatctl: what the commands and main.c stand on: JSON output, errors,
    usage errors, the ISO code lists and State codes, reachability,
    terminal styles (see ctl.h).  Every failure goes through ctl_error, so
    that --json turns each into one JSON object on stdout. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "ctl.h"
#include "monotime.h"

/*  How long a service may take to accept the connection before opcatctl
    says it is not there (at most --timeout).  Accepting costs the service
    nothing: a running one does it within milliseconds, even busy. */
#define CTL_CONNECT_MS 2000

void ctl_print_json(const json_t *value, size_t flags)
{
    char *text = json_dumps(value, flags);
    if (text)
        puts(text);
    free(text);
}

codes_t *ctl_codes(void)
{
    err_t err;
    codes_t *codes = codes_new(NULL, &err);
    if (!codes) {
        fprintf(stderr, "opcatctl: %s\n", err.message);
        exit(1);
    }
    return codes;
}

static void s_verror(const ctl_t *ctl, const char *code, const char *field,
                     const char *fmt, va_list ap)
{
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    if (ctl && ctl->json) {
        json_t *error = json_pack("{s:s,s:s,s:s}", "code", code, "field",
                                  field ? field : "", "message", message);
        json_t *obj = json_pack("{s:o}", "error", error);
        ctl_print_json(obj, JSON_COMPACT);
        json_decref(obj);
        fflush(stdout);
        return;
    }
    /* "state: ZZZ is not ..." from `opcatctl state` names it once */
    const char *command = ctl && ctl->command ? ctl->command : NULL;
    size_t len = command ? strlen(command) : 0;
    if (command && strncmp(message, command, len) == 0 && message[len] == ':')
        command = NULL;
    fprintf(stderr, "opcatctl: %s%s%s\n", command ? command : "",
            command ? ": " : "", message);
}

int ctl_error(const ctl_t *ctl, int status, const char *code, const char *field,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_verror(ctl, code, field, fmt, ap);
    va_end(ap);
    return status;
}

int ctl_usage_error(const ctl_t *ctl, const char *field, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    s_verror(ctl, "usage", field, fmt, ap);
    va_end(ap);
    if (!ctl || !ctl->json)
        fprintf(stderr, "Run 'opcatctl %s%s--help' for usage.\n",
                ctl && ctl->command ? ctl->command : "",
                ctl && ctl->command ? " " : "");
    return CTL_EXIT_USAGE;
}

int ctl_number(const char *value, const char *what, unsigned long long min,
               unsigned long long *out, err_t *err)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(value, &end, 10);
    if (!isdigit((unsigned char)*value) || *end || n < min)
        return err_set(err, OPCAT_EINVAL, what,
                       "%s: \"%.40s\" is not a whole number%s", what, value,
                       min ? " of 1 or more" : "");
    if (errno == ERANGE)
        return err_set(err, OPCAT_EINVAL, what, "%s: \"%.40s\" is too large",
                       what, value);
    *out = n;
    return OPCAT_OK;
}

int ctl_state_code(const char *value, const char *what, char out[4], err_t *err)
{
    size_t len = strlen(value);
    for (size_t i = 0; i < len && i < 3; i++)
        out[i] = (char)toupper((unsigned char)value[i]);
    out[len < 3 ? len : 3] = '\0';
    bool letters = len == 3 && isalpha((unsigned char)value[0]) &&
                   isalpha((unsigned char)value[1]) &&
                   isalpha((unsigned char)value[2]);
    if (!letters)
        return err_set(err, OPCAT_EINVAL, what,
                       "%s: \"%.40s\" is not an ISO 3166-1 alpha-3 code "
                       "(three letters, e.g. PER)",
                       what, value);
    codes_t *codes = ctl_codes();
    bool known = codes_is_state(codes, out);
    codes_destroy(&codes);
    if (!known)
        return err_set(err, OPCAT_EINVAL, what,
                       "%s: %s is not an ISO 3166-1 alpha-3 code", what, out);
    return OPCAT_OK;
}

/*  The daemon behind a service's endpoint, for messages. */
static const char *s_daemon(const char *service)
{
    return strcmp(service, "stats") == 0       ? "opcat-aggregated"
           : strcmp(service, "reminders") == 0 ? "opcat-reminderd"
           : strcmp(service, "notify") == 0    ? "opcat-notifyd"
                                               : "opcat-stored";
}

/*  Waits up to 'ms' for 'monitor' to see the connection made. */
static bool s_wait_connected(void *monitor, int ms)
{
    int64_t deadline = monotime_ms() + ms;
    for (int64_t left = ms; left > 0; left = deadline - monotime_ms()) {
        zmq_pollitem_t item = {monitor, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, (long)left) <= 0)
            continue;
        zmq_msg_t frame;
        zmq_msg_init(&frame);
        int n = zmq_msg_recv(&frame, monitor, 0);
        uint16_t event = 0;
        if (n >= 2)
            memcpy(&event, zmq_msg_data(&frame), 2);
        zmq_msg_close(&frame);
        zmq_msg_init(&frame); /* the second frame: the address */
        zmq_msg_recv(&frame, monitor, 0);
        zmq_msg_close(&frame);
        if (event == ZMQ_EVENT_CONNECTED)
            return true;
    }
    return false;
}

int ctl_reach(ctl_t *ctl, const char *service, const char *endpoint)
{
    char address[64];
    /* a name of its own each time: the last monitor's may not be
       released yet (sockets close in libzmq's reaper thread) */
    snprintf(address, sizeof address, "inproc://ctl-probe-%u", ctl->probes++);
    void *probe = zmq_socket(bus_zmq(ctl->bus), ZMQ_DEALER);
    int linger = 0;
    bool ok =
        probe && zmq_setsockopt(probe, ZMQ_LINGER, &linger, sizeof linger) == 0;
    void *monitor = NULL;
    if (ok && zmq_socket_monitor(probe, address, ZMQ_EVENT_CONNECTED) == 0 &&
        (monitor = zmq_socket(bus_zmq(ctl->bus), ZMQ_PAIR)) &&
        zmq_setsockopt(monitor, ZMQ_LINGER, &linger, sizeof linger) == 0 &&
        zmq_connect(monitor, address) == 0 &&
        zmq_connect(probe, endpoint) == 0) {
        int ms =
            ctl->timeout_ms < CTL_CONNECT_MS ? ctl->timeout_ms : CTL_CONNECT_MS;
        ok = s_wait_connected(monitor, ms);
    } else {
        ok = true; /* cannot probe (a bad endpoint): the call will say */
    }
    if (monitor)
        zmq_close(monitor);
    if (probe)
        zmq_close(probe);
    if (ok)
        return 0;
    return ctl_error(ctl, CTL_EXIT_FAILURE, "unreachable", service,
                     "no answer from %s at %s; is it running? try "
                     "`opcatctl ping --service %s`",
                     s_daemon(service), endpoint, service);
}

bool ctl_styled(FILE *out)
{
    const char *no_color = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    return isatty(fileno(out)) && !(no_color && *no_color) &&
           !(term && strcmp(term, "dumb") == 0);
}

const char *ctl_bold(FILE *out)
{
    return ctl_styled(out) ? "\033[1m" : "";
}

const char *ctl_plain(FILE *out)
{
    return ctl_styled(out) ? "\033[0m" : "";
}
