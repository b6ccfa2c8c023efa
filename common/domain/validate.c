/*  validate: single-event rules, one small checker per event type. */
#include "validate.h"

#include <string.h>

#include "date.h"
#include "datefmt.h"

typedef Opcat__V1__Envelope__BodyCase body_case_t;

bool validate_utf8(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07;
        } else {
            return false;
        }
        for (size_t k = 1; k <= n; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, surrogates and values past U+10FFFF */
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
            (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n + 1;
    }
    return true;
}

bool validate_parse_amount(const char *text, int64_t *cents)
{
    int64_t whole = 0;
    int digits = 0, decimals = 0, frac = 0;
    const char *p = text;
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (digits >= 15)
            return false;
        whole = whole * 10 + (*p - '0');
    }
    if (digits == 0)
        return false;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
            if (decimals >= 2)
                return false;
            frac = frac * 10 + (*p - '0');
        }
        if (decimals == 0)
            return false;
    }
    if (*p)
        return false;
    *cents = whole * 100 + (decimals == 1 ? frac * 10 : frac);
    return true;
}

static int s_one_of(const char *value, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(value, *allowed) == 0)
            return 1;
    return 0;
}

/*  A field that must be one of 'allowed' (NULL-terminated). */
static int s_enum(const char *field, const char *value,
                  const char *const *allowed, const char *rule, err_t *err)
{
    if (!value || !*value)
        return err_set(err, OPCAT_EINVAL, field, "%s: is required (%s)", field,
                       rule);
    if (!s_one_of(value, allowed))
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: \"%.40s\" is not allowed; must be %s", field, value,
                       rule);
    return OPCAT_OK;
}

/*  An identifier: required, 1-64 printable ASCII characters. */
static int s_ident(const char *field, const char *value, bool required,
                   err_t *err)
{
    if (!value || !*value)
        return required
                   ? err_set(err, OPCAT_EINVAL, field, "%s: is required", field)
                   : OPCAT_OK;
    size_t len = strlen(value);
    if (len > EVENT_ID_MAX)
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: must be at most %d characters", field,
                       EVENT_ID_MAX);
    for (size_t i = 0; i < len; i++)
        if (value[i] < 0x20 || value[i] > 0x7E)
            return err_set(err, OPCAT_EINVAL, field,
                           "%s: must be printable ASCII", field);
    return OPCAT_OK;
}

static int s_text(const char *field, const char *value, size_t max,
                  bool required, err_t *err)
{
    size_t len = value ? strlen(value) : 0;
    if (len == 0)
        return required
                   ? err_set(err, OPCAT_EINVAL, field, "%s: is required", field)
                   : OPCAT_OK;
    if (len > max)
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: must be at most %zu bytes", field, max);
    if (!validate_utf8(value, len))
        return err_set(err, OPCAT_EINVAL, field, "%s: must be valid UTF-8",
                       field);
    return OPCAT_OK;
}

static int s_date(const char *field, const char *value, bool required,
                  err_t *err)
{
    int32_t day;
    if (!value || !*value)
        return required ? err_set(err, OPCAT_EINVAL, field,
                                  "%s: is required (YYYY-MM-DD)", field)
                        : OPCAT_OK;
    if (!date_parse(value, &day))
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: \"%.20s\" is not a real date in YYYY-MM-DD form",
                       field, value);
    return OPCAT_OK;
}

static int s_amount(const codes_t *codes, const char *amount,
                    const char *currency, err_t *err)
{
    int64_t cents;
    if (!amount || !*amount)
        return err_set(err, OPCAT_EINVAL, "amount", "amount: is required");
    if (!validate_parse_amount(amount, &cents) || cents == 0)
        return err_set(err, OPCAT_EINVAL, "amount",
                       "amount: \"%.30s\" must be a positive decimal string "
                       "with at most 2 decimal places",
                       amount);
    if (!currency || !codes_is_currency(codes, currency))
        return err_set(err, OPCAT_EINVAL, "currency",
                       "currency: \"%.10s\" is not an ISO 4217 code",
                       currency ? currency : "");
    return OPCAT_OK;
}

bool validate_requires_state(body_case_t body_case)
{
    switch (body_case) {
    case OPCAT__V1__ENVELOPE__BODY_SESSION_HELD:
    case OPCAT__V1__ENVELOPE__BODY_BASELINE:
    case OPCAT__V1__ENVELOPE__BODY_FUND_CONTRIBUTION:
    case OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED:
    case OPCAT__V1__ENVELOPE__BODY_PERIOD_SUMMARY:
    case OPCAT__V1__ENVELOPE__BODY_DATASET_COVERAGE:
        return false;
    default:
        return true;
    }
}

