/*  config: the parsed file is kept as a normalised jansson tree (every
    destination list an array), which routing reads directly: the lists
    are small and read once per reminder, so no structure of our own is
    worth its code. */
#include "ntf_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agg_regions.h"

/*  The route kinds of a channel, in routing order. */
static const char *const s_kinds[] = {"states", "regions", "rules"};
#define KIND_COUNT 3

struct ntf_config {
    json_t *routes[NTF_CHANNEL_COUNT]; /* {"states":{..},...,"default":[]} */
    json_t *strings;                   /* owns the settings' strings */
    ntf_settings_t settings;
};

static const char *const s_channels[NTF_CHANNEL_COUNT] = {"email", "webhook"};

const char *ntf_channel_name(int channel)
{
    return channel >= 0 && channel < NTF_CHANNEL_COUNT ? s_channels[channel]
                                                       : NULL;
}

int ntf_channel_parse(const char *name)
{
    for (int i = 0; name && i < NTF_CHANNEL_COUNT; i++)
        if (strcmp(name, s_channels[i]) == 0)
            return i;
    return -1;
}

ntf_config_t *ntf_config_new(void)
{
    ntf_config_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    self->strings = json_object();
    for (int c = 0; c < NTF_CHANNEL_COUNT; c++)
        self->routes[c] = json_pack("{s:{},s:{},s:{},s:[]}", "states",
                                    "regions", "rules", "default");
    if (!self->strings || !self->routes[0] || !self->routes[1]) {
        ntf_config_destroy(&self);
        return NULL;
    }
    self->settings =
        (ntf_settings_t){.retry_base_ms = NTF_RETRY_BASE_MS_DEFAULT,
                         .retry_max_ms = NTF_RETRY_MAX_MS_DEFAULT,
                         .max_attempts = NTF_MAX_ATTEMPTS_DEFAULT,
                         .timeout_ms = NTF_TIMEOUT_MS_DEFAULT,
                         .max_age_days = NTF_MAX_AGE_DAYS_DEFAULT};
    return self;
}

void ntf_config_destroy(ntf_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    for (int c = 0; c < NTF_CHANNEL_COUNT; c++)
        json_decref((*self_p)->routes[c]);
    json_decref((*self_p)->strings);
    free(*self_p);
    *self_p = NULL;
}

/* ------------------------------------------------------------ checks */

static bool s_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || *s == 0x7f)
            return true;
    return false;
}

/*  A bare address local@domain: it goes into SMTP commands and mail
    headers, so nothing that could end or split one. */
static bool s_is_address(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@'))
        return false;
    return !s_has_control(s) && !strpbrk(s, "<>()[],;:\"\\") &&
           strlen(s) <= NTF_DEST_MAX;
}

static bool s_is_url(const char *s)
{
    bool scheme =
        strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
    return scheme && !s_has_control(s) && strlen(s) <= NTF_DEST_MAX &&
           strlen(s) > 8;
}

static bool s_is_region(const char *name)
{
    for (int i = 0; i < AGG_REGION_COUNT; i++)
        if (strcmp(name, agg_regions_name(i)) == 0)
            return true;
    return false;
}

static bool s_three_capitals(const char *code)
{
    return strlen(code) == 3 && isupper((unsigned char)code[0]) &&
           isupper((unsigned char)code[1]) && isupper((unsigned char)code[2]);
}

/* ------------------------------------------------------------ parsing */

typedef struct {
    bool (*is_state)(void *, const char *);
    void *is_state_arg;
    err_t *err;
} parse_t;

/*  Appends the destinations of 'value' (a string or an array of them)
    to 'out', checked for 'channel'.  'where' names the member. */
