/*  message: the mail text and the webhook body. */
#include "ntf_message.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "version.h"

/*  What each rule of DOMAIN.md is about, for the mail's body. */
static const struct {
    const char *rule, *text;
} s_rules[] = {
    {"art12.state_reply",
     "the State's written reply to a visit report, due six months after "
     "its transmission (OPCAT art. 12(d))"},
    {"art12.npm_reply", "the NPM's reply to a report the SPT sent it"},
    {"art17.npm_designation",
     "the designation of a National Preventive Mechanism, due one year "
     "after entry into force (OPCAT art. 17)"},
    {"art16.publication",
     "the publication of a visit report, which only the State can request "
     "(OPCAT art. 16)"},
    {"visit.upcoming", "an SPT visit about to start"},
};

static const char *s_rule_text(const char *rule)
{
    for (size_t i = 0; i < sizeof s_rules / sizeof s_rules[0]; i++)
        if (strcmp(rule, s_rules[i].rule) == 0)
            return s_rules[i].text;
    return NULL;
}

void ntf_message_token(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; in && *in && n + 1 < cap; in++) {
        unsigned char c = (unsigned char)*in;
        out[n++] =
            isalnum(c) || c == '.' || c == '-' || c == '_' ? (char)c : '_';
    }
    if (cap)
        out[n] = '\0';
}

/*  A growing text buffer; 'failed' once an allocation failed. */
typedef struct {
    char *text;
    size_t len, cap;
    int failed;
} buf_t;

static void s_put(buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void s_put(buf_t *b, const char *fmt, ...)
{
    va_list ap;
    for (int pass = 0; pass < 2 && !b->failed; pass++) {
        va_start(ap, fmt);
        int n = vsnprintf(b->text + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
        } else if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        } else {
            size_t cap = b->cap * 2 + (size_t)n + 1;
            char *bigger = realloc(b->text, cap);
            if (!bigger)
                b->failed = 1;
            b->text = bigger ? bigger : b->text;
            b->cap = bigger ? cap : b->cap;
        }
    }
}

static void s_mail_headers(buf_t *b, const ntf_delivery_t *d, const char *from,
                           int64_t now_ms)
{
    const ntf_reminder_t *r = &d->reminder;
    char date[64], token[EVENT_ID_MAX + 1], subject[EVENT_ID_MAX + 1];
    char rule[EVENT_ID_MAX + 1], stage[16], state[4], due[11];
    char id[NTF_ID_TEXT_MAX];
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    /* the C locale: day and month names in English, as RFC 5322 wants */
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    ntf_message_token(r->id, token, sizeof token);
    /* the store checks these are printable, not what a header needs:
       keep them to safe bytes so that none can end or fold the header */
    ntf_message_token(r->subject, subject, sizeof subject);
    ntf_message_token(r->rule, rule, sizeof rule);
    ntf_message_token(r->stage, stage, sizeof stage);
    ntf_message_token(r->state, state, sizeof state);
    ntf_message_token(r->due_on, due, sizeof due);
    ntf_delivery_id(d, id);
    s_put(b, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\n", date, from,
          d->destination);
    s_put(b, "Subject: [OPCAT] %s: %s %s%s%s%s, due %s\r\n", stage, rule,
          subject, *state ? " (" : "", state, *state ? ")" : "", due);
    s_put(b, "Message-ID: <%s@opcat-notifyd>\r\n", token);
    s_put(b, "X-Opcat-Reminder-Id: %s\r\nX-Opcat-Delivery-Id: %s\r\n", token,
          id);
    s_put(b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8"
             "\r\nContent-Transfer-Encoding: 8bit\r\n"
             "Auto-Submitted: auto-generated\r\n\r\n");
}

static void s_mail_body(buf_t *b, const ntf_delivery_t *d)
{
    const ntf_reminder_t *r = &d->reminder;
    const char *about = s_rule_text(r->rule);
    s_put(b, "OPCAT reminder, issued %s by opcat-reminderd.\r\n\r\n",
          r->issued_on);
    s_put(b, "Rule:     %s\r\n", r->rule);
    if (about)
        s_put(b, "          %s\r\n", about);
    s_put(b, "Stage:    %s\r\nSubject:  %s\r\nState:    %s\r\n", r->stage,
          r->subject, *r->state ? r->state : "-");
    s_put(b, "Due on:   %s\r\n\r\n", r->due_on);
    s_put(b,
          "Reminder id %s (event %llu in the store).  The same id means "
          "the same\r\nreminder: delivery is at least once, so a copy may "
          "arrive twice.\r\n-- \r\nopcat-notifyd %s\r\n",
          r->id, (unsigned long long)r->sequence, OPCAT_VERSION_STRING);
}

char *ntf_message_mail(const ntf_delivery_t *d, const char *from,
                       int64_t now_ms, size_t *len)
{
    buf_t b = {.text = malloc(1024), .cap = 1024};
    b.failed = !b.text;
    s_mail_headers(&b, d, from, now_ms);
    s_mail_body(&b, d);
    if (b.failed) {
        free(b.text);
        return NULL;
    }
    if (len)
        *len = b.len;
    return b.text;
}

char *ntf_message_webhook(const ntf_delivery_t *d)
{
    const ntf_reminder_t *r = &d->reminder;
    char id[NTF_ID_TEXT_MAX];
    ntf_delivery_id(d, id);
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "type",
                  "reminder.issued", "reminder_id", r->id, "delivery_id", id,
                  "sequence", (json_int_t)r->sequence, "rule", r->rule,
                  "subject", r->subject, "state", r->state, "stage", r->stage,
                  "due_on", r->due_on, "issued_on", r->issued_on);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    return text;
}
