/*  opcatctl report: the annual report's figures, as Markdown.

    Asks the aggregation service (OPCAT_STATS, op "stats") for the stats
    object of DOMAIN.md and renders it with report.c.  The States' names
    come from state-names.tsv (names.h) in the share directory: --share
    DIR, else the share directory (share.h: $OPCAT_SHARE, the installed
    PREFIX/share/opcat, else the checkout's data/). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "date.h"
#include "query.h"
#include "report.h"

/*  The command's options. */
typedef struct {
    const char *as_of; /* --as-of: default today */
    const char *from;  /* --from: default 1 January of as_of's year */
    const char *lang;  /* --lang: one of REPORT_LANGS */
    const char *share; /* --share: directory of state-names.tsv */
} report_opts_t;

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

int cmd_report(ctl_t *ctl, int argc, char **argv)
{
    static const char usage[] =
        "usage: opcatctl report [--as-of D] [--from D] "
        "[--lang ar|zh|en|fr|ru|es] [--share DIR]\n"
        "Prints the figures of the annual report (sections II.A, II.B, "
        "II.D, III.A-C, IV.A,\nVI.B) as Markdown, from the aggregation "
        "service's stats for the period --from\n(default 1 January of D's "
        "year) to --as-of (default today), in one of the six official UN\n"
        "languages (default en; Arabic is written right to left by the "
        "viewer).\n"
        "--share DIR holds state-names.tsv [$OPCAT_SHARE, "
        "else /usr/share/opcat or the checkout's data/]\n";
    static const struct option longopts[] = {
        {"as-of", required_argument, NULL, 'a'},
        {"from", required_argument, NULL, 'f'},
        {"lang", required_argument, NULL, 'l'},
        {"share", required_argument, NULL, 'S'},
        {NULL, 0, NULL, 0}};
    report_opts_t o = {.lang = "en"};
    int first = ctl_parse(ctl, argc, argv, usage, "", longopts, s_option, &o);
    if (first != argc)
        return ctl_usage_error(ctl, argv[first],
                               "unexpected argument \"%.40s\"", argv[first]);
    err_t err;
    int status;
    json_t *stats = s_fetch(ctl, &o, &status);
    if (!stats)
        return status;
    names_t *names = names_find(o.share, &err);
    report_t *report = names ? report_new(names, &err) : NULL;
    char *text = report ? report_render(report, stats, o.lang, &err) : NULL;
    status = text ? 0 : 1;
    if (text)
        fputs(text, stdout);
    else
        ctl_error(ctl, status, "failed", err.field, "%s", err.message);
    free(text);
    report_destroy(&report);
    names_destroy(&names);
    json_decref(stats);
    return status;
}
