/*  query: the aggregation service's answers on OPCAT_STATS (query.h).

    Operations (JSON requests, common/net/query.h):

      {"op":"stats", "as_of":D, "from":D}   the DOMAIN.md stats object;
                                            from defaults to 1 January of
                                            as_of's year
      {"op":"state", "state":"PER", "as_of":D}
                                            one State's status and
                                            timeline as of D
      {"op":"art17", "as_of":D}             the SPT's art. 17 list beside
                                            the computed overdue list

    as_of defaults to today (the service's dayclock).  A bad
    parameter is answered with an error naming it ("as_of: not a real
    date").  Report content is never stored, so it can appear in no
    answer. */
#ifndef OPCAT_AGG_QUERY_H
#define OPCAT_AGG_QUERY_H

#include <jansson.h>

#include "consumer.h"
#include "dayclock.h"
#include "err.h"
#include "kv.h"
#include "names.h"
#include "agg_regions.h"
#include "agg_tables.h"

/*  Answers 'request' from the tables in 'kv' (one read transaction); the
    States' "name" in the answers comes from 'names' (names.h; NULL: null
    names); a request without as_of is answered as of 'today' (a date.h
    day).  Returns a new object, or NULL with 'err' filled. */
json_t *agg_query_run(kv_t *kv, const agg_regions_t *regions,
                      const names_t *names, int32_t today,
                      const json_t *request, err_t *err);

/*  What the consumer callbacks below share: their 'arg'. */
typedef struct {
    const agg_regions_t *regions;
    const names_t *names;
    agg_delta_t *delta; /* the current batch's counter additions */
    dayclock_t clock;   /* today, for a query without as_of */
} agg_service_t;

/*  consumer_spec_t.query. */
json_t *agg_query_answer(void *arg, consumer_t *consumer, const json_t *request,
                         err_t *err);

/*  consumer_spec_t.apply: applies one event (project.h); its counter
    additions wait in the service's delta buffer until batch_end. */
int agg_query_apply(void *arg, consumer_t *consumer, MDB_txn *txn,
                    const event_t *event);

/*  consumer_spec_t.batch_begin: empties the delta buffer. */
int agg_query_batch_begin(void *arg, consumer_t *consumer, MDB_txn *txn);

/*  Keys the delta buffer keeps room for once caught up (agg_delta_shrink). */
#define AGG_DELTA_KEEP 65536

/*  consumer_spec_t.batch_end: writes the batch's counters (agg_tab_flush). */
int agg_query_batch_end(void *arg, consumer_t *consumer, MDB_txn *txn);

/*  consumer_spec_t.release: gives back the room a catch-up's batches took
    in the delta buffer. */
void agg_query_release(void *arg, consumer_t *consumer);

/*  Fills the database handles of 'tx' from 'kv' for transaction 'txn'
    (writing through: no delta buffer). */
void agg_query_tx(kv_t *kv, MDB_txn *txn, agg_tx_t *tx);

#endif
