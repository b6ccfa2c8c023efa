/*  config: opcat-notifyd's settings and routes (docs/NOTIFY.md).

    One JSON file (--config), every member optional:

      {"smtp":    {"url": "smtp://mail.example.org:587",
                   "from": "opcat@example.org",
                   "username": "...", "password": "...",
                   "starttls": true},
       "tls":     {"ca_file": "/etc/opcat/ca.pem"},
       "email":   {"states":  {"PER": ["npm@example.pe"]},
                   "regions": {"weog": "weog@example.org"},
                   "rules":   {"art12.": ["replies@example.org"]},
                   "default": ["secretariat@example.org"]},
       "webhook": {... the same four members, with http(s) URLs ...},
       "retry":   {"base_ms": 30000, "max_ms": 3600000,
                   "max_attempts": 8},
       "timeout_ms": 5000,
       "max_age_days": 7}

    A destination list is a string or an array of strings.  Routing, per
    channel: every destination of the reminder's State, of its State's
    region, and of each rule prefix the reminder's rule starts with,
    without duplicates; "default" only when none of those matched ("rules":
    {"": [...]} reaches every reminder).

    Every error names the member ("email.states.XYZ: not an ISO 3166-1
    alpha-3 code").  The file is read once, at start. */
#ifndef OPCAT_NTF_CONFIG_H
#define OPCAT_NTF_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/*  The two ways a reminder leaves. */
typedef enum { NTF_EMAIL, NTF_WEBHOOK, NTF_CHANNEL_COUNT } ntf_channel_t;

/*  "email" or "webhook"; NULL for anything else. */
const char *ntf_channel_name(int channel);

/*  The channel of 'name', or -1. */
int ntf_channel_parse(const char *name);

#define NTF_DEST_MAX 512 /* bytes of an address or URL */

/*  Defaults (docs/NOTIFY.md). */
#define NTF_RETRY_BASE_MS_DEFAULT 30000
#define NTF_RETRY_MAX_MS_DEFAULT (6 * 3600 * 1000)
#define NTF_MAX_ATTEMPTS_DEFAULT 8
#define NTF_TIMEOUT_MS_DEFAULT 5000
#define NTF_MAX_AGE_DAYS_DEFAULT 7

/*  The settings beyond the routes.  Strings are borrowed from the
    config (valid until ntf_config_destroy); NULL when not set.  main.c
    may overwrite the numbers from flags. */
typedef struct {
    const char *smtp_url;
    const char *smtp_from;
    const char *smtp_username;
    const char *smtp_password;
    bool smtp_starttls;
    const char *tls_ca_file; /* PEM certificates to trust; NULL: system's */
    int64_t retry_base_ms;   /* delay after the first failed attempt */
    int64_t retry_max_ms;    /* no delay is longer */
    int max_attempts;        /* then the delivery is failed */
    int timeout_ms;          /* of one attempt, connecting included */
    int max_age_days;        /* older reminders are not sent; 0: any age */
} ntf_settings_t;

typedef struct ntf_config ntf_config_t;

/*  A config with no destination and the default settings.  NULL on out
    of memory. */
ntf_config_t *ntf_config_new(void);

/*  Parses 'root' (borrowed; what it needs is copied).  'is_state' (may
    be NULL: any three capital letters) says whether a code is a State's.
    NULL and 'err' naming the member on failure. */
ntf_config_t *ntf_config_parse(const json_t *root,
                               bool (*is_state)(void *, const char *),
                               void *is_state_arg, err_t *err);

/*  Reads and parses the file at 'path'. */
ntf_config_t *ntf_config_load(const char *path,
                              bool (*is_state)(void *, const char *),
                              void *is_state_arg, err_t *err);

/*  Frees '*self' and sets it to NULL; NULL allowed. */
void ntf_config_destroy(ntf_config_t **self);

/*  The settings (mutable, for flags that override the file). */
ntf_settings_t *ntf_config_settings(ntf_config_t *self);
const ntf_settings_t *ntf_config_settings_const(const ntf_config_t *self);

/*  How many destinations (all lists, all channels) are configured. */
size_t ntf_config_destinations(const ntf_config_t *self);

/*  Sets the SMTP password (a copy of 'password'), over the config
    file's: OPCAT_SMTP_PASSWORD or OPCAT_SMTP_PASSWORD_FILE.  OPCAT_OK,
    or OPCAT_ENOMEM. */
int ntf_config_set_smtp_password(ntf_config_t *self, const char *password);

/*  Whether any route names a region (then regions must be loaded). */
bool ntf_config_uses_regions(const ntf_config_t *self);

/*  Called once per destination of a reminder. Non-zero stops the walk
    and is returned. */
typedef int (*ntf_dest_fn)(void *arg, ntf_channel_t channel,
                           const char *destination);

/*  Routes one reminder: calls 'fn' for each (channel, destination) it
    goes to, emails first, each destination once per channel, in the
    order State, region, rules (file order), else default.  'state' and
    'region' may be NULL or "".  Returns 0 or what 'fn' returned. */
int ntf_config_route(const ntf_config_t *self, const char *rule,
                     const char *state, const char *region, ntf_dest_fn fn,
                     void *arg);

/*  Back-off: the delay in ms before the next attempt after 'attempts'
    failed attempts (>= 1): base * 2^(attempts-1), at most 'max_ms'. */
int64_t ntf_backoff_ms(int64_t base_ms, int64_t max_ms, int attempts);

#endif
