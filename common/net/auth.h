/*  auth: CurveZMQ keys and the ZAP handler (RFC 27) of a daemon.

    Plain mode (no encryption, no authentication) is allowed only on ipc://
    and loopback TCP.  A daemon given a server key (OPCAT_CURVE_KEY, a file
    written by `opcatctl keygen`) makes every endpoint a CURVE server and
    answers ZAP requests from its own loop: a client key is let in only if
    it is on the allow-list of the endpoint's role:

      writer   APPEND                         OPCAT_WRITERS (file)
      reader   PUBLISH, REPLAY, query ends    OPCAT_READERS (file)
      reminder the reminder service's APPEND  OPCAT_REMINDER_KEYS (file)
      public   the public stream              any key (encrypted only)

    An allow-list file has one Z85 public key per line, optionally followed
    by a name; '#' starts a comment.  Refusals are logged with the key's
    fingerprint (its first 8 Z85 characters) and the name of the role.

    The server key and the allow-lists are read once, by auth_new(), when
    the daemon starts.  Key files and the clients' side of CURVE are
    keys.h's; this module is the server's side, above the sockets
    (bus.h). */
#ifndef OPCAT_AUTH_H
#define OPCAT_AUTH_H

#include <stdbool.h>

#include "bus.h"
#include "err.h"

typedef struct auth auth_t;

/*  Loads the server key and allow-lists named by the environment (see
    above) and binds the ZAP handler on 'bus' (borrowed: it outlives the
    auth_t).  With no OPCAT_CURVE_KEY, returns an auth_t in plain mode.
    NULL and 'err' (naming the variable and the file) on failure. */
auth_t *auth_new(bus_t *bus, err_t *err);

/*  Closes the handler; '*self' becomes NULL.  NULL allowed. */
void auth_destroy(auth_t **self);

/*  Whether CURVE is on. */
bool auth_enabled(const auth_t *self);

/*  Fills the CURVE part of 'options' for a server socket of 'role'
    ("writer", "reader", "reminder", "public"); in plain mode, refuses
   (OPCAT_EAUTH, with a message saying how to make keys) an endpoint that is not
   local, unless OPCAT_ALLOW_PLAIN=1 says the network is private. */
int auth_server_options(const auth_t *self, const char *role,
                        const char *endpoint, bus_server_options_t *options,
                        err_t *err);

/*  The ZAP socket, for the daemon's zmq_poll (NULL in plain mode). */
void *auth_socket(auth_t *self);

/*  Answers the ZAP requests waiting. */
void auth_handle(auth_t *self);

#endif
