/*  rules: the reminder rules of DOMAIN.md as pure date arithmetic.

    Nothing here touches LMDB, ZeroMQ or the clock: every function maps
    days (date.h day numbers) to days, so the unit tests can check each
    rule on its own (tests/test_rules.c).  The treaty's own dates (entry
    into force, the NPM deadline) come from common/domain/obligation.h.

    A deadline is (rule, subject) with the day it opened and its first
    due day U.  Each rule has a kind, and the kind decides its stage
    occurrences:

      obligation     (art12.state_reply, art12.npm_reply,
                      art17.npm_designation): a duty with a deadline
        upcoming  U - upcoming_days
        due       U
        overdue   U + 1, then every overdue_every_days days (days late)
      encouragement  (art16.publication: no treaty deadline, the SPT
                      encourages publication, para 27): U is the
                      transmission + publication_months
        reminder  U, then every publication_every_months after it;
                  never overdue, no days late
      notice         (visit.upcoming): U is the visit's first day
        upcoming  U - visit_notice_days
        starting  U; never overdue */
#ifndef OPCAT_REM_RULES_H
#define OPCAT_REM_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/*  The rules; the numbers are stored in LMDB keys: never renumber. */
typedef enum {
    REM_RULE_STATE_REPLY = 0,     /* art12.state_reply */
    REM_RULE_NPM_REPLY = 1,       /* art12.npm_reply */
    REM_RULE_NPM_DESIGNATION = 2, /* art17.npm_designation */
    REM_RULE_PUBLICATION = 3,     /* art16.publication */
    REM_RULE_VISIT = 4,           /* visit.upcoming */
    REM_RULE_COUNT = 5
} rem_rule_t;

/*  The stages; stored in LMDB keys too. */
typedef enum {
    REM_STAGE_PENDING = 0, /* open, before its first occurrence */
    REM_STAGE_UPCOMING = 1,
    REM_STAGE_DUE = 2,
    REM_STAGE_OVERDUE = 3,
    REM_STAGE_REMINDER = 4, /* encouragement: the yearly nudge */
    REM_STAGE_STARTING = 5  /* notice: the day it starts */
} rem_stage_t;

/*  What kind of rule: it decides the stages and whether a deadline can
    be late (only an obligation can). */
typedef enum {
    REM_KIND_OBLIGATION = 0,
    REM_KIND_ENCOURAGEMENT = 1,
    REM_KIND_NOTICE = 2
} rem_kind_t;

/*  A day that never comes: "no next occurrence". */
#define REM_NEVER INT32_MAX

/*  Every offset, in months or days.  Defaults are DOMAIN.md's. */
typedef struct {
    int reply_months;             /* SPT practice under art. 12(d): 6 */
    int publication_months;       /* art. 16 encouragement, first: 12 */
    int publication_every_months; /* art. 16 encouragement, then: 12 */
    int visit_notice_days;        /* visit.upcoming: 30 days before start */
    int upcoming_days;            /* obligation upcoming: 30 before due */
    int overdue_every_days;       /* obligation overdue: every 90 */
} rem_config_t;

/*  One stage occurrence: its stage, its day and the due day of its
    cycle. */
typedef struct {
    rem_stage_t stage;
    int32_t day;
    int32_t due;
} rem_occurrence_t;

/*  Fills 'cfg' with DOMAIN.md's defaults. */
void rem_config_defaults(rem_config_t *cfg);

/*  Sets one offset from "key=value" text (keys are the field names
    above).  Returns 0, or OPCAT_EINVAL with 'err' naming the key. */
int rem_config_set(rem_config_t *cfg, const char *assignment, err_t *err);

/*  Reads a config file of "key = value" lines ('#' starts a comment).
    Returns 0 or an error naming the file and line. */
int rem_config_load(rem_config_t *cfg, const char *path, err_t *err);

/*  The rule's name ("art12.state_reply"), or NULL if out of range. */
const char *rem_rule_name(rem_rule_t rule);

/*  The rule named 'name', or -1. */
int rem_rule_parse(const char *name);

/*  The kind of 'rule'. */
rem_kind_t rem_rule_kind(rem_rule_t rule);

/*  The kind's name ("obligation", "encouragement", "notice"). */
const char *rem_kind_name(rem_kind_t kind);

/*  The stage's name ("pending", "upcoming", "due", "overdue", "reminder",
    "starting"). */
const char *rem_stage_name(rem_stage_t stage);

/*  The stage named 'name', or -1. */
int rem_stage_parse(const char *name);

/*  SPT practice under art. 12(d) (para 28; the treaty sets no period):
    a reply is asked for 'reply_months' after 'transmitted', the day
    clamped to the end of a shorter month. */
int32_t rem_reply_due(const rem_config_t *cfg, int32_t transmitted);

/*  art. 16 encouragement: the day of reminder 'cycle' (0 first) of a
    report transmitted on 'transmitted'. */
int32_t rem_publication_due(const rem_config_t *cfg, int32_t transmitted,
                            int cycle);

/*  visit.upcoming: the notice's due day is the visit's 'start'. */
int32_t rem_visit_due(const rem_config_t *cfg, int32_t start);

/*  The latest occurrence on or before 'day' of a deadline of 'rule'
    opened on 'opened' with first due day 'due' (stage PENDING, day
    REM_NEVER and due 'due' if none yet). */
rem_occurrence_t rem_stage_at(const rem_config_t *cfg, rem_rule_t rule,
                              int32_t opened, int32_t due, int32_t day);

/*  The day of the first occurrence after 'day' (REM_NEVER if none). */
int32_t rem_next_after(const rem_config_t *cfg, rem_rule_t rule, int32_t opened,
                       int32_t due, int32_t day);

/*  The day of the first occurrence of all of a deadline of 'rule' with
    first due day 'due'. */
int32_t rem_first_day(const rem_config_t *cfg, rem_rule_t rule, int32_t due);

/*  The occurrence day that a reminder of 'rule' and 'stage' for due day
    'due' issued on 'issued_on' stands for (the key of what fired). */
int32_t rem_occurrence_day(const rem_config_t *cfg, rem_rule_t rule,
                           rem_stage_t stage, int32_t due, int32_t issued_on);

#endif
