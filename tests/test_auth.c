/*  Unit tests of common/net/auth: plain mode only where it is local, the
    server's key file, and the ZAP handler letting in only the keys of an
    endpoint's role (a writer key on APPEND, any key on the public stream,
    no plain client on a CURVE endpoint); a client's keys, read when its
    bus is made, still let it in once the files are gone. */
#include "test_common.h"

#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "auth.h"
#include "bus.h"
#include "keys.h"
#include "monotime.h"

static void s_clean_env(void)
{
    unsetenv("OPCAT_CURVE_KEY");
    unsetenv("OPCAT_WRITERS");
    unsetenv("OPCAT_READERS");
    unsetenv("OPCAT_CURVE_SERVER");
    unsetenv("OPCAT_CURVE_CLIENT_KEY");
    unsetenv("OPCAT_ALLOW_PLAIN");
}

static void test_plain_mode_is_for_local_endpoints_only(void **state)
{
    (void)state;
    s_clean_env();
    err_t err;
    bus_t *bus = bus_new_with(NULL, &err);
    assert_non_null(bus);
    auth_t *auth = auth_new(bus, &err);
    assert_non_null(auth);
    assert_false(auth_enabled(auth));
    assert_null(auth_socket(auth));
    bus_server_options_t o = {0};
    CHECK(auth_server_options(auth, "writer", "ipc:///tmp/x", &o, &err), &err);
    CHECK(auth_server_options(auth, "reader", "tcp://127.0.0.1:7", &o, &err),
          &err);
    assert_int_equal(
        auth_server_options(auth, "writer", "tcp://192.0.2.1:7", &o, &err),
        OPCAT_EAUTH);
    assert_non_null(strstr(err.message, "keygen"));
    setenv("OPCAT_ALLOW_PLAIN", "1", 1);
    CHECK(auth_server_options(auth, "writer", "tcp://192.0.2.1:7", &o, &err),
          &err);
    s_clean_env();
    auth_destroy(&auth);
    assert_null(auth);
    bus_destroy(&bus);
    assert_null(bus);
}

static void test_a_bad_server_key_file_is_refused(void **state)
{
    (void)state;
    test_tmp_t t;
    test_tmp(&t, "test-auth");
    err_t err;
    /* a key file without keys is refused with a message naming it and
       the variable that named it */
    FILE *f = fopen(test_tmp_file(&t, "bad.key"), "w");
    fputs("not a key\n", f);
    fclose(f);
    setenv("OPCAT_CURVE_KEY", test_tmp_file(&t, "bad.key"), 1);
    bus_t *bus = bus_new_with(NULL, &err);
    assert_non_null(bus);
    assert_null(auth_new(bus, &err));
    assert_int_equal(err.code, OPCAT_EAUTH);
    assert_non_null(strstr(err.message, "bad.key"));
    assert_non_null(strstr(err.message, "OPCAT_CURVE_KEY="));
    s_clean_env();
    bus_destroy(&bus);
    unlink(test_tmp_file(&t, "bad.key"));
    rmdir(t.dir);
}

/*  A CURVE server with a writer list of one key. */
typedef struct {
    test_tmp_t t;
    bus_t *bus; /* the server's */
    auth_t *auth;
    char endpoint[128];
    char pub_a[256], key_a[256], key_b[256], server_pub[256];
} curve_t;

static void s_curve(curve_t *c)
{
    err_t err;
    test_tmp(&c->t, "test-auth");
    const char *names[] = {"server", "a", "b"};
    for (int i = 0; i < 3; i++) {
        char base[256];
        snprintf(base, sizeof base, "%s/%s", c->t.dir, names[i]);
        CHECK(keys_generate(base, &err), &err);
    }
    snprintf(c->key_a, sizeof c->key_a, "%s/a.key", c->t.dir);
    snprintf(c->key_b, sizeof c->key_b, "%s/b.key", c->t.dir);
    snprintf(c->pub_a, sizeof c->pub_a, "%s/a.pub", c->t.dir);
    snprintf(c->server_pub, sizeof c->server_pub, "%s/server.pub", c->t.dir);
    snprintf(c->endpoint, sizeof c->endpoint, "ipc://%s/sock", c->t.dir);
    setenv("OPCAT_CURVE_KEY", test_tmp_file(&c->t, "server.key"), 1);
    setenv("OPCAT_WRITERS", c->pub_a, 1); /* a.pub: "KEY path" */
    c->bus = bus_new_with(NULL, &err);
    assert_non_null(c->bus);
    c->auth = auth_new(c->bus, &err);
    assert_non_null(c->auth);
    assert_true(auth_enabled(c->auth));
}

static void s_curve_end(curve_t *c)
{
    auth_destroy(&c->auth);
    bus_destroy(&c->bus);
    s_clean_env();
}

/*  A client process: its own bus, made with the variables naming 'key'
    (NULL: plain), and a DEALER on it. */
typedef struct {
    bus_t *bus;
    void *socket;
} peer_t;

