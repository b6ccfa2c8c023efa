/*  Fuzz target: the report's Markdown as HTML (report_html_render).
    Whatever the bytes, no crash, no leak, and what comes out holds no
    markup of the input's: every '<' opens or closes one of the elements
    the converter writes, every '&' starts an entity.  Both forms, in a
    left-to-right and the right-to-left language. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*  The elements report_html.c writes, each with the character after its
    name (a space before the attributes, or the '>'). */
static const char *const s_tags[] = {
    "article ", "h1>",      "h2>",    "h3>",      "h4>",    "h5>",
    "h6>",      "p>",       "table>", "thead>",   "tbody>", "tr>",
    "th>",      "th ",      "td>",    "td ",      "ul>",    "ol>",
    "li>",      "li ",      "sup ",   "sup>",     "a ",     "a>",
    "section ", "section>", "hr>",    "article>", "html ",  "html>",
    "head>",    "meta ",    "title>", "style>",   "body>",  "!DOCTYPE "};

/*  Aborts unless every '<' and '&' of 'html' is the converter's. */
static void s_check(const char *html)
{
    for (const char *p = html; (p = strpbrk(p, "<&")); p++) {
        if (*p == '&') {
            size_t n = strspn(p + 1, "#abcdefghijklmnopqrstuvwxyz0123456789");
            if (!n || p[1 + n] != ';')
                abort();
            continue;
        }
        const char *name = p + 1 + (p[1] == '/');
        bool known = false;
        for (size_t i = 0; i < sizeof s_tags / sizeof *s_tags && !known; i++)
            known = strncmp(name, s_tags[i], strlen(s_tags[i])) == 0;
        if (!known)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    static const struct {
        const char *lang;
        report_html_form_t form;
    } runs[] = {{"en", REPORT_HTML_FRAGMENT}, {"ar", REPORT_HTML_DOCUMENT}};
    for (size_t i = 0; i < sizeof runs / sizeof *runs; i++) {
        err_t err;
        char *html = report_html_render(text, runs[i].lang, runs[i].form, &err);
        if (html)
            s_check(html);
        free(html);
    }
    free(text);
    return 0;
}
