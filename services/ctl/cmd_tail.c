/*  opcatctl tail: catch up through REPLAY, then live from PUBLISH, with no
    gap and no duplicate at the switch-over (common/net/follow.h). */
#include <ctype.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "event.h"
#include "follow.h"

static volatile sig_atomic_t s_stop;

static void s_on_signal(int sig)
{
    (void)sig;
    s_stop = 1;
}

static const char s_usage[] =
    "usage: opcatctl tail [--from SEQ] [--topic PREFIX] [--count N] "
    "[--until-head] [--with-content] [--json]\n"
    "Prints events as they are committed.  --from SEQ first replays the log\n"
    "from SEQ; without it only new events are shown.  --topic keeps events\n"
    "whose topic (TYPE/STATE, e.g. report.transmitted/PER) starts with\n"
    "PREFIX.  --count stops after N events, --until-head once caught up.\n"
    "Report content (confidential, OPCAT art. 16) is left out unless\n"
    "--with-content is given.\n";

typedef struct {
    uint64_t from;
    char topic[EVENT_TOPIC_MAX]; /* "" for every event */
    uint64_t count;
    int until_head, with_content;
} tail_opts_t;

typedef struct {
    ctl_t *ctl;
    tail_opts_t *opts;
    uint64_t printed;
} tail_t;

/*  Checks --topic TYPE[/STATE]: the State part, when there is one, in
    capitals ("report.transmitted/per" is .../PER), a prefix of a code
    and, when whole, a known one: "x/ZZZ" would match nothing. */
static int s_topic(const char *value, char out[EVENT_TOPIC_MAX], err_t *err)
{
    if (strlen(value) >= EVENT_TOPIC_MAX)
        return err_set(err, OPCAT_EINVAL, "--topic",
                       "--topic: longer than a topic (%d bytes)",
                       EVENT_TOPIC_MAX - 1);
    snprintf(out, EVENT_TOPIC_MAX, "%s", value);
    char *state = strchr(out, '/');
    if (!state)
        return 0;
    size_t len = strlen(++state);
    for (size_t i = 0; i < len; i++)
        if (!isalpha((unsigned char)state[i]) || i >= 3)
            return err_set(err, OPCAT_EINVAL, "--topic",
                           "--topic: \"%.40s\" after the / is not (the start "
                           "of) an ISO 3166-1 alpha-3 code",
                           state);
    char code[4];
    if (len == 3 && ctl_state_code(state, "--topic", code, err))
        return -1;
    for (size_t i = 0; i < len; i++)
        state[i] = (char)toupper((unsigned char)state[i]);
    return 0;
}

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    tail_opts_t *o = arg;
    unsigned long long n;
    switch (c) {
    case 'f':
        if (ctl_number(value, "--from", 1, &n, err))
            return -1;
        o->from = n;
        return 0;
    case 't':
        return s_topic(value, o->topic, err);
    case 'n':
        if (ctl_number(value, "--count", 0, &n, err))
            return -1;
        o->count = n;
        return 0;
    case 'u':
        o->until_head = 1;
        return 0;
    case 'c':
        o->with_content = 1;
        return 0;
    default:
        return 1;
    }
}

static int s_print(void *arg, const follow_event_t *events, size_t count)
{
    tail_t *t = arg;
    for (size_t i = 0; i < count; i++) {
        if (t->opts->count && t->printed >= t->opts->count)
            break;
        ctl_print_event(t->ctl, events[i].data, events[i].len,
                        t->opts->with_content);
        t->printed++;
    }
    fflush(stdout);
    return 0;
}

int cmd_tail(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from", required_argument, NULL, 'f'},
        {"topic", required_argument, NULL, 't'},
        {"count", required_argument, NULL, 'n'},
        {"until-head", no_argument, NULL, 'u'},
        {"with-content", no_argument, NULL, 'c'},
        {NULL, 0, NULL, 0}};
    tail_opts_t o = {0};
    int first = ctl_parse(ctl, argc, argv, s_usage, "", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    if (ctl_reach(ctl, "store", ctl->cfg.replay))
        return CTL_EXIT_FAILURE;
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    err_t err;
    follow_t *f = follow_new(ctl->bus, ctl->cfg.replay, ctl->cfg.publish,
                             o.topic[0] ? o.topic : NULL,
                             o.from ? o.from - 1 : UINT64_MAX, &err);
    if (!f)
        return ctl_error(ctl, CTL_EXIT_FAILURE, "failed", err.field, "%s",
                         err.message);
    tail_t t = {ctl, &o, 0};
    zmq_pollitem_t items[2];
    follow_poll_items(f, items);
    while (!s_stop && !(o.count && t.printed >= o.count)) {
        if (o.until_head && follow_caught_up(f))
            break;
        if (zmq_poll(items, 2, 200) < 0 && zmq_errno() != EINTR)
            break;
        follow_handle(f, items, s_print, &t);
    }
    if (follow_holes(f))
        fprintf(stderr,
                "opcatctl: tail: %llu hole(s) in the live stream (messages "
                "dropped on the way) filled in through REPLAY\n",
                (unsigned long long)follow_holes(f));
    follow_destroy(&f);
    return 0;
}
