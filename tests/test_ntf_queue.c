/*  test_ntf_queue: opcat-notifyd's delivery records through a real LMDB
    environment (services/notifyd/ntf_queue.h): the due index, attempts
    and back-off, failure after the last attempt, retry; and what is sent
    (ntf_message.h): the reminder id in the mail's headers and in the
    webhook's body, headers that nothing can break. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kv.h"
#include "ntf_message.h"
#include "ntf_queue.h"

#define T0 INT64_C(1752566400000) /* 2025-07-15T08:00:00Z */

typedef struct {
    char dir[64];
    kv_t *kv;
    ntf_settings_t settings;
} fixture_t;

static int s_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_ntf_queue.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    err_t err;
    f->kv = kv_open(f->dir, ntf_queue_dbs(), NULL, NTF_DB_COUNT, &err);
    if (!f->kv)
        return -1;
    f->settings = (ntf_settings_t){
        .retry_base_ms = 200, .retry_max_ms = 60000, .max_attempts = 3};
    *state = f;
    return 0;
}

static int s_teardown(void **state)
{
    fixture_t *f = *state;
    char cmd[128];
    kv_destroy(&f->kv);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc;
}

static ntf_reminder_t s_reminder(uint64_t sequence, const char *subject)
{
    ntf_reminder_t r = {.sequence = sequence};
    snprintf(r.id, sizeof r.id, "h-%032llu", (unsigned long long)sequence);
    snprintf(r.rule, sizeof r.rule, "art12.state_reply");
    snprintf(r.subject, sizeof r.subject, "%s", subject);
    snprintf(r.state, sizeof r.state, "PER");
    snprintf(r.stage, sizeof r.stage, "due");
    snprintf(r.due_on, sizeof r.due_on, "2025-07-15");
    snprintf(r.issued_on, sizeof r.issued_on, "2025-07-15");
    return r;
}

/* ---- one write transaction per step, as the daemon does */

typedef struct {
    fixture_t *f;
    ntf_delivery_t *d;
    bool added;
} op_t;

static int s_add_txn(void *arg, MDB_txn *txn)
{
    op_t *o = arg;
    return ntf_queue_add(o->f->kv, txn, o->d, &o->added);
}

static int s_save_txn(void *arg, MDB_txn *txn)
{
    op_t *o = arg;
    return ntf_queue_save(o->f->kv, txn, o->d);
}

static bool s_add(fixture_t *f, ntf_delivery_t *d)
{
    op_t o = {f, d, false};
    err_t err;
    assert_int_equal(kv_write(f->kv, s_add_txn, &o, &err), 0);
    return o.added;
}

static void s_save(fixture_t *f, ntf_delivery_t *d)
{
    op_t o = {f, d, false};
    err_t err;
    assert_int_equal(kv_write(f->kv, s_save_txn, &o, &err), 0);
}

/* ---- reads */

typedef struct {
    fixture_t *f;
    int64_t now;
    char ids[256];
    int64_t next;
    size_t counts[3];
    ntf_delivery_t got;
    uint64_t seq;
    unsigned index;
} read_t;

static int s_on_due(void *arg, MDB_txn *txn, const ntf_delivery_t *d)
{
    (void)txn;
    read_t *r = arg;
    char id[NTF_ID_TEXT_MAX];
    ntf_delivery_id(d, id);
    size_t n = strlen(r->ids);
    snprintf(r->ids + n, sizeof r->ids - n, "%s%s", n ? " " : "", id);
    return 0;
}

static int s_read_txn(void *arg, MDB_txn *txn)
{
    read_t *r = arg;
    r->ids[0] = '\0';
    r->next = ntf_queue_next_due(r->f->kv, txn);
    int rc = ntf_queue_due(r->f->kv, txn, r->now, 100, s_on_due, r);
    if (!rc)
        rc = ntf_queue_counts(r->f->kv, txn, r->counts);
    if (!rc && r->seq)
        rc = ntf_queue_get(r->f->kv, txn, r->seq, r->index, &r->got);
    return rc;
}

/*  What is due at 'now' (ids), the next due time, the counts, and the
    record (seq, index) if seq is not 0. */
static read_t s_read(fixture_t *f, int64_t now, uint64_t seq, unsigned index)
{
    read_t r = {.f = f, .now = now, .seq = seq, .index = index};
    err_t err;
    int rc = kv_read(f->kv, s_read_txn, &r, &err);
    if (rc)
        fail_msg("read: %s", err.message);
    return r;
}

