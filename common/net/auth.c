/*  auth: CURVE keys, allow-lists and a ZAP handler (RFC 27). */
#include "auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "keys.h"
#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"

typedef struct {
    char key[KEYS_LEN + 1];
    char name[64];
} allowed_t;

typedef struct {
    allowed_t *keys;
    size_t count;
} allow_list_t;

struct auth {
    void *zap; /* REP, NULL in plain mode */
    char public_key[KEYS_LEN + 1];
    char secret_key[KEYS_LEN + 1];
    allow_list_t writers, readers, reminders;
};

/*  Reads the allow-list file that 'variable' names. */
static int s_load_list(allow_list_t *list, const char *variable, err_t *err)
{
    const char *path = getenv(variable);
    if (!path || !*path)
        return OPCAT_OK; /* an empty list lets nobody in */
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EAUTH, variable, "%s=%s: %s", variable, path,
                       strerror(errno));
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strlen(line) < KEYS_LEN)
            continue;
        allowed_t *keys = realloc(list->keys, (list->count + 1) * sizeof *keys);
        if (!keys)
            break;
        list->keys = keys;
        allowed_t *a = &keys[list->count++];
        memcpy(a->key, line, KEYS_LEN);
        a->key[KEYS_LEN] = '\0';
        const char *name = line + KEYS_LEN;
        name += strspn(name, " \t");
        snprintf(a->name, sizeof a->name, "%.*s", (int)strcspn(name, "\r\n"),
                 name);
    }
    fclose(f);
    return OPCAT_OK;
}

static int s_enable(auth_t *self, void *ctx, const char *key_path, err_t *err)
{
    char keys[2][KEYS_LEN + 1];
    int rc = keys_read("OPCAT_CURVE_KEY", key_path, keys, 2, err);
    if (!rc)
        rc = s_load_list(&self->writers, "OPCAT_WRITERS", err);
    if (!rc)
        rc = s_load_list(&self->readers, "OPCAT_READERS", err);
    if (!rc)
        rc = s_load_list(&self->reminders, "OPCAT_REMINDER_KEYS", err);
    if (!rc) {
        memcpy(self->public_key, keys[0], sizeof keys[0]);
        memcpy(self->secret_key, keys[1], sizeof keys[1]);
    }
    explicit_bzero(keys, sizeof keys);
    if (rc)
        return rc;
    self->zap = zmq_socket(ctx, ZMQ_REP);
    if (!self->zap || zmq_bind(self->zap, ZAP_ENDPOINT))
        return err_set(err, OPCAT_EIO, "", "ZAP handler: %s",
                       zmq_strerror(zmq_errno()));
    log_info("CURVE on: server key %.8s..., %zu writer, %zu reader and %zu "
             "reminder keys",
             self->public_key, self->writers.count, self->readers.count,
             self->reminders.count);
    return OPCAT_OK;
}

auth_t *auth_new(bus_t *bus, err_t *err)
{
    auth_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    const char *key_path = getenv("OPCAT_CURVE_KEY");
    if (key_path && *key_path && s_enable(self, bus_zmq(bus), key_path, err))
        auth_destroy(&self);
    return self;
}

void auth_destroy(auth_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    auth_t *self = *self_p;
    bus_close(&self->zap);
    free(self->writers.keys);
    free(self->readers.keys);
    free(self->reminders.keys);
    explicit_bzero(self->secret_key, sizeof self->secret_key);
    free(self);
    *self_p = NULL;
}

bool auth_enabled(const auth_t *self)
{
    return self->zap != NULL;
}

void *auth_socket(auth_t *self)
{
    return self->zap;
}

