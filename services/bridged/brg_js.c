/*  brg_js: JetStream publications in acknowledged rounds (brg_js.h). */
#include "brg_js.h"

#include <inttypes.h>
#include <nats/nats.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define BRG_JS_ID_MAX 64 /* bytes of an event id (EVENT_ID_MAX) */

struct brg_js {
    natsConnection *nc;
    jsCtx *js;
    int64_t ack_wait_ms;
    /*  The round: acknowledgments arrive on libnats' thread; only those
        of sequences in [first, last] count (a late one of a round given
        up is ignored). */
    _Atomic uint64_t first, last;
    _Atomic uint64_t sent, acked, failed;
    _Atomic uint64_t stored, duplicates;
    /*  The chain that keeps the stream in the store's order: each message
        names the id of the one before it (Nats-Expected-Last-Msg-Id), so
        JetStream refuses it if an earlier one was lost on the way (the
        round fails and is sent again from its first event).  'last_id'
        is the id of the last message sent, 'acked_id' that of the last
        message of the last acknowledged round (empty: no chain yet, as
        after a start). */
    char last_id[BRG_JS_ID_MAX + 1], acked_id[BRG_JS_ID_MAX + 1];
};

static int s_nats_error(err_t *err, natsStatus s, const char *what)
{
    return err_set(err, OPCAT_EIO, "nats", "%s: %s (%s)", what,
                   natsStatus_GetText(s), nats_GetLastError(NULL));
}

static uint64_t s_header_sequence(natsMsg *msg)
{
    const char *value = NULL;
    if (natsMsgHeader_Get(msg, BRG_JS_SEQUENCE_HEADER, &value) != NATS_OK ||
        !value)
        return 0;
    return strtoull(value, NULL, 10);
}

static void s_on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae,
                     void *closure)
{
    (void)js;
    brg_js_t *self = closure;
    uint64_t seq = s_header_sequence(msg);
    if (seq >= atomic_load(&self->first) && seq <= atomic_load(&self->last)) {
        if (pa && !pae) {
            atomic_fetch_add(&self->acked, 1);
            atomic_fetch_add(pa->Duplicate ? &self->duplicates : &self->stored,
                             1);
        } else {
            atomic_fetch_add(&self->failed, 1);
            log_warnx("bridge: event %" PRIu64 " not stored: %s", seq,
                      pae && pae->ErrText ? pae->ErrText : "no answer");
        }
    }
    natsMsg_Destroy(msg);
}

#define BRG_JS_SERVERS_MAX 16
#define BRG_JS_MAX_PENDING 65536

/*  Splits "u1,u2,..." into 'out' (pointers into 'copy'); returns how many. */
static int s_split(char *copy, const char *out[BRG_JS_SERVERS_MAX])
{
    int n = 0;
    for (char *save = NULL, *u = strtok_r(copy, ", ", &save);
         u && n < BRG_JS_SERVERS_MAX; u = strtok_r(NULL, ", ", &save))
        out[n++] = u;
    return n;
}

static int s_connect(brg_js_t *self, const char *urls, err_t *err)
{
    /* libnats takes a list of servers only as an array */
    char copy[2048];
    const char *servers[BRG_JS_SERVERS_MAX];
    snprintf(copy, sizeof copy, "%s", urls);
    int count = s_split(copy, servers);
    if (!count)
        return err_set(err, OPCAT_EINVAL, "nats",
                       "nats: no server URL in "
                       "\"%.64s\"",
                       urls);
    natsOptions *opts = NULL;
    natsStatus s = natsOptions_Create(&opts);
    if (s == NATS_OK)
        s = natsOptions_SetServers(opts, servers, count);
    /*  Once connected, keep reconnecting for ever: the bridge outlives
        any outage of NATS; the rounds fail meanwhile and the checkpoint
        waits.  (The first connection is retried by the caller.) */
    if (s == NATS_OK)
        s = natsOptions_SetMaxReconnect(opts, -1);
    if (s == NATS_OK)
        s = natsOptions_SetReconnectWait(opts, 500);
    if (s == NATS_OK)
        s = natsOptions_SetTimeout(opts, 2000);
    if (s == NATS_OK)
        s = natsConnection_Connect(&self->nc, opts);
    natsOptions_Destroy(opts);
    if (s != NATS_OK)
        return s_nats_error(err, s, urls);
    jsOptions jo;
    jsOptions_Init(&jo);
    jo.Wait = self->ack_wait_ms;
    /*  A catch-up batch is a replay page (up to 16,384 events), all in
        flight before the round waits: allow that many, and let a full
        window wait as long as a round would. */
    jo.PublishAsync.MaxPending = BRG_JS_MAX_PENDING;
    jo.PublishAsync.StallWait = self->ack_wait_ms;
    jo.PublishAsync.AckHandler = s_on_ack;
    jo.PublishAsync.AckHandlerClosure = self;
    s = natsConnection_JetStream(&self->js, self->nc, &jo);
    return s == NATS_OK ? OPCAT_OK : s_nats_error(err, s, "JetStream context");
}

/*  Creates the stream, or finds it as it is (its settings are then the
    operator's: a stream made by hand is not changed). */
