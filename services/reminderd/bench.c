/*  opcat-bench-reminders: the measuring half of scripts/bench-reminders.

      load N FIRST     appends N report.transmitted events (reports
                       B<FIRST>..; to NPMs, one reply deadline each, dated
                       from 2030-01-01 over ten years) and prints events/s
      replay           replays the whole store (REPLAY, 4096 a page) and
                       prints the store's replay rate
      wait FROM HEAD PID  waits until opcat-reminderd (OPCAT_REMINDERS),
                       started at checkpoint FROM, has applied HEAD and is
                       idle, then prints the time it took, events/s and
                       the RSS of process PID
      raw N            the floor under catch-up: the keys the service
                       writes for N such reports (a fact, a deadline and
                       a by_day entry each), put straight into a fresh
                       LMDB environment with the service's settings, in
                       transactions of 16,384 like its catch-up; no
                       decoding, no lookups, no staging
      scan DAY...      opens the service's state (OPCAT_DATA/reminders;
                       the daemon stopped) and times finding what is due on
                       each DAY through the by_day index, then a walk of
                       the whole index for comparison

    Not a test: it prints figures for docs/REMINDERS.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "cfg.h"
#include "client.h"
#include "date.h"
#include "monotime.h"
#include "proj.h"
#include "query.h"

#define LOAD_BATCH 1000
#define RAW_BATCH 16384
#define LOAD_WINDOW 8

static event_t *s_report(unsigned long i)
{
    static const char *const states[] = {"PER", "FRA", "DEU", "BRA",
                                         "MEX", "ARG", "CHL", "ITA"};
    char text[256], day[DATE_TEXT_LEN];
    date_format(date_from_ymd(2030, 1, 1) + (int32_t)(i % 3650), day);
    snprintf(text, sizeof text,
             "{\"type\":\"report.transmitted\",\"occurred_on\":\"%s\","
             "\"state\":\"%s\",\"report_id\":\"B%lu\",\"recipient\":\"npm\","
             "\"id\":\"bench-%lu\"}",
             day, states[i % 8], i, i);
    err_t err;
    event_t *e = event_from_text(text, strlen(text), &err);
    if (!e)
        fprintf(stderr, "bench: %s\n", err.message);
    return e;
}

/*  Receives one append reply; exits on failure. */
static void s_ack(client_t *client)
{
    Opcat__V1__AppendReply *reply;
    err_t err;
    if (client_append_recv(client, 60000, &reply, &err)) {
        fprintf(stderr, "bench: %s\n", err.message);
        exit(1);
    }
    for (size_t i = 0; i < reply->n_results; i++)
        if (reply->results[i]->status > 1) {
            fprintf(stderr, "bench: refused: %s\n", reply->results[i]->message);
            exit(1);
        }
    opcat__v1__append_reply__free_unpacked(reply, NULL);
}

static int s_load(bus_t *bus, const cfg_t *cfg, unsigned long n,
                  unsigned long first)
{
    err_t err;
    client_t *client = client_new(bus, cfg->append, NULL, &err);
    if (!client)
        return fprintf(stderr, "bench: %s\n", err.message), 1;
    event_t *batch[LOAD_BATCH];
    int inflight = 0;
    double t0 = monotime_s();
    for (unsigned long i = 0; i < n; i += LOAD_BATCH) {
        size_t count = n - i < LOAD_BATCH ? n - i : LOAD_BATCH;
        for (size_t k = 0; k < count; k++)
            if (!(batch[k] = s_report(first + i + k)))
                return 1;
        if (client_append_send(client, batch, count, false, NULL, &err))
            return fprintf(stderr, "bench: %s\n", err.message), 1;
        for (size_t k = 0; k < count; k++)
            event_free(&batch[k]);
        if (++inflight == LOAD_WINDOW)
            s_ack(client), inflight--;
    }
    while (inflight--)
        s_ack(client);
    double dt = monotime_s() - t0;
    printf("load: %lu events appended in %.2f s (%.0f events/s)\n", n, dt,
           (double)n / dt);
    client_destroy(&client);
    return 0;
}