static void test_ids(void **state)
{
    (void)state;
    uint64_t seq;
    unsigned index;
    assert_true(ntf_delivery_id_parse("351-2", &seq, &index));
    assert_int_equal(seq, 351);
    assert_int_equal(index, 2);
    const char *bad[] = {"",    "all",   "351",    "351-",      "-2",
                         "0-1", "351-x", "351-2x", "351-70000", "351 -2"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (ntf_delivery_id_parse(bad[i], &seq, &index))
            fail_msg("\"%s\" parsed as a delivery id", bad[i]);
    ntf_delivery_t d = {.sequence = 18446744073709551615ULL, .index = 65535};
    char id[NTF_ID_TEXT_MAX];
    ntf_delivery_id(&d, id);
    assert_string_equal(id, "18446744073709551615-65535");
    assert_int_equal(ntf_status_parse("failed"), NTF_FAILED);
    assert_int_equal(ntf_status_parse("lost"), -1);
    assert_string_equal(ntf_status_name(NTF_DELIVERED), "delivered");
}

static void test_due_order_and_add_once(void **state)
{
    fixture_t *f = *state;
    ntf_reminder_t r1 = s_reminder(351, "R1"), r2 = s_reminder(40, "R2");
    ntf_delivery_t a, b, c;
    ntf_delivery_init(&a, &r1, 0, NTF_EMAIL, "per@example.pe", T0 + 10);
    ntf_delivery_init(&b, &r1, 1, NTF_WEBHOOK, "http://h/x", T0 + 10);
    ntf_delivery_init(&c, &r2, 0, NTF_WEBHOOK, "http://h/y", T0 + 20);
    assert_true(s_add(f, &a));
    assert_true(s_add(f, &b));
    assert_true(s_add(f, &c));
    /* the same key again (an event applied twice): nothing changes */
    ntf_delivery_t again = a;
    snprintf(again.destination, sizeof again.destination, "other@x.org");
    assert_false(s_add(f, &again));

    read_t got = s_read(f, T0, 0, 0);
    assert_string_equal(got.ids, "");
    assert_int_equal(got.next, T0 + 10);
    got = s_read(f, T0 + 10, 351, 0);
    assert_string_equal(got.ids, "351-0 351-1");
    assert_string_equal(got.got.destination, "per@example.pe");
    got = s_read(f, T0 + 1000, 0, 0);
    assert_string_equal(got.ids, "351-0 351-1 40-0"); /* time order */
    assert_int_equal(got.counts[NTF_PENDING], 3);
}

static void test_attempts_backoff_failed_retry(void **state)
{
    fixture_t *f = *state;
    ntf_reminder_t r = s_reminder(7, "R7");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 0, NTF_WEBHOOK, "http://h/broken", T0);
    s_add(f, &d);

    /* attempt 1 fails at T0+5: next at T0+5+200 */
    ntf_delivery_attempted(&d, &f->settings, NTF_RETRY, "HTTP 500", T0 + 5);
    s_save(f, &d);
    read_t got = s_read(f, T0 + 204, 7, 0);
    assert_string_equal(got.ids, "");
    assert_int_equal(got.next, T0 + 205);
    assert_int_equal(got.got.attempts, 1);
    assert_int_equal(got.got.status, NTF_PENDING);
    assert_string_equal(got.got.last_error, "HTTP 500");
    assert_string_equal(s_read(f, T0 + 205, 0, 0).ids, "7-0");

    /* attempt 2 at T0+300: next 400 ms later */
    ntf_delivery_attempted(&d, &f->settings, NTF_RETRY, "HTTP 502", T0 + 300);
    s_save(f, &d);
    assert_int_equal(s_read(f, T0, 0, 0).next, T0 + 700);

    /* attempt 3 of 3: failed, out of the due index, error kept */
    ntf_delivery_attempted(&d, &f->settings, NTF_RETRY, "timeout", T0 + 800);
    s_save(f, &d);
    got = s_read(f, T0 + 100000, 7, 0);
    assert_string_equal(got.ids, "");
    assert_int_equal(got.next, INT64_MAX);
    assert_int_equal(got.got.status, NTF_FAILED);
    assert_int_equal(got.got.attempts, 3);
    assert_int_equal(got.got.finished_ms, T0 + 800);
    assert_string_equal(got.got.last_error, "timeout");
    assert_int_equal(got.counts[NTF_FAILED], 1);

    /* retry: pending, due now, attempts from zero */
    assert_true(ntf_delivery_retry(&d, T0 + 5000));
    s_save(f, &d);
    got = s_read(f, T0 + 5000, 7, 0);
    assert_string_equal(got.ids, "7-0");
    assert_int_equal(got.got.attempts, 0);
    assert_int_equal(got.got.status, NTF_PENDING);

    /* delivered on the next attempt; then nothing to retry */
    ntf_delivery_attempted(&d, &f->settings, NTF_SENT, NULL, T0 + 5100);
    s_save(f, &d);
    got = s_read(f, T0 + 100000, 7, 0);
    assert_string_equal(got.ids, "");
    assert_int_equal(got.got.status, NTF_DELIVERED);
    assert_int_equal(got.got.attempts, 1);
    assert_string_equal(got.got.last_error, "");
    assert_int_equal(got.counts[NTF_DELIVERED], 1);
    assert_false(ntf_delivery_retry(&d, T0 + 6000));
}

