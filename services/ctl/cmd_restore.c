/*  opcatctl restore --from-jetstream: rebuilds the store's log from the
    copy opcat-bridged keeps on NATS JetStream.

    It writes into the store's LMDB environment (OPCAT_DATA/store)
    directly, with the store stopped: each message's data is the envelope
    as the store packed it, and its Opcat-Sequence header the sequence it
    had; the events go in through store_write() in restore mode
    (store.h), which keeps both sequence and recorded_at, checks the
    rules again and rebuilds every index, so the new log holds the same
    bytes under the same sequences.  A message whose sequence is already
    in the log (a resend the duplicate window did not catch, or a restore
    run again after an interruption) is skipped; a missing sequence stops
    the restore at the last one before it. */
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <nats/nats.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "monotime.h"
#include "store.h"

#define RESTORE_BATCH 1024
#define RESTORE_WAIT_S 120ULL
#define RESTORE_WAIT_MAX_S 604800ULL /* a week */
#define RESTORE_RETRY_PAUSE_MS 250

static const char s_usage[] =
    "usage: opcatctl restore --from-jetstream [--nats URLS] [--stream NAME] "
    "[--data DIR] [--wait SECONDS] [--json]\n"
    "Rebuilds the store's log in DIR/store (OPCAT_DATA) from the JetStream\n"
    "stream opcat-bridged fills, with the same envelopes and sequences.  The\n"
    "store must be stopped.  An empty log is filled from sequence 1; a log\n"
    "that already holds events is continued after its head.\n"
    "  --nats URLS    NATS servers, comma-separated [$OPCAT_NATS, "
    "nats://127.0.0.1:4222]\n"
    "  --stream NAME  the stream [$OPCAT_NATS_STREAM, OPCAT]\n"
    "  --data DIR     the data directory [$OPCAT_DATA]\n"
    "  --wait SECONDS how long one message or the stream's state may stay\n"
    "                 unanswerable (a cluster electing a leader answers with\n"
    "                 errors meanwhile) before the restore gives up, at most\n"
    "                 a week [120]\n";

typedef struct {
    int from_jetstream;
    const char *urls, *stream, *data;
    unsigned long long wait_s;
} restore_opts_t;

typedef struct {
    store_t *store;
    event_t *events[RESTORE_BATCH];
    store_result_t results[RESTORE_BATCH];
    size_t count;
    uint64_t restored, skipped;
} restore_t;

static int s_option(void *arg, int c, const char *value, err_t *err)
{
    restore_opts_t *o = arg;
    switch (c) {
    case 'j':
        o->from_jetstream = 1;
        return 0;
    case 'N':
        o->urls = value;
        return 0;
    case 'S':
        o->stream = value;
        return 0;
    case 'D':
        o->data = value;
        return 0;
    case 'W':
        if (ctl_number(value, "--wait", 1, &o->wait_s, err))
            return 1;
        if (o->wait_s > RESTORE_WAIT_MAX_S)
            return err_set(err, OPCAT_EINVAL, "--wait",
                           "--wait: %llu s is more than a week (%llu s)",
                           o->wait_s, RESTORE_WAIT_MAX_S);
        return 0;
    default:
        return 1;
    }
}

/*  Writes the held events; returns 0 or 1 after saying why. */
static int s_flush(restore_t *r)
{
    if (!r->count)
        return 0;
    store_batch_t batch = {.events = r->events,
                           .count = r->count,
                           .results = r->results,
                           .restore = true};
    err_t err;
    int rc = store_write(r->store, &batch, 1, &err);
    for (size_t i = 0; i < r->count && !rc; i++) {
        store_result_t *res = &r->results[i];
        if (res->status == STORE_STORED)
            r->restored++;
        else if (res->status == STORE_DUPLICATE)
            r->skipped++;
        else {
            fprintf(stderr, "opcatctl: restore: event %" PRIu64 ": %s\n",
                    r->events[i]->sequence, res->error.message);
            rc = 1;
        }
    }
    if (rc < 0)
        fprintf(stderr, "opcatctl: restore: %s\n", err.message);
    for (size_t i = 0; i < r->count; i++)
        event_free(&r->events[i]);
    r->count = 0;
    return rc ? 1 : 0;
}

/*  Takes one message of the stream.  Returns 0, 1 on an error (said), or
    2 at a hole in the sequences. */
