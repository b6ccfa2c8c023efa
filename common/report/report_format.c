/*  report_format: the report's formats by name (see report_format.h). */
#include "report_format.h"

#include <stdlib.h>
#include <string.h>

#include "report_docx.h"

/*  Each format's name and media type, in the order of report_format_t. */
static const struct {
    const char *name, *type;
} s_formats[] = {
    {"md", "text/markdown; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"docx", "application/"
             "vnd.openxmlformats-officedocument.wordprocessingml.document"}};

bool report_format_parse(const char *name, report_format_t *format)
{
    for (size_t i = 0; name && i < sizeof s_formats / sizeof *s_formats; i++)
        if (strcmp(name, s_formats[i].name) == 0) {
            *format = (report_format_t)i;
            return true;
        }
    return false;
}

const char *report_format_type(report_format_t format)
{
    return s_formats[format].type;
}

char *report_format_convert(char *markdown, const char *lang,
                            report_format_t format, report_html_form_t form,
                            size_t *len, err_t *err)
{
    char *out = NULL;
    *len = 0;
    if (format == REPORT_FORMAT_MD) {
        *len = strlen(markdown);
        return markdown;
    }
    if (format == REPORT_FORMAT_HTML) {
        out = report_html_render(markdown, lang, form, err);
        *len = out ? strlen(out) : 0;
    } else {
        report_docx_render(markdown, lang, &out, len, err);
    }
    free(markdown);
    return out;
}
