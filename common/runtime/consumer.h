/*  consumer: the loop shared by every daemon that follows the store.

    A consumer (opcat-reminderd, opcat-aggregated, ...) keeps a projection
    of the event stream in its own LMDB environment (kv.h).  This module
    runs its whole life: open the environment (emptying it for --rebuild),
    read the checkpoint, follow the store from there (follow.h: catch-up
    through REPLAY, live from PUBLISH, holes filled), apply each batch of
    events and move the checkpoint in ONE write transaction, answer
    queries on a ROUTER (query.h), and call a timer.  All in one zmq_poll
    loop (loop.h), until the stop flag is set; the daemon adds its own
    sockets, descriptors and timers to the same loop (spec->start).  Once caught
   up after big catch-up transactions it gives their memory back (the
   environment is reopened to free LMDB's pool of dirty pages).

    Because the batch and the checkpoint commit together, a crash at any
    point loses nothing and applies nothing twice: on restart the consumer
    resumes after the last committed checkpoint. */
#ifndef OPCAT_CONSUMER_H
#define OPCAT_CONSUMER_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "cfg.h"
#include "err.h"
#include "event.h"
#include "kv.h"
#include "loop.h"

typedef struct consumer consumer_t;

/*  Events per catch-up transaction a daemon uses unless told otherwise
    (--catch-up-batch), and the most it accepts.  A transaction writes each
    page the projection touches once, so bigger ones write less per event:
    65,536 caught up 1.1-1.5x faster than one replay page of 16,384 in the
    aggregation service and 1.1-1.4x in the reminder service on
    scripts/bench's mix (docs/AGGREGATES.md, docs/REMINDERS.md, runs of
    2026-11-27); the gathered
    events and LMDB's dirty pages are held meanwhile (a peak of tens of MiB)
    and given back once caught up. */
#define CONSUMER_CATCH_UP_BATCH 65536
#define CONSUMER_CATCH_UP_BATCH_TEXT "65536"
#define CONSUMER_CATCH_UP_BATCH_MAX 4194304

/*  What a consumer is: its databases and its callbacks.  'arg' is passed
    to every callback. */
typedef struct {
    const char *name;         /* for logs, e.g. "reminders" */
    const char *subdir;       /* its environment: OPCAT_DATA/subdir */
    const char *const *dbs;   /* database names */
    const unsigned *db_flags; /* mdb_dbi_open flags per database, or NULL */
    size_t db_count;
    const char *query_endpoint; /* ROUTER for queries, or NULL */
    /*  Catch-up only: gather replay pages until this many events and apply
        them in one transaction (0: one transaction per delivered page, at
        most the store's 16,384).  Bigger transactions write each page a
        projection touches once for more events; the gathered events are
        copied and held until they commit.  Live events and the end of a
        catch-up commit at once. */
    size_t catch_up_batch;

    /*  Applies one event inside the batch's write transaction.  Returns 0,
        or a code that aborts the batch (it is offered again): an OPCAT
        code, or an mdb_* call's code as it came, which kv_write translates
        (kv.h). */
    int (*apply)(void *arg, consumer_t *consumer, MDB_txn *txn,
                 const event_t *event);
    /*  Called in the batch's transaction before its first event and
        after its last (before the checkpoint moves); either may be NULL.
        A consumer that defers writes (collects a batch's changes and
        writes each key once) resets in batch_begin and writes in
        batch_end.  A failed batch is offered again from batch_begin. */
    int (*batch_begin)(void *arg, consumer_t *consumer, MDB_txn *txn);
    int (*batch_end)(void *arg, consumer_t *consumer, MDB_txn *txn);
    /*  Called once caught up after catch-up transactions, before the
        consumer trims the heap: gives back buffers sized for those
        batches (live batches are small).  May be NULL. */
    void (*release)(void *arg, consumer_t *consumer);
    /*  Adds the daemon's own families to the metric set 'set' of a
        "metrics" query (metrics.h), after the runtime's.  Returns 0 or a
        code with 'err' (the query is answered with the error).  May be
        NULL. */
    int (*metrics)(void *arg, consumer_t *consumer, json_t *set, err_t *err);
    /*  Answers one query (query.h); may be NULL.  "ping", "status" and
        "metrics" are the runtime's. */
    json_t *(*query)(void *arg, consumer_t *consumer, const json_t *request,
                     err_t *err);
    /*  Called at least once a second and soon after each applied batch;
        may be NULL.  Returns how many ms until it wants to be called
        again (0: at the next wake-up). */
    int (*tick)(void *arg, consumer_t *consumer);
    /*  Called once the consumer's own sockets are in 'loop', before it
        runs: the daemon adds its sockets (on consumer_bus()),
        descriptors and timers.  Returns 0, or a code that ends the run
        (log why first).  May be NULL. */
    int (*start)(void *arg, consumer_t *consumer, loop_t *loop);
    /*  Called when the loop has ended, before the context is terminated:
        the daemon closes what it added.  May be NULL. */
    void (*stop)(void *arg, consumer_t *consumer, loop_t *loop);
    void *arg;
} consumer_spec_t;

/*  Runs the consumer until '*stop' is set.  'rebuild' empties its state
    first and replays from sequence 1.  Returns 0 after a clean stop, or a
    negative code if it could not start (logged). */
int consumer_run(const consumer_spec_t *spec, const cfg_t *cfg, bool rebuild,
                 volatile sig_atomic_t *stop);

/*  The bus every socket of the daemon shares: one ZeroMQ context and the
    client keys read at start (valid from spec->start until spec->stop
    returns). */
bus_t *consumer_bus(consumer_t *self);

/*  The loop (valid from spec->start until spec->stop returns). */
loop_t *consumer_loop(consumer_t *self);

/*  Runs spec->tick at the next wake-up (e.g. when an awaited answer came). */
void consumer_tick_soon(consumer_t *self);

/*  The consumer's environment (for reads in queries and ticks). */
kv_t *consumer_kv(consumer_t *self);

/*  The checkpoint: the last sequence applied. */
uint64_t consumer_position(const consumer_t *self);

/*  Whether the consumer has caught up with the store's head. */
bool consumer_caught_up(const consumer_t *self);

/*  The store's head as last heard. */
uint64_t consumer_known_head(const consumer_t *self);

/*  Adds the consumer's status (position, head, lag, caught_up, holes) to
    'object'; for a "status" query. */
void consumer_status(const consumer_t *self, json_t *object);

/*  The answer to a "metrics" query: {"metrics": SET} (metrics.h) with
    the events applied, the position, head and lag, the age of the last
    event applied (from its recorded_at; absent until one is applied in
    this run), the commit and query latency histograms, the process and
    the build, then spec->metrics's.  NULL with 'err' on failure. */
json_t *consumer_metrics(consumer_t *self, err_t *err);

#endif