static int s_take(restore_t *r, natsMsg *msg, uint64_t stream_seq)
{
    const char *text = NULL;
    natsMsgHeader_Get(msg, "Opcat-Sequence", &text);
    uint64_t seq = text ? strtoull(text, NULL, 10) : 0;
    uint64_t next = store_head(r->store) + r->count + 1;
    if (seq && seq < next) {
        r->skipped++;
        return 0;
    }
    if (seq != next) {
        fprintf(stderr,
                "opcatctl: restore: stream message %" PRIu64
                " carries sequence %" PRIu64 " where %" PRIu64
                " was expected: restored up to %" PRIu64 "\n",
                stream_seq, seq, next, next - 1);
        return 2;
    }
    event_t *e = event_unpack((const uint8_t *)natsMsg_GetData(msg),
                              (size_t)natsMsg_GetDataLength(msg));
    if (!e) {
        fprintf(stderr,
                "opcatctl: restore: stream message %" PRIu64
                ": data: not an envelope\n",
                stream_seq);
        return 1;
    }
    e->sequence = seq;
    r->events[r->count++] = e;
    return r->count == RESTORE_BATCH ? s_flush(r) : 0;
}

/*  The NATS library's last error text, which it may not have. */
static const char *s_detail(void)
{
    const char *text = nats_GetLastError(NULL);
    return text ? text : "no detail";
}

/*  A request the cluster may leave unanswered for a while: while a node
    comes back from a partition or a leader is elected, JetStream answers
    "temporarily unavailable" (10008) or not at all.  The first failure is
    said on stderr; the request is then asked again every
    RESTORE_RETRY_PAUSE_MS until it is answered or --wait seconds have
    passed since that failure, measured on the monotonic clock (a request
    that times out takes seconds of its own). */
typedef struct {
    const char *what;
    unsigned long long wait_s;
    int64_t first_failure; /* monotime_ms() of the first, 0 before one */
} retry_t;

/*  Whether to ask again after the failure (s, code); pauses if so. */
static bool s_retry(retry_t *r, natsStatus s, jsErrCode code)
{
    int64_t now = monotime_ms();
    if (!r->first_failure) {
        r->first_failure = now;
        fprintf(stderr,
                "opcatctl: restore: %s: %s (%s, %d); asking again for up to "
                "%llu s\n",
                r->what, natsStatus_GetText(s), s_detail(), (int)code,
                r->wait_s);
    }
    if (now - r->first_failure >= (int64_t)r->wait_s * 1000)
        return false;
    nats_Sleep(RESTORE_RETRY_PAUSE_MS);
    return true;
}

static void s_answered(const retry_t *r)
{
    if (r->first_failure)
        fprintf(stderr, "opcatctl: restore: %s: answered after %lld ms\n",
                r->what, (long long)(monotime_ms() - r->first_failure));
}

/*  The stream's state; a stream that does not exist is not waited for. */
static int s_info(const restore_opts_t *o, jsCtx *js, jsStreamInfo **si)
{
    char what[300];
    snprintf(what, sizeof what, "%s stream %s", o->urls, o->stream);
    retry_t retry = {.what = what, .wait_s = o->wait_s};
    natsStatus s;
    jsErrCode code;
    do {
        code = 0;
        s = js_GetStreamInfo(si, js, o->stream, NULL, &code);
        if (s == NATS_OK) {
            s_answered(&retry);
            return 0;
        }
    } while (s != NATS_NOT_FOUND && code != JSStreamNotFoundErr &&
             s_retry(&retry, s, code));
    fprintf(stderr, "opcatctl: restore: %s: %s (%s, %d)\n", what,
            natsStatus_GetText(s), s_detail(), (int)code);
    return 1;
}

static int s_connect(const restore_opts_t *o, natsConnection **nc, jsCtx **js,
                     jsStreamInfo **si)
{
    natsStatus s = natsConnection_ConnectTo(nc, o->urls);
    if (s == NATS_OK)
        s = natsConnection_JetStream(js, *nc, NULL);
    if (s == NATS_OK)
        return s_info(o, *js, si);
    fprintf(stderr, "opcatctl: restore: %s: %s (%s)\n", o->urls,
            natsStatus_GetText(s), s_detail());
    return 1;
}

/*  Message q of the stream, or NATS_NOT_FOUND / JSNoMessageFoundErr for
    one deleted from it (not waited for). */
