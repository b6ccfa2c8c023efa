/*  badinput: sends every kind of bad input to a running opcat-stored
    (endpoints from OPCAT_APPEND / OPCAT_REPLAY) and checks that each is
    answered with an error and that nothing is stored.  Run by
    it_badinput.sh, which starts the store and checks it stays up.

    Prints one line per case and a closing "N passed, M failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bus.h"
#include "cfg.h"
#include "client.h"
#include "event.h"
#include "query.h"

typedef struct {
    void *append, *replay, *reminders;
    void *query; /* OPCAT_REMINDERS if BADINPUT_QUERY=1, else NULL */
    int passed, failed;
} probe_t;

static void s_result(probe_t *p, const char *name, int ok, const char *got)
{
    printf("%-44s %s  %s\n", name, ok ? "ok  " : "FAIL", got);
    if (ok)
        p->passed++;
    else
        p->failed++;
}

/*  Sends frames on 'socket' and returns the one-frame answer (or NULL
    after 'wait_ms'). */
static zmq_msg_t *s_exchange_within(void *socket, const void *const *data,
                                    const size_t *len, size_t n,
                                    zmq_msg_t *answer, int wait_ms)
{
    if (bus_send(socket, data, len, n, 0))
        return NULL;
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, wait_ms) != 1)
        return NULL;
    zmq_msg_init(answer);
    zmq_msg_recv(answer, socket, 0);
    int more = zmq_msg_more(answer);
    while (more) { /* replay pages: drop the event frames */
        zmq_msg_t junk;
        zmq_msg_init(&junk);
        zmq_msg_recv(&junk, socket, 0);
        more = zmq_msg_more(&junk);
        zmq_msg_close(&junk);
    }
    return answer;
}

/*  The same, waiting up to 3 s. */
static zmq_msg_t *s_exchange(void *socket, const void *const *data,
                             const size_t *len, size_t n, zmq_msg_t *answer)
{
    return s_exchange_within(socket, data, len, n, answer, 3000);
}

