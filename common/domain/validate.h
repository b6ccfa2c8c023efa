/*  validate: the rules of DOMAIN.md that one event can be checked against
    on its own (no store lookups): required fields, enumerations, dates,
    State and currency codes, amounts, lengths, UTF-8.  Cross-references
    (a report transmitted before it is answered) need the store and are
    checked there (storage/store.h). */
#ifndef OPCAT_VALIDATE_H
#define OPCAT_VALIDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "codes.h"
#include "err.h"
#include "event.h"

#define VALIDATE_NOTE_MAX 2000     /* bytes of `note` (DOMAIN.md) */
#define VALIDATE_TEXT_MAX 512      /* bytes of other free-text fields */
#define VALIDATE_CONTENT_MAX 65536 /* bytes of a report's `content` */

/*  Checks 'event' against every single-event rule.  Returns 0, or
    OPCAT_EINVAL with 'err' naming the field and the rule broken. */
int validate_event(const codes_t *codes, const event_t *event, err_t *err);

/*  Whether the DOMAIN.md type of 'body_case' concerns a State and so
    requires the `state` field. */
bool validate_requires_state(Opcat__V1__Envelope__BodyCase body_case);

/*  Parses a decimal amount ("1234.5", "10.00"; at most 2 decimals, no
    sign, no exponent) into hundredths.  Returns false if malformed. */
bool validate_parse_amount(const char *text, int64_t *cents);

/*  Whether the 'len' bytes at 'text' are well-formed UTF-8. */
bool validate_utf8(const char *text, size_t len);

#endif
