/*  opcat-gatewayd: the read-only HTTP API, its live stream and the
    dashboard.

    The gateway owns no data.  Every answer comes from the services over
    ZeroMQ: the figures and the States from opcat-aggregated
    (OPCAT_STATS), the deadlines from opcat-reminderd (OPCAT_REMINDERS),
    the events from the store's REPLAY, the live stream from its PUBLISH.
    Events leave only in their public form (event_to_json() with
    EVENT_JSON_PUBLIC: never a report's `content`).

    Threads.  A ZeroMQ socket must be used by one thread only, and a
    Server-Sent Events stream is a response that never ends, so the
    gateway runs libmicrohttpd with a thread per connection
    (MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD).
    Every ZeroMQ socket is created, used and closed by the one connection
    thread that needs it: a query opens a short-lived DEALER (query_call),
    an events page a short-lived REPLAY client, and each SSE stream its
    own follower (follow.h) that lives exactly as long as the stream.  The
    threads share only the ZeroMQ context (thread-safe), read-only
    settings, the ISO code lists and the report renderer (read-only after
    start) and atomic counters.  The main thread only waits for a signal;
    there is no ZeroMQ loop to share, which is why the external-select
    mode was not chosen: it would put every stream's follower in the main
    thread for no gain on a loopback dashboard with few clients.

    Limits (guard.c).  The requests answered at once are capped overall
    (--max-connections) and per client address (--max-per-client), with
    503 and Retry-After beyond; /healthz and /metrics are answered from
    a reserve of GW_RESERVED connections even then.  Slow request headers
    (--header-timeout) and streams whose client stopped reading
    (--stall-timeout) are closed by a reaper thread.  Each stream holds
    a bounded backlog (stream.c), so memory is bounded by the number of
    connections times that bound, plus a fixed part (docs/GATEWAY.md).

    Files, from the top down; each calls only files below it, so that
    a handler never calls back into the server that dispatched to it.
    main.c (CLI, signals, start and stop).  http.c (the server: its
    connections, each request's route and limits, the dispatch to its
    handler).  The handlers: api.c (stats, reminders, events, report),
    states.c (the States table and one State), years.c (each year's
    figures), names.c (the States' names in one language), stream.c
    (SSE), metrics.c (Prometheus text), static.c (the dashboard's
    files), health.c (/healthz from a probing thread),
    etag.c (the 304 of a conditional GET, asked before the handler), and
    csv.c (format=csv, which three of them share).
    What they stand on: guard.c (connections, limits, the reaper),
    ask.c (queries to the services), request.c (a request's parameters),
    reply.c (answers: problem details, CORS, the counts).  At the
    bottom, route.c (which handler answers a method and target, ETags'
    pure parts: route.h) and uri.c (the raw request line: encodings and
    repeated parameters). */
#ifndef OPCAT_GW_H
#define OPCAT_GW_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "cfg.h"
#include "codes.h"
#include "dayclock.h"
#include "err.h"
#include "report.h"
#include "route.h"

#define GW_HTTP_DEFAULT "127.0.0.1:8080"
#define GW_TIMEOUT_DEFAULT 5000    /* ms a service may take to answer */
#define GW_CONNECTIONS_DEFAULT 256 /* requests (threads) at once */
#define GW_PER_CLIENT_DEFAULT 32   /* of them from one client address */
/* connections above the limits for /healthz, /metrics and 503 answers */
#define GW_RESERVED 16
#define GW_HEADER_TIMEOUT_DEFAULT 10 /* s for a request's headers */
#define GW_STALL_TIMEOUT_DEFAULT 10  /* s a stream may wait for its client */
#define GW_RETRY_AFTER_S 5           /* Retry-After of a 503 "busy" */
/* replay requests of all streams in flight at once (follow.h's gate) */
#define GW_STREAM_REPLAYS_MAX 8
/* seconds before an idle connection is closed (streams keep alive) */
#define GW_IDLE_TIMEOUT_S 60
#define GW_EVENTS_LIMIT_DEFAULT 100 /* events in one /api/events page */
#define GW_EVENTS_LIMIT_MAX 1000
#define GW_TOPIC_MAX 127 /* bytes of a topic prefix */

/*  Settings, fixed before the server starts.  Strings are borrowed (argv,
    the environment or defaults). */
