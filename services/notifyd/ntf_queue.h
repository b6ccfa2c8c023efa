/*  queue: opcat-notifyd's deliveries in LMDB.

    A delivery is one (reminder, channel, destination).  Two databases in
    the service's own environment (storage/kv.h, OPCAT_DATA/notify):

      deliveries  seq(8) n(2)            -> record (JSON text)
      due         at_ms(8) seq(8) n(2)   -> ""    pending deliveries only

    'seq' is the store sequence of the reminder.issued event and 'n' the
    destination's rank among the reminder's routes; their text form
    "SEQ-N" is the delivery id people type (opcatctl notifications
    --retry 351-2).  Numbers are big-endian so that LMDB's order is
    sequence order and, in 'due', time order: the tick reads 'due' from
    its first key up to now and nothing beyond.

    Records are JSON because they are few (a handful per reminder, a few
    hundred reminders a year), hold variable-length text (address, URL,
    last error), and stay readable with mdb_dump.

    Statuses: pending (in 'due' at its next attempt), failed (max
    attempts reached; kept with the last error until retried),
    delivered (kept as the record of what was sent, where and when).

    Functions taking a txn run inside the caller's transaction and
    return an mdb_* call's code as it came (0, MDB_NOTFOUND, MDB_MAP_FULL,
    ...), which kv_write or kv_read translates (kv_error, kv.h), or a
    negative OPCAT_E* code. */
#ifndef OPCAT_NTF_QUEUE_H
#define OPCAT_NTF_QUEUE_H

#include <jansson.h>
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "kv.h"
#include "ntf_config.h"

/*  The databases, in kv_open() order. */
enum { NTF_DB_DELIVERIES, NTF_DB_DUE, NTF_DB_COUNT };

/*  Their names, NTF_DB_COUNT of them (static). */
const char *const *ntf_queue_dbs(void);

#define NTF_ERROR_MAX 256  /* bytes of a last error */
#define NTF_ID_TEXT_MAX 32 /* "SEQ-N" and its NUL */

typedef enum { NTF_PENDING, NTF_FAILED, NTF_DELIVERED } ntf_status_t;

/*  "pending", "failed", "delivered"; NULL for anything else. */
const char *ntf_status_name(int status);

/*  The status of 'name', or -1. */
int ntf_status_parse(const char *name);

/*  A reminder.issued event, as much of it as a message needs. */
typedef struct {
    char id[EVENT_ID_MAX + 1]; /* the event id: the idempotency key */
    uint64_t sequence;
    char rule[EVENT_ID_MAX + 1];
    char subject[EVENT_ID_MAX + 1];
    char state[4]; /* "" if none */
    char stage[16];
    char due_on[11];
    char issued_on[11]; /* the event's occurred_on */
} ntf_reminder_t;

/*  Fills 'r' from a reminder.issued event.  Returns false for any other
    type. */
bool ntf_reminder_from_event(const event_t *event, ntf_reminder_t *r);

/*  The role (Envelope.written_by) the store gives the reminder service's
    events; a reminder.issued under any other is never delivered. */
#define NTF_REMINDER_ROLE "reminder"

/*  Whether the store attributes 'event' to the reminder service: only
    then is a reminder delivered (any other writer's, or one stored before
    roles existed, is not). */
bool ntf_reminder_trusted(const event_t *event);

/*  One delivery. */
typedef struct {
    uint64_t sequence; /* with 'index', the key */
    unsigned index;
    ntf_reminder_t reminder;
    ntf_channel_t channel;
    char destination[NTF_DEST_MAX + 1];
    ntf_status_t status;
    int attempts;        /* made so far, the successful one included */
    int64_t created_ms;  /* when it was enqueued (ms since the epoch) */
    int64_t next_ms;     /* pending: when the next attempt is due */
    int64_t last_ms;     /* when the last attempt ended, 0 if none */
    int64_t finished_ms; /* delivered or failed: when */
    char last_error[NTF_ERROR_MAX];
} ntf_delivery_t;

