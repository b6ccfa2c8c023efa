/*  Unit tests of common/runtime/loop: timers in due order, once or
    periodic, moved and removed; sockets and descriptors called when ready;
    changes made by handlers during a wake-up; stopping. */
#include "test_common.h"

#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "loop.h"
#include "monotime.h"

typedef struct {
    char order[32]; /* the timers' letters, in the order they ran */
    size_t n;
    int runs;   /* of the periodic timer */
    int64_t t0; /* when the loop started */
    int64_t fired_ms;
    uint64_t other; /* a timer a handler removes or moves */
    void *socket;
    int fd;
    int reads;
} probe_t;

static volatile sig_atomic_t s_never;

static int64_t s_letter(loop_t *loop, uint64_t id, void *arg, char c)
{
    (void)loop, (void)id;
    probe_t *p = arg;
    p->order[p->n++] = c;
    return LOOP_TIMER_DONE;
}
static int64_t s_a(loop_t *l, uint64_t id, void *arg)
{
    return s_letter(l, id, arg, 'a');
}
static int64_t s_b(loop_t *l, uint64_t id, void *arg)
{
    return s_letter(l, id, arg, 'b');
}
static int64_t s_c_and_stop(loop_t *l, uint64_t id, void *arg)
{
    s_letter(l, id, arg, 'c');
    loop_stop(l);
    return LOOP_TIMER_DONE;
}

/*  Adds timers c (30 ms), b (10 ms) and a (0 ms), sleeps 'late_ms' before
    the loop's first poll, runs it and expects them in due order. */
static void s_expect_due_order(long late_ms)
{
    loop_t *loop = loop_new();
    probe_t p = {0};
    assert_non_null(loop);
    assert_true(loop_add_timer(loop, 30, s_c_and_stop, &p) > 0);
    assert_true(loop_add_timer(loop, 10, s_b, &p) > 0);
    assert_true(loop_add_timer(loop, 0, s_a, &p) > 0);
    struct timespec late = {.tv_nsec = late_ms * 1000 * 1000};
    nanosleep(&late, NULL);
    err_t err;
    CHECK(loop_run(loop, &s_never, &err), &err);
    assert_string_equal(p.order, "abc");
    loop_destroy(&loop);
    assert_null(loop);
}

static void test_timers_run_once_in_due_order(void **state)
{
    (void)state;
    s_expect_due_order(0);
}

/*  A wake-up that comes late finds several timers due at once: they still
    run in the order of their due times. */
static void test_timers_due_together_run_in_due_order(void **state)
{
    (void)state;
    s_expect_due_order(50); /* all three are due before the first poll */
}

static int64_t s_periodic(loop_t *loop, uint64_t id, void *arg)
{
    (void)id;
    probe_t *p = arg;
    if (++p->runs == 3) {
        p->fired_ms = monotime_ms() - p->t0;
        loop_stop(loop);
    }
    return 20;
}

static void test_a_periodic_timer_never_runs_early(void **state)
{
    (void)state;
    loop_t *loop = loop_new();
    probe_t p = {.t0 = monotime_ms()};
    assert_true(loop_add_timer(loop, 20, s_periodic, &p) > 0);
    err_t err;
    CHECK(loop_run(loop, &s_never, &err), &err);
    assert_int_equal(p.runs, 3);
    assert_true(p.fired_ms >= 60); /* 3 x 20 ms at the earliest */
    loop_destroy(&loop);
}

static int64_t s_remove_other(loop_t *loop, uint64_t id, void *arg)
{
    probe_t *p = arg;
    s_letter(loop, id, arg, 'r');
    loop_remove_timer(loop, p->other);
    return LOOP_TIMER_DONE;
}

static void test_a_handler_removes_and_moves_timers(void **state)
{
    (void)state;
    loop_t *loop = loop_new();
    probe_t p = {0};
    assert_true(loop_add_timer(loop, 0, s_remove_other, &p) > 0);
    p.other = loop_add_timer(loop, 5, s_a, &p); /* removed before it runs */
    uint64_t late = loop_add_timer(loop, 60000, s_c_and_stop, &p);
    assert_true(p.other > 0 && late > 0);
    CHECK(loop_timer_at(loop, late, 20), &(err_t){0});
    assert_int_equal(loop_timer_at(loop, 999999, 0), OPCAT_ENOTFOUND);
    err_t err;
    int64_t t0 = monotime_ms();
    CHECK(loop_run(loop, &s_never, &err), &err);
    assert_string_equal(p.order, "rc");      /* 'a' never ran */
    assert_true(monotime_ms() - t0 < 30000); /* the move took effect */
    loop_destroy(&loop);
}

