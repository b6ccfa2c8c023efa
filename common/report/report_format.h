/*  report_format: the formats the report is written in, by name.

    One place for what opcatctl report --format and the gateway's
    /api/report?format= share: the names, and turning the Markdown of
    report_render() into the format asked for (report_html.h, and
    report_docx.h for DOCX by pandoc). */
#ifndef OPCAT_REPORT_FORMAT_H
#define OPCAT_REPORT_FORMAT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "report_html.h"

/*  A format of the report. */
typedef enum {
    REPORT_FORMAT_MD,   /* Markdown, as report_render() writes it */
    REPORT_FORMAT_HTML, /* HTML, by report_html_render() */
    REPORT_FORMAT_DOCX  /* a Word document, by pandoc */
} report_format_t;

/*  The names, for usage messages. */
#define REPORT_FORMATS "md, html or docx"

/*  Reads the format named 'name' ("md", "html", "docx") into '*format';
    false if 'name' is none of them (NULL included). */
bool report_format_parse(const char *name, report_format_t *format);

/*  The media type of 'format' ("text/html; charset=utf-8", ...). */
const char *report_format_type(report_format_t format);

/*  Converts 'markdown' (taken: freed, or handed back as the result for
    REPORT_FORMAT_MD) in language 'lang' to 'format'; 'form' says what an
    HTML conversion writes.  Returns the bytes, the caller's to free, with
    their count in '*len' (text is NUL-terminated as well), or NULL with
    'err' filled as by report_html_render() or report_docx_render(). */
char *report_format_convert(char *markdown, const char *lang,
                            report_format_t format, report_html_form_t form,
                            size_t *len, err_t *err);

#endif
