/*  opcatctl import: validate a whole JSON-lines file, then append it.

    Every line is parsed and checked against the single-event rules first,
    then the good ones are sent to the store as one validate-only request,
    which checks what needs the store (cross-references, ids reused) as if
    they were appended in order, and stores nothing.  If any line is bad,
    every bad line of both passes is reported, in line order, as
    FILE:LINE: field: reason, and nothing is appended.  Then the file goes
    to the store in one
    atomic request (the store checks cross-references; if it refuses one
    event, nothing is stored), or with --batch N in atomic requests of N
    events, --window of them in flight, each acknowledged on its own. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "ctl.h"
#include "validate.h"

/*  Bytes of one line at the most: an event is far smaller (a report's
    content is at most 64 KiB), and a longer line is refused before any
    parsing, so that a huge line cannot exhaust memory. */
#define IMPORT_LINE_MAX (1024 * 1024)
/*  Bad lines printed; the rest are counted. */
#define IMPORT_ERRORS_SHOWN 20
/*  Lines read before progress shows on a terminal, and how often it is
    updated then: a small file is done before anyone would look. */
#define IMPORT_PROGRESS_FROM 5000
#define IMPORT_PROGRESS_EVERY 1000

static const char s_usage[] =
    "usage: opcatctl import [--batch N] [--window W] [--acked FILE] "
    "[--json] FILE|-\n"
    "Appends the events of FILE (JSON lines; - reads stdin).  The whole\n"
    "file is checked first: any bad line is reported as FILE:LINE: field:\n"
    "reason, and nothing is appended (the first 20 are shown, then their\n"
    "count).  A line is at most 1 MiB (1048576 bytes); a longer one, a NUL\n"
    "byte or a read error is an error.  Events without an id get one derived\n"
    "from their content, so importing a file twice stores nothing new; an id\n"
    "already stored (or used twice in FILE) with other content is refused.\n"
    "The store checks the cross-references of every line before anything\n"
    "is appended (a validate-only request), so that one run reports every\n"
    "bad line; with --batch N and more than N events, it checks them while\n"
    "appending, request by request.  On a terminal, progress shows on\n"
    "stderr for large files.\n"
    "  --batch N     send N events per atomic request instead of one request\n"
    "  --window W    requests in flight with --batch (default 16)\n"
    "  --acked FILE  append the id of each acknowledged event to FILE\n"
    "  --json        print the counts as JSON\n";

typedef struct {
    size_t batch, window;
    const char *acked;
} import_opts_t;

/*  A bad line kept for the report. */
typedef struct {
    size_t line;
    char message[ERR_MESSAGE_MAX];
} bad_t;

/*  The first IMPORT_ERRORS_SHOWN bad lines of one pass, in line order. */
typedef struct {
    bad_t shown[IMPORT_ERRORS_SHOWN];
    size_t count; /* all of them, shown or not */
} bads_t;

typedef struct {
    const char *path;
    event_t **events;
    size_t *lines; /* line number of each event */
    size_t count, cap;
    long bad;      /* lines refused */
    bads_t local;  /* by the single-event rules */
    bads_t store;  /* by the store's validate-only pass */
    bool progress; /* stderr is a terminal */
} input_t;

typedef struct {
    size_t stored, duplicate, refused, not_stored, failed;
} tally_t;

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    import_opts_t *o = arg;
    unsigned long long n;
    switch (c) {
    case 'b':
        if (ctl_number(value, "--batch", 1, &n, err))
            return -1;
        o->batch = n;
        return 0;
    case 'w':
        if (ctl_number(value, "--window", 1, &n, err))
            return -1;
        o->window = n;
        return 0;
    case 'k':
        o->acked = value;
        return 0;
    default:
        return 1;
    }
}

static int s_push(input_t *in, event_t *e, size_t line)
{
    if (in->count == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 1024;
        event_t **events = realloc(in->events, cap * sizeof *events);
        size_t *lines = events ? realloc(in->lines, cap * sizeof *lines) : NULL;
        if (events)
            in->events = events;
        if (!lines)
            return -1;
        in->lines = lines;
        in->cap = cap;
    }
    in->events[in->count] = e;
    in->lines[in->count++] = line;
    return 0;
}

/*  Parses and checks one line and keeps its event.  Returns 0 if good,
    else 1 with 'err' filled. */
