/*  err: error codes and messages. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *err_strerror(int code)
{
    switch (code) {
    case OPCAT_OK:
        return "ok";
    case OPCAT_EINVAL:
        return "invalid";
    case OPCAT_ENOTFOUND:
        return "not found";
    case OPCAT_EDUP:
        return "duplicate";
    case OPCAT_ENOMEM:
        return "out of memory";
    case OPCAT_EIO:
        return "input/output error";
    case OPCAT_ENOSPC:
        return "no space left on device";
    case OPCAT_EPROTO:
        return "malformed message";
    case OPCAT_EINTR:
        return "interrupted";
    case OPCAT_ETIMEDOUT:
        return "timed out";
    case OPCAT_EREF:
        return "broken cross-reference";
    case OPCAT_ETOOBIG:
        return "too big";
    case OPCAT_ESTATE:
        return "not possible now";
    case OPCAT_EAUTH:
        return "not authorized";
    case OPCAT_EFULL:
        return "size limit reached";
    case OPCAT_ECORRUPT:
        return "corrupt data";
    default:
        return "unknown error";
    }
}

void err_clear(err_t *err)
{
    if (!err)
        return;
    err->code = OPCAT_OK;
    err->field[0] = '\0';
    err->message[0] = '\0';
}

int err_set(err_t *err, int code, const char *field, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int err_is_code(int code)
{
    /* OPCAT_ECORRUPT is the last code: a new one moves this bound */
    return code <= OPCAT_OK && code >= OPCAT_ECORRUPT;
}

int err_from_errno(int errnum)
{
    switch (errnum) {
    case 0:
        return OPCAT_OK;
    case ENOMEM:
        return OPCAT_ENOMEM;
    case ENOSPC:
    case EDQUOT:
        return OPCAT_ENOSPC;
    case EINTR:
        return OPCAT_EINTR;
    case ETIMEDOUT:
    case EAGAIN:
        return OPCAT_ETIMEDOUT;
    case ENOENT:
        return OPCAT_ENOTFOUND;
    case EINVAL:
        return OPCAT_EINVAL;
    case EPROTO:
    case EMSGSIZE:
        return OPCAT_EPROTO;
    default:
        return OPCAT_EIO;
    }
}