int auth_server_options(const auth_t *self, const char *role,
                        const char *endpoint, bus_server_options_t *options,
                        err_t *err)
{
    if (auth_enabled(self)) {
        options->curve_secret = self->secret_key;
        options->zap_domain = role;
        return OPCAT_OK;
    }
    const char *allow = getenv("OPCAT_ALLOW_PLAIN");
    if (bus_endpoint_is_local(endpoint) || (allow && strcmp(allow, "1") == 0))
        return OPCAT_OK;
    return err_set(err, OPCAT_EAUTH, "endpoint",
                   "refusing to bind %s without encryption: only ipc:// and "
                   "loopback may be plain.  Make keys with `opcatctl keygen "
                   "store` (and one per client), then set OPCAT_CURVE_KEY="
                   "store.key, OPCAT_WRITERS and OPCAT_READERS (files of "
                   "client public keys); or, on a private container network "
                   "only, OPCAT_ALLOW_PLAIN=1",
                   endpoint);
}

static const allow_list_t *s_list(const auth_t *self, const char *domain)
{
    if (strcmp(domain, "writer") == 0)
        return &self->writers;
    if (strcmp(domain, "reader") == 0)
        return &self->readers;
    if (strcmp(domain, "reminder") == 0)
        return &self->reminders;
    return NULL;
}

/*  Decides a ZAP request; fills the name of the key it let in. */
static bool s_allowed(const auth_t *self, const char *domain, const char *z85,
                      const char **name)
{
    if (strcmp(domain, "public") == 0) {
        *name = "public";
        return true;
    }
    const allow_list_t *list = s_list(self, domain);
    for (size_t i = 0; list && i < list->count; i++)
        if (strcmp(list->keys[i].key, z85) == 0) {
            *name = list->keys[i].name;
            return true;
        }
    return false;
}

static void s_reply(void *zap, const zmq_msg_t *request_id, const char *code,
                    const char *text, const char *user)
{
    zmq_send(zap, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(zap, zmq_msg_data((zmq_msg_t *)request_id),
             zmq_msg_size((zmq_msg_t *)request_id), ZMQ_SNDMORE);
    zmq_send(zap, code, strlen(code), ZMQ_SNDMORE);
    zmq_send(zap, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(zap, user, strlen(user), ZMQ_SNDMORE);
    zmq_send(zap, "", 0, 0);
}

/*  Frames: version, request id, domain, address, identity, mechanism,
    credentials (the client's 32-byte public key for CURVE). */
static void s_answer(auth_t *self, bus_message_t *m)
{
    char domain[32] = "", z85[KEYS_LEN + 1] = "";
    zmq_msg_t *f = m->frames;
    bool curve = m->count == 7 && zmq_msg_size(&f[5]) == 5 &&
                 memcmp(zmq_msg_data(&f[5]), "CURVE", 5) == 0 &&
                 zmq_msg_size(&f[6]) == 32;
    if (curve) {
        snprintf(domain, sizeof domain, "%.*s", (int)zmq_msg_size(&f[2]),
                 (char *)zmq_msg_data(&f[2]));
        zmq_z85_encode(z85, zmq_msg_data(&f[6]), 32);
    }
    const char *name = "";
    if (curve && s_allowed(self, domain, z85, &name)) {
        s_reply(self->zap, &f[1], "200", "OK", name);
        log_debug("auth: %s key %.8s (%s) let in", domain, z85, name);
        return;
    }
    log_warnx("auth: refused %s key %.8s... on the %s endpoints",
              curve ? "CURVE" : "a non-CURVE", curve ? z85 : "-",
              curve ? domain : "?");
    s_reply(self->zap, m->count >= 2 ? &f[1] : &f[0], "400", "key not allowed",
            "");
}

void auth_handle(auth_t *self)
{
    for (int i = 0; self->zap && i < 64; i++) {
        bus_message_t m;
        int rc = bus_recv(self->zap, &m, ZMQ_DONTWAIT);
        if (rc == OPCAT_ETIMEDOUT || rc == OPCAT_EINTR)
            return;
        if (rc == 0 || m.count)
            s_answer(self, &m);
        bus_message_close(&m);
    }
}
