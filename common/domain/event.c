/*  event: JSON <-> protobuf mapping, driven by the protobuf-c descriptors so
    that a field added to event.proto maps without code here. */
#include "event.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "datefmt.h"

#define TYPE_NAME_MAX 40

/*  The Envelope's oneof members are named like the DOMAIN.md types with '_'
    for '.': "report.transmitted" <-> report_transmitted. */
static const ProtobufCFieldDescriptor *s_body_field(const char *type_name)
{
    char member[TYPE_NAME_MAX];
    size_t len = strlen(type_name);
    if (len == 0 || len >= sizeof member)
        return NULL;
    for (size_t i = 0; i <= len; i++)
        member[i] = type_name[i] == '.' ? '_' : type_name[i];
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field_by_name(
            &opcat__v1__envelope__descriptor, member);
    if (!field || field->id < OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED)
        return NULL;
    return field;
}

/*  Type names, indexed by body case minus the first case. */
static const char *const s_type_names[] = {
    "state.signed",    "state.ratified",     "state.declared_art24",
    "session.held",    "visit.planned",      "visit.postponed",
    "visit.completed", "report.transmitted", "report.published",
    "reply.received",  "reply.published",    "followup.dialogue",
    "npm.designated",  "npm.changed",        "art17.listed",
    "art17.delisted",  "fund.contribution",  "fund.grant",
    "baseline",        "reminder.issued",    "period.summary",
    "dataset.coverage"};

#define FIRST_CASE OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED
#define TYPE_COUNT (sizeof s_type_names / sizeof s_type_names[0])

const char *event_type_name(Opcat__V1__Envelope__BodyCase body_case)
{
    if (body_case < FIRST_CASE || body_case >= FIRST_CASE + (int)TYPE_COUNT)
        return NULL;
    return s_type_names[body_case - FIRST_CASE];
}

Opcat__V1__Envelope__BodyCase event_type_case(const char *type_name)
{
    for (size_t i = 0; i < TYPE_COUNT; i++)
        if (strcmp(s_type_names[i], type_name) == 0)
            return (Opcat__V1__Envelope__BodyCase)(FIRST_CASE + (int)i);
    return OPCAT__V1__ENVELOPE__BODY__NOT_SET;
}

int event_set_string(char **slot, const char *value)
{
    char *copy = strdup(value);
    if (!copy)
        return OPCAT_ENOMEM;
    if (*slot && *slot != protobuf_c_empty_string)
        free(*slot);
    *slot = copy;
    return OPCAT_OK;
}

static ProtobufCMessage *s_new_message(const ProtobufCMessageDescriptor *d)
{
    ProtobufCMessage *msg = malloc(d->sizeof_message);
    if (msg)
        d->message_init(msg);
    return msg;
}

void event_free(event_t **event)
{
    if (event && *event) {
        opcat__v1__envelope__free_unpacked(*event, NULL);
        *event = NULL;
    }
}

/* ------------------------------------------------------------------ JSON in */

static int s_set_field(ProtobufCMessage *msg,
                       const ProtobufCFieldDescriptor *field,
                       const json_t *value, const char *path, err_t *err);

/*  Fills every field of 'msg' from the keys of 'object'; unknown keys are
    refused.  'prefix' names the enclosing key in messages ("places."). */
