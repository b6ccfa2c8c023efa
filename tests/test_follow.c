/*  test_follow: the follower (common/follow.c) against an in-process fake
    of the store's PUBLISH and REPLAY (tests/fake_store.c, inproc://).

    Each test catches up through REPLAY, then the fake sends live messages
    as the test says: one dropped in the middle of live traffic, several
    dropped, the first ones after the catch-up dropped, one repeated, two
    swapped, a replay page overlapping what came live, none but a
    heartbeat past the end.  Each asserts the exact
    sequence delivered (every event once, in order, with its own bytes)
    and how many holes were filled through REPLAY. */
#include "test_common.h"

#include <string.h>
#include <zmq.h>

#include "fake_store.h"
#include "follow.h"
#include "monotime.h"

#define MAX_DELIVERED 256
#define WAIT_MS 5000

typedef struct {
    bus_t *bus;
    fake_store_t *store;
    follow_t *follow;
    uint64_t delivered[MAX_DELIVERED];
    size_t count;
    size_t batches;
} fixture_t;

/*  The bytes of event 'seq': they say which event they are, so a live
    message delivered under the wrong sequence is seen. */
static void s_add(fixture_t *f, uint64_t upto)
{
    while (fake_store_head(f->store) < upto) {
        char text[32];
        int n = snprintf(text, sizeof text, "event %llu",
                         (unsigned long long)fake_store_head(f->store) + 1);
        fake_store_add(f->store, text, (size_t)n);
    }
}

static int s_on_events(void *arg, const follow_event_t *events, size_t count)
{
    fixture_t *f = arg;
    f->batches++;
    for (size_t i = 0; i < count; i++) {
        char text[32];
        int n = snprintf(text, sizeof text, "event %llu",
                         (unsigned long long)events[i].sequence);
        /* the bytes are those of the event of that sequence */
        if (events[i].len != (size_t)n || memcmp(events[i].data, text, n) != 0)
            fail_msg("sequence %llu delivered with the bytes \"%.*s\"",
                     (unsigned long long)events[i].sequence, (int)events[i].len,
                     (const char *)events[i].data);
        assert_true(f->count < MAX_DELIVERED);
        f->delivered[f->count++] = events[i].sequence;
    }
    return 0;
}

/*  Runs the fake and the follower until the follower's position is
    'position' and it is caught up, or fails after WAIT_MS. */
static void s_run_until(fixture_t *f, uint64_t position)
{
    int64_t deadline = monotime_ms() + WAIT_MS;
    while (!(follow_position(f->follow) == position &&
             follow_caught_up(f->follow))) {
        if (monotime_ms() > deadline)
            fail_msg("position %llu after %d ms, waited for %llu",
                     (unsigned long long)follow_position(f->follow), WAIT_MS,
                     (unsigned long long)position);
        zmq_pollitem_t items[3];
        follow_poll_items(f->follow, items);
        items[2] = (zmq_pollitem_t){fake_store_replay_socket(f->store), 0,
                                    ZMQ_POLLIN, 0};
        assert_true(zmq_poll(items, 3, 50) >= 0);
        if (items[2].revents & ZMQ_POLLIN)
            fake_store_serve(f->store);
        assert_int_equal(follow_handle(f->follow, items, s_on_events, f), 0);
    }
}

/*  One poll and handle of the follower, the fake not answering. */
static void s_step(fixture_t *f)
{
    zmq_pollitem_t items[2];
    follow_poll_items(f->follow, items);
    assert_true(zmq_poll(items, 2, 50) >= 0);
    assert_int_equal(follow_handle(f->follow, items, s_on_events, f), 0);
}

/*  Every sequence 1..n was delivered once, in order. */
static void s_expect_all(const fixture_t *f, uint64_t n)
{
    for (size_t i = 0; i < f->count && i < n; i++)
        if (f->delivered[i] != i + 1)
            fail_msg("delivery %zu was sequence %llu, expected %zu", i,
                     (unsigned long long)f->delivered[i], i + 1);
    assert_int_equal(f->count, n);
}

