/*  Unit tests of common/net/auth: plain mode only where it is local, key
    files, and the ZAP handler letting in only the keys of an endpoint's
    role (a writer key on APPEND, any key on the public stream, no plain
    client on a CURVE endpoint). */
#include "test_common.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "auth.h"
#include "bus.h"
#include "monotime.h"

typedef struct {
    char dir[64];
    char path[256];
} tmp_t;

static void s_tmp(tmp_t *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/opcat-test-auth.XXXXXX");
    assert_non_null(mkdtemp(t->dir));
}

static const char *s_file(tmp_t *t, const char *name)
{
    snprintf(t->path, sizeof t->path, "%s/%s", t->dir, name);
    return t->path;
}

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
    void *ctx = zmq_ctx_new();
    err_t err;
    auth_t *auth = auth_new(ctx, &err);
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
    zmq_ctx_term(ctx);
}

static void test_keygen_writes_a_private_pair(void **state)
{
    (void)state;
    tmp_t t;
    s_tmp(&t);
    err_t err;
    char base[256];
    snprintf(base, sizeof base, "%s", s_file(&t, "k"));
    CHECK(auth_keygen(base, &err), &err);
    struct stat st;
    assert_int_equal(stat(s_file(&t, "k.key"), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(s_file(&t, "k.pub"), &st), 0);
    /* a key file without keys is refused with a message naming it */
    FILE *f = fopen(s_file(&t, "bad.key"), "w");
    fputs("not a key\n", f);
    fclose(f);
    setenv("OPCAT_CURVE_KEY", s_file(&t, "bad.key"), 1);
    void *ctx = zmq_ctx_new();
    assert_null(auth_new(ctx, &err));
    assert_int_equal(err.code, OPCAT_EAUTH);
    assert_non_null(strstr(err.message, "bad.key"));
    s_clean_env();
    zmq_ctx_term(ctx);
}

/*  A CURVE server with a writer list of one key. */
typedef struct {
    tmp_t t;
    void *ctx;
    auth_t *auth;
    char endpoint[128];
    char pub_a[256], key_a[256], key_b[256], server_pub[256];
} curve_t;

static void s_curve(curve_t *c)
{
    err_t err;
    s_tmp(&c->t);
    const char *names[] = {"server", "a", "b"};
    for (int i = 0; i < 3; i++) {
        char base[256];
        snprintf(base, sizeof base, "%s/%s", c->t.dir, names[i]);
        CHECK(auth_keygen(base, &err), &err);
    }
    snprintf(c->key_a, sizeof c->key_a, "%s/a.key", c->t.dir);
    snprintf(c->key_b, sizeof c->key_b, "%s/b.key", c->t.dir);
    snprintf(c->pub_a, sizeof c->pub_a, "%s/a.pub", c->t.dir);
    snprintf(c->server_pub, sizeof c->server_pub, "%s/server.pub", c->t.dir);
    snprintf(c->endpoint, sizeof c->endpoint, "ipc://%s/sock", c->t.dir);
    setenv("OPCAT_CURVE_KEY", s_file(&c->t, "server.key"), 1);
    setenv("OPCAT_WRITERS", c->pub_a, 1); /* a.pub: "KEY path" */
    c->ctx = zmq_ctx_new();
    c->auth = auth_new(c->ctx, &err);
    assert_non_null(c->auth);
    assert_true(auth_enabled(c->auth));
}

static void s_curve_end(curve_t *c)
{
    auth_destroy(&c->auth);
    zmq_ctx_term(c->ctx);
    s_clean_env();
}

/*  A DEALER connected as the holder of 'key' (NULL: plain) that says
    'word'. */
static void *s_client(curve_t *c, const char *key, const char *word)
{
    err_t err;
    if (key) {
        setenv("OPCAT_CURVE_SERVER", c->server_pub, 1);
        setenv("OPCAT_CURVE_CLIENT_KEY", key, 1);
    } else {
        unsetenv("OPCAT_CURVE_SERVER");
        unsetenv("OPCAT_CURVE_CLIENT_KEY");
    }
    void *s = bus_socket(c->ctx, ZMQ_DEALER, c->endpoint, false, &err);
    assert_non_null(s);
    assert_int_equal(zmq_send(s, word, strlen(word), ZMQ_DONTWAIT),
                     (int)strlen(word));
    return s;
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
    void *router = bus_server(c->ctx, ZMQ_ROUTER, c->endpoint, &o, &err);
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
    void *b = s_client(&c, c.key_b, "refused");
    void *plain = s_client(&c, NULL, "refused");
    void *a = s_client(&c, c.key_a, "allowed");
    assert_int_equal(s_serve(&c, router, "allowed"), 2);
    bus_close(&a);
    bus_close(&b);
    bus_close(&plain);
    bus_close(&router);
    s_curve_end(&c);
}

static void test_the_public_role_lets_any_key_in(void **state)
{
    (void)state;
    curve_t c;
    s_curve(&c);
    void *router = s_router(&c, "public");
    void *b = s_client(&c, c.key_b, "allowed");
    assert_int_equal(s_serve(&c, router, "allowed"), 2);
    bus_close(&b);
    bus_close(&router);
    s_curve_end(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_mode_is_for_local_endpoints_only),
        cmocka_unit_test(test_keygen_writes_a_private_pair),
        cmocka_unit_test(test_only_the_roles_keys_are_let_in),
        cmocka_unit_test(test_the_public_role_lets_any_key_in),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
