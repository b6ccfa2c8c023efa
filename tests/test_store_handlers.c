/*  Unit tests of the store daemon's request handlers (services/stored),
    called with request bytes and no socket (evs_append_request,
    evs_replay_request):

    - APPEND: a good batch is stored with new sequences and the request
      id echoed; a bad event is refused with its field and code while the
      others are stored; an event sent twice is a duplicate of the first;
      an atomic batch with a bad event stores nothing; a validate-only
      batch answers "would be stored" and keeps nothing; a request over
      the size limit is TOO_BIG and one that is not a protobuf
      malformed, both without results; a commit that fails (a read-only
      store) answers every event FAILED with the store's code; reminders
      are taken only on the reminder service's endpoint, which takes
      nothing else, and stored with the role they came in under;
    - REPLAY: pages bounded by the credit with 'next' and 'head', a
      frame per envelope or one packed frame with the lengths, the head
      alone, and malformed and too-big requests answered with a code. */
#include "test_common.h"

#include <string.h>
#include <unistd.h>

#include "stored.h"

typedef struct {
    char dir[64];
    evs_t evs;
} fixture_t;

static store_t *s_open(fixture_t *f, bool read_only)
{
    store_options_t options = {.commit_log = !read_only,
                               .read_only = read_only};
    err_t err;
    store_t *store = store_open(f->dir, f->evs.codes, &options, &err);
    if (!store)
        fail_msg("%s", err.message);
    return store;
}

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    snprintf(f->dir, sizeof f->dir, "/tmp/opcat-test-handlers.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->evs.codes = codes_new(NULL, &err);
    assert_non_null(f->evs.codes);
    f->evs.store = s_open(f, false);
    f->evs.max_request = 1 << 20;
    assert_int_equal(evs_replay_init(&f->evs), 0);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[100];
    evs_replay_fini(&f->evs);
    store_destroy(&f->evs.store);
    codes_destroy(&f->evs.codes);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

#define DIALOGUE(id)                                                           \
    "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\","          \
    "\"state\":\"AUS\",\"with\":\"state\",\"id\":\"" id "\"}"
#define BAD_STATE                                                              \
    "{\"type\":\"followup.dialogue\",\"occurred_on\":\"2025-05-05\","          \
    "\"state\":\"ZZZ\",\"with\":\"state\",\"id\":\"bad\"}"
#define RATIFIED(state)                                                        \
    "{\"type\":\"state.ratified\",\"occurred_on\":\"2006-09-14\","             \
    "\"state\":\"" state "\",\"instrument\":\"ratification\"}"

typedef struct {
    bool atomic, validate_only;
} flags_t;

/*  An AppendRequest of the events given as JSON, packed. */
static uint8_t *s_request(const char *const *json, size_t n, flags_t flags,
                          size_t *len)
{
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    event_t **events = calloc(n ? n : 1, sizeof *events);
    err_t err;
    for (size_t i = 0; i < n; i++)
        if (!(events[i] = event_from_text(json[i], strlen(json[i]), &err)))
            fail_msg("%s: %s", json[i], err.message);
    req.request_id = 42;
    req.atomic = flags.atomic;
    req.validate_only = flags.validate_only;
    req.n_events = n;
    req.events = events;
    *len = opcat__v1__append_request__get_packed_size(&req);
    uint8_t *buf = malloc(*len ? *len : 1);
    opcat__v1__append_request__pack(&req, buf);
    for (size_t i = 0; i < n; i++)
        event_free(&events[i]);
    free(events);
    return buf;
}

/*  Hands 'len' bytes to the APPEND handler of endpoint 'role'; returns
    its reply, unpacked. */
static Opcat__V1__AppendReply *s_append_bytes(fixture_t *f, const uint8_t *data,
                                              size_t len, const char *role)
{
    size_t reply_len;
    uint8_t *reply = evs_append_request(&f->evs, data, len, role, &reply_len);
    assert_non_null(reply);
    Opcat__V1__AppendReply *r =
        opcat__v1__append_reply__unpack(NULL, reply_len, reply);
    assert_non_null(r);
    free(reply);
    return r;
}

static Opcat__V1__AppendReply *s_append_as(fixture_t *f, const char *role,
                                           const char *const *json, size_t n,
                                           flags_t flags)
{
    size_t len;
    uint8_t *req = s_request(json, n, flags, &len);
    Opcat__V1__AppendReply *r = s_append_bytes(f, req, len, role);
    free(req);
    return r;
}

static Opcat__V1__AppendReply *s_append(fixture_t *f, const char *const *json,
                                        size_t n, flags_t flags)
{
    return s_append_as(f, EVS_ROLE_WRITER, json, n, flags);
}

static void s_expect_result(const Opcat__V1__AppendReply *r, size_t i,
                            int status, uint64_t sequence)
{
    assert_true(i < r->n_results);
    if ((int)r->results[i]->status != status)
        fail_msg("event %zu: status %d, not %d (%s)", i,
                 (int)r->results[i]->status, status, r->results[i]->message);
    assert_int_equal(r->results[i]->sequence, sequence);
}

static void test_append_stores_a_good_batch(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {DIALOGUE("a1"), RATIFIED("PER")};
    Opcat__V1__AppendReply *r = s_append(f, json, 2, (flags_t){0});
    assert_int_equal(r->code, 0);
    assert_int_equal(r->request_id, 42);
    assert_int_equal(r->n_results, 2);
    s_expect_result(r, 0, STORE_STORED, 1);
    s_expect_result(r, 1, STORE_STORED, 2);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(store_head(f->evs.store), 2);
    assert_int_equal(f->evs.stored, 2);
}

static void test_append_refuses_a_bad_event_and_stores_the_others(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {BAD_STATE, DIALOGUE("a1")};
    Opcat__V1__AppendReply *r = s_append(f, json, 2, (flags_t){0});
    s_expect_result(r, 0, STORE_REFUSED, 0);
    assert_int_equal(r->results[0]->code, OPCAT_EINVAL);
    assert_string_equal(r->results[0]->field, "state");
    assert_non_null(strstr(r->results[0]->message, "ZZZ"));
    s_expect_result(r, 1, STORE_STORED, 1);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(f->evs.refused, 1);
    assert_int_equal(f->evs.stored, 1);
}

static void test_append_answers_a_resent_event_duplicate(void **state)
{
    fixture_t *f = *state;
    const char *first[] = {DIALOGUE("a1"), DIALOGUE("a2")};
    opcat__v1__append_reply__free_unpacked(s_append(f, first, 2, (flags_t){0}),
                                           NULL);
    const char *again[] = {DIALOGUE("a2"), DIALOGUE("a3")};
    Opcat__V1__AppendReply *r = s_append(f, again, 2, (flags_t){0});
    s_expect_result(r, 0, STORE_DUPLICATE, 2);
    s_expect_result(r, 1, STORE_STORED, 3);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(f->evs.duplicates, 1);
    assert_int_equal(store_head(f->evs.store), 3);
}

static void test_append_atomic_with_a_bad_event_stores_nothing(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {DIALOGUE("a1"), BAD_STATE, DIALOGUE("a2")};
    Opcat__V1__AppendReply *r = s_append(f, json, 3, (flags_t){.atomic = true});
    s_expect_result(r, 0, STORE_NOT_STORED, 0);
    s_expect_result(r, 1, STORE_REFUSED, 0);
    s_expect_result(r, 2, STORE_NOT_STORED, 0);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(store_head(f->evs.store), 0);
}

static void test_append_validate_only_keeps_nothing(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {DIALOGUE("a1"), BAD_STATE};
    Opcat__V1__AppendReply *r =
        s_append(f, json, 2, (flags_t){.validate_only = true});
    s_expect_result(r, 0, STORE_STORED, 0); /* would be stored */
    s_expect_result(r, 1, STORE_REFUSED, 0);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(store_head(f->evs.store), 0);
    assert_int_equal(f->evs.stored + f->evs.refused, 0);
}

static void test_append_too_big_and_malformed_requests(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {DIALOGUE("a1"), DIALOGUE("a2")};
    size_t len;
    uint8_t *req = s_request(json, 2, (flags_t){0}, &len);
    f->evs.max_request = (int64_t)len - 1;
    Opcat__V1__AppendReply *r = s_append_bytes(f, req, len, EVS_ROLE_WRITER);
    assert_int_equal(r->code, OPCAT_ETOOBIG);
    assert_int_equal(r->n_results, 0);
    assert_non_null(strstr(r->message, "--max-message"));
    opcat__v1__append_reply__free_unpacked(r, NULL);
    free(req);

    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff};
    r = s_append_bytes(f, junk, sizeof junk, EVS_ROLE_WRITER);
    assert_int_equal(r->code, OPCAT_EPROTO);
    assert_int_equal(r->n_results, 0);
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(f->evs.bad_frames, 2);
    assert_int_equal(store_head(f->evs.store), 0);
}

