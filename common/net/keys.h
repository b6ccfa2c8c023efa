/*  keys: CurveZMQ key files, and a client's credentials read once.

    A key file holds Z85 keys, one per line (40 characters, optionally
    followed by a name); lines starting with '#' and shorter lines are
    skipped.  `opcatctl keygen NAME` writes a pair: NAME.pub (the public
    key) and NAME.key (public, then secret; mode 0600).

    A client (opcatctl, the consumers, the gateway) uses CURVE when
    OPCAT_CURVE_SERVER names the server's public key file; its own pair
    is the file OPCAT_CURVE_CLIENT_KEY names.  keys_client_new() reads
    both once, when the process starts: every socket it connects later
    takes the keys from memory (bus.h), so a wrong or missing file is an
    error at start, and a file removed or rewritten while the process
    runs changes nothing until it restarts.

    This module reads and writes files only; it knows no socket. */
#ifndef OPCAT_KEYS_H
#define OPCAT_KEYS_H

#include <stdbool.h>

#include "err.h"

#define KEYS_LEN 40 /* Z85 characters of a CURVE key */

/*  A client's CURVE credentials, or plain mode: immutable once made, so
    any thread may read them. */
typedef struct keys keys_t;

/*  Reads the first 'n' keys of the file at 'path' into 'keys' (each
    NUL-terminated).  'variable' is the environment variable that named
    the file, for the message (NULL if none).  Returns 0, or OPCAT_EAUTH
    with 'err' naming the variable and the file when the file cannot be
    read or holds fewer than 'n' keys. */
int keys_read(const char *variable, const char *path, char keys[][KEYS_LEN + 1],
              int n, err_t *err);

/*  Reads the client's credentials from OPCAT_CURVE_SERVER and
    OPCAT_CURVE_CLIENT_KEY (see above).  With OPCAT_CURVE_SERVER unset or
    empty, returns credentials in plain mode.  NULL and 'err' (the
    variable in 'err->field', the variable and the file in the message)
    when OPCAT_CURVE_CLIENT_KEY is missing or a file is wrong. */
keys_t *keys_client_new(err_t *err);

/*  Forgets the keys (the secret is wiped); '*self' becomes NULL.  NULL
    allowed. */
void keys_destroy(keys_t **self);

/*  Whether a client connects with CURVE. */
bool keys_enabled(const keys_t *self);

/*  The server's public key (Z85), or NULL in plain mode.  Borrowed: valid
    until keys_destroy(). */
const char *keys_server_public(const keys_t *self);

/*  The client's public key (Z85), or NULL in plain mode.  Borrowed. */
const char *keys_public(const keys_t *self);

/*  The client's secret key (Z85), or NULL in plain mode.  Borrowed. */
const char *keys_secret(const keys_t *self);

/*  Writes a new key pair: 'path'.pub (the public key) and 'path'.key
    (public and secret, mode 0600).  Refuses to overwrite either file.
    Returns 0 or a code with 'err'. */
int keys_generate(const char *path, err_t *err);

#endif