static int s_check_line(input_t *in, const codes_t *codes, char *text,
                        size_t len, err_t *err)
{
    err_clear(err);
    event_t *e = event_from_text(text, len, err);
    if (e && validate_event(codes, e, err) == 0 && !*e->id) {
        char id[EVENT_ID_MAX + 1];
        if (event_derive_id(e, id) || event_set_string(&e->id, id))
            err_set(err, OPCAT_ENOMEM, "", "out of memory");
    }
    if (err->code || !e || s_push(in, e, 0)) {
        if (!err->code)
            err_set(err, OPCAT_ENOMEM, "", "out of memory");
        event_free(&e);
        return 1;
    }
    return 0;
}

/*  Whether the 'len' bytes at 's' are only white space (a NUL is not). */
static int s_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/*  Reads one line of at most IMPORT_LINE_MAX bytes into 'buf' (which holds
    IMPORT_LINE_MAX + 1).  A longer line is consumed without being kept:
    '*too_long' is set.  Returns its length, or -1 at the end of the file
    or on a read error (ferror tells). */
static long s_read_line(FILE *f, char *buf, bool *too_long)
{
    size_t len = 0;
    int c;
    *too_long = false;
    while ((c = getc_unlocked(f)) != EOF) {
        if (len < IMPORT_LINE_MAX)
            buf[len] = (char)c;
        else
            *too_long = true;
        len++;
        if (c == '\n')
            break;
    }
    if (len == 0)
        return -1;
    return *too_long ? IMPORT_LINE_MAX : (long)len;
}

/*  Keeps a bad line's error, or only counts it past IMPORT_ERRORS_SHOWN
    (binary garbage would make thousands). */
static void s_keep_bad(bads_t *b, size_t line, const char *message)
{
    if (b->count < IMPORT_ERRORS_SHOWN) {
        b->shown[b->count].line = line;
        snprintf(b->shown[b->count].message, ERR_MESSAGE_MAX, "%s", message);
    }
    b->count++;
}

static void s_bad_line(input_t *in, size_t line, const char *message)
{
    in->bad++;
    s_keep_bad(&in->local, line, message);
}

/*  Prints the first IMPORT_ERRORS_SHOWN bad lines of both passes in line
    order (each pass is in line order: merge them), then the count of the
    others. */
static void s_print_bad(const input_t *in)
{
    size_t a = 0, b = 0, printed = 0;
    size_t na = in->local.count < IMPORT_ERRORS_SHOWN ? in->local.count
                                                      : IMPORT_ERRORS_SHOWN;
    size_t nb = in->store.count < IMPORT_ERRORS_SHOWN ? in->store.count
                                                      : IMPORT_ERRORS_SHOWN;
    while (printed < IMPORT_ERRORS_SHOWN && (a < na || b < nb)) {
        const bad_t *x = b >= nb || (a < na && in->local.shown[a].line <=
                                                   in->store.shown[b].line)
                             ? &in->local.shown[a++]
                             : &in->store.shown[b++];
        fprintf(stderr, "%s:%zu: %s\n", in->path, x->line, x->message);
        printed++;
    }
    size_t total = in->local.count + in->store.count;
    if (total > printed)
        fprintf(stderr, "%s: %zu more bad lines not shown\n", in->path,
                total - printed);
}

/*  "FILE: N lines read" overwritten in place on a terminal, from
    IMPORT_PROGRESS_FROM lines on; 'done' ends the line. */
static void s_progress(const input_t *in, const char *what, size_t n, size_t of,
                       bool done)
{
    bool large = (of ? of : n) >= IMPORT_PROGRESS_FROM;
    if (!in->progress || !large ||
        (!done && !of && n % IMPORT_PROGRESS_EVERY != 0))
        return;
    if (of)
        fprintf(stderr, "\r%s: %zu of %zu events %s ", in->path, n, of, what);
    else
        fprintf(stderr, "\r%s: %zu lines %s ", in->path, n, what);
    if (done)
        fputc('\n', stderr);
    fflush(stderr);
}

/*  Checks one line read by s_read_line. */
static void s_line(input_t *in, const codes_t *codes, char *text, long len,
                   bool too_long, size_t line)
{
    if (too_long) {
        s_bad_line(in, line,
                   "the line is longer than 1 MiB (1048576 bytes), the "
                   "longest an event may take");
    } else if (memchr(text, '\0', (size_t)len)) {
        s_bad_line(in, line, "the line holds a NUL byte: not JSON text");
    } else if (!s_blank(text, (size_t)len)) {
        err_t err;
        if (s_check_line(in, codes, text, (size_t)len, &err))
            s_bad_line(in, line, err.message);
        else
            in->lines[in->count - 1] = line;
    }
}