/*  A follower from the start that has caught up with events 1..3. */
static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    err_t err;
    f->bus = bus_new_with(NULL, &err);
    assert_non_null(f->bus);
    f->store =
        fake_store_new(bus_zmq(f->bus), "inproc://replay", "inproc://publish");
    assert_non_null(f->store);
    s_add(f, 3);
    f->follow = follow_new(f->bus, "inproc://replay", "inproc://publish", NULL,
                           0, &err);
    if (!f->follow)
        fail_msg("follow_new: %s", err.message);
    assert_true(fake_store_wait_subscriber(f->store, WAIT_MS));
    s_run_until(f, 3);
    s_expect_all(f, 3);
    assert_int_equal(follow_holes(f->follow), 0);
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    follow_destroy(&f->follow);
    fake_store_destroy(&f->store);
    bus_destroy(&f->bus);
    free(f);
    return 0;
}

/*  Publishes the events listed, in that order. */
static void s_publish(fixture_t *f, const uint64_t *seqs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fake_store_publish(f->store, seqs[i]);
}

static void test_live_in_order(void **state)
{
    fixture_t *f = *state;
    s_add(f, 6);
    s_publish(f, (uint64_t[]){4, 5, 6}, 3);
    s_run_until(f, 6);
    s_expect_all(f, 6);
    assert_int_equal(follow_holes(f->follow), 0);
    assert_int_equal(fake_store_replays(f->store), 1); /* the catch-up only */
}

static void test_hole_mid_live(void **state)
{
    fixture_t *f = *state;
    s_add(f, 8);
    s_publish(f, (uint64_t[]){4, 5, 7, 8}, 4); /* 6 dropped */
    s_run_until(f, 8);
    s_expect_all(f, 8);
    assert_int_equal(follow_holes(f->follow), 1);
    /* live again after the hole: 9 comes from PUBLISH, not REPLAY */
    uint64_t replays = fake_store_replays(f->store);
    s_add(f, 9);
    s_publish(f, (uint64_t[]){9}, 1);
    s_run_until(f, 9);
    s_expect_all(f, 9);
    assert_int_equal(fake_store_replays(f->store), replays);
}

static void test_several_holes(void **state)
{
    fixture_t *f = *state;
    s_add(f, 12);
    s_publish(f, (uint64_t[]){4, 6, 9, 12}, 4); /* 5, 7-8, 10-11 dropped */
    s_run_until(f, 12);
    s_expect_all(f, 12);
    assert_true(follow_holes(f->follow) >= 1);
}

static void test_hole_at_head(void **state)
{
    fixture_t *f = *state;
    s_add(f, 6);
    s_publish(f, (uint64_t[]){6}, 1); /* the first two after catch-up lost */
    s_run_until(f, 6);
    s_expect_all(f, 6);
    assert_int_equal(follow_holes(f->follow), 1);
}

static void test_duplicate(void **state)
{
    fixture_t *f = *state;
    s_add(f, 5);
    s_publish(f, (uint64_t[]){4, 4, 5, 3, 5}, 5);
    s_run_until(f, 5);
    s_expect_all(f, 5);
    assert_int_equal(follow_holes(f->follow), 0);
}

static void test_out_of_order(void **state)
{
    fixture_t *f = *state;
    s_add(f, 7);
    s_publish(f, (uint64_t[]){5, 4, 7, 6}, 4);
    s_run_until(f, 7);
    s_expect_all(f, 7);
}

/*  A hole asks REPLAY from 4; before the page comes, 4 and 5 arrive live
    after all: the page (4-6) overlaps what was delivered, and only 6 of
    it is new. */
static void test_replay_overlaps_live(void **state)
{
    fixture_t *f = *state;
    s_add(f, 6);
    s_publish(f, (uint64_t[]){6}, 1);
    s_step(f); /* 6 past the position: the request from 4 is in flight */
    assert_int_equal(follow_position(f->follow), 3);
    s_publish(f, (uint64_t[]){4, 5}, 2);
    s_step(f);
    assert_int_equal(follow_position(f->follow), 5);
    s_run_until(f, 6); /* now the page of 4-6 is answered */
    s_expect_all(f, 6);
}

static void test_heartbeat_past_end(void **state)
{
    fixture_t *f = *state;
    s_add(f, 5); /* stored, never published */
    fake_store_heartbeat(f->store);
    s_run_until(f, 5);
    s_expect_all(f, 5);
    assert_int_equal(follow_holes(f->follow), 1);
    assert_int_equal(follow_known_head(f->follow), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_live_in_order, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_hole_mid_live, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_several_holes, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_hole_at_head, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_duplicate, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_out_of_order, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_replay_overlaps_live, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_heartbeat_past_end, s_setup,
                                        s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
