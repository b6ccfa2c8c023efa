/*  opcatctl report: the annual report's figures, as Markdown, HTML or
    DOCX.

    Asks the aggregation service (OPCAT_STATS, op "stats") for the stats
    object of DOMAIN.md and renders it with report.c, then converts the
    Markdown to a whole HTML document (report_html.h) or to DOCX by pandoc
    (report_docx.h).  The States' names come from state-names.tsv
    (names.h) in the share directory: --share DIR, else the share
    directory (share.h: $OPCAT_SHARE, the installed PREFIX/share/opcat,
    else the checkout's data/). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "date.h"
#include "query.h"
#include "report.h"
#include "report_format.h"

/*  The command's options. */
typedef struct {
    const char *as_of;      /* --as-of: default today */
    const char *from;       /* --from: default 1 January of as_of's year */
    const char *lang;       /* --lang: one of REPORT_LANGS */
    const char *share;      /* --share: directory of state-names.tsv */
    const char *output;     /* -o: the file written; NULL or "-": stdout */
    report_format_t format; /* --format */
} report_opts_t;

/*  Reads --format 'value'; PDF is refused with the reason. */
static int s_format(report_opts_t *o, const char *value, err_t *err)
{
    if (report_format_parse(value, &o->format))
        return 0;
    if (strcmp(value, "pdf") == 0)
        return err_set(err, OPCAT_EINVAL, "--format",
                       "--format pdf is not offered (every PDF engine "
                       "Debian packages weighs hundreds of MB): print the "
                       "--format html document from a browser, or convert "
                       "the DOCX");
    return err_set(err, OPCAT_EINVAL, "--format",
                   "--format: \"%.40s\" is not " REPORT_FORMATS, value);
}

static int s_option(void *arg, int option, const char *value, err_t *err)
{
    report_opts_t *o = arg;
    int32_t day;
    switch (option) {
    case 'a':
    case 'f':
        if (!date_parse(value, &day))
            return err_set(err, OPCAT_EINVAL,
                           option == 'a' ? "--as-of" : "--from",
                           "%s: \"%.40s\" is not a YYYY-MM-DD date",
                           option == 'a' ? "--as-of" : "--from", value);
        *(option == 'a' ? &o->as_of : &o->from) = value;
        return 0;
    case 'l':
        o->lang = value;
        if (report_lang_known(value))
            return 0;
        return err_set(err, OPCAT_EINVAL, "--lang",
                       "--lang: \"%.40s\" is not " REPORT_LANGS, value);
    case 'S':
        o->share = value;
        return 0;
    case 'F':
        return s_format(o, value, err);
    case 'o':
        o->output = value;
        return 0;
    default:
        return 1;
    }
}

/*  Asks the aggregation service for the stats object; NULL with
    '*status' set when it cannot (reported). */
static json_t *s_fetch(ctl_t *ctl, const report_opts_t *o, int *status)
{
    char today[DATE_TEXT_LEN];
    date_format(dayclock_today(&ctl->clock), today);
    json_t *request = json_pack("{s:s, s:s}", "op", "stats", "as_of",
                                o->as_of ? o->as_of : today);
    if (request && o->from)
        json_object_set_new(request, "from", json_string(o->from));
    return ctl_query(ctl, "stats", request, status);
}

/*  Writes 'len' bytes of 'data' to -o's file, or to stdout. */
static int s_write(const report_opts_t *o, const char *data, size_t len,
                   err_t *err)
{
    bool to_stdout = !o->output || strcmp(o->output, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(o->output, "wb");
    bool ok = f && fwrite(data, 1, len, f) == len;
    if (f && (to_stdout ? fflush(f) : fclose(f)) != 0)
        ok = false;
    if (ok)
        return OPCAT_OK;
    if (!to_stdout)
        unlink(o->output);
    return err_set(err, OPCAT_EIO, "-o", "writing %s failed",
                   to_stdout ? "the standard output" : o->output);
}

/*  Renders 'stats' and writes it as 'o' asks; the exit status. */
static int s_report(ctl_t *ctl, const report_opts_t *o, const json_t *stats)
{
    err_t err;
    size_t len = 0;
    names_t *names = names_find(o->share, &err);
    report_t *report = names ? report_new(names, &err) : NULL;
    char *md = report ? report_render(report, stats, o->lang, &err) : NULL;
    char *out = md ? report_format_convert(md, o->lang, o->format,
                                           REPORT_HTML_DOCUMENT, &len, &err)
                   : NULL;
    int status = out && s_write(o, out, len, &err) == OPCAT_OK
                     ? CTL_EXIT_OK
                     : CTL_EXIT_FAILURE;
    if (status)
        ctl_error(ctl, status, "failed", err.field, "%s", err.message);
    free(out);
    report_destroy(&report);
    names_destroy(&names);
    return status;
}

int cmd_report(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] =
        "usage: opcatctl report [--as-of D] [--from D] "
        "[--lang ar|zh|en|fr|ru|es]\n"
        "                       [--format md|html|docx] [-o FILE] "
        "[--share DIR]\n"
        "Writes the annual report's figures (sections II.A, II.B, II.D, "
        "III.A-C, IV.A,\nVI.B) from the aggregation service's stats for the "
        "period --from (default\n1 January of D's year) to --as-of (default "
        "today), in one of the six official\nUN languages (default en), to "
        "FILE or the standard output (-o - or none).\n"
        "--format md    Markdown (the default)\n"
        "--format html  a whole HTML document (Arabic with dir=\"rtl\")\n"
        "--format docx  a Word document, converted by pandoc (apt-get "
        "install pandoc),\n"
        "               to FILE or a standard output that is not a "
        "terminal\n"
        "PDF is not offered: print the HTML document from a browser.\n"
        "--share DIR holds state-names.tsv [$OPCAT_SHARE, "
        "else /usr/share/opcat or the checkout's data/]\n";
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'a'},
        {"from", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"share", required_argument, NULL, 'S'},
        {"format", required_argument, NULL, 'F'},
        {"output", required_argument, NULL, 'o'},
        {NULL, 0, NULL, 0}};
    report_opts_t o = {.lang = "en", .format = REPORT_FORMAT_MD};
    int first = ctl_parse(ctl, argc, argv, usage, "o:", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    if (o.format == REPORT_FORMAT_DOCX &&
        (!o.output || strcmp(o.output, "-") == 0) && isatty(STDOUT_FILENO))
        return ctl_usage_error(ctl, "-o",
                               "--format docx writes a binary file: "
                               "give -o FILE");
    int status;
    json_t *stats = s_fetch(ctl, &o, &status);
    if (!stats)
        return status;
    status = s_report(ctl, &o, stats);
    json_decref(stats);
    return status;
}