static int s_replay(bus_t *bus, const cfg_t *cfg)
{
    err_t err;
    client_t *client = client_new(bus, NULL, cfg->replay, &err);
    client_page_t page = {0};
    uint64_t head = 0, from = 1, events = 0;
    if (!client || client_head(client, 5000, &head, &err))
        return fprintf(stderr, "bench: %s\n", err.message), 1;
    double t0 = monotime_s();
    while (from <= head) {
        if (client_fetch(client, from, 0, 4096, NULL, 30000, &page, &err))
            return fprintf(stderr, "bench: %s\n", err.message), 1;
        events += page.count;
        from = page.reply->next;
        if (!page.count)
            break;
    }
    double dt = monotime_s() - t0;
    printf("store replay: %llu events in %.2f s (%.0f events/s)\n",
           (unsigned long long)events, dt, (double)events / dt);
    client_page_release(&page);
    client_destroy(&client);
    return 0;
}

/*  Prints the VmRSS, RssAnon and RssFile lines of process 'pid'. */
static void s_print_rss(const char *pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%s/status", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    printf("rss of %s:", pid);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS", 5) || !strncmp(line, "RssAnon", 7) ||
            !strncmp(line, "RssFile", 7) || !strncmp(line, "VmHWM", 5)) {
            line[strcspn(line, "\n")] = '\0';
            printf("  %s", line);
        }
    printf("\n");
    fclose(f);
}

static int s_wait(bus_t *bus, const cfg_t *cfg, unsigned long long from,
                  unsigned long long head, const char *pid)
{
    double t0 = monotime_s();
    json_t *req = json_pack("{s:s}", "op", "service");
    json_int_t position = 0;
    for (;;) {
        json_t *reply = NULL;
        err_t err;
        if (query_call(bus, cfg->reminders, req, 2000, &reply, &err) == 0) {
            position = json_integer_value(json_object_get(reply, "position"));
            bool idle = json_is_true(json_object_get(reply, "idle"));
            json_decref(reply);
            if ((unsigned long long)position >= head && idle)
                break;
        }
        usleep(20000);
    }
    json_decref(req);
    double dt = monotime_s() - t0;
    printf("catch-up: %llu events applied in %.2f s (%.0f events/s)\n",
           head - from, dt, (double)(head - from) / dt);
    s_print_rss(pid);
    return 0;
}

typedef struct {
    kv_t *kv;
    unsigned long first, count;
} raw_arg_t;

/*  One transaction of 'raw': report B<i>'s fact, its NPM reply deadline
    and its by_day entry, keyed and sized as proj.c keys them. */
static int s_raw_txn(void *arg, MDB_txn *txn)
{
    raw_arg_t *a = arg;
    uint8_t key[64], value[36] = {0};
    int rc = 0;
    for (unsigned long i = a->first; !rc && i < a->first + a->count; i++) {
        int len = snprintf((char *)key + 5, sizeof key - 5, "B%lu", i);
        key[4] = 'R';
        MDB_val k = {1 + (size_t)len, key + 4}, v = {36, value};
        rc = mdb_put(txn, kv_dbi(a->kv, 0), &k, &v, 0);
        key[4] = (uint8_t)REM_RULE_NPM_REPLY;
        v.mv_size = 20;
        rc = rc ? rc : mdb_put(txn, kv_dbi(a->kv, 1), &k, &v, 0);
        date_key_put(key, date_from_ymd(2030, 7, 1) + (int32_t)(i % 3650));
        k = (MDB_val){5 + (size_t)len, key}, v = (MDB_val){0, value};
        rc = rc ? rc : mdb_put(txn, kv_dbi(a->kv, 2), &k, &v, 0);
    }
    return rc;
}