/*  Reads and checks the whole input.  Returns the number of bad lines,
    or -1 if the file cannot be read. */
static long s_read(input_t *in, const codes_t *codes)
{
    FILE *f = strcmp(in->path, "-") == 0 ? stdin : fopen(in->path, "r");
    char *text = malloc(IMPORT_LINE_MAX + 1);
    if (!f || !text) {
        perror(in->path);
        free(text);
        if (f && f != stdin)
            fclose(f);
        return -1;
    }
    size_t line = 0;
    long len;
    bool too_long;
    while ((len = s_read_line(f, text, &too_long)) >= 0) {
        s_line(in, codes, text, len, too_long, ++line);
        s_progress(in, "read", line, 0, false);
    }
    s_progress(in, "read", line, 0, true);
    int read_error = ferror(f) ? errno : 0;
    free(text);
    if (f != stdin)
        fclose(f);
    if (read_error) {
        fprintf(stderr,
                "%s: read error after line %zu: %s; nothing was "
                "imported\n",
                in->path, line, strerror(read_error));
        return -1;
    }
    return in->bad;
}

static void s_tally(tally_t *t, const input_t *in, size_t first,
                    const Opcat__V1__AppendReply *reply, FILE *acked)
{
    for (size_t i = 0; i < reply->n_results; i++) {
        const Opcat__V1__AppendResult *r = reply->results[i];
        size_t k = first + i;
        switch (r->status) {
        case OPCAT__V1__APPEND_RESULT__STATUS__STORED:
            t->stored++;
            break;
        case OPCAT__V1__APPEND_RESULT__STATUS__DUPLICATE:
            t->duplicate++;
            break;
        case OPCAT__V1__APPEND_RESULT__STATUS__REFUSED:
            t->refused++;
            fprintf(stderr, "%s:%zu: %s\n", in->path, in->lines[k], r->message);
            break;
        case OPCAT__V1__APPEND_RESULT__STATUS__NOT_STORED:
            t->not_stored++;
            break;
        default:
            t->failed++;
            fprintf(stderr, "%s:%zu: not stored: %s\n", in->path, in->lines[k],
                    r->message);
        }
        if (acked && r->status <= OPCAT__V1__APPEND_RESULT__STATUS__DUPLICATE)
            fprintf(acked, "%s %llu\n", in->events[k]->id,
                    (unsigned long long)r->sequence);
    }
    if (acked)
        fflush(acked);
}

/*  Sends the events in requests of 'batch', 'window' in flight. */
static int s_send(ctl_t *ctl, client_t *client, const input_t *in,
                  const import_opts_t *o, tally_t *t, FILE *acked)
{
    size_t batch = o->batch ? o->batch : (in->count ? in->count : 1);
    size_t sent = 0, inflight = 0;
    uint64_t first_id = 0;
    err_t err;
    while (sent < in->count || inflight) {
        while (sent < in->count && inflight < o->window) {
            size_t n = in->count - sent < batch ? in->count - sent : batch;
            uint64_t id;
            if (client_append_send(client, in->events + sent, n, true, &id,
                                   &err))
                goto fail;
            if (!first_id)
                first_id = id;
            sent += n;
            inflight++;
        }
        Opcat__V1__AppendReply *reply;
        if (client_append_recv(client, ctl->timeout_ms, &reply, &err))
            goto fail;
        if (reply->code) {
            fprintf(stderr, "opcatctl: the store refused the request: %s\n",
                    reply->message);
            opcat__v1__append_reply__free_unpacked(reply, NULL);
            return 1;
        }
        s_tally(t, in, (size_t)(reply->request_id - first_id) * batch, reply,
                acked);
        opcat__v1__append_reply__free_unpacked(reply, NULL);
        inflight--;
        s_progress(in, "acknowledged", t->stored + t->duplicate + t->refused,
                   in->count, false);
    }
    s_progress(in, "acknowledged", in->count, in->count, true);
    return 0;
fail:
    fprintf(stderr,
            "opcatctl: %s; %zu events acknowledged before that (see "
            "--acked)\n",
            err.message, t->stored + t->duplicate);
    return 1;
}

/*  Keeps the store's refusals of a validate-only reply. */
static void s_keep_refused(input_t *in, const Opcat__V1__AppendReply *reply)
{
    for (size_t i = 0; i < reply->n_results && i < in->count; i++) {
        const Opcat__V1__AppendResult *r = reply->results[i];
        if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__REFUSED)
            s_keep_bad(&in->store, in->lines[i], r->message);
    }
}

