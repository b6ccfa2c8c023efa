/*  auth: CURVE keys, allow-lists and a ZAP handler (RFC 27). */
#include "auth.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "log.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"

typedef struct {
    char key[AUTH_KEY_LEN + 1];
    char name[64];
} allowed_t;

typedef struct {
    allowed_t *keys;
    size_t count;
} allow_list_t;

struct auth {
    void *zap; /* REP, NULL in plain mode */
    char public_key[AUTH_KEY_LEN + 1];
    char secret_key[AUTH_KEY_LEN + 1];
    allow_list_t writers, readers, reminders;
};

/*  Reads up to 'n' keys (one per line) from 'path'. */
static int s_read_keys(const char *path, char keys[][AUTH_KEY_LEN + 1], int n,
                       err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EAUTH, "key", "%s: %s", path,
                       strerror(errno));
    char line[256];
    int got = 0;
    while (got < n && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strlen(line) < AUTH_KEY_LEN)
            continue;
        memcpy(keys[got], line, AUTH_KEY_LEN);
        keys[got++][AUTH_KEY_LEN] = '\0';
    }
    fclose(f);
    return got == n ? OPCAT_OK
                    : err_set(err, OPCAT_EAUTH, "key",
                              "%s: expected %d Z85 key line%s (made by "
                              "opcatctl keygen)",
                              path, n, n == 1 ? "" : "s");
}

static int s_load_list(allow_list_t *list, const char *path, err_t *err)
{
    if (!path || !*path)
        return OPCAT_OK; /* an empty list lets nobody in */
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EAUTH, "key", "%s: %s", path,
                       strerror(errno));
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strlen(line) < AUTH_KEY_LEN)
            continue;
        allowed_t *keys = realloc(list->keys, (list->count + 1) * sizeof *keys);
        if (!keys)
            break;
        list->keys = keys;
        allowed_t *a = &keys[list->count++];
        memcpy(a->key, line, AUTH_KEY_LEN);
        a->key[AUTH_KEY_LEN] = '\0';
        const char *name = line + AUTH_KEY_LEN;
        name += strspn(name, " \t");
        snprintf(a->name, sizeof a->name, "%.*s", (int)strcspn(name, "\r\n"),
                 name);
    }
    fclose(f);
    return OPCAT_OK;
}

static int s_enable(auth_t *self, void *ctx, const char *key_path, err_t *err)
{
    char keys[2][AUTH_KEY_LEN + 1];
    int rc = s_read_keys(key_path, keys, 2, err);
    if (!rc)
        rc = s_load_list(&self->writers, getenv("OPCAT_WRITERS"), err);
    if (!rc)
        rc = s_load_list(&self->readers, getenv("OPCAT_READERS"), err);
    if (!rc)
        rc = s_load_list(&self->reminders, getenv("OPCAT_REMINDER_KEYS"), err);
    if (rc)
        return rc;
    memcpy(self->public_key, keys[0], sizeof keys[0]);
    memcpy(self->secret_key, keys[1], sizeof keys[1]);
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

auth_t *auth_new(void *ctx, err_t *err)
{
    auth_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    const char *key_path = getenv("OPCAT_CURVE_KEY");
    if (key_path && *key_path && s_enable(self, ctx, key_path, err))
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
    char domain[32] = "", z85[AUTH_KEY_LEN + 1] = "";
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

static int s_write_file(const char *path, const char *text, mode_t mode,
                        err_t *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
    if (fd < 0)
        return err_set(err, err_from_errno(errno), "", "%s: %s", path,
                       strerror(errno));
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    close(fd);
    return ok ? OPCAT_OK
              : err_set(err, OPCAT_EIO, "", "%s: write failed", path);
}

int auth_keygen(const char *path, err_t *err)
{
    char pub[AUTH_KEY_LEN + 1], sec[AUTH_KEY_LEN + 1];
    if (zmq_curve_keypair(pub, sec))
        return err_set(err, OPCAT_EIO, "", "zmq_curve_keypair: %s",
                       zmq_strerror(zmq_errno()));
    char file[4096], text[256];
    snprintf(file, sizeof file, "%s.key", path);
    snprintf(text, sizeof text,
             "%s\n%s\n# opcat CURVE key pair: public, then secret. Keep this "
             "file private.\n",
             pub, sec);
    int rc = s_write_file(file, text, 0600, err);
    snprintf(file, sizeof file, "%s.pub", path);
    snprintf(text, sizeof text, "%s %s\n", pub, path);
    return rc ? rc : s_write_file(file, text, 0644, err);
}

int auth_client_setup(void *socket, err_t *err)
{
    const char *server = getenv("OPCAT_CURVE_SERVER");
    const char *client = getenv("OPCAT_CURVE_CLIENT_KEY");
    if (!server || !*server)
        return OPCAT_OK;
    if (!client || !*client)
        return err_set(err, OPCAT_EAUTH, "key",
                       "OPCAT_CURVE_SERVER is set but OPCAT_CURVE_CLIENT_KEY "
                       "(this client's key pair, from opcatctl keygen) is "
                       "not");
    char server_key[1][AUTH_KEY_LEN + 1], pair[2][AUTH_KEY_LEN + 1];
    int rc = s_read_keys(server, server_key, 1, err);
    if (!rc)
        rc = s_read_keys(client, pair, 2, err);
    if (rc)
        return rc;
    if (zmq_setsockopt(socket, ZMQ_CURVE_SERVERKEY, server_key[0], 41) ||
        zmq_setsockopt(socket, ZMQ_CURVE_PUBLICKEY, pair[0], 41) ||
        zmq_setsockopt(socket, ZMQ_CURVE_SECRETKEY, pair[1], 41))
        return err_set(err, OPCAT_EAUTH, "key", "CURVE keys refused: %s",
                       zmq_strerror(zmq_errno()));
    return OPCAT_OK;
}