static int s_stream(brg_js_t *self, const brg_js_options_t *o, err_t *err)
{
    jsStreamInfo *si = NULL;
    jsErrCode code = 0;
    natsStatus s = js_GetStreamInfo(&si, self->js, o->stream, NULL, &code);
    if (s == NATS_OK) {
        jsStreamInfo_Destroy(si);
        return OPCAT_OK;
    }
    if (code != JSStreamNotFoundErr && s != NATS_NOT_FOUND)
        return s_nats_error(err, s, o->stream);
    const char *subjects[] = {BRG_JS_SUBJECTS};
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = o->stream;
    cfg.Subjects = subjects;
    cfg.SubjectsLen = 1;
    cfg.Storage = js_FileStorage;
    cfg.Replicas = o->replicas;
    cfg.Duplicates = o->duplicates_ms * 1000000; /* nanoseconds */
    s = js_AddStream(&si, self->js, &cfg, NULL, &code);
    if (s != NATS_OK)
        return s_nats_error(err, s, "create stream");
    log_info("bridge: stream %s created (file storage, R%d, duplicate "
             "window %" PRId64 " s)",
             o->stream, o->replicas, o->duplicates_ms / 1000);
    jsStreamInfo_Destroy(si);
    return OPCAT_OK;
}

brg_js_t *brg_js_new(const brg_js_options_t *options, err_t *err)
{
    brg_js_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    self->ack_wait_ms = options->ack_wait_ms;
    if (s_connect(self, options->urls, err) || s_stream(self, options, err))
        brg_js_destroy(&self);
    return self;
}

void brg_js_destroy(brg_js_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    brg_js_t *self = *self_p;
    jsCtx_Destroy(self->js);
    natsConnection_Destroy(self->nc);
    free(self);
    *self_p = NULL;
}

void brg_js_begin(brg_js_t *self)
{
    atomic_store(&self->first, UINT64_MAX);
    atomic_store(&self->last, 0);
    atomic_store(&self->sent, 0);
    atomic_store(&self->acked, 0);
    atomic_store(&self->failed, 0);
}

int brg_js_subject(const char *topic, char *out, size_t size)
{
    const char *slash = strchr(topic, '/');
    int type_len = slash ? (int)(slash - topic) : (int)strlen(topic);
    const char *state = slash && slash[1] ? slash + 1 : "_";
    int n = snprintf(out, size, "opcat.%.*s.%s", type_len, topic, state);
    return n < 0 || (size_t)n >= size ? OPCAT_ETOOBIG : OPCAT_OK;
}

int brg_js_publish(brg_js_t *self, const char *topic, const char *id,
                   uint64_t sequence, const uint8_t *data, size_t len,
                   err_t *err)
{
    char subject[160], seq_text[24];
    if (brg_js_subject(topic, subject, sizeof subject))
        return err_set(err, OPCAT_ETOOBIG, "topic", "topic: \"%.64s\" too long",
                       topic);
    snprintf(seq_text, sizeof seq_text, "%" PRIu64, sequence);
    natsMsg *msg = NULL;
    natsStatus s =
        natsMsg_Create(&msg, subject, NULL, (const char *)data, (int)len);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, "Nats-Msg-Id", id);
    if (s == NATS_OK)
        s = natsMsgHeader_Set(msg, BRG_JS_SEQUENCE_HEADER, seq_text);
    if (s == NATS_OK && self->last_id[0])
        s = natsMsgHeader_Set(msg, "Nats-Expected-Last-Msg-Id", self->last_id);
    snprintf(self->last_id, sizeof self->last_id, "%s", id);
    if (atomic_load(&self->first) > sequence)
        atomic_store(&self->first, sequence);
    if (atomic_load(&self->last) < sequence)
        atomic_store(&self->last, sequence);
    if (s == NATS_OK)
        s = js_PublishMsgAsync(self->js, &msg, NULL);
    natsMsg_Destroy(msg); /* NULL once the library owns it */
    if (s != NATS_OK)
        return s_nats_error(err, s, "publish");
    atomic_fetch_add(&self->sent, 1);
    return OPCAT_OK;
}

int brg_js_flush(brg_js_t *self, err_t *err)
{
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = self->ack_wait_ms;
    natsStatus s = js_PublishAsyncComplete(self->js, &po);
    if (s != NATS_OK) {
        /* give up what is still in flight: the round is sent again */
        natsMsgList pending = {0};
        if (js_PublishAsyncGetPendingList(&pending, self->js) == NATS_OK)
            natsMsgList_Destroy(&pending);
    }
    uint64_t sent = atomic_load(&self->sent), acked = atomic_load(&self->acked);
    if (s == NATS_OK && acked == sent && !atomic_load(&self->failed)) {
        memcpy(self->acked_id, self->last_id, sizeof self->acked_id);
        return OPCAT_OK;
    }
    /* sent again from the round's first event: chained to the last one
       acknowledged */
    memcpy(self->last_id, self->acked_id, sizeof self->last_id);
    return err_set(
        err, OPCAT_ETIMEDOUT, "nats",
        "%" PRIu64 " of %" PRIu64 " events not acknowledged by JetStream (%s)",
        sent - acked, sent, s == NATS_OK ? "refused" : natsStatus_GetText(s));
}

uint64_t brg_js_stored(const brg_js_t *self)
{
    return atomic_load(&self->stored);
}

uint64_t brg_js_duplicates(const brg_js_t *self)
{
    return atomic_load(&self->duplicates);
}
