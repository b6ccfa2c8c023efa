/*  Unit tests of common/wirecheck: strings holding a NUL byte are found
    in the bytes, at any depth, with the path of each; clean bytes and
    bytes the walk cannot follow report none. */
#include "test_common.h"

#include <string.h>

#include "event.h"
#include "wirecheck.h"

typedef struct {
    char paths[4][64];
    size_t n;
} found_t;

static void s_found(void *arg, const char *path)
{
    found_t *f = arg;
    if (f->n < 4)
        snprintf(f->paths[f->n++], sizeof f->paths[0], "%s", path);
}

static event_t *s_event(const char *json)
{
    err_t err;
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s: %s", json, err.message);
    return e;
}

/*  Packs a request of two events, then turns each '~' into a NUL. */
static uint8_t *s_request(size_t *len)
{
    event_t *events[] = {
        s_event("{\"type\":\"state.ratified\",\"occurred_on\":\"2025-01-01\","
                "\"state\":\"PER\",\"instrument\":\"acc~ession\"}"),
        s_event("{\"type\":\"state.signed\",\"occurred_on\":\"2025-01-01\","
                "\"state\":\"AGO\",\"id\":\"a~b\"}")};
    Opcat__V1__AppendRequest req = OPCAT__V1__APPEND_REQUEST__INIT;
    req.n_events = 2;
    req.events = events;
    *len = opcat__v1__append_request__get_packed_size(&req);
    uint8_t *buf = malloc(*len);
    opcat__v1__append_request__pack(&req, buf);
    event_free(&events[0]);
    event_free(&events[1]);
    return buf;
}

static void test_nul_found_with_paths(void **state)
{
    (void)state;
    size_t len;
    uint8_t *buf = s_request(&len);
    found_t f = {0};
    assert_int_equal(wirecheck_nul(&opcat__v1__append_request__descriptor, buf,
                                   len, s_found, &f),
                     0);
    for (uint8_t *p = buf; (p = memchr(p, '~', len - (size_t)(p - buf)));)
        *p = '\0';
    assert_int_equal(wirecheck_nul(&opcat__v1__append_request__descriptor, buf,
                                   len, s_found, &f),
                     2);
    assert_string_equal(f.paths[0], "events[0].state_ratified.instrument");
    assert_string_equal(f.paths[1], "events[1].id");
    free(buf);
}

static void test_unfollowable_bytes(void **state)
{
    (void)state;
    found_t f = {0};
    /* field 3, length-delimited, longer than the bytes */
    const uint8_t cut[] = {0x1a, 0x7f, 0x12, 0x01, 0x00};
    assert_int_equal(wirecheck_nul(&opcat__v1__append_request__descriptor, cut,
                                   sizeof cut, s_found, &f),
                     0);
    /* a group (wire type 3) ends the walk */
    const uint8_t group[] = {0x0b, 0x00};
    assert_int_equal(wirecheck_nul(&opcat__v1__append_request__descriptor,
                                   group, sizeof group, s_found, &f),
                     0);
    assert_int_equal(f.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nul_found_with_paths),
        cmocka_unit_test(test_unfollowable_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