static int s_dest_list(const parse_t *p, int channel, const json_t *value,
                       const char *where, json_t *out)
{
    json_t *one = json_is_string(value) ? json_pack("[O]", value) : NULL;
    const json_t *list = one ? one : value;
    int rc = json_is_array(list) ? OPCAT_OK
                                 : err_set(p->err, OPCAT_EINVAL, where,
                                           "%s: must be a string or an array "
                                           "of strings",
                                           where);
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *s = json_string_value(item);
        bool ok = s && (channel == NTF_EMAIL ? s_is_address(s) : s_is_url(s));
        if (!ok) {
            rc = err_set(p->err, OPCAT_EINVAL, where, "%s[%zu]: %s", where, i,
                         channel == NTF_EMAIL
                             ? "must be an e-mail address local@domain"
                             : "must be an http:// or https:// URL");
            break;
        }
        json_array_append(out, (json_t *)item);
    }
    json_decref(one);
    return rc;
}

/*  Checks a key of "states", "regions" or "rules". */
static int s_route_key(const parse_t *p, int kind, const char *key,
                       const char *where)
{
    if (kind == 0 && !(p->is_state ? p->is_state(p->is_state_arg, key)
                                   : s_three_capitals(key)))
        return err_set(p->err, OPCAT_EINVAL, where,
                       "%s: not an ISO 3166-1 alpha-3 code", where);
    if (kind == 1 && !s_is_region(key))
        return err_set(p->err, OPCAT_EINVAL, where,
                       "%s: not a region (africa, asia_pacific, "
                       "eastern_europe, latin_america_caribbean, weog)",
                       where);
    return OPCAT_OK;
}

/*  Parses one of "states", "regions", "rules" of a channel. */
static int s_route_map(const parse_t *p, int channel, int kind,
                       const json_t *map, json_t *out)
{
    char where[ERR_FIELD_MAX];
    snprintf(where, sizeof where, "%s.%s", s_channels[channel], s_kinds[kind]);
    if (!json_is_object(map))
        return err_set(p->err, OPCAT_EINVAL, where, "%s: must be an object",
                       where);
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)map, key, value)
    {
        snprintf(where, sizeof where, "%s.%s.%.20s", s_channels[channel],
                 s_kinds[kind], key);
        json_t *list = json_array();
        int rc = s_route_key(p, kind, key, where);
        if (!rc)
            rc = s_dest_list(p, channel, value, where, list);
        if (!rc && json_object_set_new(out, key, list))
            rc = OPCAT_ENOMEM;
        else if (rc)
            json_decref(list);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

static int s_channel(const parse_t *p, int channel, const json_t *obj,
                     json_t *routes)
{
    const char *name = s_channels[channel];
    if (!json_is_object(obj))
        return err_set(p->err, OPCAT_EINVAL, name, "%s: must be an object",
                       name);
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        char where[ERR_FIELD_MAX];
        snprintf(where, sizeof where, "%s.%.30s", name, key);
        int kind = -1, rc;
        for (int k = 0; k < KIND_COUNT; k++)
            if (strcmp(key, s_kinds[k]) == 0)
                kind = k;
        if (kind >= 0)
            rc = s_route_map(p, channel, kind, value,
                             json_object_get(routes, key));
        else if (strcmp(key, "default") == 0)
            rc = s_dest_list(p, channel, value, where,
                             json_object_get(routes, "default"));
        else
            rc = err_set(p->err, OPCAT_EINVAL, where,
                         "%s: unknown member (states, regions, rules, "
                         "default)",
                         where);
        if (rc)
            return rc;
    }
    return OPCAT_OK;
}

/*  A whole number member of 'obj' in [min, max], if present. */
static int s_number(const parse_t *p, const json_t *obj, const char *key,
                    const char *where, int64_t min, int64_t max, int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!v)
        return OPCAT_OK;
    if (!json_is_integer(v) || json_integer_value(v) < min ||
        json_integer_value(v) > max)
        return err_set(p->err, OPCAT_EINVAL, where,
                       "%s: must be a whole number from %lld to %lld", where,
                       (long long)min, (long long)max);
    *out = json_integer_value(v);
    return OPCAT_OK;
}

/*  A string member 'key' of the object 'section' (named 'name'), kept in
    self->strings. */