/*  not_before: a real day, only on a not_after date and not after it. */
static int s_not_before(const event_t *e, err_t *err)
{
    int32_t bound, last;
    if (!e->not_before || !*e->not_before)
        return OPCAT_OK;
    int rc = s_date("not_before", e->not_before, false, err);
    if (rc)
        return rc;
    if (e->precision != OPCAT__V1__PRECISION__PRECISION_NOT_AFTER)
        return err_set(err, OPCAT_EINVAL, "not_before",
                       "not_before: only with precision not_after (the lower "
                       "bound of a date known as a range)");
    if (date_parse(e->not_before, &bound) &&
        date_parse(e->occurred_on, &last) && bound > last)
        return err_set(err, OPCAT_EINVAL, "not_before",
                       "not_before: must not be after occurred_on (the "
                       "range's last day)");
    return OPCAT_OK;
}

static int s_common(const codes_t *codes, const event_t *e, err_t *err)
{
    const char *name = event_type_name(e->body_case);
    if (!name)
        return err_set(err, OPCAT_EINVAL, "type", "type: unknown event type");
    if (e->type && *e->type && strcmp(e->type, name) != 0)
        return err_set(err, OPCAT_EINVAL, "type",
                       "type: \"%.40s\" does not match the body (%s)", e->type,
                       name);
    int rc = s_ident("id", e->id, false, err);
    if (!rc)
        rc = s_date("occurred_on", e->occurred_on, true, err);
    if (!rc)
        rc = s_text("source", e->source, VALIDATE_TEXT_MAX, false, err);
    if (!rc)
        rc = s_text("note", e->note, VALIDATE_NOTE_MAX, false, err);
    if (!rc && !protobuf_c_enum_descriptor_get_value(
                   &opcat__v1__precision__descriptor, (int)e->precision))
        rc = err_set(err, OPCAT_EINVAL, "precision",
                     "precision: %d is not allowed; must be day, month, year "
                     "or not_after",
                     (int)e->precision);
    if (!rc)
        rc = s_not_before(e, err);
    if (rc)
        return rc;
    if (e->state && *e->state) {
        if (!codes_is_state(codes, e->state))
            return err_set(err, OPCAT_EINVAL, "state",
                           "state: \"%.10s\" is not an ISO 3166-1 alpha-3 "
                           "code",
                           e->state);
    } else if (validate_requires_state(e->body_case)) {
        return err_set(err, OPCAT_EINVAL, "state",
                       "state: is required for %s (ISO 3166-1 alpha-3)", name);
    }
    return OPCAT_OK;
}

static const char *const s_instruments[] = {"ratification", "accession",
                                            "succession", NULL};
static const char *const s_parts[] = {"III", "IV", NULL};
static const char *const s_visit_kinds[] = {
    "regular", "follow_up", "npm_advisory", "opcat_advisory", NULL};
static const char *const s_recipients[] = {"state", "npm", NULL};
static const char *const s_models[] = {"nhri",     "ombudsman", "specialized",
                                       "multiple", "other",     NULL};
/*  Every rule kind's stages (DOMAIN.md "Reminder rules"): an obligation's
    upcoming, due and overdue; an encouragement's reminder; a notice's
    upcoming and starting. */
static const char *const s_stages[] = {"upcoming", "due",      "overdue",
                                       "reminder", "starting", NULL};

static int s_art24(const Opcat__V1__StateDeclaredArt24 *b, err_t *err)
{
    int rc = s_enum("part", b->part, s_parts, "III or IV", err);
    if (rc)
        return rc;
    unsigned max = b->extension ? 2 : 3;
    if (b->years < 1 || b->years > max)
        return err_set(err, OPCAT_EINVAL, "years",
                       "years: must be 1-%u %s (OPCAT art. 24)", max,
                       b->extension ? "for an extension"
                                    : "for a postponement");
    return OPCAT_OK;
}

/*  A session's first or last day ('field', 'value'): required when the
    event is dated to the day; a session known only to its month or year
    (or by a bound) may leave it out, since its sources give no day, and
    one given must lie within what occurred_on stands for. */
