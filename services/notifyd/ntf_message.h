/*  message: what a delivery sends.

    E-mail (RFC 5322, CRLF lines, UTF-8 plain text):

      Date: Tue, 15 Jul 2025 08:00:00 +0000
      From: <opcat@example.org>
      To: <npm@example.pe>
      Subject: [OPCAT] due: art12.state_reply R1 (PER), due 2025-07-15
      Message-ID: <h-0123...@opcat-notifyd>
      X-Opcat-Reminder-Id: h-0123...
      X-Opcat-Delivery-Id: 351-0
      ...

    Webhook: a JSON object (Content-Type: application/json) sent with
    the header Idempotency-Key: <reminder id>:

      {"type":"reminder.issued","reminder_id":"h-0123...",
       "delivery_id":"351-0","sequence":351,"rule":"art12.state_reply",
       "subject":"R1","state":"PER","stage":"due","due_on":"2025-07-15",
       "issued_on":"2025-07-15"}

    The reminder id is the event id of the reminder.issued event, derived
    from its content by the store: the same reminder always has the same
    id, so a receiver that sees an id twice (at-least-once delivery) can
    drop the second.  Retries send the same bytes but the Date. */
#ifndef OPCAT_NTF_MESSAGE_H
#define OPCAT_NTF_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "ntf_queue.h"

/*  The whole mail for delivery 'd' (channel email) from 'from', dated
    'now_ms'.  A new NUL-terminated string; '*len' (may be NULL) gets
    its length.  NULL on out of memory. */
char *ntf_message_mail(const ntf_delivery_t *d, const char *from,
                       int64_t now_ms, size_t *len);

/*  The webhook's JSON body for 'd'.  A new string or NULL. */
char *ntf_message_webhook(const ntf_delivery_t *d);

/*  Writes into 'out' a copy of 'in' safe inside a header or a
    Message-ID: every byte outside [A-Za-z0-9.-_] becomes '_'. */
void ntf_message_token(const char *in, char *out, size_t cap);

#endif
