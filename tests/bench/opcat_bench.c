/*  opcat-bench: one measurement per run, for scripts/bench.  See bench.h.

    usage: opcat-bench COMMAND [options]; "opcat-bench -h" lists them. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static void s_usage(FILE *out)
{
    fprintf(out,
            "usage: opcat-bench COMMAND [options]\n"
            "Measures one figure of the pipeline or of a reference and "
            "prints it as\n"
            "one line of key=value pairs (scripts/bench builds the table).\n"
            "\n"
            "commands:\n"
            "  append   durable appends for -s seconds: -c publishers x -w "
            "in flight\n"
            "  load     appends until the head is -n (every -m-th a "
            "report.transmitted)\n"
            "  e2e      publish -> subscriber latency at -t events/s for -s "
            "seconds\n"
            "  e2e-max  highest rate (from -t, doubling) with no event lost "
            "live\n"
            "  replay   the whole log through REPLAY, -w pages in flight\n"
            "  query    -n round trips of the JSON -j to the endpoint -q\n"
            "  catchup  waits until the consumer at -q has applied -n "
            "events\n"
            "  lmdb     raw LMDB: -n records, -b per durable commit, -i with "
            "indexes, in -D\n"
            "  zmq      raw DEALER/ROUTER on tcp loopback: -c x -w, -s "
            "seconds\n"
            "  ceiling  append's publishers against a ROUTER that decodes "
            "each request\n"
            "           and answers STORED at once: -c x -w, -s seconds\n"
            "  redis    XADD to 127.0.0.1:-P: -c connections x -w pipelined, "
            "-s seconds\n"
            "  fsync    -n (2000) 4 KiB pwrite + fdatasync in -D, each timed\n"
            "options:\n"
            "  -a EP -p EP -r EP  the store's APPEND, PUBLISH, REPLAY "
            "[$OPCAT_APPEND, ...]\n"
            "  -q EP   a consumer's query endpoint     -j JSON  the query\n"
            "  -D DIR  a directory (lmdb; for append, the store's env)\n"
            "  -R TAG  a tag unique to this run, in every event id [bench]\n"
            "  -c N    publishers [1]   -w N  in flight each [1]   -s SECS "
            "[5]\n"
            "  -t N    events/s [1000]  -n N  events              -b N  "
            "batch [1]\n"
            "  -P PORT Redis port       -i    with indexes         -m N  "
            "mix\n"
            "  -k PID  the consumer (catchup: its VmHWM)   -x N  read VmHWM "
            "past N\n");
}

static const char *s_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

static void s_option(bench_opts_t *o, int c)
{
    switch (c) {
    case 'a':
        o->append_ep = optarg;
        break;
    case 'p':
        o->publish_ep = optarg;
        break;
    case 'r':
        o->replay_ep = optarg;
        break;
    case 'q':
        o->query_ep = optarg;
        break;
    case 'j':
        o->query = optarg;
        break;
    case 'D':
        o->dir = optarg;
        break;
    case 'R':
        o->run = optarg;
        break;
    case 'c':
        o->threads = atoi(optarg);
        break;
    case 'w':
        o->window = atoi(optarg);
        break;
    case 's':
        o->seconds = atof(optarg);
        break;
    case 't':
        o->rate = atof(optarg);
        break;
    case 'n':
        o->events = strtoull(optarg, NULL, 10);
        break;
    case 'b':
        o->batch = strtoull(optarg, NULL, 10);
        break;
    case 'P':
        o->port = atoi(optarg);
        break;
    case 'i':
        o->index = true;
        break;
    case 'm':
        o->mix = atoi(optarg);
        break;
    case 'k':
        o->pid = atoi(optarg);
        break;
    case 'x':
        o->rss_at = strtoull(optarg, NULL, 10);
        break;
    case 'h':
        s_usage(stdout);
        exit(0);
    default:
        s_usage(stderr);
        exit(1);
    }
}

static void s_parse(int argc, char **argv, bench_opts_t *o)
{
    *o = (bench_opts_t){.append_ep = s_env("OPCAT_APPEND"),
                        .publish_ep = s_env("OPCAT_PUBLISH"),
                        .replay_ep = s_env("OPCAT_REPLAY"),
                        .run = "bench",
                        .threads = 1,
                        .window = 1,
                        .seconds = 5,
                        .rate = 1000};
    int c;
    while ((c = getopt(argc, argv, "a:p:r:q:j:D:R:c:w:s:t:n:b:P:im:k:x:h")) !=
           -1)
        s_option(o, c);
    if (o->threads < 1 || o->threads > BENCH_THREADS_MAX || o->window < 1 ||
        o->window > BENCH_WINDOW_MAX || o->seconds <= 0 || o->rate <= 0) {
        fprintf(stderr, "opcat-bench: -c 1..%d, -w 1..%d, -s and -t > 0\n",
                BENCH_THREADS_MAX, BENCH_WINDOW_MAX);
        exit(1);
    }
}

typedef struct {
    const char *name;
    int (*run)(const bench_opts_t *o);
} command_t;

static const command_t s_commands[] = {
    {"append", bench_append},   {"load", bench_load},
    {"e2e", bench_e2e},         {"e2e-max", bench_e2e_max},
    {"replay", bench_replay},   {"query", bench_query},
    {"catchup", bench_catchup}, {"lmdb", bench_lmdb},
    {"zmq", bench_zmq},         {"redis", bench_redis},
    {"fsync", bench_fsync},     {"ceiling", bench_ceiling}};

int main(int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') {
        s_usage(argc >= 2 && strcmp(argv[1], "-h") == 0 ? stdout : stderr);
        return argc >= 2 && strcmp(argv[1], "-h") == 0 ? 0 : 1;
    }
    signal(SIGPIPE, SIG_IGN);
    const char *name = argv[1];
    bench_opts_t o;
    s_parse(argc - 1, argv + 1, &o);
    for (size_t i = 0; i < sizeof s_commands / sizeof s_commands[0]; i++)
        if (strcmp(s_commands[i].name, name) == 0)
            return s_commands[i].run(&o) ? 1 : 0;
    fprintf(stderr, "opcat-bench: unknown command \"%s\"\n", name);
    s_usage(stderr);
    return 1;
}