static bus_t *s_client_bus(curve_t *c, const char *key)
{
    err_t err;
    if (key) {
        setenv("OPCAT_CURVE_SERVER", c->server_pub, 1);
        setenv("OPCAT_CURVE_CLIENT_KEY", key, 1);
    } else {
        unsetenv("OPCAT_CURVE_SERVER");
        unsetenv("OPCAT_CURVE_CLIENT_KEY");
    }
    bus_t *bus = bus_new(&err);
    if (!bus)
        fail_msg("bus_new: %s", err.message);
    return bus;
}

/*  Connects on 'bus' and says 'word'. */
static void *s_say(curve_t *c, bus_t *bus, const char *word)
{
    err_t err;
    void *s = bus_socket(bus, ZMQ_DEALER, c->endpoint, false, &err);
    if (!s)
        fail_msg("bus_socket: %s", err.message);
    assert_int_equal(zmq_send(s, word, strlen(word), ZMQ_DONTWAIT),
                     (int)strlen(word));
    return s;
}

/*  A client holding 'key' (NULL: plain) that says 'word'. */
static peer_t s_client(curve_t *c, const char *key, const char *word)
{
    peer_t p = {s_client_bus(c, key), NULL};
    p.socket = s_say(c, p.bus, word);
    return p;
}

static void s_client_end(peer_t *p)
{
    bus_close(&p->socket);
    bus_destroy(&p->bus);
}

/*  Serves ZAP and reads the ROUTER until 'want' arrived (5 s at most);
    returns a bit per word seen: 1 "refused", 2 "allowed". */
static int s_serve(curve_t *c, void *router, const char *want)
{
    int seen = 0;
    int64_t deadline = monotime_ms() + 5000;
    bool found = false;
    while (monotime_ms() < deadline && !found) {
        zmq_pollitem_t items[] = {{auth_socket(c->auth), 0, ZMQ_POLLIN, 0},
                                  {router, 0, ZMQ_POLLIN, 0}};
        zmq_poll(items, 2, 100);
        if (items[0].revents & ZMQ_POLLIN)
            auth_handle(c->auth);
        if (!(items[1].revents & ZMQ_POLLIN))
            continue;
        bus_message_t m;
        assert_int_equal(bus_recv(router, &m, ZMQ_DONTWAIT), 0);
        const char *word = zmq_msg_data(&m.frames[m.count - 1]);
        size_t len = zmq_msg_size(&m.frames[m.count - 1]);
        if (len == 7 && memcmp(word, "refused", 7) == 0)
            seen |= 1;
        if (len == 7 && memcmp(word, "allowed", 7) == 0)
            seen |= 2;
        found = len == strlen(want) && memcmp(word, want, len) == 0;
        bus_message_close(&m);
    }
    return seen;
}

static void *s_router(curve_t *c, const char *role)
{
    err_t err;
    bus_server_options_t o = {0};
    CHECK(auth_server_options(c->auth, role, c->endpoint, &o, &err), &err);
    void *router = bus_server(c->bus, ZMQ_ROUTER, c->endpoint, &o, &err);
    assert_non_null(router);
    return router;
}

static void test_only_the_roles_keys_are_let_in(void **state)
{
    (void)state;
    curve_t c;
    s_curve(&c);
    void *router = s_router(&c, "writer");
    /* b is no writer, and a plain client has no key: both are refused
       while a, on the writers' list, is let in */
    peer_t b = s_client(&c, c.key_b, "refused");
    peer_t plain = s_client(&c, NULL, "refused");
    peer_t a = s_client(&c, c.key_a, "allowed");
    assert_int_equal(s_serve(&c, router, "allowed"), 2);
    s_client_end(&a);
    s_client_end(&b);
    s_client_end(&plain);
    bus_close(&router);
    s_curve_end(&c);
}

static void test_the_public_role_lets_any_key_in(void **state)
{
    (void)state;
    curve_t c;
    s_curve(&c);
    void *router = s_router(&c, "public");
    peer_t b = s_client(&c, c.key_b, "allowed");
    assert_int_equal(s_serve(&c, router, "allowed"), 2);
    s_client_end(&b);
    bus_close(&router);
    s_curve_end(&c);
}

static void test_keys_read_at_start_outlive_their_files(void **state)
{
    (void)state;
    curve_t c;
    s_curve(&c);
    void *router = s_router(&c, "writer");
    bus_t *bus = s_client_bus(&c, c.key_a);
    /* both files the variables name go after the start: a socket made
       now still connects with the keys read then, and is let in */
    assert_int_equal(unlink(c.key_a), 0);
    assert_int_equal(unlink(c.server_pub), 0);
    void *a = s_say(&c, bus, "allowed");
    assert_int_equal(s_serve(&c, router, "allowed"), 2);
    bus_close(&a);
    bus_destroy(&bus);
    bus_close(&router);
    s_curve_end(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_mode_is_for_local_endpoints_only),
        cmocka_unit_test(test_a_bad_server_key_file_is_refused),
        cmocka_unit_test(test_only_the_roles_keys_are_let_in),
        cmocka_unit_test(test_the_public_role_lets_any_key_in),
        cmocka_unit_test(test_keys_read_at_start_outlive_their_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
