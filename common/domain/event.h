/*  event: the event envelope in its three forms.

    An event is an Opcat__V1__Envelope (protobuf-c, proto/opcat/v1/event.proto).
    This module maps it to and from the JSON form of DOMAIN.md (one object,
    body fields at the top level, `counts` for a baseline, `places` for a
    visit), derives an id from the canonical content, and names its topic.

    Every Envelope returned here is allocated with the system allocator and
    is freed with event_free(), or with opcat__v1__envelope__free_unpacked()
    which is the same thing. */
#ifndef OPCAT_EVENT_H
#define OPCAT_EVENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "opcat/v1/event.pb-c.h"
#include "opcat/v1/wire.pb-c.h"

typedef Opcat__V1__Envelope event_t;

#define EVENT_ID_MAX 64     /* bytes of an id, printable ASCII */
#define EVENT_TOPIC_MAX 128 /* bytes of "type/STATE" and its NUL */
#define EVENT_LIST_MAX 64   /* strings in a list field (coverage `types`) */

/*  Flags of event_to_json(). */
enum {
    EVENT_JSON_META = 1 << 0,  /* include sequence, recorded_at, written_by */
    EVENT_JSON_PUBLIC = 1 << 1 /* leave out confidential fields (art. 16) */
};

/*  Parses one JSON object into a new envelope.  Checks the JSON shape
    only: every key known for the type, every value of the right JSON type
    and range.  Domain rules are validate_event()'s.  Returns NULL and
    fills 'err' (field and rule) on failure. */
event_t *event_from_json(const json_t *object, err_t *err);

/*  Parses one line of JSON text; as event_from_json(). */
event_t *event_from_text(const char *text, size_t len, err_t *err);

/*  Builds the JSON object of 'event' (a new reference, or NULL on out of
    memory).  Empty strings and zero numbers are left out. */
json_t *event_to_json(const event_t *event, unsigned flags);

/*  Writes into 'out' the id derived from the event's canonical content
    (its JSON without id, sequence and recorded_at, keys sorted, compact):
    "h-" and 32 hex digits of its BLAKE2b-128 hash.  Two events with the
    same content get the same id, so importing a file twice stores nothing
    new.  Returns 0 or OPCAT_ENOMEM. */
int event_derive_id(const event_t *event, char out[EVENT_ID_MAX + 1]);

/*  Whether 'a' and 'b' have the same content: every field but those the
    store sets at commit (sequence, recorded_at, written_by).  Compares
    the packed forms; false also on out of memory. */
bool event_same_content(const event_t *a, const event_t *b);

/*  Writes "type/STATE" (or "type/" when the event has no State) into
    'out'.  Subscribers filter on prefixes of it. */
void event_topic(const event_t *event, char out[EVENT_TOPIC_MAX]);

/*  The DOMAIN.md type name ("report.transmitted") of a body case, or NULL
    for an unknown case. */
const char *event_type_name(Opcat__V1__Envelope__BodyCase body_case);

/*  The body case of a type name, or OPCAT__V1__ENVELOPE__BODY__NOT_SET. */
Opcat__V1__Envelope__BodyCase event_type_case(const char *type_name);

/*  Removes what OPCAT art. 16 keeps confidential, for the public stream:
    a report's `content` always; and for a report to an NPM ('npm_report',
    or a report.transmitted whose recipient is npm) everything but its
    existence: type, dates, State, report_id and recipient stay; visit_id,
    symbol, source and note go.  Returns true if anything was removed. */
bool event_redact(event_t *event, bool npm_report);

/*  The earliest day 'event' may have happened on, 'latest' being the
    latest (datefmt_latest() of its occurred_on and precision): the
    precision's earliest day (datefmt_earliest()), or not_before where a
    source bounds a not_after date from below too.  Every computation that
    asks when a fact may first have happened takes it from here. */
int32_t event_earliest(const event_t *event, int32_t latest);

/*  Whether 'event' names a report (report.* or reply.*), and which. */
const char *event_report_id(const event_t *event);

/*  Unpacks an encoded envelope; NULL if the bytes are not one. */
event_t *event_unpack(const uint8_t *data, size_t len);

/*  Packs 'event' into a new buffer; '*len' gets its size.  NULL on out of
    memory.  The caller frees the buffer. */
uint8_t *event_pack(const event_t *event, size_t *len);

/*  Frees '*event' and sets it to NULL; NULL is allowed. */
void event_free(event_t **event);

/*  Replaces the string at '*slot' (a protobuf-c string field) with a copy
    of 'value'.  Returns 0 or OPCAT_ENOMEM. */
int event_set_string(char **slot, const char *value);

#endif
