/*  What APPEND checks before the store sees an event: what only the
    endpoint knows (its role) and what only the received bytes show (a
    string cut at a NUL byte).  The store's own rules (validate.h, the
    cross-references) come after, in store_write.

    Roles: the events of the reminder service (reminder.*) are written on
    its own endpoint, OPCAT_APPEND_REMINDERS, which the store binds for
    that service alone (with CURVE, for the keys of OPCAT_REMINDER_KEYS);
    APPEND refuses them, and that endpoint refuses every other type.  Each
    admitted event is stamped with the role it came in under
    (Envelope.written_by), so that a consumer (the notifier) can trust a
    reminder only if the store says the reminder service wrote it. */
#include <stdio.h>
#include <string.h>

#include "stored.h"
#include "wirecheck.h"

typedef struct {
    const Opcat__V1__AppendRequest *request;
    store_result_t *results;
} admit_t;

static void s_refuse(store_result_t *r, int code, const char *field,
                     const char *message)
{
    if (r->status == STORE_REFUSED)
        return; /* the first reason stands */
    r->status = STORE_REFUSED;
    err_set(&r->error, code, field, "%s", message);
}

/*  wirecheck_fn: "events[I].FIELD" holds a NUL byte: refuse event I. */
static void s_nul(void *arg, const char *path)
{
    admit_t *a = arg;
    size_t i;
    int at = 0;
    if (sscanf(path, "events[%zu].%n", &i, &at) != 1 || !at ||
        i >= a->request->n_events)
        return;
    char message[ERR_MESSAGE_MAX];
    snprintf(message, sizeof message,
             "%s: holds a NUL byte; strings must not (it would be cut there)",
             path + at);
    s_refuse(&a->results[i], OPCAT_EINVAL, path + at, message);
}

static bool s_is_reminder(const event_t *e)
{
    return e->body_case == OPCAT__V1__ENVELOPE__BODY_REMINDER_ISSUED ||
           strncmp(e->type, "reminder.", 9) == 0;
}

/*  Refuses an event its endpoint's role may not write. */
static void s_check_role(const event_t *e, const char *role, store_result_t *r)
{
    char message[ERR_MESSAGE_MAX];
    bool reminder = s_is_reminder(e);
    if (strcmp(role, EVS_ROLE_REMINDER) == 0 && !reminder) {
        snprintf(message, sizeof message,
                 "type: \"%.40s\" is not written on the reminder service's "
                 "endpoint, which takes reminder.* events only; use APPEND",
                 e->type);
        s_refuse(r, OPCAT_EAUTH, "type", message);
    } else if (strcmp(role, EVS_ROLE_REMINDER) != 0 && reminder) {
        snprintf(message, sizeof message,
                 "type: %.40s events are written only by the reminder "
                 "service, on its own endpoint (OPCAT_APPEND_REMINDERS); "
                 "APPEND refuses them",
                 *e->type ? e->type : "reminder.issued");
        s_refuse(r, OPCAT_EAUTH, "type", message);
    }
}

void evs_admit(Opcat__V1__AppendRequest *request, const uint8_t *data,
               size_t len, const char *role, store_result_t *results)
{
    admit_t a = {request, results};
    /* a string cut at a NUL makes the request shorter packed again: only
       then are the bytes walked */
    if (opcat__v1__append_request__get_packed_size(request) != len)
        wirecheck_nul(&opcat__v1__append_request__descriptor, data, len, s_nul,
                      &a);
    for (size_t i = 0; i < request->n_events; i++) {
        event_t *e = request->events[i];
        s_check_role(e, role, &results[i]);
        if (results[i].status != STORE_REFUSED &&
            event_set_string(&e->written_by, role))
            s_refuse(&results[i], OPCAT_ENOMEM, "", "out of memory");
    }
}
