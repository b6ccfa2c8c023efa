/*  opcat-reminderd: the treaty's deadlines as durable timers.

    main.c holds the CLI, the settings and the consumer spec (the one
    zmq_poll loop is common/runtime/consumer.c's); rules.c the deadline
    arithmetic; proj.c the LMDB projection; fire.c the daily firing;
    query.c the OPCAT_REMINDERS answers.  All share one rem_t context. */
#ifndef OPCAT_REM_H
#define OPCAT_REM_H

#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"
#include "client.h"
#include "consumer.h"
#include "dayclock.h"
#include "rules.h"

/*  Reminders appended in one APPEND request at the most. */
#define REM_FIRE_BATCH 512
/*  Staged index changes merged during a catch-up at the most (proj.h);
    when caught up, they are merged whatever their number. */
#define REM_MERGE_AT 1000000
/*  Staged index changes read, sorted and merged together at the most
    (their copy on the heap: 1.2 MiB of entries and room for 7 MiB of
    keys, some 2 MiB of it used; freed after the merge), */
#define REM_MERGE_CHUNK 100000
/*  ... in write transactions of this many changes each, which bounds the
    dirty pages LMDB keeps on the heap (proj.h). */
#define REM_MERGE_SLICE 4096
/*  How long to wait for the store's acknowledgement of a firing, and
    how long to wait before the next round after a failed one. */
#define REM_APPEND_TIMEOUT_MS 5000
#define REM_RETRY_MS 2000

/*  The daemon's context. */
typedef struct {
    cfg_t cfg;
    rem_config_t rules;
    dayclock_t clock;     /* today: --now, OPCAT_NOW or the system's */
    client_t *client;     /* APPEND client, opened on first firing, in the
                             consumer's context and loop */
    struct scan *pending; /* the round whose APPEND awaits its answer */
    uint64_t ack_timer;   /* gives up on that answer */
    int64_t retry_at;     /* monotime_ms() before which no round starts */
    int32_t done_day;     /* the day whose due reminders were all handled */
    uint64_t done_at;     /* the consumer position when that was so */
    uint64_t fired;       /* reminders appended and stored this run */
    uint64_t duplicates, refused, failures;
} rem_t;

/*  consumer_spec_t.apply: one event into the projection. */
int rem_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
              const event_t *event);

/*  consumer_spec_t.tick: once caught up with the store, issues the
    reminders due today (reminder.issued through APPEND, acknowledged
    before they are recorded as fired).  The request does not block the
    loop: its answer arrives on the APPEND socket, which the loop polls,
    or is given up after REM_APPEND_TIMEOUT_MS.  Returns the ms until it
    wants to run again. */
int rem_fire_tick(void *arg, consumer_t *consumer);

/*  consumer_spec_t.stop: closes the APPEND client.  A round still in
    flight is dropped; its reminders fire again after the restart (the
    store answers "duplicate" for any it had stored). */
void rem_fire_stop(void *arg, consumer_t *consumer, loop_t *loop);

/*  consumer_spec_t.query: "reminders" and "issued" (see
    docs/REMINDERS.md for the request and answer shapes). */
json_t *rem_query(void *arg, consumer_t *consumer, const json_t *request,
                  err_t *err);

/*  consumer_spec_t.metrics: the deadlines open today by rule and stage
    (opcat_reminders_open) and the firing's counters of this run. */
int rem_metrics(void *arg, consumer_t *consumer, json_t *set, err_t *err);

#endif
