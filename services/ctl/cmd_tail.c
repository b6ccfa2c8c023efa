/*  opcatctl tail: catch up through REPLAY, then live from PUBLISH, with no
    gap and no duplicate at the switch-over (common/net/follow.h). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctl.h"
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
    const char *topic;
    uint64_t count;
    int until_head, with_content;
} tail_opts_t;

typedef struct {
    ctl_t *ctl;
    tail_opts_t *opts;
    uint64_t printed;
} tail_t;

static int s_option(void *arg, int c, const char *value)
{
    tail_opts_t *o = arg;
    switch (c) {
    case 'f':
        o->from = ctl_number(value, "--from");
        return o->from == 0;
    case 't':
        o->topic = value;
        return 0;
    case 'n':
        o->count = ctl_number(value, "--count");
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
    if (first != argc) {
        fputs(s_usage, stderr);
        return 1;
    }
    struct sigaction sa = {.sa_handler = s_on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    err_t err;
    follow_t *f = follow_new(ctl->zmq, ctl->cfg.replay, ctl->cfg.publish,
                             o.topic, o.from ? o.from - 1 : UINT64_MAX, &err);
    if (!f) {
        fprintf(stderr, "opcatctl: %s\n", err.message);
        return 1;
    }
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