static void test_append_a_failed_commit_answers_failed(void **state)
{
    fixture_t *f = *state;
    store_t *writer = f->evs.store;
    f->evs.store = s_open(f, true);
    const char *json[] = {DIALOGUE("a1"), DIALOGUE("a2")};
    Opcat__V1__AppendReply *r = s_append(f, json, 2, (flags_t){0});
    for (size_t i = 0; i < 2; i++) {
        s_expect_result(r, i, STORE_FAILED, 0);
        assert_int_equal(r->results[i]->code, OPCAT_ESTATE);
        assert_non_null(strstr(r->results[i]->message, "read-only"));
    }
    opcat__v1__append_reply__free_unpacked(r, NULL);
    assert_int_equal(f->evs.failed_commits, 1);
    store_destroy(&f->evs.store);
    f->evs.store = writer;
}

#define REMINDER                                                               \
    "{\"type\":\"reminder.issued\",\"occurred_on\":\"2026-03-01\","            \
    "\"state\":\"PER\",\"rule\":\"art12.state_reply\",\"subject\":"            \
    "\"PER-2025-R\",\"due_on\":\"2026-02-28\",\"stage\":\"overdue\"}"

static void test_append_roles_of_the_two_endpoints(void **state)
{
    fixture_t *f = *state;
    const char *json[] = {REMINDER, DIALOGUE("a1")};
    Opcat__V1__AppendReply *r = s_append(f, json, 2, (flags_t){0});
    s_expect_result(r, 0, STORE_REFUSED, 0);
    assert_int_equal(r->results[0]->code, OPCAT_EAUTH);
    s_expect_result(r, 1, STORE_STORED, 1);
    opcat__v1__append_reply__free_unpacked(r, NULL);

    r = s_append_as(f, EVS_ROLE_REMINDER, json, 2, (flags_t){0});
    s_expect_result(r, 0, STORE_STORED, 2);
    s_expect_result(r, 1, STORE_REFUSED, 0);
    assert_int_equal(r->results[1]->code, OPCAT_EAUTH);
    opcat__v1__append_reply__free_unpacked(r, NULL);

    uint8_t *env;
    size_t len;
    err_t err;
    CHECK(store_get(f->evs.store, 2, &env, &len, &err), &err);
    event_t *e = event_unpack(env, len);
    assert_non_null(e);
    assert_string_equal(e->written_by, EVS_ROLE_REMINDER);
    event_free(&e);
    free(env);
}