/*  Which failures are worth another attempt. */
static void test_outcome_of_a_transfer(void **state)
{
    (void)state;
    /* webhooks: the HTTP status decides; no status is a network failure */
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 204), NTF_SENT);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 500), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 503), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 429), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 408), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 400), NTF_REFUSED);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 404), NTF_REFUSED);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 410), NTF_REFUSED);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, true, 301), NTF_REFUSED);
    assert_int_equal(ntf_outcome(NTF_WEBHOOK, false, 0), NTF_RETRY);
    /* e-mail: libcurl fails the transfer on a refusal; 5xx is final */
    assert_int_equal(ntf_outcome(NTF_EMAIL, true, 250), NTF_SENT);
    assert_int_equal(ntf_outcome(NTF_EMAIL, false, 451), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_EMAIL, false, 421), NTF_RETRY);
    assert_int_equal(ntf_outcome(NTF_EMAIL, false, 550), NTF_REFUSED);
    assert_int_equal(ntf_outcome(NTF_EMAIL, false, 0), NTF_RETRY);
}

/*  A refusal fails the delivery at its first attempt; --retry still
    makes it pending again (the address may have been fixed). */
static void test_refused_fails_at_once(void **state)
{
    fixture_t *f = *state;
    ntf_reminder_t r = s_reminder(8, "R8");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 0, NTF_WEBHOOK, "http://h/gone", T0);
    s_add(f, &d);
    ntf_delivery_attempted(&d, &f->settings, NTF_REFUSED, "HTTP 410", T0 + 5);
    s_save(f, &d);
    read_t got = s_read(f, T0 + 100000, 8, 0);
    assert_string_equal(got.ids, "");
    assert_int_equal(got.got.status, NTF_FAILED);
    assert_int_equal(got.got.attempts, 1);
    assert_string_equal(got.got.last_error, "HTTP 410");
    assert_true(ntf_delivery_retry(&d, T0 + 200));
    s_save(f, &d);
    assert_string_equal(s_read(f, T0 + 200, 8, 0).ids, "8-0");
}

static void test_describe(void **state)
{
    (void)state;
    ntf_reminder_t r = s_reminder(351, "R1");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 2, NTF_EMAIL, "per@example.pe", T0);
    ntf_settings_t s = {
        .retry_base_ms = 1000, .retry_max_ms = 9000, .max_attempts = 1};
    ntf_delivery_attempted(&d, &s, NTF_RETRY, "SMTP 451: later", T0 + 1500);
    json_t *o = ntf_delivery_describe(&d);
    char *text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
    assert_non_null(strstr(text, "\"id\":\"351-2\""));
    assert_non_null(strstr(text, "\"status\":\"failed\""));
    assert_non_null(strstr(text, "\"failed_at\":\"2025-07-15T08:00:01.500Z\""));
    assert_non_null(
        strstr(text, "\"created_at\":\"2025-07-15T08:00:00.000Z\""));
    assert_non_null(strstr(text, "\"next_attempt_at\":null"));
    assert_non_null(strstr(text, "\"reminder_id\":\"h-"));
    assert_non_null(strstr(text, "\"last_error\":\"SMTP 451: later\""));
    assert_null(strstr(text, "_ms\""));
    free(text);
    json_decref(o);
}

static void test_from_event(void **state)
{
    (void)state;
    err_t err;
    const char *json =
        "{\"type\":\"reminder.issued\",\"occurred_on\":\"2025-07-16\","
        "\"state\":\"PER\",\"rule\":\"art12.state_reply\",\"subject\":\"R1\","
        "\"due_on\":\"2025-07-15\",\"stage\":\"overdue\",\"id\":\"h-abc\"}";
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s", err.message);
    e->sequence = 99;
    ntf_reminder_t r;
    assert_true(ntf_reminder_from_event(e, &r));
    assert_string_equal(r.id, "h-abc");
    assert_int_equal(r.sequence, 99);
    assert_string_equal(r.rule, "art12.state_reply");
    assert_string_equal(r.stage, "overdue");
    assert_string_equal(r.issued_on, "2025-07-16");
    assert_string_equal(r.state, "PER");
    event_free(&e);
    const char *other = "{\"type\":\"state.signed\",\"occurred_on\":"
                        "\"2025-07-16\",\"state\":\"PER\"}";
    e = event_from_text(other, strlen(other), &err);
    assert_non_null(e);
    assert_false(ntf_reminder_from_event(e, &r));
    event_free(&e);
}

/*  Only a reminder.issued the store attributes to the reminder service
    is delivered: not one of another role, nor one stored before roles. */
