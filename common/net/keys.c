/*  keys: CURVE key files read and written; a client's keys kept. */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#define SERVER_VARIABLE "OPCAT_CURVE_SERVER"
#define CLIENT_VARIABLE "OPCAT_CURVE_CLIENT_KEY"

struct keys {
    bool enabled;                     /* false: plain mode */
    char server_public[KEYS_LEN + 1]; /* the server's public key */
    char pair[2][KEYS_LEN + 1];       /* this client's public, secret */
};

/*  "VARIABLE=path" for the messages, or the path alone. */
static void s_named(char *out, size_t size, const char *variable,
                    const char *path)
{
    if (variable)
        snprintf(out, size, "%s=%s", variable, path);
    else
        snprintf(out, size, "%s", path);
}

int keys_read(const char *variable, const char *path, char keys[][KEYS_LEN + 1],
              int n, err_t *err)
{
    char named[300];
    s_named(named, sizeof named, variable, path);
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EAUTH, variable ? variable : "key", "%s: %s",
                       named, strerror(errno));
    char line[256];
    int got = 0;
    while (got < n && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strlen(line) < KEYS_LEN)
            continue;
        memcpy(keys[got], line, KEYS_LEN);
        keys[got++][KEYS_LEN] = '\0';
    }
    fclose(f);
    if (got == n)
        return OPCAT_OK;
    return err_set(err, OPCAT_EAUTH, variable ? variable : "key",
                   "%s: expected %d Z85 key line%s (made by opcatctl keygen)",
                   named, n, n == 1 ? "" : "s");
}

keys_t *keys_client_new(err_t *err)
{
    keys_t *self = calloc(1, sizeof *self);
    if (!self) {
        err_set(err, OPCAT_ENOMEM, "", "out of memory");
        return NULL;
    }
    const char *server = getenv(SERVER_VARIABLE);
    const char *client = getenv(CLIENT_VARIABLE);
    if (!server || !*server)
        return self;
    int rc = OPCAT_OK;
    if (!client || !*client)
        rc = err_set(err, OPCAT_EAUTH, CLIENT_VARIABLE,
                     SERVER_VARIABLE " is set but " CLIENT_VARIABLE
                                     " (this client's key pair, from opcatctl "
                                     "keygen) is not");
    char server_key[1][KEYS_LEN + 1];
    if (!rc)
        rc = keys_read(SERVER_VARIABLE, server, server_key, 1, err);
    if (!rc)
        rc = keys_read(CLIENT_VARIABLE, client, self->pair, 2, err);
    if (rc) {
        keys_destroy(&self);
        return NULL;
    }
    memcpy(self->server_public, server_key[0], sizeof server_key[0]);
    self->enabled = true;
    return self;
}

void keys_destroy(keys_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    explicit_bzero(*self_p, sizeof **self_p);
    free(*self_p);
    *self_p = NULL;
}

bool keys_enabled(const keys_t *self)
{
    return self->enabled;
}

const char *keys_server_public(const keys_t *self)
{
    return self->enabled ? self->server_public : NULL;
}

const char *keys_public(const keys_t *self)
{
    return self->enabled ? self->pair[0] : NULL;
}

const char *keys_secret(const keys_t *self)
{
    return self->enabled ? self->pair[1] : NULL;
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

int keys_generate(const char *path, err_t *err)
{
    char pub[KEYS_LEN + 1], sec[KEYS_LEN + 1];
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
    explicit_bzero(sec, sizeof sec);
    explicit_bzero(text, sizeof text);
    snprintf(file, sizeof file, "%s.pub", path);
    snprintf(text, sizeof text, "%s %s\n", pub, path);
    return rc ? rc : s_write_file(file, text, 0644, err);
}
