/*  test_client: the REPLAY page of common/net/client.h against a fake store
    (a ROUTER on an ipc:// endpoint in a temp dir, answered by hand).

    - the client asks for the packed form;
    - a packed page (one frame, lengths) and a page of one frame per event
      read the same through client_page_event();
    - a packed page whose lengths do not add up to its frame, or whose
      count disagrees, is refused as malformed, naming what is wrong;
    - a page can be reused and released;
    - a client set to nowait fails an APPEND it cannot queue (no store
      listening, its queue full) at once instead of blocking. */
#include "test_common.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bus.h"
#include "client.h"

typedef struct {
    char dir[64], endpoint[128];
    bus_t *bus;
    void *router;
    client_t *client;
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test-client.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->endpoint, sizeof f->endpoint, "ipc://%s/replay", f->dir);
    err_t err;
    f->bus = bus_new_with(NULL, &err);
    assert_non_null(f->bus);
    f->router = bus_socket(f->bus, ZMQ_ROUTER, f->endpoint, true, &err);
    assert_non_null(f->router);
    f->client = client_new(f->bus, NULL, f->endpoint, &err);
    assert_non_null(f->client);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    client_destroy(&f->client);
    bus_close(&f->router);
    bus_destroy(&f->bus);
    char path[160];
    snprintf(path, sizeof path, "%s/replay", f->dir);
    unlink(path);
    rmdir(f->dir);
    free(f);
    return 0;
}

/*  Receives the client's request on the fake store; returns it (and
    keeps the identity frame in 'identity'). */
static Opcat__V1__ReplayRequest *s_take_request(fixture_t *f,
                                                zmq_msg_t *identity)
{
    bus_message_t msg;
    zmq_pollitem_t item = {f->router, 0, ZMQ_POLLIN, 0};
    assert_int_equal(zmq_poll(&item, 1, 3000), 1);
    assert_int_equal(bus_recv(f->router, &msg, 0), 0);
    assert_int_equal(msg.count, 2);
    Opcat__V1__ReplayRequest *req = opcat__v1__replay_request__unpack(
        NULL, zmq_msg_size(&msg.frames[1]), zmq_msg_data(&msg.frames[1]));
    assert_non_null(req);
    zmq_msg_init(identity);
    zmq_msg_copy(identity, &msg.frames[0]);
    bus_message_close(&msg);
    return req;
}

/*  Answers with 'reply' and then 'nbodies' frames. */
static void s_answer(fixture_t *f, zmq_msg_t *identity,
                     Opcat__V1__ReplayReply *reply, const char *const *bodies,
                     size_t nbodies)
{
    uint8_t buf[256];
    size_t len = opcat__v1__replay_reply__pack(reply, buf);
    assert_true(zmq_msg_send(identity, f->router, ZMQ_SNDMORE) >= 0);
    assert_true(zmq_send(f->router, buf, len, nbodies ? ZMQ_SNDMORE : 0) >= 0);
    for (size_t i = 0; i < nbodies; i++)
        assert_true(zmq_send(f->router, bodies[i], strlen(bodies[i]),
                             i + 1 < nbodies ? ZMQ_SNDMORE : 0) >= 0);
}

/*  Sends a fetch, lets the fake store answer with 'reply' + 'bodies', and
    reads the page.  Returns client_fetch_recv()'s code. */
static int s_round(fixture_t *f, Opcat__V1__ReplayReply *reply,
                   const char *const *bodies, size_t nbodies,
                   client_page_t *page, err_t *err)
{
    uint64_t id;
    CHECK(client_fetch_send(f->client, 1, 0, 10, NULL, &id, err), err);
    zmq_msg_t identity;
    Opcat__V1__ReplayRequest *req = s_take_request(f, &identity);
    assert_true(req->packed);
    reply->request_id = req->request_id;
    opcat__v1__replay_request__free_unpacked(req, NULL);
    s_answer(f, &identity, reply, bodies, nbodies);
    zmq_msg_close(&identity);
    zmq_pollitem_t item = {client_replay_socket(f->client), 0, ZMQ_POLLIN, 0};
    assert_int_equal(zmq_poll(&item, 1, 3000), 1);
    return client_fetch_recv(f->client, page, err);
}