static int s_session_day(const event_t *e, const char *field, const char *value,
                         err_t *err)
{
    bool exact = e->precision == OPCAT__V1__PRECISION__PRECISION_DAY;
    if (exact && (!value || !*value))
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: is required (YYYY-MM-DD) for a session dated to "
                       "the day; a session known only to its month or year "
                       "takes precision month or year and may leave it out",
                       field);
    int32_t day, on;
    int rc = s_date(field, value, false, err);
    if (rc || exact || !value || !*value || !date_parse(e->occurred_on, &on))
        return rc;
    date_parse(value, &day);
    int32_t latest = datefmt_latest(on, (int)e->precision);
    if (day > latest || day < event_earliest(e, latest))
        return err_set(err, OPCAT_EINVAL, field,
                       "%s: must lie within the %s occurred_on stands for "
                       "(precision %s)",
                       field,
                       e->precision == OPCAT__V1__PRECISION__PRECISION_NOT_AFTER
                           ? "days"
                           : datefmt_precision_name((int)e->precision),
                       datefmt_precision_name((int)e->precision));
    return OPCAT_OK;
}

static int s_session(const event_t *e, err_t *err)
{
    const Opcat__V1__SessionHeld *b = e->session_held;
    int32_t start, end;
    if (b->number < 1)
        return err_set(err, OPCAT_EINVAL, "number",
                       "number: is required (the session's number, >= 1)");
    int rc = s_session_day(e, "start", b->start, err);
    if (!rc)
        rc = s_session_day(e, "end", b->end, err);
    if (!rc)
        rc = s_text("place", b->place, VALIDATE_TEXT_MAX, true, err);
    if (rc)
        return rc;
    if (date_parse(b->start, &start) && date_parse(b->end, &end) && end < start)
        return err_set(err, OPCAT_EINVAL, "end",
                       "end: must not be before start");
    return OPCAT_OK;
}

static int s_visit_completed(const event_t *e, err_t *err)
{
    const Opcat__V1__VisitCompleted *b = e->visit_completed;
    int32_t start, last;
    int rc = s_ident("visit_id", b->visit_id, true, err);
    if (!rc)
        rc = s_date("start", b->start, false, err);
    if (!rc && b->kind && *b->kind)
        rc = s_enum("kind", b->kind, s_visit_kinds,
                    "regular, follow_up, npm_advisory or opcat_advisory", err);
    if (rc)
        return rc;
    if (b->start && *b->start && date_parse(b->start, &start) &&
        date_parse(e->occurred_on, &last) && last < start)
        return err_set(err, OPCAT_EINVAL, "start",
                       "start: must not be after occurred_on (the visit's "
                       "last day)");
    return OPCAT_OK;
}

static int s_report(const Opcat__V1__ReportTransmitted *b, err_t *err)
{
    int rc = s_ident("report_id", b->report_id, true, err);
    if (!rc)
        rc = s_enum("recipient", b->recipient, s_recipients, "state or npm",
                    err);
    if (!rc)
        rc = s_ident("visit_id", b->visit_id, false, err);
    if (!rc)
        rc = s_text("content", b->content, VALIDATE_CONTENT_MAX, false, err);
    return rc;
}

static int s_symbol(const char *report_id, const char *symbol, err_t *err)
{
    int rc = s_ident("report_id", report_id, true, err);
    return rc ? rc : s_ident("symbol", symbol, true, err);
}

static int s_grant(const codes_t *codes, const Opcat__V1__FundGrant *b,
                   err_t *err)
{
    int rc = s_ident("project_id", b->project_id, true, err);
    if (!rc)
        rc = s_amount(codes, b->amount, b->currency, err);
    if (!rc && b->implementation_year &&
        (b->implementation_year < 2000 || b->implementation_year > 2999))
        return err_set(err, OPCAT_EINVAL, "implementation_year",
                       "implementation_year: must be a year 2000-2999");
    return rc;
}

static int s_reminder(const Opcat__V1__ReminderIssued *b, err_t *err)
{
    int rc = s_ident("rule", b->rule, true, err);
    if (!rc)
        rc = s_ident("subject", b->subject, true, err);
    if (!rc)
        rc = s_date("due_on", b->due_on, true, err);
    if (!rc)
        rc = s_enum("stage", b->stage, s_stages,
                    "upcoming, due, overdue, reminder or starting", err);
    return rc;
}

/*  'list': alpha-3 codes separated by single spaces, at most 'max' of
    them, each a State code. */
