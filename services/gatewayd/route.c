/*  route: the API's table and the routing of one request (see route.h). */
#include "route.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_NAME_MAX 64 /* bytes of a dashboard file's name */

/*  Every path a handler serves.  'params' lists what it takes (NULL:
    it ignores the query string: files may carry a cache-busting one, and
    a health check's caller adds what it likes); a 'prefix' path serves
    every path below it.  www/openapi.json documents the same paths and
    parameters; tests/test_gw_route.c holds the two together. */
static const struct {
    const char *path;
    bool prefix;
    gw_route_id_t id;
    unsigned sources;
    const char *const *params;
} s_routes[] = {
    {"/api/stats", false, GW_ROUTE_STATS, GW_SRC_STATS,
     (const char *const[]){"as_of", "from", NULL}},
    {"/api/states", false, GW_ROUTE_STATES, GW_SRC_STATS,
     (const char *const[]){"as_of", "region", "status", "format", NULL}},
    {"/api/states/", true, GW_ROUTE_STATE, GW_SRC_STATS | GW_SRC_REM,
     (const char *const[]){"as_of", NULL}},
    {"/api/visits", false, GW_ROUTE_VISITS, GW_SRC_STATS,
     (const char *const[]){"as_of", "region", "status", "format", NULL}},
    {"/api/years", false, GW_ROUTE_YEARS, GW_SRC_STATS,
     (const char *const[]){"from", "to", "format", NULL}},
    {"/api/reminders", false, GW_ROUTE_REMINDERS, GW_SRC_REM,
     (const char *const[]){"as_of", "state", "rule", "format", NULL}},
    {"/api/events", false, GW_ROUTE_EVENTS, GW_SRC_STORE,
     (const char *const[]){"from", "topic", "limit", NULL}},
    {"/api/report", false, GW_ROUTE_REPORT, GW_SRC_STATS,
     (const char *const[]){"as_of", "from", "lang", "format", NULL}},
    {"/api/names", false, GW_ROUTE_NAMES, 0,
     (const char *const[]){"lang", NULL}},
    {"/api/stream", false, GW_ROUTE_STREAM, 0,
     (const char *const[]){"topic", "last_event_id", NULL}},
    {"/api/openapi.json", false, GW_ROUTE_OPENAPI, 0, NULL},
    {"/healthz", false, GW_ROUTE_HEALTH, 0, NULL},
    {"/metrics", false, GW_ROUTE_METRICS, 0, (const char *const[]){NULL}},
};

/* ---------------------------------------------------------------- files */

const char *gw_route_file_type(const char *name)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".json", "application/json; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}};
    size_t len = strlen(name);
    if (!len || len > FILE_NAME_MAX || name[0] == '.')
        return NULL;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
            return NULL;
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return NULL;
}

/* -------------------------------------------------------------- routing */

/*  Sets the router's own answer 'id' with 'status'. */
static void s_verdict(gw_route_t *route, gw_route_id_t id, unsigned status)
{
    route->id = id;
    route->status = status;
    route->sources = 0;
}

/*  A path no table entry serves: the dashboard's file, or a 404. */
static void s_other(gw_route_t *route)
{
    const char *path = route->path;
    if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0) {
        s_verdict(route, GW_ROUTE_NO_ENDPOINT, 404);
        snprintf(route->message, ERR_MESSAGE_MAX, "no such endpoint: %.100s",
                 path);
        return;
    }
    route->arg = path[0] == '/' ? path + 1 : path;
    if (!route->arg[0])
        route->arg = "index.html";
    if (gw_route_file_type(route->arg)) {
        s_verdict(route, GW_ROUTE_STATIC, 0);
        return;
    }
    route->arg = "";
    s_verdict(route, GW_ROUTE_NO_PAGE, 404);
    snprintf(route->message, ERR_MESSAGE_MAX, "no such page: %.100s", path);
}

