/*  Unit tests of common/net/query: a request answered, a service's error
    carried back as code, field and message, requests that are not a JSON
    object or have no "op" answered with an error (never dropped, never a
    crash), and a client that times out when nobody answers. */
#include "test_common.h"

#include <pthread.h>
#include <string.h>
#include <zmq.h>

#include "query.h"

#define ENDPOINT "inproc://test-query"

typedef struct {
    bus_t *bus;
    void *router;
    volatile int stop;
    int served;
} server_t;

/*  The service: "echo" answers {"echo": request}, "fail" fails with a
    field, anything else answers nothing (NULL without an error). */
static json_t *s_service(void *arg, const json_t *request, err_t *err)
{
    (void)arg;
    const char *op = json_string_value(json_object_get(request, "op"));
    if (strcmp(op, "echo") == 0)
        return json_pack("{s:O}", "echo", (json_t *)request);
    if (strcmp(op, "fail") == 0) {
        err_set(err, OPCAT_EINVAL, "as_of", "as_of: not a date");
        return NULL;
    }
    return NULL;
}

static void *s_serve(void *arg)
{
    server_t *s = arg;
    while (!s->stop) {
        zmq_pollitem_t item = {s->router, 0, ZMQ_POLLIN, 0};
        if (zmq_poll(&item, 1, 20) > 0)
            s->served += query_serve(s->router, 16, s_service, NULL);
    }
    return NULL;
}

static int s_setup(void **state)
{
    static server_t s;
    memset(&s, 0, sizeof s);
    err_t err;
    s.bus = bus_new_with(NULL, &err);
    assert_non_null(s.bus);
    s.router = query_bind(s.bus, ENDPOINT, &err);
    assert_non_null(s.router);
    *state = &s;
    return 0;
}

static int s_teardown(void **state)
{
    server_t *s = *state;
    zmq_close(s->router);
    bus_destroy(&s->bus);
    return 0;
}

/*  Runs the server in a thread while 'fn' asks. */
static void s_with_server(server_t *s, void (*fn)(server_t *))
{
    pthread_t t;
    s->stop = 0;
    assert_int_equal(pthread_create(&t, NULL, s_serve, s), 0);
    fn(s);
    s->stop = 1;
    pthread_join(t, NULL);
}

static void s_ask_echo_and_fail(server_t *s)
{
    err_t err;
    json_t *reply = NULL, *req = json_pack("{s:s,s:i}", "op", "echo", "n", 7);
    CHECK(query_call(s->bus, ENDPOINT, req, 2000, &reply, &err), &err);
    json_t *echo = json_object_get(reply, "echo");
    assert_int_equal(json_integer_value(json_object_get(echo, "n")), 7);
    json_decref(reply);
    json_decref(req);

    req = json_pack("{s:s}", "op", "fail");
    assert_int_equal(query_call(s->bus, ENDPOINT, req, 2000, &reply, &err),
                     OPCAT_EINVAL);
    assert_null(reply);
    assert_string_equal(err.field, "as_of");
    assert_string_equal(err.message, "as_of: not a date");
    json_decref(req);

    /* a service that answers nothing still gets an error reply */
    req = json_pack("{s:s}", "op", "silent");
    assert_int_equal(query_call(s->bus, ENDPOINT, req, 2000, &reply, &err),
                     OPCAT_EIO);
    json_decref(req);
}

static void test_answers_and_errors_travel_back(void **state)
{
    s_with_server(*state, s_ask_echo_and_fail);
}

/*  Sends 'text' as a raw request and returns the reply's error. */
static json_t *s_raw(server_t *s, const char *text)
{
    void *dealer = zmq_socket(bus_zmq(s->bus), ZMQ_DEALER);
    assert_int_equal(zmq_connect(dealer, ENDPOINT), 0);
    assert_int_equal(zmq_send(dealer, text, strlen(text), 0),
                     (int)strlen(text));
    char buf[1024];
    int timeout = 2000;
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &timeout, sizeof timeout);
    int n = zmq_recv(dealer, buf, sizeof buf - 1, 0);
    zmq_close(dealer);
    assert_true(n > 0);
    buf[n] = '\0';
    json_t *reply = json_loads(buf, 0, NULL);
    assert_non_null(reply);
    json_t *error = json_incref(json_object_get(reply, "error"));
    json_decref(reply);
    assert_non_null(error);
    return error;
}

static void s_ask_malformed(server_t *s)
{
    json_t *e = s_raw(s, "not json");
    assert_int_equal(json_integer_value(json_object_get(e, "code")),
                     OPCAT_EPROTO);
    json_decref(e);
    e = s_raw(s, "[1,2]");
    assert_non_null(strstr(json_string_value(json_object_get(e, "message")),
                           "not an object"));
    json_decref(e);
    e = s_raw(s, "{\"as_of\":\"2025-01-01\"}");
    assert_string_equal(json_string_value(json_object_get(e, "field")), "op");
    json_decref(e);
}

static void test_malformed_requests_get_an_error(void **state)
{
    s_with_server(*state, s_ask_malformed);
}

static void test_a_silent_endpoint_times_out(void **state)
{
    server_t *s = *state; /* bound, but nobody serves it */
    err_t err;
    json_t *reply = NULL, *req = json_pack("{s:s}", "op", "echo");
    assert_int_equal(query_call(s->bus, ENDPOINT, req, 100, &reply, &err),
                     OPCAT_ETIMEDOUT);
    assert_null(reply);
    json_decref(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_answers_and_errors_travel_back,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_malformed_requests_get_an_error,
                                        s_setup, s_teardown),
        cmocka_unit_test_setup_teardown(test_a_silent_endpoint_times_out,
                                        s_setup, s_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
