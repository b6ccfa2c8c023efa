/*  send: delivery attempts over libcurl, without blocking the loop.

    A curl multi handle holds up to NTF_MAX_IN_FLIGHT transfers: an SMTP
    submission per e-mail delivery (libcurl's smtp:// and smtps://) or an
    HTTP POST per webhook delivery.  Attached to the daemon's loop
    (ntf_sender_attach), curl's sockets and its timer are the loop's
    (curl_multi_socket_action): a transfer moves as soon as its socket is
    ready, and the owner is told when one ends.  The consumer's tick
    starts attempts and collects the ended ones with ntf_sender_poll().
    Every transfer has a total timeout
    (settings.timeout_ms), so an attempt always ends. */
#ifndef OPCAT_NTF_SEND_H
#define OPCAT_NTF_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "loop.h"
#include "ntf_config.h"
#include "ntf_queue.h"

#define NTF_MAX_IN_FLIGHT 8

typedef struct ntf_sender ntf_sender_t;

/*  The end of one attempt. */
typedef struct {
    ntf_delivery_t delivery; /* as it was when the attempt started */
    ntf_outcome_t outcome;
    char error[NTF_ERROR_MAX]; /* why not, e.g. "HTTP 500", "SMTP 451: ..." */
    int64_t ended_ms;
} ntf_result_t;

/*  A sender using 'settings' (borrowed: must outlive the sender).
    curl_global_init must have run.  NULL and 'err' on failure. */
ntf_sender_t *ntf_sender_new(const ntf_settings_t *settings, err_t *err);

/*  Aborts what is in flight (those deliveries stay pending in LMDB and
    are sent again after a restart) and frees '*self'; NULL allowed. */
void ntf_sender_destroy(ntf_sender_t **self);

/*  Puts curl's sockets and timer in 'loop' (borrowed: the sender must be
    destroyed before it).  'ended' is called with 'arg' when a transfer
    has ended (then ntf_sender_poll() returns it).  Returns 0, or
    OPCAT_EIO when curl refuses the callbacks. */
int ntf_sender_attach(ntf_sender_t *self, loop_t *loop,
                      void (*ended)(void *arg), void *arg);

/*  Starts one attempt for 'd' (copied).  Returns OPCAT_ESTATE when
    NTF_MAX_IN_FLIGHT attempts are running.  An attempt that cannot even
    start (no SMTP server configured, out of memory) is not an error
    here: it ends at once, failed, and the next poll returns it. */
int ntf_sender_start(ntf_sender_t *self, const ntf_delivery_t *d);

/*  Whether an attempt of delivery (sequence, index) is running. */
bool ntf_sender_busy(const ntf_sender_t *self, uint64_t sequence,
                     unsigned index);

/*  How many attempts are running. */
size_t ntf_sender_count(const ntf_sender_t *self);

/*  Copies up to 'max' ended attempts into 'out'.  Returns how many. */
size_t ntf_sender_poll(ntf_sender_t *self, ntf_result_t *out, size_t max);

#endif