static int s_fill_message(ProtobufCMessage *msg, const json_t *object,
                          const char *prefix, err_t *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)object, key, value)
    {
        char path[ERR_FIELD_MAX];
        snprintf(path, sizeof path, "%s%s", prefix, key);
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name(msg->descriptor,
                                                            key);
        if (!field)
            return err_set(err, OPCAT_EINVAL, path,
                           "%s: unknown field for this event type", path);
        int rc = s_set_field(msg, field, value, path, err);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

static int s_set_uint(void *slot, const ProtobufCFieldDescriptor *field,
                      const json_t *value, const char *path, err_t *err)
{
    if (!json_is_integer(value) || json_integer_value(value) < 0)
        return err_set(err, OPCAT_EINVAL, path,
                       "%s: must be a whole number >= 0", path);
    json_int_t n = json_integer_value(value);
    if (field->type == PROTOBUF_C_TYPE_UINT32) {
        if (n > UINT32_MAX)
            return err_set(err, OPCAT_EINVAL, path, "%s: must be at most %u",
                           path, UINT32_MAX);
        *(uint32_t *)slot = (uint32_t)n;
    } else {
        *(uint64_t *)slot = (uint64_t)n;
    }
    return OPCAT_OK;
}

/*  The JSON name of an enum value: its proto name without the prefix made of
    the field's name ("PRECISION_NOT_AFTER" of field precision ->
    "not_after"), lower case.  NULL if the value does not follow that
    convention or does not fit. */
static const char *s_enum_json_name(const ProtobufCFieldDescriptor *field,
                                    const ProtobufCEnumValue *value, char *out,
                                    size_t size)
{
    size_t plen = strlen(field->name);
    const char *name = value->name;
    if (strncasecmp(name, field->name, plen) != 0 || name[plen] != '_' ||
        strlen(name + plen + 1) >= size)
        return NULL;
    size_t i = 0;
    for (const char *p = name + plen + 1; *p; p++)
        out[i++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    out[i] = '\0';
    return out;
}

/*  Writes "a, b or c" (the JSON names of an enum's values) into 'out'. */
static void s_enum_choices(const ProtobufCFieldDescriptor *field, char *out,
                           size_t size)
{
    const ProtobufCEnumDescriptor *d = field->descriptor;
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < d->n_values && used < size; i++) {
        char name[32];
        if (!s_enum_json_name(field, &d->values[i], name, sizeof name))
            continue;
        const char *sep = i == 0 ? "" : i + 1 == d->n_values ? " or " : ", ";
        used += (size_t)snprintf(out + used, size - used, "%s%s", sep, name);
    }
}

static int s_set_enum(void *slot, const ProtobufCFieldDescriptor *field,
                      const json_t *value, const char *path, err_t *err)
{
    const ProtobufCEnumDescriptor *d = field->descriptor;
    const char *text = json_is_string(value) ? json_string_value(value) : "";
    for (unsigned i = 0; i < d->n_values; i++) {
        char name[32];
        if (s_enum_json_name(field, &d->values[i], name, sizeof name) &&
            strcmp(name, text) == 0) {
            *(int *)slot = d->values[i].value;
            return OPCAT_OK;
        }
    }
    char choices[160];
    s_enum_choices(field, choices, sizeof choices);
    return err_set(err, OPCAT_EINVAL, path,
                   "%s: \"%.20s\" is not allowed; must be %s", path, text,
                   choices);
}

/*  A repeated string field from a JSON array of strings. */
static int s_set_strings(ProtobufCMessage *msg,
                         const ProtobufCFieldDescriptor *field,
                         const json_t *value, const char *path, err_t *err)
{
    if (field->type != PROTOBUF_C_TYPE_STRING || !json_is_array(value))
        return err_set(err, OPCAT_EINVAL, path,
                       "%s: must be an array of strings", path);
    size_t n = json_array_size(value);
    char ***items = (char ***)((char *)msg + field->offset);
    size_t *count = (size_t *)((char *)msg + field->quantifier_offset);
    if (*count || n > EVENT_LIST_MAX)
        return err_set(err, OPCAT_EINVAL, path,
                       "%s: must hold at most %d strings", path,
                       EVENT_LIST_MAX);
    if (n == 0)
        return OPCAT_OK;
    if (!(*items = calloc(n, sizeof **items)))
        return err_set(err, OPCAT_ENOMEM, path, "out of memory");
    for (; *count < n; (*count)++) {
        const json_t *item = json_array_get(value, *count);
        if (!json_is_string(item) ||
            strlen(json_string_value(item)) != json_string_length(item))
            return err_set(err, OPCAT_EINVAL, path,
                           "%s: must be an array of strings without NUL", path);
        if (event_set_string(&(*items)[*count], json_string_value(item)))
            return err_set(err, OPCAT_ENOMEM, path, "out of memory");
    }
    return OPCAT_OK;
}

static int s_set_field(ProtobufCMessage *msg,
                       const ProtobufCFieldDescriptor *field,
                       const json_t *value, const char *path, err_t *err)
{
    void *slot = (char *)msg + field->offset;
    if (field->label == PROTOBUF_C_LABEL_REPEATED)
        return s_set_strings(msg, field, value, path, err);
    switch (field->type) {
    case PROTOBUF_C_TYPE_ENUM:
        return s_set_enum(slot, field, value, path, err);
    case PROTOBUF_C_TYPE_STRING:
        if (!json_is_string(value))
            return err_set(err, OPCAT_EINVAL, path, "%s: must be a string",
                           path);
        if (strlen(json_string_value(value)) != json_string_length(value))
            return err_set(err, OPCAT_EINVAL, path,
                           "%s: must not contain NUL characters", path);
        return event_set_string(slot, json_string_value(value));
    case PROTOBUF_C_TYPE_UINT32:
    case PROTOBUF_C_TYPE_UINT64:
        return s_set_uint(slot, field, value, path, err);
    case PROTOBUF_C_TYPE_BOOL:
        if (!json_is_boolean(value))
            return err_set(err, OPCAT_EINVAL, path, "%s: must be true or false",
                           path);
        *(protobuf_c_boolean *)slot = json_is_true(value);
        return OPCAT_OK;
    case PROTOBUF_C_TYPE_MESSAGE: {
        if (!json_is_object(value))
            return err_set(err, OPCAT_EINVAL, path, "%s: must be an object",
                           path);
        ProtobufCMessage **sub = slot;
        if (!*sub && !(*sub = s_new_message(field->descriptor)))
            return err_set(err, OPCAT_ENOMEM, path, "out of memory");
        char prefix[ERR_FIELD_MAX];
        snprintf(prefix, sizeof prefix, "%s.", path);
        return s_fill_message(*sub, value, prefix, err);
    }
    default:
        return err_set(err, OPCAT_EINVAL, path, "%s: unsupported field type",
                       path);
    }
}

/*  The envelope's own keys; everything else belongs to the body. */
static int s_is_common_key(const char *key)
{
    static const char *const keys[] = {"id",        "type",      "occurred_on",
                                       "state",     "source",    "note",
                                       "precision", "not_before"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(key, keys[i]) == 0)
            return 1;
    return 0;
}

/*  Creates the body named by the JSON "type" and hangs it on 'event'. */
static int s_new_body(event_t *event, const json_t *object, err_t *err,
                      ProtobufCMessage **body)
{
    const json_t *type = json_object_get(object, "type");
    if (!type)
        return err_set(err, OPCAT_EINVAL, "type", "type: is required");
    if (!json_is_string(type))
        return err_set(err, OPCAT_EINVAL, "type", "type: must be a string");
    const ProtobufCFieldDescriptor *field =
        s_body_field(json_string_value(type));
    if (!field)
        return err_set(err, OPCAT_EINVAL, "type",
                       "type: unknown event type \"%.40s\" (see DOMAIN.md)",
                       json_string_value(type));
    *body = s_new_message(field->descriptor);
    if (!*body)
        return err_set(err, OPCAT_ENOMEM, "type", "out of memory");
    *(ProtobufCMessage **)((char *)event + field->offset) = *body;
    event->body_case = (Opcat__V1__Envelope__BodyCase)field->id;
    return event_set_string(&event->type, json_string_value(type));
}

static int s_fill_body(event_t *event, ProtobufCMessage *body,
                       const json_t *object, err_t *err)
{
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)object, key, value)
    {
        if (s_is_common_key(key))
            continue;
        int rc;
        if (event->body_case == OPCAT__V1__ENVELOPE__BODY_BASELINE &&
            strcmp(key, "counts") == 0) {
            if (!json_is_object(value))
                return err_set(err, OPCAT_EINVAL, "counts",
                               "counts: must be an object");
            rc = s_fill_message(body, value, "counts.", err);
        } else {
            const ProtobufCFieldDescriptor *field =
                protobuf_c_message_descriptor_get_field_by_name(
                    body->descriptor, key);
            if (!field)
                return err_set(err, OPCAT_EINVAL, key,
                               "%.60s: unknown field for type %s", key,
                               event->type);
            rc = s_set_field(body, field, value, key, err);
        }
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

static int s_fill_common(event_t *event, const json_t *object, err_t *err)
{
    static const char *const keys[] = {"id",        "occurred_on", "state",
                                       "source",    "note",        "precision",
                                       "not_before"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const json_t *value = json_object_get(object, keys[i]);
        if (!value)
            continue;
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field_by_name(
                &opcat__v1__envelope__descriptor, keys[i]);
        int rc = s_set_field(&event->base, field, value, keys[i], err);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

event_t *event_from_json(const json_t *object, err_t *err)
{
    if (!json_is_object(object)) {
        err_set(err, OPCAT_EINVAL, "", "an event must be a JSON object");
        return NULL;
    }
    event_t *event = malloc(sizeof *event);
    if (!event) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    opcat__v1__envelope__init(event);
    ProtobufCMessage *body = NULL;
    if (s_new_body(event, object, err, &body) ||
        s_fill_common(event, object, err) ||
        s_fill_body(event, body, object, err))
        event_free(&event);
    return event;
}

event_t *event_from_text(const char *text, size_t len, err_t *err)
{
    json_error_t jerr;
    json_t *object = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!object) {
        err_set(err, OPCAT_EINVAL, "", "not valid JSON: %s (column %d)",
                jerr.text, jerr.column);
        return NULL;
    }
    event_t *event = event_from_json(object, err);
    json_decref(object);
    return event;
}

/* ----------------------------------------------------------------- JSON out */

static int s_is_confidential(const ProtobufCFieldDescriptor *field)
{
    return strcmp(field->name, "content") == 0;
}

/*  The JSON value of an enum field: its name, or the bare number for a value
    this build does not know (validation refuses those). */
static json_t *s_dump_enum(const ProtobufCFieldDescriptor *field, int number)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(field->descriptor, number);
    char name[32];
    if (v && s_enum_json_name(field, v, name, sizeof name))
        return json_string(name);
    return json_integer(number);
}

static json_t *s_dump_strings(const ProtobufCMessage *msg,
                              const ProtobufCFieldDescriptor *field)
{
    size_t n = *(const size_t *)((const char *)msg + field->quantifier_offset);
    char *const *items = *(char **const *)((const char *)msg + field->offset);
    if (n == 0 || field->type != PROTOBUF_C_TYPE_STRING)
        return NULL;
    json_t *array = json_array();
    for (size_t i = 0; array && i < n; i++)
        if (json_array_append_new(array, json_string(items[i]))) {
            json_decref(array);
            return NULL;
        }
    return array;
}

/*  Adds the non-empty fields of 'msg' to 'object'. 'all' keeps zeros. */
static int s_dump_message(const ProtobufCMessage *msg, json_t *object,
                          unsigned flags, int all)
{
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *field = &d->fields[i];
        const void *slot = (const char *)msg + field->offset;
        json_t *value = NULL;
        if ((flags & EVENT_JSON_PUBLIC) && s_is_confidential(field))
            continue;
        if (field->label == PROTOBUF_C_LABEL_REPEATED) {
            value = s_dump_strings(msg, field);
            if (value && json_object_set_new(object, field->name, value))
                return -1;
            continue;
        }
        switch (field->type) {
        case PROTOBUF_C_TYPE_ENUM:
            if (*(const int *)slot || all)
                value = s_dump_enum(field, *(const int *)slot);
            break;
        case PROTOBUF_C_TYPE_STRING: {
            const char *s = *(char *const *)slot;
            if (s && (*s || all))
                value = json_string(s);
            break;
        }
        case PROTOBUF_C_TYPE_UINT32:
            if (*(const uint32_t *)slot || all)
                value = json_integer(*(const uint32_t *)slot);
            break;
        case PROTOBUF_C_TYPE_UINT64:
            if (*(const uint64_t *)slot || all)
                value = json_integer((json_int_t) * (const uint64_t *)slot);
            break;
        case PROTOBUF_C_TYPE_BOOL:
            if (*(const protobuf_c_boolean *)slot)
                value = json_true();
            break;
        case PROTOBUF_C_TYPE_MESSAGE: {
            const ProtobufCMessage *sub = *(ProtobufCMessage *const *)slot;
            if (sub) {
                value = json_object();
                if (value && s_dump_message(sub, value, flags, 0))
                    return -1;
            }
            break;
        }
        default:
            break;
        }
        if (value && json_object_set_new(object, field->name, value))
            return -1;
    }
    return 0;
}