static void s_expect_events(const client_page_t *page, const char *const *want,
                            size_t n)
{
    assert_int_equal(page->count, n);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const uint8_t *e = client_page_event(page, i, &len);
        assert_int_equal(len, strlen(want[i]));
        assert_memory_equal(e, want[i], len);
    }
}

static void test_both_forms(void **state)
{
    fixture_t *f = *state;
    static const char *const events[] = {"first", "", "third event"};
    uint64_t seqs[] = {1, 2, 3};
    uint32_t lengths[] = {5, 0, 11};
    client_page_t page = {0};
    err_t err;

    Opcat__V1__ReplayReply framed = OPCAT__V1__REPLAY_REPLY__INIT;
    framed.count = 3, framed.n_sequences = 3, framed.sequences = seqs;
    CHECK(s_round(f, &framed, events, 3, &page, &err), &err);
    s_expect_events(&page, events, 3);

    Opcat__V1__ReplayReply packed = OPCAT__V1__REPLAY_REPLY__INIT;
    packed.count = 3, packed.n_sequences = 3, packed.sequences = seqs;
    packed.n_lengths = 3, packed.lengths = lengths;
    const char *blob[] = {"firstthird event"};
    CHECK(s_round(f, &packed, blob, 1, &page, &err), &err); /* reused */
    s_expect_events(&page, events, 3);

    Opcat__V1__ReplayReply empty = OPCAT__V1__REPLAY_REPLY__INIT;
    CHECK(s_round(f, &empty, NULL, 0, &page, &err), &err);
    assert_int_equal(page.count, 0);
    client_page_release(&page);
    assert_null(page.frames);
}

static void test_malformed_packed(void **state)
{
    fixture_t *f = *state;
    uint64_t seqs[] = {1, 2};
    uint32_t lengths[] = {5, 6};
    client_page_t page = {0};
    err_t err;
    Opcat__V1__ReplayReply r = OPCAT__V1__REPLAY_REPLY__INIT;
    r.count = 2, r.n_sequences = 2, r.sequences = seqs;
    r.n_lengths = 2, r.lengths = lengths;

    const char *short_blob[] = {"firstsecon"}; /* 10 bytes, lengths say 11 */
    assert_int_equal(s_round(f, &r, short_blob, 1, &page, &err), OPCAT_EPROTO);
    assert_non_null(
        strstr(err.message, "add up to 11 bytes, the frame has 10"));

    const char *two_frames[] = {"first", "second"};
    assert_int_equal(s_round(f, &r, two_frames, 2, &page, &err), OPCAT_EPROTO);
    assert_non_null(strstr(err.message, "2 lengths, 2 events, 2 frames"));

    r.count = 3; /* the count disagrees with the lengths */
    const char *blob[] = {"firstsecond"};
    assert_int_equal(s_round(f, &r, blob, 1, &page, &err), OPCAT_EPROTO);
    assert_non_null(strstr(err.message, "malformed packed page"));
    client_page_release(&page);
}

/*  Nobody listens on the APPEND endpoint: the DEALER queues up to its
    high-water mark, then a nowait send must fail, not block (an alarm
    ends the test if it blocks). */
static void test_a_nowait_append_never_blocks(void **state)
{
    fixture_t *f = *state;
    char append_ep[160];
    snprintf(append_ep, sizeof append_ep, "ipc://%s/append", f->dir);
    err_t err;
    client_t *client = client_new(f->bus, append_ep, NULL, &err);
    assert_non_null(client);
    client_set_nowait(client, true);
    alarm(10);
    int rc = OPCAT_OK;
    size_t sent = 0;
    while (sent < 1000000 &&
           !(rc = client_append_send(client, NULL, 0, false, NULL, &err)))
        sent++;
    alarm(0);
    assert_int_equal(rc, OPCAT_ETIMEDOUT);
    assert_non_null(strstr(err.message, "takes nothing now"));
    assert_true(sent > 0 && sent < 1000000);
    client_destroy(&client);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_both_forms, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_packed, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_a_nowait_append_never_blocks,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
