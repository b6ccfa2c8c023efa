/*  opcat-bench-aggregated: the measuring half of scripts/bench-aggregated
    (a benchmark command, not a test).

      opcat-bench-aggregated replay          replays the whole store
                                             through REPLAY; prints events/s
      opcat-bench-aggregated query N [OP]    N queries (stats, or OP: state,
                                             art17) at random as-of dates
                                             from 2008 to 2026; prints p50,
                                             p99 and max in ms
      opcat-bench-aggregated rss PID         prints VmRSS, RssAnon, RssFile
                                             of process PID in MiB

    Endpoints come from the OPCAT_* variables (common/base/cfg.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cfg.h"
#include "client.h"
#include "date.h"
#include "monotime.h"
#include "query.h"

static int s_replay(const cfg_t *cfg, bus_t *bus)
{
    err_t err;
    client_t *client = client_new(bus, NULL, cfg->replay, &err);
    uint64_t head = 0, next = 1, count = 0;
    if (!client || client_head(client, 5000, &head, &err)) {
        fprintf(stderr, "replay: %s\n", err.message);
        client_destroy(&client);
        return 1;
    }
    client_page_t page = {0};
    double t0 = monotime_s();
    while (next <= head) {
        if (client_fetch(client, next, 0, 4096, NULL, 10000, &page, &err)) {
            fprintf(stderr, "replay: %s\n", err.message);
            break;
        }
        if (page.count == 0)
            break;
        count += page.count;
        next += page.count;
        client_page_clear(&page);
    }
    double secs = monotime_s() - t0;
    printf("store replay: %llu events in %.2f s = %.0f events/s\n",
           (unsigned long long)count, secs, (double)count / secs);
    client_page_release(&page);
    client_destroy(&client);
    return count == head ? 0 : 1;
}

static int s_compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static json_t *s_request(const char *op, unsigned *seed)
{
    int32_t first = date_from_ymd(2008, 1, 1);
    int32_t day = first + (int32_t)(rand_r(seed) % (19 * 365));
    char text[DATE_TEXT_LEN];
    date_format(day, text);
    static const char *const states[] = {"PER", "FRA", "GBR", "MEX", "NGA",
                                         "AUS", "SEN", "BRA", "KAZ", "TUN"};
    json_t *req = json_pack("{s:s,s:s}", "op", op, "as_of", text);
    if (strcmp(op, "state") == 0)
        json_object_set_new(req, "state",
                            json_string(states[rand_r(seed) % 10]));
    return req;
}

static int s_query(const cfg_t *cfg, bus_t *bus, int n, const char *op)
{
    double *ms = calloc((size_t)n, sizeof *ms);
    unsigned seed = 12345;
    int failures = 0;
    for (int i = 0; i < n && ms; i++) {
        json_t *req = s_request(op, &seed), *reply = NULL;
        err_t err;
        double t0 = monotime_s();
        if (query_call(bus, cfg->stats, req, 10000, &reply, &err)) {
            fprintf(stderr, "query: %s\n", err.message);
            failures++;
        }
        ms[i] = (monotime_s() - t0) * 1000;
        json_decref(req);
        json_decref(reply);
    }
    if (!ms)
        return 1;
    qsort(ms, (size_t)n, sizeof *ms, s_compare);
    printf("%s query (random as-of, round trip incl. connect): n=%d "
           "p50=%.2f ms p99=%.2f ms max=%.2f ms\n",
           op, n, ms[n / 2], ms[(n * 99) / 100], ms[n - 1]);
    free(ms);
    return failures ? 1 : 0;
}

static int s_rss(const char *pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return 1;
    }
    printf("rss of %s:", pid);
    while (fgets(line, sizeof line, f)) {
        long kb;
        char name[32];
        if (sscanf(line, "%31[^:]: %ld kB", name, &kb) == 2 &&
            (!strcmp(name, "VmRSS") || !strcmp(name, "RssAnon") ||
             !strcmp(name, "RssFile")))
            printf(" %s=%.1f MiB", name, (double)kb / 1024);
    }
    putchar('\n');
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    cfg_t cfg = {0};
    cfg_fill(&cfg);
    if (argc >= 3 && strcmp(argv[1], "rss") == 0)
        return s_rss(argv[2]);
    err_t err;
    bus_t *bus = bus_new(&err);
    if (!bus) {
        fprintf(stderr, "opcat-bench-aggregated: %s\n", err.message);
        return 1;
    }
    int rc = 1;
    if (argc >= 2 && strcmp(argv[1], "replay") == 0)
        rc = s_replay(&cfg, bus);
    else if (argc >= 3 && strcmp(argv[1], "query") == 0)
        rc = s_query(&cfg, bus, atoi(argv[2]) > 0 ? atoi(argv[2]) : 1000,
                     argc >= 4 ? argv[3] : "stats");
    else
        fprintf(stderr, "usage: opcat-bench-aggregated replay | query N "
                        "[stats|state|art17] | rss PID\n");
    bus_destroy(&bus);
    return rc;
}