static const ProtobufCMessage *s_body(const event_t *event)
{
    const ProtobufCFieldDescriptor *field =
        protobuf_c_message_descriptor_get_field(
            &opcat__v1__envelope__descriptor, event->body_case);
    if (!field || event->body_case == OPCAT__V1__ENVELOPE__BODY__NOT_SET)
        return NULL;
    return *(ProtobufCMessage *const *)((const char *)event + field->offset);
}

static int s_dump_common(const event_t *event, json_t *object, unsigned flags)
{
    int rc = 0;
    if (flags & EVENT_JSON_META) {
        rc |= json_object_set_new(object, "sequence",
                                  json_integer((json_int_t)event->sequence));
        rc |= json_object_set_new(object, "recorded_at",
                                  json_integer(event->recorded_at));
        if (event->written_by && *event->written_by)
            rc |= json_object_set_new(object, "written_by",
                                      json_string(event->written_by));
    }
    const char *name = event_type_name(event->body_case);
    rc |= json_object_set_new(object, "type",
                              json_string(name ? name : event->type));
    const struct {
        const char *key;
        const char *value;
    } strings[] = {{"id", event->id},
                   {"occurred_on", event->occurred_on},
                   {"state", event->state},
                   {"source", event->source},
                   {"note", event->note}};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (strings[i].value && *strings[i].value)
            rc |= json_object_set_new(object, strings[i].key,
                                      json_string(strings[i].value));
    if (event->precision != OPCAT__V1__PRECISION__PRECISION_DAY)
        rc |= json_object_set_new(
            object, "precision",
            s_dump_enum(protobuf_c_message_descriptor_get_field_by_name(
                            &opcat__v1__envelope__descriptor, "precision"),
                        (int)event->precision));
    if (event->not_before && *event->not_before)
        rc |= json_object_set_new(object, "not_before",
                                  json_string(event->not_before));
    return rc;
}