static int s_section_string(ntf_config_t *self, const parse_t *p,
                            const char *name, const json_t *section,
                            const char *key, const char **out)
{
    const json_t *v = json_object_get(section, key);
    char where[ERR_FIELD_MAX];
    snprintf(where, sizeof where, "%s.%s", name, key);
    if (!v)
        return OPCAT_OK;
    const char *s = json_string_value(v);
    if (!s || !*s || strlen(s) > NTF_DEST_MAX)
        return err_set(p->err, OPCAT_EINVAL, where,
                       "%s: must be a non-empty string", where);
    if (json_object_set(self->strings, where, (json_t *)v))
        return OPCAT_ENOMEM;
    *out = json_string_value(json_object_get(self->strings, where));
    return OPCAT_OK;
}

static int s_smtp(ntf_config_t *self, const parse_t *p, const json_t *smtp)
{
    ntf_settings_t *s = &self->settings;
    if (!smtp)
        return OPCAT_OK;
    if (!json_is_object(smtp))
        return err_set(p->err, OPCAT_EINVAL, "smtp", "smtp: must be an object");
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)smtp, key, value)
    {
        static const char known[] = " url from username password starttls ";
        char word[40];
        snprintf(word, sizeof word, " %.30s ", key);
        char where[ERR_FIELD_MAX];
        snprintf(where, sizeof where, "smtp.%.30s", key);
        if (!strstr(known, word) || strchr(key, ' '))
            return err_set(p->err, OPCAT_EINVAL, where,
                           "%s: unknown member (url, from, username, "
                           "password, starttls)",
                           where);
    }
    int rc = s_section_string(self, p, "smtp", smtp, "url", &s->smtp_url);
    if (!rc)
        rc = s_section_string(self, p, "smtp", smtp, "from", &s->smtp_from);
    if (!rc)
        rc = s_section_string(self, p, "smtp", smtp, "username",
                              &s->smtp_username);
    if (!rc)
        rc = s_section_string(self, p, "smtp", smtp, "password",
                              &s->smtp_password);
    if (rc)
        return rc;
    const json_t *tls = json_object_get(smtp, "starttls");
    if (tls && !json_is_boolean(tls))
        return err_set(p->err, OPCAT_EINVAL, "smtp.starttls",
                       "smtp.starttls: must be true or false");
    s->smtp_starttls = json_is_true(tls);
    if (s->smtp_url && strncmp(s->smtp_url, "smtp://", 7) != 0 &&
        strncmp(s->smtp_url, "smtps://", 8) != 0)
        return err_set(p->err, OPCAT_EINVAL, "smtp.url",
                       "smtp.url: must start with smtp:// or smtps://");
    if (s->smtp_from && !s_is_address(s->smtp_from))
        return err_set(p->err, OPCAT_EINVAL, "smtp.from",
                       "smtp.from: must be an e-mail address local@domain");
    return OPCAT_OK;
}

/*  "tls": {"ca_file": PATH}: the certificates (PEM) that HTTPS hooks and
    SMTP over TLS are checked against instead of the system's; for a
    private CA.  Verification itself cannot be turned off. */
static int s_tls(ntf_config_t *self, const parse_t *p, const json_t *tls)
{
    if (!tls)
        return OPCAT_OK;
    if (!json_is_object(tls) ||
        json_object_size(tls) != (json_object_get(tls, "ca_file") ? 1 : 0))
        return err_set(p->err, OPCAT_EINVAL, "tls",
                       "tls: must be an object whose only member is ca_file");
    const char **ca = &self->settings.tls_ca_file;
    int rc = s_section_string(self, p, "tls", tls, "ca_file", ca);
    if (!rc && *ca && access(*ca, R_OK) != 0)
        rc = err_set(p->err, OPCAT_EINVAL, "tls.ca_file",
                     "tls.ca_file: cannot read %s: %s", *ca, strerror(errno));
    return rc;
}

