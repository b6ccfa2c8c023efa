/*  opcat-notifyd: reminders delivered by e-mail and webhook.

    main.c holds the CLI, the settings and the consumer spec (the one
    zmq_poll loop is common/runtime/consumer.c's); ntf_config.c the routes;
    ntf_queue.c the deliveries in LMDB; ntf_message.c what is sent;
    ntf_send.c the libcurl transfers; ntf_deliver.c the consumer's apply
    (enqueue) and tick (send, record); ntf_query.c the OPCAT_NOTIFY
    answers.  All share one ntf_t context. */
#ifndef OPCAT_NTF_H
#define OPCAT_NTF_H

#include <stdbool.h>
#include <stdint.h>

#include "agg_regions.h"
#include "cfg.h"
#include "consumer.h"
#include "dayclock.h"
#include "ntf_config.h"
#include "ntf_send.h"

/*  The daemon's context. */
typedef struct {
    cfg_t cfg;
    ntf_config_t *config;   /* routes and settings */
    agg_regions_t *regions; /* State -> region, or NULL if no route needs */
    ntf_sender_t *sender;
    dayclock_t clock; /* today: --now, OPCAT_NOW or the system's */
    /* counts of this run */
    uint64_t enqueued, too_old, delivered, retried, failed, given_up;
    uint64_t untrusted; /* reminders not written by the reminder service */
} ntf_t;

/*  consumer_spec_t.apply: a reminder.issued becomes one pending delivery
    per route, in the batch's transaction; every other type is ignored. */
int ntf_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
              const event_t *event);

/*  consumer_spec_t.tick: records the attempts that ended, starts those
    now due.  Returns the ms until it wants to run again. */
int ntf_tick(void *arg, consumer_t *consumer);

/*  consumer_spec_t.start: curl's sockets and timer join the loop. */
int ntf_start(void *arg, consumer_t *consumer, loop_t *loop);

/*  consumer_spec_t.stop: abandons the attempts in flight (they stay
    pending) and frees the sender while the loop still exists. */
void ntf_stop(void *arg, consumer_t *consumer, loop_t *loop);

/*  consumer_spec_t.query: "deliveries", "retry" and "service"
    (docs/NOTIFY.md). */
json_t *ntf_query(void *arg, consumer_t *consumer, const json_t *request,
                  err_t *err);

/*  consumer_spec_t.metrics: the queue by state, this run's deliveries
    by outcome. */
int ntf_metrics(void *arg, consumer_t *consumer, json_t *set, err_t *err);

#endif
