/*  rules: DOMAIN.md's reminder rules as day arithmetic. */
#include "rules.h"

#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

static const char *const s_rule_names[REM_RULE_COUNT] = {
    "art12.state_reply", "art12.npm_reply", "art17.npm_designation",
    "art16.publication", "visit.upcoming"};

static const char *const s_stage_names[] = {"pending", "upcoming", "due",
                                            "overdue", "reminder", "starting"};

static const rem_kind_t s_rule_kinds[REM_RULE_COUNT] = {
    REM_KIND_OBLIGATION, REM_KIND_OBLIGATION, REM_KIND_OBLIGATION,
    REM_KIND_ENCOURAGEMENT, REM_KIND_NOTICE};

static const char *const s_kind_names[] = {"obligation", "encouragement",
                                           "notice"};

/*  Settings that were offsets once and are the treaty's now: a config
    naming one is refused with the article that fixes it. */
static const char *const s_treaty_fixed[][2] = {
    {"entry_into_force_days", "art. 28 (common/domain/obligation.h)"},
    {"designation_months", "art. 17 (common/domain/obligation.h)"}};

/*  One configurable offset: its name, where it lives and its range. */
typedef struct {
    const char *name;
    size_t offset;
    int min, max;
} option_t;

static const option_t s_options[] = {
    {"reply_months", offsetof(rem_config_t, reply_months), 1, 120},
    {"publication_months", offsetof(rem_config_t, publication_months), 1, 120},
    {"publication_every_months",
     offsetof(rem_config_t, publication_every_months), 1, 120},
    {"visit_notice_days", offsetof(rem_config_t, visit_notice_days), 0, 3650},
    {"upcoming_days", offsetof(rem_config_t, upcoming_days), 1, 3650},
    {"overdue_every_days", offsetof(rem_config_t, overdue_every_days), 1,
     3650}};
#define OPTION_COUNT (sizeof s_options / sizeof s_options[0])

void rem_config_defaults(rem_config_t *cfg)
{
    *cfg = (rem_config_t){.reply_months = 6,
                          .publication_months = 12,
                          .publication_every_months = 12,
                          .visit_notice_days = 30,
                          .upcoming_days = 30,
                          .overdue_every_days = 90};
}

/*  Copies 'text' without surrounding blanks into 'out' ('size' bytes). */
static void s_trim(const char *text, size_t len, char *out, size_t size)
{
    while (len && isspace((unsigned char)*text))
        text++, len--;
    while (len && isspace((unsigned char)text[len - 1]))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(out, text, len);
    out[len] = '\0';
}

int rem_config_set(rem_config_t *cfg, const char *assignment, err_t *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq)
        return err_set(err, OPCAT_EINVAL, "config",
                       "config: \"%.60s\" is not key=value", assignment);
    char key[64], value[64];
    s_trim(assignment, (size_t)(eq - assignment), key, sizeof key);
    s_trim(eq + 1, strlen(eq + 1), value, sizeof value);
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        if (strcmp(key, s_options[i].name) != 0)
            continue;
        char *end;
        errno = 0;
        long n = strtol(value, &end, 10);
        if (!*value || *end || errno || n < s_options[i].min ||
            n > s_options[i].max)
            return err_set(err, OPCAT_EINVAL, key,
                           "%s: must be a whole number %d-%d", key,
                           s_options[i].min, s_options[i].max);
        *(int *)((char *)cfg + s_options[i].offset) = (int)n;
        return OPCAT_OK;
    }
    for (size_t i = 0; i < sizeof s_treaty_fixed / sizeof s_treaty_fixed[0];
         i++)
        if (strcmp(key, s_treaty_fixed[i][0]) == 0)
            return err_set(err, OPCAT_EINVAL, key,
                           "%s: not a setting: fixed by %s", key,
                           s_treaty_fixed[i][1]);
    return err_set(err, OPCAT_EINVAL, key, "%s: unknown setting", key);
}

int rem_config_load(rem_config_t *cfg, const char *path, err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, err_from_errno(errno), "config", "%s: %s", path,
                       strerror(errno));
    char line[256];
    int lineno = 0, rc = OPCAT_OK;
    while (!rc && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char bare[256];
        s_trim(line, strlen(line), bare, sizeof bare);
        if (!*bare)
            continue;
        err_t inner;
        if ((rc = rem_config_set(cfg, bare, &inner)))
            err_set(err, rc, inner.field, "%s:%d: %s", path, lineno,
                    inner.message);
    }
    fclose(f);
    return rc;
}

const char *rem_rule_name(rem_rule_t rule)
{
    return (unsigned)rule < REM_RULE_COUNT ? s_rule_names[rule] : NULL;
}

int rem_rule_parse(const char *name)
{
    for (int i = 0; i < REM_RULE_COUNT; i++)
        if (name && strcmp(name, s_rule_names[i]) == 0)
            return i;
    return -1;
}

rem_kind_t rem_rule_kind(rem_rule_t rule)
{
    assert((unsigned)rule < REM_RULE_COUNT);
    return s_rule_kinds[rule];
}

const char *rem_kind_name(rem_kind_t kind)
{
    return (unsigned)kind <= REM_KIND_NOTICE ? s_kind_names[kind] : "?";
}

const char *rem_stage_name(rem_stage_t stage)
{
    return (unsigned)stage <= REM_STAGE_STARTING ? s_stage_names[stage] : "?";
}

