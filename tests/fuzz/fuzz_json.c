/*  Fuzz target: the JSON importer's path (event_from_text, validate_event,
    event_derive_id, event_to_json, pack/unpack round trip).  Whatever the
    bytes, no crash, no leak, and an accepted event survives the round
    trip unchanged. */
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*  The code lists are loaded once per process: a fuzz harness's one piece
    of static state, so that each input costs only the code under test. */
static codes_t *s_codes(void)
{
    static codes_t *codes;
    if (!codes && !(codes = codes_new(NULL, NULL)))
        abort();
    return codes;
}

static void s_round_trip(const event_t *e)
{
    size_t len;
    uint8_t *bytes = event_pack(e, &len);
    event_t *back = bytes ? event_unpack(bytes, len) : NULL;
    if (!back)
        abort();
    json_t *a = event_to_json(e, EVENT_JSON_META);
    json_t *b = event_to_json(back, EVENT_JSON_META);
    if (!a || !b || !json_equal(a, b))
        abort();
    json_decref(a);
    json_decref(b);
    event_free(&back);
    free(bytes);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    err_t err;
    event_t *e = event_from_text((const char *)data, size, &err);
    if (!e)
        return 0;
    if (validate_event(s_codes(), e, &err) == 0) {
        char id[EVENT_ID_MAX + 1];
        if (event_derive_id(e, id))
            abort();
        s_round_trip(e);
    }
    event_free(&e);
    return 0;
}