static natsStatus s_get(const restore_opts_t *o, jsCtx *js, uint64_t q,
                        natsMsg **msg, jsErrCode *code)
{
    char what[40];
    snprintf(what, sizeof what, "message %" PRIu64, q);
    retry_t retry = {.what = what, .wait_s = o->wait_s};
    natsStatus s;
    do {
        *code = 0;
        s = js_GetMsg(msg, js, o->stream, q, NULL, code);
        if (s == NATS_OK || s == NATS_NOT_FOUND ||
            *code == JSNoMessageFoundErr) {
            s_answered(&retry);
            return s;
        }
    } while (s_retry(&retry, s, *code));
    return s;
}

/*  Copies the stream's messages from 'from' (or its first) to its last. */
static int s_copy(restore_t *r, const restore_opts_t *o, jsCtx *js,
                  const jsStreamInfo *si, uint64_t from)
{
    int rc = 0;
    if (from < si->State.FirstSeq)
        from = si->State.FirstSeq;
    for (uint64_t q = from; q && q <= si->State.LastSeq && !rc; q++) {
        natsMsg *msg = NULL;
        jsErrCode code = 0;
        natsStatus s = s_get(o, js, q, &msg, &code);
        if (s == NATS_NOT_FOUND || code == JSNoMessageFoundErr)
            continue; /* deleted from the stream: the next may follow */
        if (s != NATS_OK) {
            fprintf(stderr,
                    "opcatctl: restore: message %" PRIu64 ": %s (%s, %d)\n", q,
                    natsStatus_GetText(s), s_detail(), (int)code);
            rc = 1; /* what was taken before it is still written */
            break;
        }
        rc = s_take(r, msg, q);
        natsMsg_Destroy(msg);
    }
    int flushed = s_flush(r);
    return rc ? rc : flushed;
}

int cmd_restore(ctl_t *ctl, int argc, char **argv)
{
    static const struct option longopts[] = {
        {"from-jetstream", no_argument, NULL, 'j'},
        {"nats", required_argument, NULL, 'N'},
        {"stream", required_argument, NULL, 'S'},
        {"data", required_argument, NULL, 'D'},
        {"wait", required_argument, NULL, 'W'},
        {NULL, 0, NULL, 0}};
    restore_opts_t o = {.wait_s = RESTORE_WAIT_S};
    int first = ctl_parse(ctl, argc, argv, s_usage, "", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    if (!o.from_jetstream)
        return ctl_usage_error(ctl, "--from-jetstream",
                               "--from-jetstream is required (the only "
                               "source a store is restored from)");
    o.urls = cfg_pick(o.urls, "OPCAT_NATS", "nats://127.0.0.1:4222");
    o.stream = cfg_pick(o.stream, "OPCAT_NATS_STREAM", "OPCAT");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/store", o.data ? o.data : ctl->cfg.data);
    err_t err;
    codes_t *codes = ctl_codes();
    restore_t *r = calloc(1, sizeof *r);
    if (!r || cfg_mkdirs(dir, &err) ||
        !(r->store = store_open(dir, codes, NULL, &err))) {
        fprintf(stderr, "opcatctl: restore: %s\n",
                r ? err.message : "out of memory");
        free(r);
        codes_destroy(&codes);
        return 1;
    }
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamInfo *si = NULL;
    int rc = s_connect(&o, &nc, &js, &si);
    /*  The stream's last sequence is asked again after each pass: a node
        back from a partition may answer with what it had before it. */
    uint64_t done = 0;
    while (!rc && si->State.LastSeq > done) {
        rc = s_copy(r, &o, js, si, done + 1);
        done = si->State.LastSeq;
        jsStreamInfo_Destroy(si);
        si = NULL;
        if (!rc && s_info(&o, js, &si))
            rc = 1;
    }
    uint64_t head = store_head(r->store);
    printf(ctl->json ? "{\"restored\":%" PRIu64 ",\"skipped\":%" PRIu64
                       ",\"head\":%" PRIu64 ",\"complete\":%s}\n"
                     : "restored %" PRIu64 ", skipped %" PRIu64
                       ", head %" PRIu64 "%s\n",
           r->restored, r->skipped, head,
           ctl->json ? (rc ? "false" : "true") : (rc ? " (incomplete)" : ""));
    jsStreamInfo_Destroy(si);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    nats_Close();
    store_destroy(&r->store);
    free(r);
    codes_destroy(&codes);
    return rc ? 1 : 0;
}
