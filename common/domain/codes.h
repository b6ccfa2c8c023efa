/*  codes: the ISO code lists the validator checks against.

    State codes are ISO 3166-1 alpha-3 and currencies ISO 4217, both read
    from Debian's iso-codes package (/usr/share/iso-codes/json, or the
    directory in OPCAT_ISO_CODES), so that the list is the maintained one
    and not a copy in this repository. */
#ifndef OPCAT_CODES_H
#define OPCAT_CODES_H

#include <stdbool.h>

#include "err.h"

typedef struct codes codes_t;

#define CODES_DEFAULT_DIR "/usr/share/iso-codes/json"

/*  Loads the lists from 'dir' (NULL: OPCAT_ISO_CODES or the default).
    Returns NULL and fills 'err' if a file is missing or malformed. */
codes_t *codes_new(const char *dir, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL is allowed. */
void codes_destroy(codes_t **self);

/*  Whether 'code' is an ISO 3166-1 alpha-3 code (e.g. "PER", "PSE"). */
bool codes_is_state(const codes_t *self, const char *code);

/*  Whether 'code' is an ISO 4217 currency code (e.g. "USD"). */
bool codes_is_currency(const codes_t *self, const char *code);

/*  The English name of a State code, or NULL. Borrowed: valid until
    codes_destroy(). */
const char *codes_state_name(const codes_t *self, const char *code);

#endif
