/*  Fuzz target: what the store does with a frame from the network:
    unpack an AppendRequest, validate every event in it, derive missing
    ids, re-pack.  Also unpacks the bytes as a bare Envelope. */
#include <stdlib.h>

#include "event.h"
#include "validate.h"
#include "wirecheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*  Loaded once per process (see fuzz_json.c). */
static codes_t *s_codes(void)
{
    static codes_t *codes;
    if (!codes && !(codes = codes_new(NULL, NULL)))
        abort();
    return codes;
}

static void s_check_event(event_t *e)
{
    err_t err;
    if (validate_event(s_codes(), e, &err) != 0)
        return;
    char id[EVENT_ID_MAX + 1];
    if (!*e->id && (event_derive_id(e, id) || event_set_string(&e->id, id)))
        abort();
    char topic[EVENT_TOPIC_MAX];
    event_topic(e, topic);
    size_t len;
    uint8_t *bytes = event_pack(e, &len);
    free(bytes);
}

static void s_ignore(void *arg, const char *path)
{
    (void)arg, (void)path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Opcat__V1__AppendRequest *req =
        opcat__v1__append_request__unpack(NULL, size, data);
    if (req) {
        /* APPEND walks the bytes of what unpacked (admit.c) */
        wirecheck_nul(&opcat__v1__append_request__descriptor, data, size,
                      s_ignore, NULL);
        for (size_t i = 0; i < req->n_events; i++)
            s_check_event(req->events[i]);
        opcat__v1__append_request__free_unpacked(req, NULL);
    }
    event_t *e = event_unpack(data, size);
    if (e) {
        if (!event_same_content(e, e)) /* the store's conflict check */
            abort();
        s_check_event(e);
        event_free(&e);
    }
    return 0;
}
