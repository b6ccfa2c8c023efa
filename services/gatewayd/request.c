/*  request: reading a request's query parameters as the router checked
    and decoded them (route.h), so that what a handler uses is what was
    checked; and what a topic prefix may hold. */
#include <string.h>

#include "date.h"
#include "gw.h"

const char *gw_param(const gw_request_t *req, const char *name)
{
    return gw_route_param(req->route, name);
}

bool gw_param_date(const gw_request_t *req, const char *name, char *out)
{
    const char *text = gw_param(req, name);
    int32_t day;
    out[0] = '\0';
    if (!text)
        return true;
    if (!date_parse(text, &day))
        return false;
    date_format(day, out);
    return true;
}

bool gw_topic_ok(const char *topic)
{
    if (strlen(topic) > GW_TOPIC_MAX)
        return false;
    for (const char *p = topic; *p; p++)
        if (*p <= ' ' || *p > '~')
            return false;
    return true;
}