static int s_state_list(const codes_t *codes, const char *field,
                        const char *list, uint32_t max, err_t *err)
{
    uint32_t n = 0;
    for (const char *p = list;; p += 4) {
        char code[4] = {0};
        size_t len = strcspn(p, " ");
        if (len == 3)
            memcpy(code, p, 3);
        if (len != 3 || !codes_is_state(codes, code))
            return err_set(err, OPCAT_EINVAL, field,
                           "%s: \"%.20s\" is not a list of ISO 3166-1 "
                           "alpha-3 codes separated by single spaces",
                           field, list);
        if (++n > max)
            return err_set(err, OPCAT_EINVAL, field,
                           "%s: names more States than grant_states", field);
        if (!p[3])
            return OPCAT_OK;
    }
}

static int s_summary(const codes_t *codes, const Opcat__V1__PeriodSummary *b,
                     err_t *err)
{
    int32_t from, to;
    int rc = s_date("from", b->from, true, err);
    if (!rc)
        rc = s_date("to", b->to, true, err);
    if (rc)
        return rc;
    date_parse(b->from, &from);
    date_parse(b->to, &to);
    if (to < from)
        return err_set(err, OPCAT_EINVAL, "to", "to: must not be before from");
    if (*b->grant_states_named) {
        int rc2 = s_state_list(codes, "grant_states_named",
                               b->grant_states_named, b->grant_states, err);
        if (rc2)
            return rc2;
    }
    if (b->grants || *b->grant_amount || *b->grant_currency) {
        if (!b->grants || b->grant_states > b->grants)
            return err_set(err, OPCAT_EINVAL, "grants",
                           "grants: must be >= 1 and >= grant_states when "
                           "grant figures are given");
        return s_amount(codes, b->grant_amount, b->grant_currency, err);
    }
    return OPCAT_OK;
}

/*  Whether 'entry' names a known type, or is a prefix ending in '.' of at
    least one ("report." covers report.transmitted and report.published). */
static bool s_type_or_prefix(const char *entry)
{
    size_t len = strlen(entry);
    if (len == 0)
        return false;
    if (entry[len - 1] != '.')
        return event_type_case(entry) != OPCAT__V1__ENVELOPE__BODY__NOT_SET;
    for (int c = OPCAT__V1__ENVELOPE__BODY_STATE_SIGNED;; c++) {
        const char *name = event_type_name((body_case_t)c);
        if (!name)
            return false;
        if (strncmp(name, entry, len) == 0)
            return true;
    }
}

static int s_coverage(const event_t *e, err_t *err)
{
    const Opcat__V1__DatasetCoverage *b = e->dataset_coverage;
    if (b->n_types == 0)
        return err_set(err, OPCAT_EINVAL, "types",
                       "types: is required (a list of event types or "
                       "prefixes ending in \".\")");
    for (size_t i = 0; i < b->n_types; i++)
        if (!s_type_or_prefix(b->types[i]))
            return err_set(err, OPCAT_EINVAL, "types",
                           "types: \"%.40s\" is neither an event type nor a "
                           "prefix of one ending in \".\" (e.g. \"report.\")",
                           b->types[i]);
    if (e->state && *e->state)
        return err_set(err, OPCAT_EINVAL, "state",
                       "state: must be empty for dataset.coverage (coverage "
                       "holds for every State)");
    int rc = s_date("from", b->from, true, err);
    if (!rc)
        rc = s_date("until", b->until, false, err);
    if (rc || !b->until || !*b->until)
        return rc;
    int32_t from, until;
    date_parse(b->from, &from);
    date_parse(b->until, &until);
    if (until < from)
        return err_set(err, OPCAT_EINVAL, "until",
                       "until: must not be before from (the last day "
                       "covered, inclusive)");
    return OPCAT_OK;
}

static int s_npm(const Opcat__V1__NpmDesignated *b, err_t *err)
{
    int rc = s_text("body", b->body, VALIDATE_TEXT_MAX, true, err);
    return rc ? rc
              : s_enum("model", b->model, s_models,
                       "nhri, ombudsman, specialized, multiple or other", err);
}