/*  Expects an AppendReply whose request-level code is 'code'. */
static void s_expect_malformed(probe_t *p, const char *name,
                               const void *const *data, const size_t *len,
                               size_t n)
{
    zmq_msg_t msg;
    char got[256] = "no answer";
    int ok = 0;
    if (s_exchange(p->append, data, len, n, &msg)) {
        Opcat__V1__AppendReply *r = opcat__v1__append_reply__unpack(
            NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (r) {
            snprintf(got, sizeof got, "code %d: %s", r->code, r->message);
            ok = r->code == OPCAT_EPROTO && r->n_results == 0;
        }
        opcat__v1__append_reply__free_unpacked(r, NULL);
        zmq_msg_close(&msg);
    }
    s_result(p, name, ok, got);
}

/*  Sends a packed AppendRequest on 'socket'; expects REFUSED naming
    'field' with 'code' (0: any error code) for its first event. */
static void s_expect_refused_bytes(probe_t *p, void *socket, const char *name,
                                   const uint8_t *buf, size_t len,
                                   const char *field, int code)
{
    const void *data[] = {buf};
    zmq_msg_t msg;
    char got[600] = "no answer";
    int ok = 0;
    if (s_exchange(socket, data, &len, 1, &msg)) {
        Opcat__V1__AppendReply *r = opcat__v1__append_reply__unpack(
            NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (r && r->n_results >= 1) {
            Opcat__V1__AppendResult *res = r->results[0];
            snprintf(got, sizeof got, "code %d %s: %.200s", res->code,
                     res->field, res->message);
            ok = res->status == OPCAT__V1__APPEND_RESULT__STATUS__REFUSED &&
                 res->code < 0 && (!code || res->code == code) &&
                 strcmp(res->field, field) == 0;
        } else if (r) {
            snprintf(got, sizeof got, "request code %d: %.200s", r->code,
                     r->message);
        }
        opcat__v1__append_reply__free_unpacked(r, NULL);
        zmq_msg_close(&msg);
    }
    s_result(p, name, ok, got);
}

/*  Packs 'count' events in one AppendRequest (the caller frees). */
static uint8_t *s_pack_request(event_t **events, size_t count, size_t *len)
{
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.request_id = 7;
    req.n_events = count;
    req.events = events;
    *len = opcat__v1__append_request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    opcat__v1__append_request__pack(&req, buf);
    return buf;
}

/*  Sends one event in an AppendRequest; expects REFUSED naming 'field'. */
static void s_expect_refused(probe_t *p, const char *name, event_t *e,
                             const char *field)
{
    size_t len;
    uint8_t *buf = s_pack_request(&e, 1, &len);
    s_expect_refused_bytes(p, p->append, name, buf, len, field, 0);
    free(buf);
}

static event_t *s_event(const char *json)
{
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e) {
        fprintf(stderr, "fixture %s: %s\n", json, err.message);
        exit(2);
    }
    return e;
}

#define GOOD                                                                   \
    "{\"type\":\"state.signed\",\"occurred_on\":\"2025-01-01\","               \
    "\"state\":\"AGO\"}"

static void s_frame_cases(probe_t *p)
{
    const char garbage[] = "\xff\xfe this is not protobuf \x01\x02";
    const void *g[] = {garbage};
    size_t glen[] = {sizeof garbage - 1};
    s_expect_malformed(p, "garbage bytes", g, glen, 1);
    const void *empty[] = {""};
    size_t zero[] = {0};
    /* an empty AppendRequest is valid protobuf with no events */
    (void)empty, (void)zero;
    const void *many[12];
    size_t many_len[12];
    for (int i = 0; i < 12; i++)
        many[i] = "x", many_len[i] = 1;
    s_expect_malformed(p, "12-frame multipart message", many, many_len, 12);
    const void *two[] = {"a", "b"};
    size_t two_len[] = {1, 1};
    s_expect_malformed(p, "2-frame message", two, two_len, 2);

    /* a valid request, truncated in the middle of an event */
    event_t *e = s_event(GOOD);
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.n_events = 1;
    req.events = &e;
    size_t len = opcat__v1__append_request__get_packed_size(&req);
    uint8_t *buf = malloc(len);
    opcat__v1__append_request__pack(&req, buf);
    const void *t[] = {buf};
    size_t tlen[] = {len - 5};
    s_expect_malformed(p, "truncated protobuf", t, tlen, 1);
    /* field 3 (events, length-delimited) sent as a varint */
    const uint8_t wrong_type[] = {0x18, 0x05};
    const void *w[] = {wrong_type};
    size_t wlen[] = {sizeof wrong_type};
    s_expect_malformed(p, "wrong wire type for a field", w, wlen, 1);
    free(buf);
    event_free(&e);
}

static void s_event_cases(probe_t *p)
{
    event_t *e = s_event(GOOD);
    /* an unknown body: drop the body, keep the type */
    e->body_case = OPCAT__V1__ENVELOPE__BODY__NOT_SET;
    free(e->state_signed);
    e->state_signed = NULL;
    s_expect_refused(p, "unknown event type (no known body)", e, "type");
    event_free(&e);

    e = s_event(GOOD);
    event_set_string(&e->type, "state.ratified");
    s_expect_refused(p, "type string disagrees with body", e, "type");
    event_set_string(&e->type, "state.signed");

    char *big = malloc(5000);
    memset(big, 'n', 4999);
    big[4999] = '\0';
    event_set_string(&e->note, big);
    free(big);
    s_expect_refused(p, "oversized note (4999 bytes)", e, "note");
    event_set_string(&e->note, "bad \xc3\x28 utf-8");
    s_expect_refused(p, "invalid UTF-8", e, "note");
    event_set_string(&e->note, "");
    event_set_string(&e->occurred_on, "2025-02-29");
    s_expect_refused(p, "impossible date", e, "occurred_on");
    event_set_string(&e->occurred_on, "2025-01-01");
    event_set_string(&e->state, "XKX");
    s_expect_refused(p, "unknown State code", e, "state");
    char id[100];
    memset(id, 'i', 99);
    id[99] = '\0';
    event_set_string(&e->state, "AGO");
    event_set_string(&e->id, id);
    s_expect_refused(p, "oversized id", e, "id");
    event_free(&e);

    e = s_event("{\"type\":\"reply.received\",\"occurred_on\":\"2025-01-01\","
                "\"state\":\"AGO\",\"report_id\":\"never\"}");
    s_expect_refused(p, "broken cross-reference", e, "report_id");
    event_free(&e);
    e = s_event("{\"type\":\"fund.grant\",\"occurred_on\":\"2025-01-01\","
                "\"state\":\"AGO\",\"project_id\":\"p\",\"amount\":\"1\","
                "\"currency\":\"USD\"}");
    event_set_string(&e->fund_grant->amount, "12.345");
    s_expect_refused(p, "amount with 3 decimals", e, "amount");
    event_free(&e);
}

#define REMINDER                                                               \
    "{\"type\":\"reminder.issued\",\"occurred_on\":\"2026-03-01\","            \
    "\"state\":\"PER\",\"rule\":\"art12.state_reply\",\"subject\":"            \
    "\"PER-2025-R\",\"due_on\":\"2026-02-28\",\"stage\":\"overdue\"}"

/*  What the unpacked event cannot show: a string holding a NUL byte (the
    id would be stored cut at it) and a field number unknown inside a
    body (protobuf-c keeps it aside). */
static void s_wire_cases(probe_t *p)
{
    event_t *e = s_event(GOOD);
    event_set_string(&e->id, "nul~cut"); /* the ~ becomes a NUL */
    size_t len;
    uint8_t *buf = s_pack_request(&e, 1, &len);
    uint8_t *at = memmem(buf, len, "nul~cut", 7);
    at[3] = 0;
    s_expect_refused_bytes(p, p->append, "id holding a NUL byte", buf, len,
                           "id", OPCAT_EINVAL);
    free(buf);
    event_free(&e);

    e = s_event("{\"type\":\"state.ratified\",\"occurred_on\":\"2025-01-01\","
                "\"state\":\"AGO\",\"instrument\":\"accession\"}");
    uint8_t five = 5;
    ProtobufCMessageUnknownField unknown = {.tag = 9,
                                            .wire_type =
                                                PROTOBUF_C_WIRE_TYPE_VARINT,
                                            .len = 1,
                                            .data = &five};
    e->state_ratified->base.n_unknown_fields = 1;
    e->state_ratified->base.unknown_fields = &unknown;
    buf = s_pack_request(&e, 1, &len);
    e->state_ratified->base.n_unknown_fields = 0; /* not ours to free */
    e->state_ratified->base.unknown_fields = NULL;
    s_expect_refused_bytes(p, p->append, "unknown field inside a body", buf,
                           len, "state_ratified", OPCAT_EINVAL);
    free(buf);
    event_free(&e);
}

/*  reminder.* is written on the reminder service's endpoint only, and
    that endpoint takes nothing else. */
static void s_role_cases(probe_t *p)
{
    event_t *e = s_event(REMINDER);
    size_t len;
    uint8_t *buf = s_pack_request(&e, 1, &len);
    s_expect_refused_bytes(p, p->append, "reminder.issued over APPEND", buf,
                           len, "type", OPCAT_EAUTH);
    free(buf);
    event_free(&e);
    e = s_event(GOOD);
    buf = s_pack_request(&e, 1, &len);
    s_expect_refused_bytes(p, p->reminders,
                           "state.signed on the reminder endpoint", buf, len,
                           "type", OPCAT_EAUTH);
    free(buf);
    event_free(&e);
}

static void s_replay_cases(probe_t *p)
{
    const char garbage[] = "\x0a\xff\xff\xff";
    const void *g[] = {garbage};
    size_t glen[] = {sizeof garbage - 1};
    zmq_msg_t msg;
    char got[256] = "no answer";
    int ok = 0;
    if (s_exchange(p->replay, g, glen, 1, &msg)) {
        Opcat__V1__ReplayReply *r = opcat__v1__replay_reply__unpack(
            NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (r) {
            snprintf(got, sizeof got, "code %d: %s", r->code, r->message);
            ok = r->code == OPCAT_EPROTO;
        }
        opcat__v1__replay_reply__free_unpacked(r, NULL);
        zmq_msg_close(&msg);
    }
    s_result(p, "REPLAY: garbage request", ok, got);
}

/*  Sends 'n' frames (or one frame of 'size' bytes when n is 1) on
    REPLAY; expects a ReplayReply with 'code'. */
static void s_expect_replay_code(probe_t *p, const char *name, size_t n,
                                 size_t size, int code)
{
    char *big = calloc(1, size);
    const void *data[3] = {big, big, big};
    size_t len[3] = {size, size, size};
    zmq_msg_t msg;
    char got[256] = "no answer";
    int ok = 0;
    if (s_exchange(p->replay, data, len, n, &msg)) {
        Opcat__V1__ReplayReply *r = opcat__v1__replay_reply__unpack(
            NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (r) {
            snprintf(got, sizeof got, "code %d: %s", r->code, r->message);
            ok = r->code == code;
        }
        opcat__v1__replay_reply__free_unpacked(r, NULL);
        zmq_msg_close(&msg);
    }
    free(big);
    s_result(p, name, ok, got);
}

/*  Sends frames to a query endpoint; expects {"error":{"code":'code'}}. */
static void s_expect_query_code(probe_t *p, const char *name,
                                const void *const *data, const size_t *len,
                                size_t n, int code)
{
    zmq_msg_t msg;
    char got[256] = "no answer";
    int ok = 0;
    if (s_exchange(p->query, data, len, n, &msg)) {
        json_t *reply =
            json_loadb(zmq_msg_data(&msg), zmq_msg_size(&msg), 0, NULL);
        json_t *error = json_object_get(reply, "error");
        snprintf(got, sizeof got, "%.200s",
                 error ? json_string_value(json_object_get(error, "message"))
                       : "not an error reply");
        ok = json_integer_value(json_object_get(error, "code")) == code;
        json_decref(reply);
        zmq_msg_close(&msg);
    }
    s_result(p, name, ok, got);
}

/*  Query endpoints and REPLAY answer what is not one frame, or too big,
    instead of dropping it. */
static void s_size_cases(probe_t *p)
{
    s_expect_replay_code(p, "REPLAY: 3-frame request", 3, 4, OPCAT_EPROTO);
    s_expect_replay_code(p, "REPLAY: 5000-byte request", 1, 5000,
                         OPCAT_ETOOBIG);
    if (!p->query)
        return;
    const void *two[] = {"{\"op\":\"status\"}", "{}"};
    size_t two_len[] = {strlen(two[0]), 2};
    s_expect_query_code(p, "query: 2-frame request", two, two_len, 2,
                        OPCAT_EPROTO);
    size_t size = QUERY_MAX_REQUEST + 1000;
    char *big = malloc(size);
    memset(big, ' ', size);
    memcpy(big, "{\"op\":\"status\"}", 15);
    const void *one[] = {big};
    s_expect_query_code(p, "query: request over 64 KiB", one, &size, 1,
                        OPCAT_ETOOBIG);
    free(big);
}

/*  Receives a whole replay answer on the raw socket: header, then the
    event frames (at most 'max'); returns how many event frames came, or
    -1 if nothing did. */
static int s_recv_page(void *socket, Opcat__V1__ReplayReply **reply,
                       zmq_msg_t *frames, int max)
{
    zmq_pollitem_t item = {socket, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, 3000) != 1)
        return -1;
    zmq_msg_t header;
    zmq_msg_init(&header);
    zmq_msg_recv(&header, socket, 0);
    int more = zmq_msg_more(&header), n = 0;
    *reply = opcat__v1__replay_reply__unpack(NULL, zmq_msg_size(&header),
                                             zmq_msg_data(&header));
    zmq_msg_close(&header);
    for (; more && n < max; n++) {
        zmq_msg_init(&frames[n]);
        zmq_msg_recv(&frames[n], socket, 0);
        more = zmq_msg_more(&frames[n]);
    }
    return n;
}

/*  A request that does not ask for the packed form (an older client) gets
    one frame per event, and the same events as the packed form that
    client.c asks for. */
static void s_page_forms(probe_t *p, bus_t *bus, const cfg_t *cfg)
{
    enum { MAX = 100 };
    char got[256] = "no answer";
    int ok = 0;
    err_t err;
    client_page_t packed = {0};
    client_t *c = client_new(bus, NULL, cfg->replay, &err);
    Opcat__V1__ReplayRequest req = OPCAT__V1__REPLAY_REQUEST__INIT;
    req.request_id = 7, req.from = 1, req.max_events = MAX;
    uint8_t buf[64];
    const void *data[] = {buf};
    size_t len[] = {opcat__v1__replay_request__pack(&req, buf)};
    zmq_msg_t frames[MAX];
    Opcat__V1__ReplayReply *reply = NULL;
    int n = -1;
    if (c && !client_fetch(c, 1, 0, MAX, NULL, 3000, &packed, &err) &&
        !bus_send(p->replay, data, len, 1, 0))
        n = s_recv_page(p->replay, &reply, frames, MAX);
    if (n >= 0 && reply) {
        ok = reply->n_lengths == 0 && (size_t)n == packed.count &&
             reply->count == (uint32_t)n;
        for (int i = 0; ok && i < n; i++) {
            size_t elen;
            const uint8_t *e = client_page_event(&packed, (size_t)i, &elen);
            ok = elen == zmq_msg_size(&frames[i]) &&
                 memcmp(e, zmq_msg_data(&frames[i]), elen) == 0;
        }
        snprintf(got, sizeof got, "%d events a frame each, %zu packed", n,
                 packed.count);
    }
    for (int i = 0; i < n; i++)
        zmq_msg_close(&frames[i]);
    opcat__v1__replay_reply__free_unpacked(reply, NULL);
    client_page_release(&packed);
    client_destroy(&c);
    s_result(p, "REPLAY: unpacked and packed pages agree", ok, got);
}

/*  badinput --append-frame BYTES too-big|no-answer: one APPEND frame of
    BYTES bytes, answered TOO_BIG, or over the hard limit and so dropped
    with its connection (bus.h). */
static int s_big_append(probe_t *p, const char *bytes, const char *expect)
{
    size_t size = strtoull(bytes, NULL, 10);
    char *big = calloc(1, size ? size : 1);
    const void *data[] = {big};
    zmq_msg_t msg;
    char got[600] = "no answer";
    int code = 0;
    /* an answer may take long under valgrind; silence is waited for 3 s */
    int wait_ms = strcmp(expect, "too-big") == 0 ? 60000 : 3000;
    if (big && s_exchange_within(p->append, data, &size, 1, &msg, wait_ms)) {
        Opcat__V1__AppendReply *r = opcat__v1__append_reply__unpack(
            NULL, zmq_msg_size(&msg), zmq_msg_data(&msg));
        if (r) {
            snprintf(got, sizeof got, "code %d: %.500s", r->code, r->message);
            code = r->code;
        }
        opcat__v1__append_reply__free_unpacked(r, NULL);
        zmq_msg_close(&msg);
    }
    free(big);
    char name[64];
    snprintf(name, sizeof name, "APPEND: one frame of %zu bytes", size);
    s_result(p, name,
             strcmp(expect, "too-big") == 0 ? code == OPCAT_ETOOBIG
                                            : strcmp(got, "no answer") == 0,
             got);
    return p->failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    cfg_t cfg = {0};
    cfg_fill(&cfg);
    probe_t p = {0};
    err_t err;
    bus_t *bus = bus_new(&err);
    if (!bus) {
        fprintf(stderr, "badinput: %s\n", err.message);
        return 2;
    }
    p.append = bus_socket(bus, ZMQ_DEALER, cfg.append, false, &err);
    p.replay = bus_socket(bus, ZMQ_DEALER, cfg.replay, false, &err);
    if (p.append && p.replay)
        p.reminders =
            bus_socket(bus, ZMQ_DEALER, cfg.append_reminders, false, &err);
    const char *query = getenv("BADINPUT_QUERY");
    if (p.reminders && query && strcmp(query, "1") == 0)
        p.query = bus_socket(bus, ZMQ_DEALER, cfg.reminders, false, &err);
    if (!p.append || !p.replay || !p.reminders || (query && !p.query)) {
        fprintf(stderr, "badinput: %s\n", err.message);
        return 2;
    }
    if (argc == 4 && strcmp(argv[1], "--append-frame") == 0) {
        int rc = s_big_append(&p, argv[2], argv[3]);
        bus_close(&p.append), bus_close(&p.replay), bus_close(&p.reminders);
        bus_close(&p.query);
        bus_destroy(&bus);
        return rc;
    }
    s_frame_cases(&p);
    s_event_cases(&p);
    s_wire_cases(&p);
    s_role_cases(&p);
    s_replay_cases(&p);
    s_size_cases(&p);
    s_page_forms(&p, bus, &cfg);
    bus_close(&p.append);
    bus_close(&p.replay);
    bus_close(&p.reminders);
    bus_close(&p.query);
    bus_destroy(&bus);
    printf("%d passed, %d failed\n", p.passed, p.failed);
    return p.failed ? 1 : 0;
}
