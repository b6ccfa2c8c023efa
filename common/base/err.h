/*  err: the project's one error vocabulary.

    Every fallible function returns 0 (OPCAT_OK) or a negative OPCAT_E*
    code, and where a caller needs to tell a person what went wrong it also
    fills an err_t: the code, the field concerned (for validation errors)
    and a human message naming the field and the rule.  Library errors
    (LMDB, libzmq, protobuf-c) are translated into these codes at each
    boundary, in exactly one function per library. */
#ifndef OPCAT_ERR_H
#define OPCAT_ERR_H

#include <stddef.h>

enum {
    OPCAT_OK = 0,
    OPCAT_EINVAL = -1,    /* an event or request broke a rule */
    OPCAT_ENOTFOUND = -2, /* no such sequence, id or key */
    OPCAT_EDUP = -3,      /* the id is already stored */
    OPCAT_ENOMEM = -4,
    OPCAT_EIO = -5,       /* disk or file error */
    OPCAT_ENOSPC = -6,    /* the file system is full */
    OPCAT_EPROTO = -7,    /* a malformed frame or message */
    OPCAT_EINTR = -8,     /* interrupted by a signal: check the flags */
    OPCAT_ETIMEDOUT = -9, /* a peer did not answer in time */
    OPCAT_EREF = -10,     /* a cross-reference does not hold */
    OPCAT_ETOOBIG = -11,  /* a message or field over its limit */
    OPCAT_ESTATE = -12,   /* not possible in the current state */
    OPCAT_EAUTH = -13,    /* refused by authentication */
    OPCAT_EFULL = -14,    /* a store is at its configured size limit */
    OPCAT_ECORRUPT = -15  /* stored data fails its own checks */
};

#define ERR_FIELD_MAX 64
#define ERR_MESSAGE_MAX 512

/*  A returned error: code, field (may be empty) and message. */
typedef struct {
    int code;
    char field[ERR_FIELD_MAX];
    char message[ERR_MESSAGE_MAX];
} err_t;

/*  Returns a static description of 'code' (never NULL). */
const char *err_strerror(int code);

/*  Clears 'err' to OPCAT_OK with empty field and message. 'err' may be
    NULL. */
void err_clear(err_t *err);

/*  Fills 'err' (if not NULL) with 'code', 'field' (may be NULL) and a
    printf-style message.  Returns 'code' so that callers can write
    `return err_set(err, OPCAT_EINVAL, "state", "...")`. */
int err_set(err_t *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*  Whether 'code' is one of the codes above (0 included): what a
    boundary passes through untranslated.  Library codes (errno values,
    LMDB's MDB_*) are not. */
int err_is_code(int code);

/*  Translates an errno value into an OPCAT_E* code. */
int err_from_errno(int errnum);

#endif