/*  The store's pass: every event read, checked in one validate-only
    request.  Returns 0 (refusals kept in in->store), or CTL_EXIT_FAILURE
    after reporting why the store could not be asked.  A store that
    cannot take the whole file in one request (over its --max-message)
    leaves the cross-references to the append, with a note. */
static int s_validate(ctl_t *ctl, client_t *client, input_t *in)
{
    err_t err;
    Opcat__V1__AppendReply *reply = NULL;
    int rc = client_validate_send(client, in->events, in->count, NULL, &err);
    if (rc == OPCAT_ETOOBIG) {
        fprintf(stderr,
                "opcatctl: import: cross-references checked while "
                "appending only: %s\n",
                err.message);
        return 0;
    }
    if (!rc)
        rc = client_append_recv(client, ctl->timeout_ms, &reply, &err);
    if (rc)
        return ctl_error(ctl, CTL_EXIT_FAILURE, "failed", "",
                         "%s: %s; nothing was imported", ctl->cfg.append,
                         err.message);
    if (reply->code == OPCAT_ETOOBIG)
        fprintf(stderr,
                "opcatctl: import: cross-references checked while "
                "appending only: %s\n",
                reply->message);
    else if (reply->code)
        rc = ctl_error(ctl, CTL_EXIT_FAILURE, "refused", "",
                       "the store refused the check: %s; nothing was "
                       "imported",
                       reply->message);
    else
        s_keep_refused(in, reply);
    opcat__v1__append_reply__free_unpacked(reply, NULL);
    return rc;
}

static void s_report(const ctl_t *ctl, const input_t *in, const tally_t *t)
{
    if (ctl->json)
        printf("{\"file\":\"%s\",\"events\":%zu,\"accepted\":%zu,"
               "\"duplicate\":%zu,\"refused\":%zu,\"not_stored\":%zu}\n",
               in->path, in->count, t->stored, t->duplicate, t->refused,
               t->not_stored + t->failed);
    else
        printf("%s: %zu events: %zu accepted, %zu duplicate%s\n", in->path,
               in->count, t->stored, t->duplicate,
               t->refused || t->not_stored || t->failed
                   ? "; refused, nothing of the refused requests stored"
                   : "");
}

static void s_free_input(input_t *in)
{
    for (size_t i = 0; i < in->count; i++)
        event_free(&in->events[i]);
    free(in->events);
    free(in->lines);
}

int cmd_import(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"batch", required_argument, NULL, 'b'},
        {"window", required_argument, NULL, 'w'},
        {"acked", required_argument, NULL, 'k'},
        {NULL, 0, NULL, 0}};
    import_opts_t o = {0, 16, NULL};
    int first = ctl_parse(ctl, argc, argv, s_usage, "", longopts, s_option, &o);
    if (first == argc)
        return ctl_usage_error(ctl, "FILE",
                               "FILE is missing (a JSON-lines file, or - for "
                               "stdin)");
    if (first < argc - 1)
        return ctl_usage_error(ctl, argv[first + 1],
                               "unexpected argument \"%.40s\"",
                               argv[first + 1]);
    input_t in = {.path = argv[first], .progress = isatty(2)};
    codes_t *codes = ctl_codes();
    long bad = s_read(&in, codes);
    codes_destroy(&codes);
    if (bad < 0) {
        s_free_input(&in);
        return CTL_EXIT_FAILURE;
    }
    err_t err;
    client_t *client = client_new(ctl->bus, ctl->cfg.append, NULL, &err);
    int rc = client ? ctl_reach(ctl, "store", ctl->cfg.append)
                    : ctl_error(ctl, 1, "failed", "", "%s", err.message);
    /* the check is one request: never bigger than the import's own, so
       that --batch keeps bounding what the store holds at once */
    if (!rc && in.count && (!o.batch || in.count <= o.batch))
        rc = s_validate(ctl, client, &in);
    size_t total = in.local.count + in.store.count;
    if (total) {
        s_print_bad(&in);
        ctl_error(ctl, 1, "invalid", "",
                  "%s: %zu bad line%s; nothing was imported", in.path, total,
                  total == 1 ? "" : "s");
    }
    tally_t t = {0};
    FILE *acked = !rc && !total && o.acked ? fopen(o.acked, "a") : NULL;
    if (!rc && !total)
        rc = s_send(ctl, client, &in, &o, &t, acked);
    if (!rc && !total)
        s_report(ctl, &in, &t);
    client_destroy(&client);
    if (acked)
        fclose(acked);
    s_free_input(&in);
    return rc || total || t.refused || t.not_stored || t.failed ? 1 : 0;
}