/* ---------------------------------------------------------------- REPLAY */

#define MAX_FRAMES 16

/*  The frames of one REPLAY answer, copied. */
typedef struct {
    size_t count;
    uint8_t *data[MAX_FRAMES];
    size_t len[MAX_FRAMES];
    bool more[MAX_FRAMES];
} frames_t;

static int s_frame(void *arg, zmq_msg_t *frame, int flags)
{
    frames_t *fr = arg;
    assert_true(fr->count < MAX_FRAMES);
    size_t len = zmq_msg_size(frame);
    fr->data[fr->count] = malloc(len ? len : 1);
    memcpy(fr->data[fr->count], zmq_msg_data(frame), len);
    fr->len[fr->count] = len;
    fr->more[fr->count++] = (flags & ZMQ_SNDMORE) != 0;
    zmq_msg_close(frame); /* taken, as zmq_msg_send takes it */
    zmq_msg_init(frame);
    return 0;
}

static void s_frames_free(frames_t *fr)
{
    for (size_t i = 0; i < fr->count; i++)
        free(fr->data[i]);
    fr->count = 0;
}

/*  Sends 'req' to the REPLAY handler; returns the reply (frame 0) and
    leaves every frame in 'fr'. */
static Opcat__V1__ReplayReply *
s_replay(fixture_t *f, const Opcat__V1__ReplayRequest *req, frames_t *fr)
{
    size_t len = opcat__v1__replay_request__get_packed_size(req);
    uint8_t *buf = malloc(len ? len : 1);
    opcat__v1__replay_request__pack(req, buf);
    memset(fr, 0, sizeof *fr);
    evs_replay_request(&f->evs, buf, len, false, s_frame, fr);
    free(buf);
    assert_true(fr->count >= 1);
    assert_false(fr->more[fr->count - 1]); /* the answer ends */
    Opcat__V1__ReplayReply *r =
        opcat__v1__replay_reply__unpack(NULL, fr->len[0], fr->data[0]);
    assert_non_null(r);
    return r;
}

