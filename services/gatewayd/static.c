/*  static: the dashboard's files, from one flat directory (options.www).

    Only names of letters, digits, '.', '-' and '_' that do not start
    with '.' are served (gw_route_file_type), so no path can leave the
    directory; "/" is index.html.  The files are plain HTML, CSS and JavaScript:
   nothing is fetched from anywhere else (the Content-Security-Policy says so).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw.h"

/*  A page for a person who followed a wrong link: a browser path has no
    JSON reader (the API's own paths still answer JSON). */
static enum MHD_Result s_not_found(const gw_request_t *req)
{
    static const char page[] =
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<title>Page not found - OPCAT dashboard</title>"
        "<link rel=\"stylesheet\" href=\"/style.css\"></head>\n<body>"
        "<main id=\"main\" class=\"notfound\"><h1>Page not found</h1>\n"
        "<p>There is no page at this address. The dashboard shows the "
        "States parties, their deadlines and the figures of the annual "
        "report.</p>\n<p><a class=\"button\" href=\"/\">Open the "
        "dashboard</a></p></main></body></html>\n";
    struct MHD_Response *response = MHD_create_response_from_buffer(
        sizeof page - 1, (void *)page, MHD_RESPMEM_PERSISTENT);
    if (!response)
        return MHD_NO;
    MHD_add_response_header(response, "Content-Type",
                            "text/html; charset=utf-8");
    MHD_add_response_header(response, "Content-Security-Policy",
                            "default-src 'self'; frame-ancestors 'none'");
    return gw_reply_response(req, 404, response);
}

enum MHD_Result gw_static(const gw_request_t *req)
{
    const char *name = req->url[0] == '/' ? req->url + 1 : req->url;
    if (!name[0])
        name = "index.html";
    const char *type = gw_route_file_type(name);
    if (!type)
        return s_not_found(req);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", req->gw->options.www, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        if (fd >= 0)
            close(fd);
        return s_not_found(req);
    }
    struct MHD_Response *response =
        MHD_create_response_from_fd((uint64_t)st.st_size, fd);
    if (!response) {
        close(fd);
        return MHD_NO;
    }
    MHD_add_response_header(response, "Content-Type", type);
    MHD_add_response_header(response, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; "
                            "frame-ancestors 'none'");
    return gw_reply_response(req, 200, response);
}