typedef struct {
    cfg_t cfg;                 /* store and service endpoints */
    const char *http;          /* listen address HOST:PORT (IPv4, or [IPv6]) */
    const char *www;           /* directory of the dashboard's files */
    const char *share;         /* directory of state-names.tsv */
    int timeout_ms;            /* per query to a service */
    unsigned max_connections;  /* requests answered at once */
    unsigned max_per_client;   /* of them from one client address */
    unsigned header_timeout_s; /* for a request's headers to arrive */
    unsigned stall_timeout_s;  /* for a stream's client to take its text */
    const char *cors;          /* origins answered cross-origin, or NULL */
    int verbose;
} gw_options_t;

enum { GW_REFUSED_BUSY, GW_REFUSED_CLIENT, GW_REFUSED_KINDS };

/*  Counters shared by every connection thread. */
typedef struct {
    atomic_uint_fast64_t requests[6]; /* by status class: 0 other, 2xx..5xx */
    atomic_uint_fast64_t connections_open;
    atomic_uint_fast64_t refused[GW_REFUSED_KINDS]; /* 503s by limit */
    atomic_uint_fast64_t closed_header_timeout;
    atomic_uint_fast64_t closed_stalled;
    atomic_uint_fast64_t closed_crowded; /* awaiting headers, near the limit */
    atomic_uint_fast64_t streams_opened;
    atomic_uint_fast64_t streams_open;
    atomic_uint_fast64_t stream_events; /* events sent on every stream */
} gw_counters_t;

typedef struct gw_guard gw_guard_t;
typedef struct gw_health gw_health_t;
typedef struct gw_conn gw_conn_t;

/*  The gateway: settings, shared read-only state and the HTTP server. */
typedef struct gw {
    gw_options_t options;
    bus_t *bus;       /* ZeroMQ and client keys, shared by all threads */
    codes_t *codes;   /* ISO 3166-1 list, read-only */
    names_t *names;   /* the States' names (names.h), read-only */
    report_t *report; /* the annual report renderer, read-only */
    bool docx;        /* pandoc was found at start: format=docx served */
    dayclock_t clock; /* today: OPCAT_NOW or the system's, set at start */
    struct MHD_Daemon *daemon;
    gw_guard_t *guard;           /* connections and their limits */
    gw_health_t *health;         /* the services as last probed */
    struct follow_gate *replays; /* streams' replay requests in flight */
    atomic_bool stopping;        /* set before the server stops: streams end */
    uint16_t port;               /* the port bound */
    gw_counters_t counters;
} gw_t;

/*  One request being answered (borrowed for the handler's duration). */
typedef struct {
    gw_t *gw;
    struct MHD_Connection *conn;
    const char *url; /* the path, without the query string */
    const char *uri; /* the raw request target, query string included */
    char *etag;      /* GW_ETAG_LEN bytes: the answer's ETag, "" if none */
    const gw_route_t *route; /* its route: the handler, its parameters */
} gw_request_t;

/*  What every module stands on, from the bottom up. */

/* ------------------------------------------------------------ reply.c */

/*  Queues 'body' (a reference the call takes) as JSON with 'status'. */
enum MHD_Result gw_reply_json(const gw_request_t *req, unsigned status,
                              json_t *body);

/*  Queues 'response' (the call takes it) with 'status' and the headers
    every answer carries; counts it. */
enum MHD_Result gw_reply_response(const gw_request_t *req, unsigned status,
                                  struct MHD_Response *response);

/*  Queues 'len' bytes of 'text' (copied) with 'status' and 'type'. */
enum MHD_Result gw_reply_text(const gw_request_t *req, unsigned status,
                              const char *type, const char *text, size_t len);

/*  Queues {"error": {"parameter": 'parameter', "message": ...}} with
    'status' (400 for a bad parameter, 404 when nothing has that name);
    'parameter' may be NULL for errors that concern none. */
