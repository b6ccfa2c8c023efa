/*  opcatctl publish, get, head, ping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <getopt.h>

#include "client.h"
#include "ctl.h"
#include "keys.h"
#include "query.h"
#include "validate.h"

/*  Runs a command that takes no options beyond --json/--help and
    exactly 'nargs' arguments ('what' names them); returns the index of
    the first, or exits CTL_EXIT_USAGE saying what is missing or extra. */
static int s_args(ctl_t *ctl, int argc, char **argv, const char *usage,
                  int nargs, const char *what)
{
    int first = ctl_parse(ctl, argc, argv, usage, "", NULL, NULL, NULL);
    if (argc - first < nargs)
        exit(ctl_usage_error(ctl, what, "%s is missing", what));
    if (argc - first > nargs)
        exit(ctl_usage_error(ctl, argv[first + nargs],
                             "unexpected argument \"%.40s\"",
                             argv[first + nargs]));
    return first;
}

static char *s_read_all(FILE *f, size_t *len)
{
    size_t cap = 4096;
    char *buf = malloc(cap);
    *len = 0;
    size_t n;
    while (buf && (n = fread(buf + *len, 1, cap - *len, f)) > 0) {
        *len += n;
        if (*len == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    return buf;
}

static int s_publish_one(ctl_t *ctl, event_t *e)
{
    err_t err;
    Opcat__V1__AppendReply *reply = NULL;
    client_t *client = client_new(ctl->bus, ctl->cfg.append, NULL, &err);
    if (client && ctl_reach(ctl, "store", ctl->cfg.append)) {
        client_destroy(&client);
        return CTL_EXIT_FAILURE;
    }
    int rc = client ? client_append_send(client, &e, 1, true, NULL, &err) : 1;
    if (!rc)
        rc = client_append_recv(client, ctl->timeout_ms, &reply, &err);
    client_destroy(&client);
    if (rc)
        return ctl_error(ctl, CTL_EXIT_FAILURE, "failed", err.field, "%s",
                         err.message);
    const Opcat__V1__AppendResult *r =
        reply->n_results == 1 ? reply->results[0] : NULL;
    int status = 1;
    if (!r)
        ctl_error(ctl, 1, "refused", "", "%s", reply->message);
    else if (r->status == OPCAT__V1__APPEND_RESULT__STATUS__STORED ||
             r->status == OPCAT__V1__APPEND_RESULT__STATUS__DUPLICATE) {
        const char *what = r->status ? "duplicate" : "stored";
        if (ctl->json)
            printf("{\"status\":\"%s\",\"sequence\":%llu,\"id\":\"%s\"}\n",
                   what, (unsigned long long)r->sequence, e->id);
        else
            printf("%s %llu %s\n", what, (unsigned long long)r->sequence,
                   e->id);
        status = 0;
    } else {
        ctl_error(ctl, 1, "refused", r->field, "refused: %s", r->message);
    }
    opcat__v1__append_reply__free_unpacked(reply, NULL);
    return status;
}

int cmd_publish(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] =
        "usage: opcatctl publish [--json] < EVENT.json\n"
        "Appends the one JSON event read from stdin and prints its "
        "sequence.\n";
    s_args(ctl, argc, argv, usage, 0, "");
    size_t len;
    char *text = s_read_all(stdin, &len);
    err_t err;
    err_clear(&err);
    event_t *e = text ? event_from_text(text, len, &err) : NULL;
    free(text);
    codes_t *codes = ctl_codes();
    if (e && validate_event(codes, e, &err))
        event_free(&e);
    codes_destroy(&codes);
    char id[EVENT_ID_MAX + 1];
    if (e && !*e->id &&
        (event_derive_id(e, id) || event_set_string(&e->id, id)))
        event_free(&e);
    if (!e)
        return ctl_error(ctl, CTL_EXIT_FAILURE, "invalid", err.field,
                         "stdin: %s", err.code ? err.message : "out of memory");
    int rc = s_publish_one(ctl, e);
    event_free(&e);
    return rc;
}

int cmd_get(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] = "usage: opcatctl get [--json] SEQ\n"
                                "Prints the event stored at sequence SEQ.\n";
    int first = s_args(ctl, argc, argv, usage, 1, "SEQ");
    err_t err;
    unsigned long long seq;
    if (ctl_number(argv[first], "SEQ", 1, &seq, &err))
        return ctl_usage_error(ctl, "SEQ", "%s", err.message);
    if (ctl_reach(ctl, "store", ctl->cfg.replay))
        return CTL_EXIT_FAILURE;
    client_page_t page = {0};
    client_t *client = client_new(ctl->bus, NULL, ctl->cfg.replay, &err);
    int rc = client ? client_fetch(client, seq, seq, 1, NULL, ctl->timeout_ms,
                                   &page, &err)
                    : 1;
    if (!rc && page.count == 1) {
        size_t len;
        const uint8_t *data = client_page_event(&page, 0, &len);
        ctl_print_event(ctl, data, len, false);
    } else if (!rc) {
        rc = ctl_error(ctl, 1, "not_found", "SEQ",
                       "no event at sequence %llu (head %llu)", seq,
                       (unsigned long long)page.reply->head);
    } else {
        ctl_error(ctl, 1, "failed", err.field, "%s", err.message);
    }
    client_page_release(&page);
    client_destroy(&client);
    return rc ? 1 : 0;
}

