/*  route: which handler answers a request, decided from its method and
    raw target alone.

    No socket and no server take part: the raw target is checked and
    decoded (uri.c), the path is looked up in the API's one table, and
    the parameters are held against those its handler takes.  http.c
    calls gw_route() once per request and dispatches on the verdict; the
    handlers read their parameters from it (gw_route_param), so what was
    checked is what they use.  tests/test_gw_route.c drives it alone.

    The ETag's pure parts live here too: its text from the target, today
    and the services' positions, and the If-None-Match comparison; etag.c
    asks the services for the positions. */
#ifndef OPCAT_GW_ROUTE_H
#define OPCAT_GW_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/*  The verdicts: a handler's, then those the router answers itself. */
typedef enum {
    GW_ROUTE_STATS,       /* GET /api/stats */
    GW_ROUTE_STATES,      /* GET /api/states */
    GW_ROUTE_STATE,       /* GET /api/states/{state}: 'arg' is the code */
    GW_ROUTE_VISITS,      /* GET /api/visits */
    GW_ROUTE_YEARS,       /* GET /api/years */
    GW_ROUTE_REMINDERS,   /* GET /api/reminders */
    GW_ROUTE_EVENTS,      /* GET /api/events */
    GW_ROUTE_REPORT,      /* GET /api/report */
    GW_ROUTE_NAMES,       /* GET /api/names */
    GW_ROUTE_STREAM,      /* GET /api/stream */
    GW_ROUTE_OPENAPI,     /* GET /api/openapi.json: the www file */
    GW_ROUTE_HEALTH,      /* GET /healthz */
    GW_ROUTE_METRICS,     /* GET /metrics */
    GW_ROUTE_STATIC,      /* GET / or /FILE: 'arg' is the file's name */
    GW_ROUTE_BAD_REQUEST, /* 400 problem naming 'fault' */
    GW_ROUTE_NO_ENDPOINT, /* 404 problem: an API path nothing serves */
    GW_ROUTE_NO_PAGE,     /* 404 HTML page: a browser path nothing serves */
    GW_ROUTE_NOT_ALLOWED, /* 405 with Allow: GET, HEAD */
    GW_ROUTE_PREFLIGHT    /* OPTIONS: 204 for an allowed origin, else 405 */
} gw_route_id_t;

/*  The verdicts below this one have a handler. */
#define GW_ROUTE_HANDLERS GW_ROUTE_BAD_REQUEST

/*  What an answer's ETag is computed from (gw_route_t.sources). */
enum {
    GW_SRC_STORE = 1, /* the store's head */
    GW_SRC_STATS = 2, /* the aggregation service's position */
    GW_SRC_REM = 4    /* the reminder service's position */
};

#define GW_PARAMS_MAX 32 /* parameters in one target; more is a 400 */
#define GW_FAULT_MAX 80  /* bytes of the name at fault, NUL included */
#define GW_ETAG_LEN 24   /* bytes of an ETag: 16 hex digits, quotes, NUL */
#define GW_POSITIONS 3   /* store head, stats position, reminders position */

/*  One query parameter, decoded.  'value' is NULL when the parameter has
    no '=' (it then counts as absent for gw_route_param). */
typedef struct {
    const char *key;
    const char *value;
} gw_param_t;

/*  A request's route.  Strings point into 'text' and live until
    gw_route_clear(). */
typedef struct {
    gw_route_id_t id;
    unsigned status;  /* the router's answer (400, 404, 405); 0: a handler's
                         (or, for GW_ROUTE_PREFLIGHT, 204 or 405) */
    unsigned sources; /* GW_SRC_* of its ETag; 0: no ETag */
    bool exempt;      /* /healthz or /metrics: answered beyond the limits */
    const char *path; /* the decoded path; "" when it could not be decoded */
    const char *arg;  /* the State code or the file name (see the ids); "" */
    size_t count;     /* parameters in 'params' */
    gw_param_t params[GW_PARAMS_MAX];
    char fault[GW_FAULT_MAX];      /* 400: "path" or the parameter at fault */
    char message[ERR_MESSAGE_MAX]; /* 400 and 404: why, for the answer */
    char *text;                    /* the decoded strings (owned) */
} gw_route_t;

/*  Routes 'method' (as received: "GET", "HEAD", ...) to the raw request
    target 'target' (path and query string, still encoded) into
    '*route', which the caller clears with gw_route_clear() in any case.
    In order: a target that does not decode (a bad %-escape, an encoded
    NUL, not UTF-8, a parameter repeated or too many) is a 400 naming the
    path or the parameter; OPTIONS is a preflight; any method but GET and
    HEAD a 405; a path no handler serves a 404 (problem+json under /api,
    an HTML page elsewhere); a parameter the handler does not take a 400
    naming it.  HEAD routes as GET does.  Returns OPCAT_OK, or
    OPCAT_ENOMEM (nothing routed). */
int gw_route(const char *method, const char *target, gw_route_t *route);

/*  Frees what 'route' holds; it may be routed again.  NULL allowed. */
void gw_route_clear(gw_route_t *route);

/*  The decoded value of the query parameter 'name', or NULL when it is
    absent or has no value.  Borrowed from 'route'. */
const char *gw_route_param(const gw_route_t *route, const char *name);

/*  The Content-Type of the dashboard's file 'name', or NULL if 'name' is
    not served: only letters, digits, '.', '-' and '_', not starting with
    '.', at most 64 bytes, of a known type (so no path leaves the www
    directory). */
const char *gw_route_file_type(const char *name);

/*  Writes into 'etag' the ETag of an answer to the raw target 'target'
    on day 'today' (YYYY-MM-DD) with the services at 'positions' (0 for a
    source the answer does not depend on): a quoted 64-bit hash. */
void gw_etag_make(const char *target, const char *today,
                  const uint64_t positions[GW_POSITIONS],
                  char etag[GW_ETAG_LEN]);

/*  Whether the If-None-Match list 'header' names 'etag' (the weak
    comparison of RFC 9110: a W/ prefix is ignored) or is "*": the client
    holds the current answer, and a 304 answers it. */
bool gw_etag_matches(const char *header, const char *etag);

/* -------------------------------------------------------------- uri.c */

/*  Checks the raw target 'uri' (as received, before decoding) and
    decodes it into 'route': 'path', then 'params', their strings written
    into 'route->text' (at least 2 * strlen(uri) + 2 bytes).  Every %XX
    escape must be well-formed, nothing may decode to NUL or to bytes
    that are not UTF-8, and no parameter may be given twice.  False, with
    'route->fault' ("path" or the parameter) and 'route->message', when
    it is not fine. */
bool gw_uri_parse(const char *uri, gw_route_t *route);

#endif