json_t *event_to_json(const event_t *event, unsigned flags)
{
    json_t *object = json_object();
    if (!object)
        return NULL;
    int rc = s_dump_common(event, object, flags);
    const ProtobufCMessage *body = s_body(event);
    if (body && event->body_case == OPCAT__V1__ENVELOPE__BODY_BASELINE) {
        json_t *counts = json_object();
        rc |= counts ? s_dump_message(body, counts, flags, 1) : -1;
        rc |= json_object_set_new(object, "counts", counts);
    } else if (body) {
        rc |= s_dump_message(body, object, flags, 0);
    }
    if (rc) {
        json_decref(object);
        return NULL;
    }
    return object;
}

/* ----------------------------------------------------------------- the rest */

int event_derive_id(const event_t *event, char out[EVENT_ID_MAX + 1])
{
    json_t *object = event_to_json(event, 0);
    if (!object)
        return OPCAT_ENOMEM;
    json_object_del(object, "id");
    char *canonical =
        json_dumps(object, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(object);
    if (!canonical)
        return OPCAT_ENOMEM;
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, (const unsigned char *)canonical,
                       strlen(canonical), NULL, 0);
    free(canonical);
    memcpy(out, "h-", 2);
    sodium_bin2hex(out + 2, EVENT_ID_MAX - 1, hash, sizeof hash);
    return OPCAT_OK;
}