/*  Asks the store for its head; reports a failure (ctl_error) and
    returns CTL_EXIT_FAILURE, else 0. */
static int s_head(ctl_t *ctl, uint64_t *head)
{
    if (ctl_reach(ctl, "store", ctl->cfg.replay))
        return CTL_EXIT_FAILURE;
    err_t err;
    client_t *client = client_new(ctl->bus, NULL, ctl->cfg.replay, &err);
    int rc = client ? client_head(client, ctl->timeout_ms, head, &err) : 1;
    client_destroy(&client);
    if (rc)
        return ctl_error(ctl, CTL_EXIT_FAILURE,
                         rc == OPCAT_ETIMEDOUT ? "timeout" : "failed", "",
                         "%s: %s", ctl->cfg.replay, err.message);
    return 0;
}

int cmd_head(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] = "usage: opcatctl head [--json]\n"
                                "Prints the last committed sequence.\n";
    s_args(ctl, argc, argv, usage, 0, "");
    uint64_t head;
    if (s_head(ctl, &head))
        return CTL_EXIT_FAILURE;
    printf(ctl->json ? "{\"head\":%llu}\n" : "%llu\n",
           (unsigned long long)head);
    return 0;
}

typedef struct {
    const char *service;
    int caught_up;
} ping_opts_t;

static int s_ping_option(void *arg, int c, const char *value, err_t *err)
{
    (void)err;
    ping_opts_t *o = arg;
    if (c == 's')
        o->service = value;
    else if (c == 'c')
        o->caught_up = 1;
    else
        return 1;
    return 0;
}

/*  Pings a consumer service through its query endpoint. */
static int s_ping_service(ctl_t *ctl, const char *service, int caught_up)
{
    int status;
    json_t *reply =
        ctl_query(ctl, service, json_pack("{s:s}", "op", "status"), &status);
    if (!reply)
        return status;
    /* caught up means: has applied everything the store holds now */
    uint64_t head = 0;
    json_int_t position =
        json_integer_value(json_object_get(reply, "position"));
    int ok =
        !caught_up || (s_head(ctl, &head) == 0 && (uint64_t)position >= head);
    char *text = json_dumps(reply, JSON_COMPACT);
    if (ctl->json)
        puts(text);
    else
        printf("%s %s\n", ok ? "ok" : "behind", text);
    free(text);
    json_decref(reply);
    return ok ? 0 : 1;
}

int cmd_ping(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] =
        "usage: opcatctl ping [--service store|reminders|stats|notify] "
        "[--caught-up] [--json]\n"
        "Checks that a service answers within --timeout; exit 0 if it does.\n"
        "  --service S   store (default; its REPLAY endpoint), reminders,\n"
        "                stats or notify (their query endpoints), or the\n"
        "                query endpoint of any consumer (tcp://..., "
        "ipc://...)\n"
        "  --caught-up   exit 1 unless the service has caught up with the "
        "store\n";
    static const struct option longopts[] = {
        {"service", required_argument, NULL, 's'},
        {"caught-up", no_argument, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    ping_opts_t o = {"store", 0};
    int first =
        ctl_parse(ctl, argc, argv, usage, "", longopts, s_ping_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    if (strcmp(o.service, "reminders") == 0 ||
        strcmp(o.service, "stats") == 0 || strcmp(o.service, "notify") == 0 ||
        strstr(o.service, "://")) /* any consumer, e.g. opcat-bridged */
        return s_ping_service(ctl, o.service, o.caught_up);
    if (strcmp(o.service, "store") != 0)
        return ctl_usage_error(ctl, "--service",
                               "--service: \"%.40s\" is not store, "
                               "reminders, stats or notify",
                               o.service);
    uint64_t head;
    if (s_head(ctl, &head))
        return CTL_EXIT_FAILURE;
    printf(ctl->json ? "{\"ok\":true,\"head\":%llu}\n" : "ok head %llu\n",
           (unsigned long long)head);
    return 0;
}

int cmd_keygen(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] =
        "usage: opcatctl keygen NAME\n"
        "Writes a CURVE key pair: NAME.pub (the public key, to put on a "
        "daemon's\n"
        "allow-list: OPCAT_WRITERS or OPCAT_READERS) and NAME.key (public "
        "and\n"
        "secret, mode 0600: the daemon's OPCAT_CURVE_KEY or a client's\n"
        "OPCAT_CURVE_CLIENT_KEY).  Refuses to overwrite.\n";
    int first = s_args(ctl, argc, argv, usage, 1, "NAME");
    err_t err;
    if (keys_generate(argv[first], &err))
        return ctl_error(ctl, CTL_EXIT_FAILURE, "failed", err.field, "%s",
                         err.message);
    printf("wrote %s.key (secret, 0600) and %s.pub\n", argv[first],
           argv[first]);
    return 0;
}