static int s_retry(ntf_config_t *self, const parse_t *p, const json_t *root)
{
    ntf_settings_t *s = &self->settings;
    const json_t *retry = json_object_get(root, "retry");
    int64_t attempts = s->max_attempts, timeout = s->timeout_ms;
    int64_t age = s->max_age_days;
    if (retry && !json_is_object(retry))
        return err_set(p->err, OPCAT_EINVAL, "retry",
                       "retry: must be an object");
    int rc = s_number(p, retry, "base_ms", "retry.base_ms", 1,
                      INT64_C(86400000), &s->retry_base_ms);
    if (!rc)
        rc = s_number(p, retry, "max_ms", "retry.max_ms", 1,
                      INT64_C(7) * 86400000, &s->retry_max_ms);
    if (!rc)
        rc = s_number(p, retry, "max_attempts", "retry.max_attempts", 1, 1000,
                      &attempts);
    if (!rc)
        rc = s_number(p, root, "timeout_ms", "timeout_ms", 100, 600000,
                      &timeout);
    if (!rc)
        rc = s_number(p, root, "max_age_days", "max_age_days", 0, 36500, &age);
    s->max_attempts = (int)attempts;
    s->timeout_ms = (int)timeout;
    s->max_age_days = (int)age;
    return rc;
}

static int s_top_members(const parse_t *p, const json_t *root)
{
    static const char known[] =
        " smtp tls email webhook retry timeout_ms max_age_days ";
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)root, key, value)
    {
        char word[40];
        snprintf(word, sizeof word, " %.30s ", key);
        if (!strstr(known, word) || strchr(key, ' '))
            return err_set(p->err, OPCAT_EINVAL, key,
                           "%.30s: unknown member (smtp, tls, email, "
                           "webhook, retry, timeout_ms, max_age_days)",
                           key);
    }
    return OPCAT_OK;
}

/*  What the parts imply: e-mail routes need an SMTP server and sender. */
static int s_consistent(const ntf_config_t *self, const parse_t *p)
{
    const json_t *email = self->routes[NTF_EMAIL];
    bool any = json_array_size(json_object_get(email, "default")) > 0;
    for (int k = 0; k < KIND_COUNT; k++)
        any = any || json_object_size(json_object_get(email, s_kinds[k]));
    if (any && !self->settings.smtp_url)
        return err_set(p->err, OPCAT_EINVAL, "smtp.url",
                       "smtp.url: required when e-mail routes are set");
    if (any && !self->settings.smtp_from)
        return err_set(p->err, OPCAT_EINVAL, "smtp.from",
                       "smtp.from: required when e-mail routes are set");
    return OPCAT_OK;
}

ntf_config_t *ntf_config_parse(const json_t *root,
                               bool (*is_state)(void *, const char *),
                               void *is_state_arg, err_t *err)
{
    parse_t p = {is_state, is_state_arg, err};
    ntf_config_t *self = ntf_config_new();
    int rc = self ? OPCAT_OK : err_set(err, OPCAT_ENOMEM, "", "out of memory");
    if (!rc && !json_is_object(root))
        rc = err_set(err, OPCAT_EINVAL, "config",
                     "config: must be a JSON object");
    if (!rc)
        rc = s_top_members(&p, root);
    for (int c = 0; !rc && c < NTF_CHANNEL_COUNT; c++) {
        const json_t *obj = json_object_get(root, s_channels[c]);
        if (obj)
            rc = s_channel(&p, c, obj, self->routes[c]);
    }
    if (!rc)
        rc = s_smtp(self, &p, json_object_get(root, "smtp"));
    if (!rc)
        rc = s_tls(self, &p, json_object_get(root, "tls"));
    if (!rc)
        rc = s_retry(self, &p, root);
    if (!rc)
        rc = s_consistent(self, &p);
    if (rc)
        ntf_config_destroy(&self);
    return self;
}

ntf_config_t *ntf_config_load(const char *path,
                              bool (*is_state)(void *, const char *),
                              void *is_state_arg, err_t *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        err_set(err, OPCAT_EINVAL, "config", "config: %s:%d: %s", path,
                jerr.line, jerr.text);
        return NULL;
    }
    ntf_config_t *self = ntf_config_parse(root, is_state, is_state_arg, err);
    json_decref(root);
    if (!self) {
        char message[ERR_MESSAGE_MAX];
        snprintf(message, sizeof message, "%s", err->message);
        err_set(err, err->code, err->field, "config %s: %s", path, message);
    }
    return self;
}