static void test_untrusted_reminder(void **state)
{
    (void)state;
    err_t err;
    const char *json =
        "{\"type\":\"reminder.issued\",\"occurred_on\":\"2025-07-16\","
        "\"state\":\"PER\",\"rule\":\"art12.state_reply\",\"subject\":"
        "\"FORGED\",\"due_on\":\"2025-07-15\",\"stage\":\"due\"}";
    event_t *e = event_from_text(json, strlen(json), &err);
    if (!e)
        fail_msg("%s", err.message);
    assert_false(ntf_reminder_trusted(e)); /* stored before roles */
    const char *roles[] = {"writer", "reminders", "Reminder", "reminder"};
    for (size_t i = 0; i < 4; i++) {
        event_set_string(&e->written_by, roles[i]);
        assert_int_equal(ntf_reminder_trusted(e), i == 3);
    }
    event_free(&e);
}

static void test_mail(void **state)
{
    (void)state;
    ntf_reminder_t r = s_reminder(351, "R1");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 0, NTF_EMAIL, "per@example.pe", T0);
    size_t len;
    char *mail = ntf_message_mail(&d, "opcat@example.org", T0, &len);
    assert_non_null(mail);
    assert_int_equal(strlen(mail), len);
    const char *want[] = {
        "Date: Tue, 15 Jul 2025 08:00:00 +0000\r\n",
        "From: <opcat@example.org>\r\nTo: <per@example.pe>\r\n",
        "Subject: [OPCAT] due: art12.state_reply R1 (PER), due 2025-07-15\r\n",
        "Message-ID: <h-00000000000000000000000000000351@opcat-notifyd>\r\n",
        "X-Opcat-Reminder-Id: h-00000000000000000000000000000351\r\n",
        "X-Opcat-Delivery-Id: 351-0\r\n",
        "Content-Type: text/plain; charset=UTF-8\r\n",
        "\r\n\r\nOPCAT reminder, issued 2025-07-15"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (!strstr(mail, want[i]))
            fail_msg("mail lacks \"%s\":\n%s", want[i], mail);
    /* every line ends in CRLF: no bare LF */
    for (const char *p = mail; (p = strchr(p, '\n')); p++)
        assert_true(p > mail && p[-1] == '\r');
    free(mail);
}

static void test_mail_headers_cannot_be_broken(void **state)
{
    (void)state;
    ntf_reminder_t r = s_reminder(5, "R1\r\nBcc: evil@x.org");
    snprintf(r.id, sizeof r.id, "h-1>\r\nX-Evil: 1");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 0, NTF_EMAIL, "per@example.pe", T0);
    char *mail = ntf_message_mail(&d, "opcat@example.org", T0, NULL);
    char *body = strstr(mail, "\r\n\r\n");
    assert_non_null(body);
    *body = '\0'; /* the headers only */
    assert_null(strstr(mail, "Bcc:"));
    assert_null(strstr(mail, "\nX-Evil"));
    assert_non_null(strstr(mail, "Message-ID: <h-1___X-Evil__1@"));
    free(mail);
}

static void test_webhook_body(void **state)
{
    (void)state;
    ntf_reminder_t r = s_reminder(351, "R1");
    ntf_delivery_t d;
    ntf_delivery_init(&d, &r, 1, NTF_WEBHOOK, "http://h/x", T0);
    char *text = ntf_message_webhook(&d);
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "reminder_id")),
                        r.id);
    assert_string_equal(json_string_value(json_object_get(o, "delivery_id")),
                        "351-1");
    assert_string_equal(json_string_value(json_object_get(o, "type")),
                        "reminder.issued");
    assert_int_equal(json_integer_value(json_object_get(o, "sequence")), 351);
    assert_string_equal(json_string_value(json_object_get(o, "due_on")),
                        "2025-07-15");
    /* the same bytes on every attempt */
    ntf_settings_t s = {
        .retry_base_ms = 1, .retry_max_ms = 1, .max_attempts = 5};
    ntf_delivery_attempted(&d, &s, NTF_RETRY, "x", T0 + 1);
    char *again = ntf_message_webhook(&d);
    assert_string_equal(text, again);
    free(again);
    free(text);
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test_setup_teardown(test_due_order_and_add_once, s_setup,
                                        s_teardown),
        cmocka_unit_test_setup_teardown(test_attempts_backoff_failed_retry,
                                        s_setup, s_teardown),
        cmocka_unit_test(test_outcome_of_a_transfer),
        cmocka_unit_test_setup_teardown(test_refused_fails_at_once, s_setup,
                                        s_teardown),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_from_event),
        cmocka_unit_test(test_untrusted_reminder),
        cmocka_unit_test(test_mail),
        cmocka_unit_test(test_mail_headers_cannot_be_broken),
        cmocka_unit_test(test_webhook_body),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
