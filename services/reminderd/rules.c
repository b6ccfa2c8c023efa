/*  rules: DOMAIN.md's reminder rules as day arithmetic. */
#include "rules.h"

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
                                            "overdue"};

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
    {"entry_into_force_days", offsetof(rem_config_t, entry_into_force_days), 0,
     3650},
    {"designation_months", offsetof(rem_config_t, designation_months), 1, 120},
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
                          .entry_into_force_days = 30,
                          .designation_months = 12,
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

const char *rem_stage_name(rem_stage_t stage)
{
    return (unsigned)stage <= REM_STAGE_OVERDUE ? s_stage_names[stage] : "?";
}

int rem_stage_parse(const char *name)
{
    for (int i = REM_STAGE_UPCOMING; i <= REM_STAGE_OVERDUE; i++)
        if (name && strcmp(name, s_stage_names[i]) == 0)
            return i;
    return -1;
}

int32_t rem_reply_due(const rem_config_t *cfg, int32_t transmitted)
{
    return date_add_months(transmitted, cfg->reply_months);
}

int32_t rem_entry_into_force(const rem_config_t *cfg, int32_t ratified)
{
    return ratified + cfg->entry_into_force_days;
}

int32_t rem_designation_due(const rem_config_t *cfg, int32_t ratified,
                            int art24_years)
{
    int32_t eif = rem_entry_into_force(cfg, ratified);
    return date_add_months(eif, cfg->designation_months + 12 * art24_years);
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
    return start - cfg->visit_notice_days;
}

int32_t rem_first_day(const rem_config_t *cfg, int32_t due)
{
    return due - cfg->upcoming_days;
}

/*  The due day of cycle 'k' (REM_NEVER past the last cycle). */
static int32_t s_cycle_due(const rem_config_t *cfg, rem_rule_t rule,
                           int32_t opened, int32_t due, int k)
{
    if (rule == REM_RULE_PUBLICATION)
        return k == 0 ? due : rem_publication_due(cfg, opened, k);
    return k == 0 ? due : REM_NEVER;
}

/*  Finds the occurrence at 'day' and the day the next cycle's upcoming
    stage starts (REM_NEVER if there is no next cycle). */
static rem_occurrence_t s_locate(const rem_config_t *cfg, rem_rule_t rule,
                                 int32_t opened, int32_t due, int32_t day,
                                 int32_t *next_cycle)
{
    int up = cfg->upcoming_days, every = cfg->overdue_every_days;
    int32_t u = due, next = s_cycle_due(cfg, rule, opened, due, 1);
    *next_cycle = next == REM_NEVER ? REM_NEVER : next - up;
    if (day < u - up)
        return (rem_occurrence_t){REM_STAGE_PENDING, REM_NEVER, u};
    for (int k = 1; *next_cycle <= day; k++) {
        u = next;
        next = s_cycle_due(cfg, rule, opened, due, k + 1);
        *next_cycle = next == REM_NEVER ? REM_NEVER : next - up;
    }
    if (day < u)
        return (rem_occurrence_t){REM_STAGE_UPCOMING, u - up, u};
    if (day == u)
        return (rem_occurrence_t){REM_STAGE_DUE, u, u};
    int32_t n = (day - u - 1) / every;
    return (rem_occurrence_t){REM_STAGE_OVERDUE, u + 1 + n * every, u};
}

rem_occurrence_t rem_stage_at(const rem_config_t *cfg, rem_rule_t rule,
                              int32_t opened, int32_t due, int32_t day)
{
    int32_t next_cycle;
    return s_locate(cfg, rule, opened, due, day, &next_cycle);
}

int32_t rem_next_after(const rem_config_t *cfg, rem_rule_t rule, int32_t opened,
                       int32_t due, int32_t day)
{
    int32_t next_cycle, next;
    rem_occurrence_t occ = s_locate(cfg, rule, opened, due, day, &next_cycle);
    switch (occ.stage) {
    case REM_STAGE_PENDING:
        return rem_first_day(cfg, due);
    case REM_STAGE_UPCOMING:
        next = occ.due;
        break;
    case REM_STAGE_DUE:
        next = occ.due + 1;
        break;
    default:
        next = occ.day + cfg->overdue_every_days;
    }
    return next < next_cycle ? next : next_cycle;
}

int32_t rem_occurrence_day(const rem_config_t *cfg, rem_stage_t stage,
                           int32_t due, int32_t issued_on)
{
    switch (stage) {
    case REM_STAGE_UPCOMING:
        return due - cfg->upcoming_days;
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