ntf_settings_t *ntf_config_settings(ntf_config_t *self)
{
    return &self->settings;
}

const ntf_settings_t *ntf_config_settings_const(const ntf_config_t *self)
{
    return &self->settings;
}

/*  How many destinations the lists of 'routes' (one channel) hold. */
static size_t s_count_channel(const json_t *routes)
{
    size_t n = json_array_size(json_object_get(routes, "default"));
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *key;
        const json_t *list;
        json_object_foreach(json_object_get(routes, s_kinds[k]), key, list)
        {
            n += json_array_size(list);
        }
    }
    return n;
}

size_t ntf_config_destinations(const ntf_config_t *self)
{
    size_t n = 0;
    for (int c = 0; c < NTF_CHANNEL_COUNT; c++)
        n += s_count_channel(self->routes[c]);
    return n;
}

int ntf_config_set_smtp_password(ntf_config_t *self, const char *password)
{
    if (json_object_set_new(self->strings, "smtp.password",
                            json_string(password)))
        return OPCAT_ENOMEM;
    self->settings.smtp_password =
        json_string_value(json_object_get(self->strings, "smtp.password"));
    return OPCAT_OK;
}

bool ntf_config_uses_regions(const ntf_config_t *self)
{
    for (int c = 0; c < NTF_CHANNEL_COUNT; c++)
        if (json_object_size(json_object_get(self->routes[c], "regions")))
            return true;
    return false;
}

/* ------------------------------------------------------------ routing */

/*  Calls 'fn' for each destination of 'list' not yet in 'seen'. */
static int s_emit(int channel, const json_t *list, json_t *seen, ntf_dest_fn fn,
                  void *arg)
{
    size_t i, j;
    const json_t *item, *old;
    json_array_foreach(list, i, item)
    {
        bool dup = false;
        json_array_foreach(seen, j, old)
        {
            dup = dup || json_equal(item, old);
        }
        if (dup)
            continue;
        json_array_append(seen, (json_t *)item);
        int rc = fn(arg, (ntf_channel_t)channel, json_string_value(item));
        if (rc)
            return rc;
    }
    return 0;
}

static int s_route_channel(const json_t *routes, int channel, const char *rule,
                           const char *state, const char *region,
                           ntf_dest_fn fn, void *arg)
{
    json_t *seen = json_array();
    if (!seen)
        return OPCAT_ENOMEM;
    int rc = 0;
    if (state && *state)
        rc = s_emit(channel,
                    json_object_get(json_object_get(routes, "states"), state),
                    seen, fn, arg);
    if (!rc && region && *region)
        rc = s_emit(channel,
                    json_object_get(json_object_get(routes, "regions"), region),
                    seen, fn, arg);
    const char *prefix;
    const json_t *list;
    json_object_foreach(json_object_get(routes, "rules"), prefix, list)
    {
        if (!rc && strncmp(rule, prefix, strlen(prefix)) == 0)
            rc = s_emit(channel, list, seen, fn, arg);
    }
    if (!rc && json_array_size(seen) == 0)
        rc = s_emit(channel, json_object_get(routes, "default"), seen, fn, arg);
    json_decref(seen);
    return rc;
}

int ntf_config_route(const ntf_config_t *self, const char *rule,
                     const char *state, const char *region, ntf_dest_fn fn,
                     void *arg)
{
    int rc = 0;
    for (int c = 0; !rc && c < NTF_CHANNEL_COUNT; c++)
        rc = s_route_channel(self->routes[c], c, rule ? rule : "", state,
                             region, fn, arg);
    return rc;
}

int64_t ntf_backoff_ms(int64_t base_ms, int64_t max_ms, int attempts)
{
    int64_t delay = base_ms > 0 ? base_ms : 1;
    /* doubling stops at the cap, so it can never overflow */
    for (int i = 1; i < attempts && delay < max_ms; i++)
        delay = delay > max_ms / 2 ? max_ms : delay * 2;
    return delay < max_ms ? delay : max_ms;
}
