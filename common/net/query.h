/*  query: JSON request/reply over ZeroMQ, for the services' query
    endpoints (OPCAT_REMINDERS, OPCAT_STATS).

    A request is one frame holding a JSON object with an "op" member; the
    reply is one frame holding a JSON object: the answer, or
    {"error": {"code": N, "field": "...", "message": "..."}}.
    The server side is a ROUTER the daemon polls in its own loop; the
    client side is a DEALER with a timeout. */
#ifndef OPCAT_QUERY_H
#define OPCAT_QUERY_H

#include <jansson.h>

#include "bus.h"
#include "err.h"

/*  Bytes of a request; a bigger one is answered with OPCAT_ETOOBIG up to
    the hard limit of bus.h, past which libzmq drops the connection. */
#define QUERY_MAX_REQUEST 65536

/*  Answers one request.  Returns a new JSON object (the reply), or NULL
    with 'err' filled (the reply then carries the error). */
typedef json_t *(*query_fn)(void *arg, const json_t *request, err_t *err);

/*  Binds a ROUTER for queries at 'endpoint'.  NULL and 'err' on failure. */
void *query_bind(bus_t *bus, const char *endpoint, err_t *err);

/*  The same with server options (e.g. CURVE from auth_server_options);
    the request size limit and ROUTER_MANDATORY are set here. */
void *query_bind_with(bus_t *bus, const char *endpoint,
                      bus_server_options_t options, err_t *err);

/*  Reads the requests waiting on 'socket' (at most 'max'), answering each
    through 'fn'.  Malformed requests get an error reply; nothing here
    ever stops the daemon.  Returns the number answered. */
int query_serve(void *socket, int max, query_fn fn, void *arg);

/*  Sends 'request' to 'endpoint' and waits up to 'timeout_ms'.  Returns
    0 with '*reply' (the caller's reference) or a negative code with
    'err' (a service's error reply becomes its code and message). */
int query_call(bus_t *bus, const char *endpoint, const json_t *request,
               int timeout_ms, json_t **reply, err_t *err);

/*  Builds the error reply object for 'err'. */
json_t *query_error_reply(const err_t *err);

#endif