/*  A page of events 'from'..'to' (0: the head), at most 'max'. */
static Opcat__V1__ReplayReply *s_page(fixture_t *f, uint64_t from, uint64_t to,
                                      uint32_t max, bool packed, frames_t *fr)
{
    Opcat__V1__ReplayRequest req = OPCAT__V1__REPLAY_REQUEST__INIT;
    req.request_id = 7;
    req.from = from;
    req.to = to;
    req.max_events = max;
    req.packed = packed;
    return s_replay(f, &req, fr);
}

/*  Asserts that 'data' is the envelope of event "e<seq>". */
static void s_expect_envelope(const uint8_t *data, size_t len, uint64_t seq)
{
    event_t *e = event_unpack(data, len);
    assert_non_null(e);
    char id[16];
    snprintf(id, sizeof id, "e%llu", (unsigned long long)seq);
    assert_string_equal(e->id, id);
    assert_int_equal(e->sequence, seq);
    event_free(&e);
}

static void s_store_five(fixture_t *f)
{
    const char *json[] = {DIALOGUE("e1"), DIALOGUE("e2"), DIALOGUE("e3"),
                          DIALOGUE("e4"), DIALOGUE("e5")};
    opcat__v1__append_reply__free_unpacked(s_append(f, json, 5, (flags_t){0}),
                                           NULL);
    assert_int_equal(store_head(f->evs.store), 5);
}

/*  Asserts a page of the five events: 'count' events from 'first' in
    'frames' frames. */
static void s_expect_page(const Opcat__V1__ReplayReply *r, const frames_t *fr,
                          uint32_t count, uint64_t first, size_t frames)
{
    assert_int_equal(r->code, 0);
    assert_int_equal(r->head, 5);
    assert_int_equal(r->count, count);
    assert_int_equal(fr->count, frames);
    for (uint64_t k = 0; k < count; k++)
        assert_int_equal(r->sequences[k], first + k);
}