static int s_raw(const cfg_t *cfg, unsigned long n)
{
    static const char *const dbs[] = {"facts", "deadlines", "by_day"};
    char dir[4096];
    err_t err;
    snprintf(dir, sizeof dir, "%s/raw-reference", cfg->data);
    if (mkdir(dir, 0755) && errno != EEXIST)
        return fprintf(stderr, "bench: %s: %s\n", dir, strerror(errno)), 1;
    kv_t *kv = kv_open(dir, dbs, NULL, 3, &err);
    if (!kv)
        return fprintf(stderr, "bench: %s\n", err.message), 1;
    double t0 = monotime_s();
    raw_arg_t a = {kv, 0, 0};
    for (; a.first < n; a.first += a.count) {
        a.count = n - a.first < RAW_BATCH ? n - a.first : RAW_BATCH;
        if (kv_write(kv, s_raw_txn, &a, &err))
            return fprintf(stderr, "bench: %s\n", err.message), 1;
    }
    double dt = monotime_s() - t0;
    printf("raw LMDB, the same keys: %lu reports in %.2f s (%.0f events/s)\n",
           n, dt, (double)n / dt);
    kv_destroy(&kv);
    return 0;
}

static int s_count(void *arg, MDB_txn *txn, const rem_deadline_t *d)
{
    (void)txn, (void)d;
    (*(size_t *)arg)++;
    return 0;
}

typedef struct {
    kv_t *kv;
    int32_t day;
    size_t found, deadlines, open, fired;
} scan_arg_t;

static int s_scan_txn(void *arg, MDB_txn *txn)
{
    scan_arg_t *a = arg;
    a->found = 0;
    rem_proj_counts(a->kv, txn, &a->deadlines, &a->open, &a->fired);
    return rem_proj_due(a->kv, txn, a->day, SIZE_MAX, s_count, &a->found, NULL);
}

static int s_scan(const cfg_t *cfg, int argc, char **argv)
{
    char dir[4096];
    err_t err;
    snprintf(dir, sizeof dir, "%s/reminders", cfg->data);
    kv_t *kv = kv_open(dir, rem_proj_dbs(), NULL, REM_DB_COUNT, &err);
    if (!kv)
        return fprintf(stderr, "bench: %s\n", err.message), 1;
    for (int i = 0; i <= argc; i++) {
        scan_arg_t a = {.kv = kv, .day = REM_NEVER - 1};
        const char *label = i < argc ? argv[i] : "(whole index)";
        if (i < argc && !date_parse(argv[i], &a.day))
            return fprintf(stderr, "bench: bad day %s\n", argv[i]), 1;
        double best = 1e9, first = 0;
        for (int round = 0; round < 5; round++) {
            double t0 = monotime_s();
            if (kv_read(kv, s_scan_txn, &a, &err))
                return fprintf(stderr, "bench: %s\n", err.message), 1;
            double dt = (monotime_s() - t0) * 1000;
            first = round ? first : dt;
            best = dt < best ? dt : best;
        }
        printf("due scan %s: %zu found of %zu open deadlines (%zu in all, "
               "%zu fired): first %.2f ms, best of 5 %.2f ms\n",
               label, a.found, a.open, a.deadlines, a.fired, first, best);
    }
    kv_destroy(&kv);
    return 0;
}

int main(int argc, char **argv)
{
    cfg_t cfg = {0};
    cfg_fill(&cfg);
    if (argc >= 2 && strcmp(argv[1], "scan") == 0)
        return s_scan(&cfg, argc - 2, argv + 2);
    if (argc == 3 && strcmp(argv[1], "raw") == 0)
        return s_raw(&cfg, strtoul(argv[2], NULL, 10));
    err_t err;
    bus_t *bus = bus_new(&err);
    if (!bus) {
        fprintf(stderr, "opcat-bench-reminders: %s\n", err.message);
        return 1;
    }
    int rc = 1;
    if (argc == 4 && strcmp(argv[1], "load") == 0)
        rc = s_load(bus, &cfg, strtoul(argv[2], NULL, 10),
                    strtoul(argv[3], NULL, 10));
    else if (argc == 2 && strcmp(argv[1], "replay") == 0)
        rc = s_replay(bus, &cfg);
    else if (argc == 5 && strcmp(argv[1], "wait") == 0)
        rc = s_wait(bus, &cfg, strtoull(argv[2], NULL, 10),
                    strtoull(argv[3], NULL, 10), argv[4]);
    else
        fprintf(stderr, "usage: opcat-bench-reminders load N FIRST | replay "
                        "| wait FROM HEAD PID | raw N | scan DAY...\n");
    bus_destroy(&bus);
    return rc;
}
