/*  xref: report and visit references against the recorded history. */
#include "xref.h"

#include <assert.h>
#include <string.h>

/*  A report.published or reply.* names a report transmitted to the same
    State; a report to an NPM is never published. */
static int s_report_ref(const xref_history_t *h, const event_t *e,
                        const char *report_id, err_t *err)
{
    char state[4] = "", recipient = 0;
    int rc = h->report(h->arg, report_id, state, &recipient, err);
    if (rc == OPCAT_ENOTFOUND)
        return err_set(err, OPCAT_EREF, "report_id",
                       "report_id: \"%.64s\" was never transmitted (a "
                       "report.transmitted must come first)",
                       report_id);
    if (rc)
        return rc;
    if (strcmp(state, e->state) != 0)
        return err_set(err, OPCAT_EREF, "state",
                       "state: report \"%.64s\" was transmitted to %s, not %s",
                       report_id, state, e->state);
    if (recipient == 'n' &&
        e->body_case == OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED)
        return err_set(err, OPCAT_EREF, "report_id",
                       "report_id: reports to NPMs are never published "
                       "(SPT annual report para 30)");
    return OPCAT_OK;
}

static int s_transmitted(const xref_history_t *h, const char *report_id,
                         err_t *err)
{
    char state[4], recipient;
    int rc = h->report(h->arg, report_id, state, &recipient, err);
    if (rc == 0)
        return err_set(err, OPCAT_EREF, "report_id",
                       "report_id: \"%.64s\" was already transmitted",
                       report_id);
    return rc == OPCAT_ENOTFOUND ? OPCAT_OK : rc;
}

static int s_visit_ref(const xref_history_t *h, const event_t *e, err_t *err)
{
    const char *id;
    int rc;
    switch (e->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
        id = e->visit_planned->visit_id;
        if ((rc = h->visit(h->arg, id, err)) == 0)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" is already planned", id);
        break;
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
        id = e->visit_postponed->visit_id;
        if ((rc = h->visit(h->arg, id, err)) == OPCAT_ENOTFOUND)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" was never planned", id);
        break;
    default: /* visit.completed */
        id = e->visit_completed->visit_id;
        rc = h->visit(h->arg, id, err);
        if (rc == OPCAT_ENOTFOUND && !*e->visit_completed->start)
            return err_set(err, OPCAT_EREF, "visit_id",
                           "visit_id: \"%.64s\" was never planned; a visit "
                           "that stands alone needs state and start",
                           id);
        break;
    }
    return rc == OPCAT_ENOTFOUND ? OPCAT_OK : rc;
}

int xref_check(const xref_history_t *history, const event_t *event, err_t *err)
{
    assert(history && history->report && history->visit && event);
    switch (event->body_case) {
    case OPCAT__V1__ENVELOPE__BODY_REPORT_TRANSMITTED:
        return s_transmitted(history, event->report_transmitted->report_id,
                             err);
    case OPCAT__V1__ENVELOPE__BODY_REPORT_PUBLISHED:
    case OPCAT__V1__ENVELOPE__BODY_REPLY_RECEIVED:
    case OPCAT__V1__ENVELOPE__BODY_REPLY_PUBLISHED:
        return s_report_ref(history, event, event_report_id(event), err);
    case OPCAT__V1__ENVELOPE__BODY_VISIT_PLANNED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_POSTPONED:
    case OPCAT__V1__ENVELOPE__BODY_VISIT_COMPLETED:
        return s_visit_ref(history, event, err);
    default:
        return OPCAT_OK;
    }
}