/*  Writes "SEQ-N" into 'out'. */
void ntf_delivery_id(const ntf_delivery_t *d, char out[NTF_ID_TEXT_MAX]);

/*  Parses "SEQ-N".  Returns false if 'text' is not one. */
bool ntf_delivery_id_parse(const char *text, uint64_t *sequence,
                           unsigned *index);

/*  A new pending delivery, due at 'now_ms'. */
void ntf_delivery_init(ntf_delivery_t *d, const ntf_reminder_t *r,
                       unsigned index, ntf_channel_t channel,
                       const char *destination, int64_t now_ms);

/*  How an attempt ended. */
typedef enum {
    NTF_SENT,    /* the server took it */
    NTF_RETRY,   /* a failure that may pass: no connection, a timeout,
                    HTTP 5xx, 408, 425 or 429, SMTP 4xx */
    NTF_REFUSED, /* a refusal that will not pass by itself: any other
                    HTTP 3xx/4xx, SMTP 5xx (a bad address, a gone hook) */
} ntf_outcome_t;

/*  The outcome of a transfer on 'channel' that libcurl ended without an
    error ('transferred') or with one, the server's last reply code being
    'status' (0 if none came). */
ntf_outcome_t ntf_outcome(ntf_channel_t channel, bool transferred, long status);

/*  Records an attempt that ended at 'now_ms': delivered if NTF_SENT;
    failed at once if NTF_REFUSED, or once 'max_attempts' attempts were
    made; else pending again after the back-off.  'error' (may be NULL if
    sent) is kept. */
void ntf_delivery_attempted(ntf_delivery_t *d, const ntf_settings_t *s,
                            ntf_outcome_t outcome, const char *error,
                            int64_t now_ms);

/*  Makes a failed (or pending) delivery pending again, due at 'now_ms',
    with no attempt counted.  Returns false if it was delivered. */
bool ntf_delivery_retry(ntf_delivery_t *d, int64_t now_ms);

/*  The answer form (opcatctl notifications --json): the record with its
    id and times as ISO 8601 UTC.  A new reference, or NULL. */
json_t *ntf_delivery_describe(const ntf_delivery_t *d);

/*  Writes 'd' (insert or replace), keeping 'due' in step: its old due
    key goes, and a pending delivery gets one at its next_ms. */
int ntf_queue_save(const kv_t *kv, MDB_txn *txn, const ntf_delivery_t *d);

/*  Inserts 'd' unless a delivery with its key exists (then nothing
    changes and '*added' is false).  'added' may be NULL. */
int ntf_queue_add(const kv_t *kv, MDB_txn *txn, const ntf_delivery_t *d,
                  bool *added);

/*  Reads delivery (sequence, index).  MDB_NOTFOUND if there is none. */
int ntf_queue_get(const kv_t *kv, MDB_txn *txn, uint64_t sequence,
                  unsigned index, ntf_delivery_t *d);

/*  Called per delivery by the scans; non-zero stops the scan and is
    returned. */
typedef int (*ntf_delivery_fn)(void *arg, MDB_txn *txn,
                               const ntf_delivery_t *d);

/*  Calls 'fn' for each pending delivery due at or before 'now_ms', in
    time order, at most 'max'. */
int ntf_queue_due(const kv_t *kv, MDB_txn *txn, int64_t now_ms, size_t max,
                  ntf_delivery_fn fn, void *arg);

/*  When the earliest pending delivery is due, or INT64_MAX if none. */
int64_t ntf_queue_next_due(const kv_t *kv, MDB_txn *txn);

/*  Calls 'fn' for every delivery in key (sequence) order. */
int ntf_queue_each(const kv_t *kv, MDB_txn *txn, ntf_delivery_fn fn, void *arg);

/*  Counts deliveries by status (counts[NTF_PENDING] ...). */
int ntf_queue_counts(const kv_t *kv, MDB_txn *txn, size_t counts[3]);

/*  The wall clock in ms since the epoch (next_ms survives restarts, so
    not a monotonic clock). */
int64_t ntf_now_ms(void);

#endif