static void test_replay_pages_by_credit(void **state)
{
    fixture_t *f = *state;
    s_store_five(f);
    frames_t fr;
    Opcat__V1__ReplayReply *r = s_page(f, 1, 0, 2, false, &fr);
    assert_int_equal(r->request_id, 7);
    s_expect_page(r, &fr, 2, 1, 3); /* the reply, then a frame per event */
    assert_int_equal(r->next, 3);
    for (uint64_t k = 0; k < 2; k++)
        s_expect_envelope(fr.data[1 + k], fr.len[1 + k], k + 1);
    opcat__v1__replay_reply__free_unpacked(r, NULL);
    s_frames_free(&fr);

    /* the rest, and past the end 'next' is after the head */
    r = s_page(f, 3, 0, 100, false, &fr);
    s_expect_page(r, &fr, 3, 3, 4);
    assert_int_equal(r->next, 6);
    s_expect_envelope(fr.data[3], fr.len[3], 5);
    opcat__v1__replay_reply__free_unpacked(r, NULL);
    s_frames_free(&fr);
}

static void test_replay_packed_page(void **state)
{
    fixture_t *f = *state;
    s_store_five(f);
    frames_t fr;
    Opcat__V1__ReplayReply *r = s_page(f, 2, 4, 100, true, &fr);
    s_expect_page(r, &fr, 3, 2, 2); /* the reply and one blob */
    assert_int_equal(r->n_lengths, 3);
    size_t off = 0;
    for (uint64_t k = 0; k < 3; k++) {
        s_expect_envelope(fr.data[1] + off, r->lengths[k], k + 2);
        off += r->lengths[k];
    }
    assert_int_equal(off, fr.len[1]);
    opcat__v1__replay_reply__free_unpacked(r, NULL);
    s_frames_free(&fr);
}

static void test_replay_head_only(void **state)
{
    fixture_t *f = *state;
    s_store_five(f);
    Opcat__V1__ReplayRequest req = OPCAT__V1__REPLAY_REQUEST__INIT;
    frames_t fr;
    req.from = 1;
    req.max_events = 100;
    req.head_only = true;
    Opcat__V1__ReplayReply *r = s_replay(f, &req, &fr);
    assert_int_equal(r->head, 5);
    assert_int_equal(r->count, 0);
    assert_int_equal(fr.count, 1);
    opcat__v1__replay_reply__free_unpacked(r, NULL);
    s_frames_free(&fr);
}

/*  Hands raw bytes to the REPLAY handler; returns the reply's code. */
static int s_replay_code(fixture_t *f, const uint8_t *data, size_t len)
{
    frames_t fr = {0};
    evs_replay_request(&f->evs, data, len, false, s_frame, &fr);
    assert_int_equal(fr.count, 1);
    Opcat__V1__ReplayReply *r =
        opcat__v1__replay_reply__unpack(NULL, fr.len[0], fr.data[0]);
    assert_non_null(r);
    assert_int_equal(r->count, 0);
    int code = r->code;
    opcat__v1__replay_reply__free_unpacked(r, NULL);
    s_frames_free(&fr);
    return code;
}

static void test_replay_malformed_and_too_big_requests(void **state)
{
    fixture_t *f = *state;
    const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff};
    assert_int_equal(s_replay_code(f, junk, sizeof junk), OPCAT_EPROTO);
    uint8_t *big = calloc(1, EVS_REPLAY_MAX_REQUEST + 1);
    assert_int_equal(s_replay_code(f, big, EVS_REPLAY_MAX_REQUEST + 1),
                     OPCAT_ETOOBIG);
    free(big);
    assert_int_equal(f->evs.bad_frames, 2);
}

#define TEST(name) cmocka_unit_test_setup_teardown(name, s_setup, s_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TEST(test_append_stores_a_good_batch),
        TEST(test_append_refuses_a_bad_event_and_stores_the_others),
        TEST(test_append_answers_a_resent_event_duplicate),
        TEST(test_append_atomic_with_a_bad_event_stores_nothing),
        TEST(test_append_validate_only_keeps_nothing),
        TEST(test_append_too_big_and_malformed_requests),
        TEST(test_append_a_failed_commit_answers_failed),
        TEST(test_append_roles_of_the_two_endpoints),
        TEST(test_replay_pages_by_credit),
        TEST(test_replay_packed_page),
        TEST(test_replay_head_only),
        TEST(test_replay_malformed_and_too_big_requests),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
