/*  bench: the benchmark driver behind scripts/bench (never a unit test).

    opcat-bench runs one measurement per invocation and prints one line of
    "name key=value ..." pairs on stdout, which scripts/bench gathers into
    its table.  Every figure it prints is measured in that invocation.

      bench_util.c   clocks, latency samples, the benchmark's events
      bench_store.c  the pipeline: APPEND and REPLAY
      bench_live.c   PUBLISH (end-to-end latency), the query endpoints
      bench_ref.c    the references: raw LMDB, raw libzmq, Redis Streams
      opcat_bench.c  the command line

    Threads are used freely here: one per simulated publisher. */
#ifndef OPCAT_BENCH_H
#define OPCAT_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

/*  Bytes of the benchmark event's packed envelope (200-byte class). */
#define BENCH_EVENT_BYTES 200
/*  How long a reply may take before the run is declared broken. */
#define BENCH_REPLY_TIMEOUT_MS 30000
/*  Publishers at the most. */
#define BENCH_THREADS_MAX 64
/*  Requests in flight per publisher at the most. */
#define BENCH_WINDOW_MAX 4096

/*  What one measurement is asked to do (from the command line). */
typedef struct {
    const char *append_ep, *publish_ep, *replay_ep; /* the store */
    const char *query_ep; /* a consumer's query endpoint */
    const char *query;    /* JSON of the query to time */
    const char *dir;      /* a directory (LMDB runs, the store's env) */
    const char *run;      /* a tag unique to this run, in every id */
    int threads, window;  /* publishers and requests in flight each */
    double seconds;       /* how long a timed run lasts */
    double rate;          /* offered events/s (e2e) */
    uint64_t events;      /* events (or target head for "load") */
    uint64_t batch;       /* events per LMDB commit */
    int port;             /* Redis */
    bool index;           /* raw LMDB: with the store's indexes */
    int mix;              /* load: every mix-th event a report.transmitted */
    int pid;              /* catch-up: the consumer, for its VmHWM */
    uint64_t rss_at;      /* catch-up: read VmHWM once past this position */
} bench_opts_t;

/* ----------------------------------------------------------- bench_util.c */

/*  Monotonic time in ns. */
uint64_t bench_now_ns(void);

/*  A growing list of latency samples in ns. */
typedef struct {
    uint64_t *v;
    size_t n, cap;
} bench_samples_t;

/*  Appends one sample; out of memory drops it (counted in nothing). */
void bench_samples_add(bench_samples_t *self, uint64_t ns);

/*  Moves every sample of 'from' into 'self' and frees 'from's. */
void bench_samples_merge(bench_samples_t *self, bench_samples_t *from);

/*  The 'q' quantile (0..1) in microseconds; sorts the samples. 0 if none. */
double bench_samples_us(bench_samples_t *self, double q);

/*  Frees the samples. */
void bench_samples_free(bench_samples_t *self);

/*  A benchmark event: an envelope whose strings live in the struct, so
    that building one allocates nothing. */
typedef struct {
    event_t env;
    Opcat__V1__FollowupDialogue dialogue;
    Opcat__V1__ReportTransmitted report;
    char id[EVENT_ID_MAX + 1];
    char report_id[48];
    char note[BENCH_EVENT_BYTES];
} bench_event_t;

/*  Fills 'e' as followup.dialogue number 'n' of thread 'thread' of run
    'run', with an id no other event of the run has: "RUN-THREAD-" and 16
    hex digits of a 64-bit mix of 'n' (random-looking, as derived ids are).
    'note' (may be NULL) starts the note; the rest pads the envelope to
    BENCH_EVENT_BYTES. */
void bench_event_fill(bench_event_t *e, const char *run, int thread, uint64_t n,
                      const char *note);

/*  Turns 'e' (filled) into a report.transmitted to its State, with a
    report_id unique in the run (it opens two reminder deadlines). */
void bench_event_report(bench_event_t *e, const char *run, int thread,
                        uint64_t n);

/*  The 64-bit mixing function behind the ids (splitmix64). */
uint64_t bench_mix(uint64_t x);

/*  Prints "name" and then the formatted pairs on one line of stdout. */
void bench_print(const char *name, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*  A KiB figure of /proc/'pid'/status: "VmHWM" (peak resident set,
    counting the pages of LMDB's map the process touched), "RssAnon"
    (its own memory now).  -1 if there is none. */
long bench_status_kib(int pid, const char *field);

/* ----------------------------------------------- bench_store.c, bench_live.c
 */

/*  Durable appends through APPEND: 'threads' publishers, 'window' requests
    of one event in flight each, for 'seconds'.  Reads the number of write
    transactions from the store's environment in 'dir' (read-only) to
    report the effective batch size.  Returns 0 or -1. */
int bench_append(const bench_opts_t *o);

/*  The same publishers as bench_append against a ROUTER of its own that
    decodes each AppendRequest and answers STORED at once: the ceiling of
    the transport and the client.  Returns 0 or -1. */
int bench_ceiling(const bench_opts_t *o);

/*  Appends until the store's head reaches 'events' (16 publishers, 64 in
    flight), every 'mix'-th event a report.transmitted. */
int bench_load(const bench_opts_t *o);

/*  Publish -> subscriber receipt at 'rate' events/s for 'seconds'. */
int bench_e2e(const bench_opts_t *o);

/*  The highest offered rate (doubling, then bisecting) at which a live
    subscriber receives every event, each step 'seconds' long. */
int bench_e2e_max(const bench_opts_t *o);

/*  Reads the whole log through REPLAY from sequence 1. */
int bench_replay(const bench_opts_t *o);

/*  Times 'events' round trips of the JSON 'query' to 'query_ep'. */
int bench_query(const bench_opts_t *o);

/*  Waits until the consumer at 'query_ep' has applied 'events' events,
    reporting the elapsed time and the rate (catch-up). */
int bench_catchup(const bench_opts_t *o);

/* ------------------------------------------------------------ bench_ref.c */

/*  Raw LMDB: 'events' records appended with MDB_APPEND, 'batch' per
    durable commit, with the store's id and State indexes if 'index';
    stops early after 'seconds'. */
int bench_lmdb(const bench_opts_t *o);

/*  The disk's sync latency: up to 'events' (default 2,000) 4 KiB pwrite +
    fdatasync in 'dir', for at most 'seconds'; quantiles. */
int bench_fsync(const bench_opts_t *o);

/*  Raw libzmq DEALER/ROUTER over tcp loopback, 'threads' x 'window'. */
int bench_zmq(const bench_opts_t *o);

/*  Redis Streams XADD of the same event bytes on 127.0.0.1:'port',
    'threads' connections pipelining 'window' commands each. */
int bench_redis(const bench_opts_t *o);

#endif