enum MHD_Result gw_reply_error(const gw_request_t *req, unsigned status,
                               const char *parameter, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*  Queues the reply for a service's failure 'err': 400 naming the
    parameter when the service refused one (OPCAT_EINVAL with a field),
    else 503 naming the 'service'. */
enum MHD_Result gw_reply_service_error(const gw_request_t *req,
                                       const char *service, const err_t *err);

/*  The problem details object (RFC 9457) of an error: type, title,
    'status', 'detail', and 'parameter' and 'service' when not NULL.
    NULL when out of memory. */
json_t *gw_problem(unsigned status, const char *parameter, const char *service,
                   const char *detail);

/*  Queues 'problem' (the call takes it; NULL: out of memory, a 500) as
    application/problem+json with 'status'. */
enum MHD_Result gw_reply_problem(const gw_request_t *req, unsigned status,
                                 json_t *problem);

/*  Adds the CORS headers 'req' is owed (options.cors) to 'response'. */
void gw_cors_headers(const gw_request_t *req, struct MHD_Response *response);

/*  An OPTIONS preflight from an allowed origin: queues 204 with the
    methods and headers allowed ('*rc') and returns true; false if the
    origin is not allowed (the caller answers 405). */
bool gw_cors_preflight(const gw_request_t *req, enum MHD_Result *rc);

/* ---------------------------------------------------------- request.c */

/*  The query parameter 'name' as decoded by the router, or NULL (the
    router has refused any parameter the handler does not take). */
const char *gw_param(const gw_request_t *req, const char *name);

/*  Reads the date parameter 'name' into 'out' (DATE_TEXT_LEN bytes):
    'out' empty when absent.  Returns false if present and not a real
    YYYY-MM-DD date. */
bool gw_param_date(const gw_request_t *req, const char *name, char *out);

/*  Whether 'topic' is an acceptable topic prefix: printable ASCII
    without spaces, at most GW_TOPIC_MAX bytes. */
bool gw_topic_ok(const char *topic);

/* -------------------------------------------------------------- ask.c */

/*  Asks 'endpoint' (OPCAT_STATS or OPCAT_REMINDERS) 'request' (the
    reference is taken).  0 with '*reply' (the caller's), or a code with
    'err'. */
int gw_query(gw_t *gw, const char *endpoint, json_t *request, json_t **reply,
             err_t *err);

/*  Sends every request of the array 'requests' (borrowed) to 'endpoint'
    at once on one DEALER, then waits for as many replies, in the order
    they come: '*replies' is a new array (the caller's).  An error reply
    or a timeout fails the whole exchange (a code and 'err'). */
int gw_query_many(gw_t *gw, const char *endpoint, const json_t *requests,
                  json_t **replies, err_t *err);

/* ------------------------------------------------------------ guard.c */

/*  Creates the guard of 'gw' (whose options are set) and starts its
    reaper thread.  NULL with 'err' on failure. */
gw_guard_t *gw_guard_new(gw_t *gw, err_t *err);

/*  Stops the reaper and frees the guard; call after the server stopped.
    '*self' becomes NULL.  NULL allowed. */
void gw_guard_destroy(gw_guard_t **self);

/*  MHD_OPTION_NOTIFY_CONNECTION callback ('cls' is the gw_t): keeps a
    record of every connection from its start to its close. */
void gw_guard_notify(void *cls, struct MHD_Connection *conn,
                     void **socket_context,
                     enum MHD_ConnectionNotificationCode code);

/*  The record of 'conn', or NULL (it could not be allocated). */
gw_conn_t *gw_guard_conn(struct MHD_Connection *conn);

typedef enum {
    GW_ADMIT_OK,     /* admitted: counts until gw_guard_done() */
    GW_ADMIT_EXEMPT, /* /healthz or /metrics: counted nowhere */
    GW_ADMIT_BUSY,   /* --max-connections reached */
    GW_ADMIT_CLIENT  /* --max-per-client reached for its address */
} gw_admit_t;

/*  Called once a request's headers are in: stops its header clock and
    admits it unless a limit is reached ('exempt': answered anyway). */
gw_admit_t gw_guard_admit(gw_guard_t *self, struct MHD_Connection *conn,
                          bool exempt);

/*  The request on 'conn' is complete: releases its admission and starts
    the header clock of the next request on the connection. */
void gw_guard_done(gw_guard_t *self, struct MHD_Connection *conn);

/*  A stream's reader: 'handed' true when it has handed text to the
    server (the stall clock runs until it is asked for more), false when
    it is asked again. */
void gw_guard_handed(gw_conn_t *conn, bool handed);

/*  The handlers, which http.c dispatches to, and the pieces they share. */

/* -------------------------------------------------------------- csv.c */

/*  The array of objects 'rows' as CSV text (RFC 4180, CRLF lines, a
    header line): nested objects become columns named by their dotted
    path, lists one cell joined with "; ", null an empty cell.  The
    caller frees it; NULL when out of memory.  'len' gets its length. */
char *gw_csv(const json_t *rows, size_t *len);

/*  Reads format= (json, the default, or csv) into '*csv'; false with a
    400 queued in '*rc' for any other value. */
bool gw_format(const gw_request_t *req, bool *csv, enum MHD_Result *rc);

/*  Queues 'body' (the call takes it) as JSON, or, when 'csv', its array
    member 'rows_key' as CSV downloaded as opcat-'name'.csv. */
enum MHD_Result gw_reply_table(const gw_request_t *req, bool csv,
                               const char *name, const char *rows_key,
                               json_t *body);

/* ------------------------------------------------------------- etag.c */

/*  For a GET of the API: computes the answer's ETag into req->etag (from
    the store's head or the consumers' positions, today and the query)
    and, if If-None-Match names it, queues a 304 ('*rc') and returns
    true.  False: answer as usual (with the ETag if there is one). */
bool gw_conditional(const gw_request_t *req, enum MHD_Result *rc);

/* ----------------------------------------------------------- health.c */

/*  Starts probing the store and the services of 'gw' in a thread of its
    own.  NULL with 'err' on failure. */
gw_health_t *gw_health_new(gw_t *gw, err_t *err);

/*  Stops the probing and frees it; '*self' becomes NULL.  NULL allowed. */
void gw_health_destroy(gw_health_t **self);

/*  GET /healthz: whether the store and the services answered the last
    probe (200 ok, 503 degraded), and how long ago. */
enum MHD_Result gw_api_health(const gw_request_t *req);

/* -------------------------------------------------------------- api.c */

/*  GET /api/stats?as_of=D&from=D: the stats contract object. */
enum MHD_Result gw_api_stats(const gw_request_t *req);

/*  GET /api/reminders?as_of=D&state=ISO3&rule=PREFIX: open deadlines. */
enum MHD_Result gw_api_reminders(const gw_request_t *req);

/*  GET /api/events?from=SEQ&topic=PREFIX&limit=N: a page of events in
    their public form, with "next" to continue from. */
enum MHD_Result gw_api_events(const gw_request_t *req);

/*  GET /api/report?as_of=D&from=D&lang=L&format=md|html|docx: the
    report in Markdown, as an HTML fragment (report_html.h) or, when
    'docx', as a Word document; the header X-Report-Formats lists the
    formats this gateway serves. */
enum MHD_Result gw_api_report(const gw_request_t *req);

/* ------------------------------------------------------------ years.c */

/*  GET /api/years?from=YEAR&to=YEAR&format=json|csv: each year's figures
    (stats as of 31 December, or today for the current year), 2006 to
    this year by default. */
enum MHD_Result gw_api_years(const gw_request_t *req);

/* ----------------------------------------------------------- states.c */

/*  GET /api/states?as_of=D&region=R&status=S: every State party and
    signatory, one summary row each. */
enum MHD_Result gw_states_list(const gw_request_t *req);

/*  GET /api/visits?as_of=D&region=R&status=S&format=json|csv: every
    visit to those States, one row each (State, then visit). */
enum MHD_Result gw_states_visits(const gw_request_t *req);

/*  GET /api/states/ISO3?as_of=D: one State's status and timeline, with
    its open deadlines. */
enum MHD_Result gw_states_one(const gw_request_t *req, const char *code);

/* ------------------------------------------------------------ names.c */

/*  GET /api/names?lang=L: every State's name in 'lang' (one of
    REPORT_LANGS, en by default), {"lang": L, "names": {ISO3: NAME}},
    with an ETag of its own (the table's, not the services'). */
enum MHD_Result gw_names(const gw_request_t *req);

/* ----------------------------------------------------------- stream.c */

/*  GET /api/stream?topic=PREFIX: Server-Sent Events, resuming after the
    Last-Event-ID header (or ?last_event_id=); live only without one. */
enum MHD_Result gw_stream(const gw_request_t *req);

/* ---------------------------------------------------------- metrics.c */

/*  GET /metrics: Prometheus text format. */
enum MHD_Result gw_metrics(const gw_request_t *req);

/* ----------------------------------------------------------- static.c */

/*  GET / and /FILE: the dashboard's files from options.www. */
enum MHD_Result gw_static(const gw_request_t *req);

/*  The server, at the top: nothing calls back into it. */

/* ------------------------------------------------------------- http.c */

/*  Creates the gateway: loads the code lists and the renderer, opens the
    ZeroMQ context and starts listening.  NULL with 'err' on failure.
    'options' is copied. */
gw_t *gw_new(const gw_options_t *options, err_t *err);

/*  Stops the server (ending every stream), then frees everything;
    '*self' becomes NULL.  NULL allowed. */
void gw_destroy(gw_t **self);

#endif