static void s_on_socket(loop_t *loop, void *socket, int fd, short revents,
                        void *arg)
{
    (void)fd;
    probe_t *p = arg;
    assert_true(revents & ZMQ_POLLIN);
    char buf[16];
    while (zmq_recv(socket, buf, sizeof buf, ZMQ_DONTWAIT) >= 0)
        p->reads++;
    if (p->reads >= 2) {
        loop_remove_socket(loop, socket); /* removes itself */
        loop_stop(loop);
    }
}

static int64_t s_send_two(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id;
    probe_t *p = arg;
    assert_int_equal(zmq_send(p->socket, "x", 1, 0), 1);
    assert_int_equal(zmq_send(p->socket, "y", 1, 0), 1);
    return LOOP_TIMER_DONE;
}

static void test_a_socket_handler_is_called_when_readable(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new();
    void *in = zmq_socket(ctx, ZMQ_PAIR), *out = zmq_socket(ctx, ZMQ_PAIR);
    assert_int_equal(zmq_bind(in, "inproc://loop-test"), 0);
    assert_int_equal(zmq_connect(out, "inproc://loop-test"), 0);
    loop_t *loop = loop_new();
    probe_t p = {.socket = out};
    CHECK(loop_add_socket(loop, in, ZMQ_POLLIN, s_on_socket, &p), &(err_t){0});
    assert_true(loop_add_timer(loop, 10, s_send_two, &p) > 0);
    err_t err;
    CHECK(loop_run(loop, &s_never, &err), &err);
    assert_int_equal(p.reads, 2);
    loop_destroy(&loop);
    zmq_close(in);
    zmq_close(out);
    zmq_ctx_term(ctx);
}

static void s_on_fd(loop_t *loop, void *socket, int fd, short revents,
                    void *arg)
{
    assert_null(socket);
    probe_t *p = arg;
    assert_int_equal(fd, p->fd);
    assert_true(revents & ZMQ_POLLIN);
    char c;
    assert_int_equal(read(fd, &c, 1), 1);
    p->order[p->n++] = c;
    if (c == 'z')
        loop_stop(loop);
}

static void s_after(loop_t *loop, void *arg)
{
    (void)loop;
    probe_t *p = arg;
    p->runs++;
}

static void test_a_descriptor_is_polled_and_the_hook_runs(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    loop_t *loop = loop_new();
    probe_t p = {.fd = fds[0]};
    CHECK(loop_add_fd(loop, fds[0], ZMQ_POLLIN, s_on_fd, &p), &(err_t){0});
    CHECK(loop_add_after(loop, s_after, &p), &(err_t){0});
    assert_int_equal(write(fds[1], "qz", 2), 2);
    err_t err;
    CHECK(loop_run(loop, &s_never, &err), &err);
    assert_string_equal(p.order, "qz");
    assert_true(p.runs >= 1 && (uint64_t)p.runs == loop_wakeups(loop));
    assert_int_equal(loop_set_fd_events(loop, fds[0], 0), 0);
    loop_remove_fd(loop, fds[0]);
    assert_int_equal(loop_set_fd_events(loop, fds[0], ZMQ_POLLIN),
                     OPCAT_ENOTFOUND);
    loop_destroy(&loop);
    close(fds[0]);
    close(fds[1]);
}

static volatile sig_atomic_t s_flag;

static int64_t s_set_flag(loop_t *loop, uint64_t id, void *arg)
{
    (void)loop, (void)id, (void)arg;
    s_flag = 1;
    return 1000;
}

static void test_the_stop_flag_and_nothing_to_wait_for(void **state)
{
    (void)state;
    loop_t *loop = loop_new();
    err_t err;
    assert_int_equal(loop_run(loop, &s_never, &err), OPCAT_ESTATE);
    assert_non_null(strstr(err.message, "nothing to wait for"));
    assert_true(loop_add_timer(loop, 0, s_set_flag, NULL) > 0);
    CHECK(loop_run(loop, &s_flag, &err), &err);
    assert_int_equal(s_flag, 1);
    loop_destroy(&loop);
    loop_destroy(&loop); /* idempotent */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timers_run_once_in_due_order),
        cmocka_unit_test(test_timers_due_together_run_in_due_order),
        cmocka_unit_test(test_a_periodic_timer_never_runs_early),
        cmocka_unit_test(test_a_handler_removes_and_moves_timers),
        cmocka_unit_test(test_a_socket_handler_is_called_when_readable),
        cmocka_unit_test(test_a_descriptor_is_polled_and_the_hook_runs),
        cmocka_unit_test(test_the_stop_flag_and_nothing_to_wait_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
