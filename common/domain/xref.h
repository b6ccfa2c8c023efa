/*  xref: the rules an event must keep against what is already recorded.

    validate.h checks one event on its own; these rules need the history:
    a report is transmitted once, and everything said of it afterwards
    (published, a reply received or published) names a report transmitted
    to the same State; a report to an NPM is never published (SPT annual
    report, para 30); a visit is planned once, postponed only if planned,
    and completed if planned or given everything it needs to stand alone.

    The store holds the history; this module only asks it, through the
    lookups of an xref_history_t, so that the domain's rules live with the
    domain and the storage engine knows none of them. */
#ifndef OPCAT_XREF_H
#define OPCAT_XREF_H

#include "err.h"
#include "event.h"

/*  What the rules ask of the history.  Each lookup returns 0 when found,
    OPCAT_ENOTFOUND when not, or another code with 'err' filled (a read
    failed: the check cannot answer). */
typedef struct {
    /*  The report 'report_id' as transmitted: its State and recipient
        ('s' a State, 'n' an NPM). */
    int (*report)(void *arg, const char *report_id, char state[4],
                  char *recipient, err_t *err);
    /*  Whether the visit 'visit_id' was planned. */
    int (*visit)(void *arg, const char *visit_id, err_t *err);
    void *arg;
} xref_history_t;

/*  Checks 'event' against 'history'.  Returns 0; OPCAT_EREF with 'err'
    naming the field and the rule when the event breaks one; or the code
    of a lookup that failed. */
int xref_check(const xref_history_t *history, const event_t *event, err_t *err);

#endif