static int s_body(const codes_t *codes, const event_t *e, err_t *err)
{
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_STATE_RATIFIED:
        return s_enum("instrument", e->state_ratified->instrument,
                      s_instruments, "ratification, accession or succession",
                      err);
    case OPCAT__V1__ENVELOPE__BODY_STATE_DECLARED_ART24:
        return s_art24(e->state_declared_art24, err);
    case OPCAT__V1__ENVELOPE__BODY_SESSION_HELD:
        return s_session(e, err);
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED: {
        int rc = s_ident("visit_id", e->visit_planned->visit_id, true, err);
        if (!rc)
            rc = s_enum("kind", e->visit_planned->kind, s_visit_kinds,
                        "regular, follow_up, npm_advisory or opcat_advisory",
                        err);
        return rc ? rc : s_date("start", e->visit_planned->start, false, err);
    }
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED: {
        int rc = s_ident("visit_id", e->visit_postponed->visit_id, true, err);
        return rc ? rc
                  : s_text("reason", e->visit_postponed->reason,
                           VALIDATE_TEXT_MAX, false, err);
    }
    case OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED:
        return s_visit_completed(e, err);
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
        return s_report(e->report_transmitted, err);
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
        return s_symbol(e->report_published->report_id,
                        e->report_published->symbol, err);
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
        return s_ident("report_id", e->reply_received->report_id, true, err);
    case OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED:
        return s_symbol(e->reply_published->report_id,
                        e->reply_published->symbol, err);
    case OPCAT__V1__ENVELOPE__BODY_FOLLOWUP_DIALOGUE:
        return s_enum("with", e->followup_dialogue->with, s_recipients,
                      "state or npm", err);
    case OPCAT__V1__ENVELOPE__BODY_NPM_DESIGNATED:
        return s_npm(e->npm_designated, err);
    case OPCAT__V1__ENVELOPE__BODY_NPM_CHANGED:
        return s_npm(e->npm_changed, err);
    case OPCAT__V1__ENVELOPE__BODY_FUND_CONTRIBUTION:
        return s_amount(codes, e->fund_contribution->amount,
                        e->fund_contribution->currency, err);
    case OPCAT__V1__ENVELOPE__BODY_FUND_GRANT:
        return s_grant(codes, e->fund_grant, err);
    case OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED:
        return s_reminder(e->reminder_issued, err);
    case OPCAT__V1__ENVELOPE__BODY_PERIOD_SUMMARY:
        return s_summary(codes, e->period_summary, err);
    case OPCAT__V1__ENVELOPE__BODY_DATASET_COVERAGE:
        return s_coverage(e, err);
    default: /* signed, art17.*, baseline: nothing beyond the common rules */
        return OPCAT_OK;
    }
}

/*  Refuses a field number the reader does not know, anywhere in 'msg'
    (protobuf-c keeps such fields aside in unknown_fields instead of
    failing): PROTOCOL.md makes an event with one unknown, so refused.
    'path' names the enclosing message ("" at the envelope). */
static int s_no_unknown(const ProtobufCMessage *msg, const char *path,
                        err_t *err)
{
    if (msg->n_unknown_fields)
        return err_set(err, OPCAT_EINVAL, *path ? path : "type",
                       "%s%sfield number %u is unknown to this store (an "
                       "event with an unknown field is refused)",
                       path, *path ? ": " : "", msg->unknown_fields[0].tag);
    const ProtobufCMessageDescriptor *d = msg->descriptor;
    for (unsigned i = 0; i < d->n_fields; i++) {
        const ProtobufCFieldDescriptor *f = &d->fields[i];
        if (f->type != PROTOBUF_C_TYPE_MESSAGE ||
            f->label == PROTOBUF_C_LABEL_REPEATED)
            continue;
        /* the oneof's members share one pointer: only the set one counts */
        if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)((const char *)msg + f->quantifier_offset) !=
                f->id)
            continue;
        const ProtobufCMessage *sub =
            *(ProtobufCMessage *const *)((const char *)msg + f->offset);
        if (sub && s_no_unknown(sub, f->name, err))
            return err->code;
    }
    return OPCAT_OK;
}

int validate_event(const codes_t *codes, const event_t *event, err_t *err)
{
    /* A protobuf peer can send a case whose body pointer is NULL only if
       the body is absent; protobuf-c never leaves it NULL, but a
       hand-built envelope might. */
    if (event->body_case != OPCAT__V1__ENVELOPE__BODY__NOT_SET &&
        event->state_signed == NULL)
        return err_set(err, OPCAT_EINVAL, "type", "type: the body is missing");
    int rc = s_no_unknown(&event->base, "", err);
    if (!rc)
        rc = s_common(codes, event, err);
    return rc ? rc : s_body(codes, event, err);
}