/*  Packs 'e' without what the store sets at commit. */
static uint8_t *s_pack_content(const event_t *e, size_t *len)
{
    event_t copy = *e; /* shallow: packing only reads */
    copy.sequence = 0;
    copy.recorded_at = 0;
    copy.written_by = (char *)protobuf_c_empty_string;
    return event_pack(&copy, len);
}

bool event_same_content(const event_t *a, const event_t *b)
{
    size_t alen, blen;
    uint8_t *pa = s_pack_content(a, &alen), *pb = s_pack_content(b, &blen);
    bool same = pa && pb && alen == blen && memcmp(pa, pb, alen) == 0;
    free(pa);
    free(pb);
    return same;
}

int32_t event_earliest(const event_t *event, int32_t latest)
{
    int32_t earliest = datefmt_earliest(latest, (int)event->precision), bound;
    /* validate_event() keeps not_before to not_after dates, at or before
       occurred_on; an event read unvalidated still gets a sane range */
    if (event->precision == OPCAT__V1__PRECISION__PRECISION_NOT_AFTER &&
        event->not_before && date_parse(event->not_before, &bound) &&
        bound > earliest && bound <= latest)
        earliest = bound;
    return earliest;
}

void event_topic(const event_t *event, char out[EVENT_TOPIC_MAX])
{
    const char *name = event_type_name(event->body_case);
    snprintf(out, EVENT_TOPIC_MAX, "%s/%s", name ? name : "unknown",
             event->state ? event->state : "");
}