int rem_stage_parse(const char *name)
{
    for (int i = REM_STAGE_UPCOMING; i <= REM_STAGE_STARTING; i++)
        if (name && strcmp(name, s_stage_names[i]) == 0)
            return i;
    return -1;
}

int32_t rem_reply_due(const rem_config_t *cfg, int32_t transmitted)
{
    return date_add_months(transmitted, cfg->reply_months);
}

int32_t rem_publication_due(const rem_config_t *cfg, int32_t transmitted,
                            int cycle)
{
    return date_add_months(transmitted,
                           cfg->publication_months +
                               cycle * cfg->publication_every_months);
}

int32_t rem_visit_due(const rem_config_t *cfg, int32_t start)
{
    (void)cfg;
    return start;
}

int32_t rem_first_day(const rem_config_t *cfg, rem_rule_t rule, int32_t due)
{
    switch (rem_rule_kind(rule)) {
    case REM_KIND_ENCOURAGEMENT:
        return due;
    case REM_KIND_NOTICE:
        return due - cfg->visit_notice_days;
    default:
        return due - cfg->upcoming_days;
    }
}

/*  An obligation at 'day': upcoming, due, then overdue every N days. */
static rem_occurrence_t s_obligation_at(const rem_config_t *cfg, int32_t due,
                                        int32_t day)
{
    int up = cfg->upcoming_days, every = cfg->overdue_every_days;
    if (day < due - up)
        return (rem_occurrence_t){REM_STAGE_PENDING, REM_NEVER, due};
    if (day < due)
        return (rem_occurrence_t){REM_STAGE_UPCOMING, due - up, due};
    if (day == due)
        return (rem_occurrence_t){REM_STAGE_DUE, due, due};
    int32_t n = (day - due - 1) / every;
    return (rem_occurrence_t){REM_STAGE_OVERDUE, due + 1 + n * every, due};
}

/*  The encouragement's reminder cycle in force on 'day' (-1 before the
    first), from the first reminder on 'due' of a report transmitted on
    'opened'. */
static int s_cycle_at(const rem_config_t *cfg, int32_t opened, int32_t due,
                      int32_t day)
{
    if (day < due)
        return -1;
    int k = 0;
    while (rem_publication_due(cfg, opened, k + 1) <= day)
        k++;
    return k;
}

/*  An encouragement at 'day': the latest yearly reminder, never late. */
static rem_occurrence_t s_encouragement_at(const rem_config_t *cfg,
                                           int32_t opened, int32_t due,
                                           int32_t day)
{
    int k = s_cycle_at(cfg, opened, due, day);
    if (k < 0)
        return (rem_occurrence_t){REM_STAGE_PENDING, REM_NEVER, due};
    int32_t on = k ? rem_publication_due(cfg, opened, k) : due;
    return (rem_occurrence_t){REM_STAGE_REMINDER, on, on};
}

/*  A notice at 'day': upcoming before the start, starting from it on. */
static rem_occurrence_t s_notice_at(const rem_config_t *cfg, int32_t start,
                                    int32_t day)
{
    int32_t notice = start - cfg->visit_notice_days;
    if (day < notice)
        return (rem_occurrence_t){REM_STAGE_PENDING, REM_NEVER, start};
    if (day < start)
        return (rem_occurrence_t){REM_STAGE_UPCOMING, notice, start};
    return (rem_occurrence_t){REM_STAGE_STARTING, start, start};
}

rem_occurrence_t rem_stage_at(const rem_config_t *cfg, rem_rule_t rule,
                              int32_t opened, int32_t due, int32_t day)
{
    switch (rem_rule_kind(rule)) {
    case REM_KIND_ENCOURAGEMENT:
        return s_encouragement_at(cfg, opened, due, day);
    case REM_KIND_NOTICE:
        return s_notice_at(cfg, due, day);
    default:
        return s_obligation_at(cfg, due, day);
    }
}

int32_t rem_next_after(const rem_config_t *cfg, rem_rule_t rule, int32_t opened,
                       int32_t due, int32_t day)
{
    rem_occurrence_t occ = rem_stage_at(cfg, rule, opened, due, day);
    switch (occ.stage) {
    case REM_STAGE_PENDING:
        return rem_first_day(cfg, rule, due);
    case REM_STAGE_UPCOMING:
        return occ.due;
    case REM_STAGE_DUE:
        return occ.due + 1;
    case REM_STAGE_OVERDUE:
        return occ.day + cfg->overdue_every_days;
    case REM_STAGE_REMINDER:
        return rem_publication_due(cfg, opened,
                                   s_cycle_at(cfg, opened, due, day) + 1);
    default: /* starting: the last of a notice */
        return REM_NEVER;
    }
}

int32_t rem_occurrence_day(const rem_config_t *cfg, rem_rule_t rule,
                           rem_stage_t stage, int32_t due, int32_t issued_on)
{
    switch (stage) {
    case REM_STAGE_UPCOMING:
        return rem_first_day(cfg, rule, due);
    case REM_STAGE_REMINDER:
    case REM_STAGE_STARTING:
        return due;
    case REM_STAGE_DUE:
        return due;
    case REM_STAGE_OVERDUE:
        if (issued_on <= due)
            return due + 1;
        return due + 1 +
               (issued_on - due - 1) / cfg->overdue_every_days *
                   cfg->overdue_every_days;
    default:
        return issued_on;
    }
}
