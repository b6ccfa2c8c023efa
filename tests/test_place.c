/*  test_place: the kinds of places of deprivation of liberty
    (common/domain/place.h) against the PlaceCounts message of
    event.proto, whose field names are the keys and whose field order is
    the kinds' order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "place.h"

/*  The descriptor's field with number 'number' (1-based), or NULL. */
static const ProtobufCFieldDescriptor *s_field(unsigned number)
{
    const ProtobufCMessageDescriptor *d = &opcat__v1__place_counts__descriptor;
    for (unsigned i = 0; i < d->n_fields; i++)
        if (d->fields[i].id == number)
            return &d->fields[i];
    return NULL;
}

/*  Kind i is field i + 1, its key the field's name; no field is left out. */
static void test_keys_are_the_fields(void **state)
{
    (void)state;
    assert_int_equal(opcat__v1__place_counts__descriptor.n_fields, PLACE_KINDS);
    for (int i = 0; i < PLACE_KINDS; i++) {
        const ProtobufCFieldDescriptor *f = s_field((unsigned)i + 1);
        assert_non_null(f);
        assert_string_equal(place_key(i), f->name);
    }
    assert_string_equal(place_key(PLACE_OTHER), "other");
}

static void test_index(void **state)
{
    (void)state;
    for (int i = 0; i < PLACE_KINDS; i++)
        assert_int_equal(place_index(place_key(i)), i);
    assert_int_equal(place_index("prisons"), -1);
    assert_int_equal(place_index(""), -1);
    assert_int_equal(place_index("Prison"), -1);
}

/*  Each field's count lands at its kind: the fields set through the
    descriptor's offsets, each to a value of its own. */
static void test_counts(void **state)
{
    (void)state;
    Opcat__V1__PlaceCounts p = OPCAT__V1__PLACE_COUNTS__INIT;
    for (int i = 0; i < PLACE_KINDS; i++) {
        const ProtobufCFieldDescriptor *f = s_field((unsigned)i + 1);
        assert_non_null(f);
        uint32_t v = 100u + (uint32_t)i;
        memcpy((char *)&p + f->offset, &v, sizeof v);
    }
    uint32_t out[PLACE_KINDS];
    place_counts(&p, out);
    for (int i = 0; i < PLACE_KINDS; i++)
        assert_int_equal(out[i], 100u + (uint32_t)i);
    memset(out, 0xff, sizeof out);
    place_counts(NULL, out);
    for (int i = 0; i < PLACE_KINDS; i++)
        assert_int_equal(out[i], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_are_the_fields),
        cmocka_unit_test(test_index),
        cmocka_unit_test(test_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