event_t *event_unpack(const uint8_t *data, size_t len)
{
    return opcat__v1__envelope__unpack(NULL, len, data);
}

uint8_t *event_pack(const event_t *event, size_t *len)
{
    *len = opcat__v1__envelope__get_packed_size(event);
    uint8_t *buf = malloc(*len ? *len : 1);
    if (buf)
        opcat__v1__envelope__pack(event, buf);
    return buf;
}

const char *event_report_id(const event_t *event)
{
    switch (event->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
        return event->report_transmitted->report_id;
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
        return event->report_published->report_id;
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
        return event->reply_received->report_id;
    case OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED:
        return event->reply_published->report_id;
    default:
        return NULL;
    }
}

/*  Empties the string at 'slot'; true if it held something. */
static bool s_clear(char **slot)
{
    if (!*slot || !**slot)
        return false;
    free(*slot);
    *slot = (char *)protobuf_c_empty_string;
    return true;
}

bool event_redact(event_t *event, bool npm_report)
{
    bool removed = false;
    if (event->body_case == OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED) {
        Opcat__V1__ReportTransmitted *b = event->report_transmitted;
        removed |= s_clear(&b->content);
        npm_report |= strcmp(b->recipient, "npm") == 0;
        if (npm_report)
            removed |= s_clear(&b->visit_id);
    }
    if (!npm_report || !event_report_id(event))
        return removed;
    if (event->body_case == OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED)
        removed |= s_clear(&event->reply_published->symbol);
    removed |= s_clear(&event->source);
    removed |= s_clear(&event->note);
    return removed;
}