/*  400 for the first parameter of 'route' that 'allowed' does not list;
    false if there is none. */
static bool s_unknown(gw_route_t *route, const char *const *allowed)
{
    for (size_t i = 0; i < route->count; i++) {
        const char *key = route->params[i].key;
        const char *const *a = allowed;
        while (*a && strcmp(*a, key) != 0)
            a++;
        if (*a)
            continue;
        char list[256] = "";
        for (a = allowed; *a; a++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     a == allowed ? "" : ", ", *a);
        snprintf(route->fault, GW_FAULT_MAX, "%.64s", key);
        for (char *f = route->fault; *f; f++) /* quoted back printable */
            if ((unsigned char)*f < ' ' || *f == 0x7f)
                *f = '?';
        snprintf(route->message, ERR_MESSAGE_MAX, "%s: unknown parameter (%s)",
                 route->fault, list[0] ? list : "none");
        s_verdict(route, GW_ROUTE_BAD_REQUEST, 400);
        return true;
    }
    return false;
}

/*  Looks the decoded path of 'route' up in the table. */
static void s_lookup(gw_route_t *route)
{
    const char *path = route->path;
    for (size_t i = 0; i < sizeof s_routes / sizeof s_routes[0]; i++) {
        size_t len = strlen(s_routes[i].path);
        if (s_routes[i].prefix ? strncmp(path, s_routes[i].path, len) != 0
                               : strcmp(path, s_routes[i].path) != 0)
            continue;
        route->id = s_routes[i].id;
        route->sources = s_routes[i].sources;
        if (s_routes[i].prefix)
            route->arg = path + len;
        if (s_routes[i].params)
            s_unknown(route, s_routes[i].params);
        return;
    }
    s_other(route);
}

int gw_route(const char *method, const char *target, gw_route_t *route)
{
    size_t len = strlen(target);
    *route = (gw_route_t){.path = "", .arg = ""};
    if (!(route->text = malloc(2 * len + 2)))
        return OPCAT_ENOMEM;
    if (!gw_uri_parse(target, route)) {
        route->path = "";
        s_verdict(route, GW_ROUTE_BAD_REQUEST, 400);
        return OPCAT_OK;
    }
    route->exempt = strcmp(route->path, "/healthz") == 0 ||
                    strcmp(route->path, "/metrics") == 0;
    if (strcmp(method, "OPTIONS") == 0)
        s_verdict(route, GW_ROUTE_PREFLIGHT, 0);
    else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        s_verdict(route, GW_ROUTE_NOT_ALLOWED, 405);
    else
        s_lookup(route);
    return OPCAT_OK;
}

void gw_route_clear(gw_route_t *route)
{
    if (!route)
        return;
    free(route->text);
    *route = (gw_route_t){.path = "", .arg = ""};
}

const char *gw_route_param(const gw_route_t *route, const char *name)
{
    for (size_t i = 0; i < route->count; i++)
        if (strcmp(route->params[i].key, name) == 0)
            return route->params[i].value;
    return NULL;
}

/* ---------------------------------------------------------------- ETags */

static uint64_t s_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

void gw_etag_make(const char *target, const char *today,
                  const uint64_t positions[GW_POSITIONS],
                  char etag[GW_ETAG_LEN])
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */
    h = s_fnv(h, target, strlen(target) + 1);
    h = s_fnv(h, today, strlen(today) + 1);
    h = s_fnv(h, positions, GW_POSITIONS * sizeof positions[0]);
    snprintf(etag, GW_ETAG_LEN, "\"%016llx\"", (unsigned long long)h);
}

bool gw_etag_matches(const char *header, const char *etag)
{
    size_t len = strlen(etag);
    for (const char *p = header; *p;) {
        p += strspn(p, " \t,");
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p == '*' || (strncmp(p, etag, len) == 0 &&
                          (p[len] == '\0' || strchr(" \t,", p[len]))))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}
