/*  message: the mail text and the webhook body. */
#include "ntf_message.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "textbuf.h"
#include "version.h"

/*  What each rule of DOMAIN.md is about, for the mail's body. */
static const struct {
    const char *rule, *text;
} s_rules[] = {
    {"art12.state_reply",
     "the State's written reply to a visit report, asked for within six "
     "months of its transmission (the SPT's practice under OPCAT art. "
     "12(d), para 28 of its annual report; the treaty sets no period)"},
    {"art12.npm_reply", "the NPM's reply to a report the SPT sent it, "
                        "asked for within six months (SPT practice)"},
    {"art17.npm_designation",
     "the designation of a National Preventive Mechanism, due one year "
     "after entry into force (OPCAT art. 17)"},
    {"art16.publication",
     "the publication of a visit report, which only the State can request "
     "(OPCAT art. 16(2)): no deadline, the SPT encourages it (para 27)"},
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

static void s_mail_headers(textbuf_t *b, const ntf_delivery_t *d,
                           const char *from, int64_t now_ms)
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
    textbuf_printf(b, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\n", date, from,
                   d->destination);
    textbuf_printf(b, "Subject: [OPCAT] %s: %s %s%s%s%s, due %s\r\n", stage,
                   rule, subject, *state ? " (" : "", state, *state ? ")" : "",
                   due);
    textbuf_printf(b, "Message-ID: <%s@opcat-notifyd>\r\n", token);
    textbuf_printf(b, "X-Opcat-Reminder-Id: %s\r\nX-Opcat-Delivery-Id: %s\r\n",
                   token, id);
    textbuf_printf(
        b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8"
           "\r\nContent-Transfer-Encoding: 8bit\r\n"
           "Auto-Submitted: auto-generated\r\n\r\n");
}

static void s_mail_body(textbuf_t *b, const ntf_delivery_t *d)
{
    const ntf_reminder_t *r = &d->reminder;
    const char *about = s_rule_text(r->rule);
    textbuf_printf(b, "OPCAT reminder, issued %s by opcat-reminderd.\r\n\r\n",
                   r->issued_on);
    textbuf_printf(b, "Rule:     %s\r\n", r->rule);
    if (about)
        textbuf_printf(b, "          %s\r\n", about);
    textbuf_printf(b, "Stage:    %s\r\nSubject:  %s\r\nState:    %s\r\n",
                   r->stage, r->subject, *r->state ? r->state : "-");
    textbuf_printf(b, "Due on:   %s\r\n\r\n", r->due_on);
    textbuf_printf(
        b,
        "Reminder id %s (event %llu in the store).  The same id means "
        "the same\r\nreminder: delivery is at least once, so a copy may "
        "arrive twice.\r\n-- \r\nopcat-notifyd %s\r\n",
        r->id, (unsigned long long)r->sequence, OPCAT_VERSION_STRING);
}

char *ntf_message_mail(const ntf_delivery_t *d, const char *from,
                       int64_t now_ms, size_t *len)
{
    textbuf_t b = {0};
    s_mail_headers(&b, d, from, now_ms);
    s_mail_body(&b, d);
    return textbuf_take(&b, len);
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
