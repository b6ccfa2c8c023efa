/*  cfg: flag > environment > default. */
#include "cfg.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *cfg_pick(const char *flag, const char *env, const char *dflt)
{
    if (flag)
        return flag;
    const char *value = getenv(env);
    return value && *value ? value : dflt;
}

void cfg_fill(cfg_t *cfg)
{
    cfg->append = cfg_pick(cfg->append, "OPCAT_APPEND", CFG_APPEND_DEFAULT);
    cfg->publish = cfg_pick(cfg->publish, "OPCAT_PUBLISH", CFG_PUBLISH_DEFAULT);
    cfg->replay = cfg_pick(cfg->replay, "OPCAT_REPLAY", CFG_REPLAY_DEFAULT);
    cfg->reminders =
        cfg_pick(cfg->reminders, "OPCAT_REMINDERS", CFG_REMINDERS_DEFAULT);
    cfg->stats = cfg_pick(cfg->stats, "OPCAT_STATS", CFG_STATS_DEFAULT);
    cfg->data = cfg_pick(cfg->data, "OPCAT_DATA", CFG_DATA_DEFAULT);
    cfg->public_publish =
        cfg_pick(cfg->public_publish, "OPCAT_PUBLIC", CFG_PUBLIC_DEFAULT);
    cfg->public_replay = cfg_pick(cfg->public_replay, "OPCAT_PUBLIC_REPLAY",
                                  CFG_PUBLIC_REPLAY_DEFAULT);
    cfg->notify = cfg_pick(cfg->notify, "OPCAT_NOTIFY", CFG_NOTIFY_DEFAULT);
    cfg->append_reminders =
        cfg_pick(cfg->append_reminders, "OPCAT_APPEND_REMINDERS",
                 CFG_APPEND_REMINDERS_DEFAULT);
}

/*  The content of file 'path', named by variable 'var': a new string in
    '*value', or an error naming 'var'. */
static int s_read_secret(const char *var, const char *path, char **value,
                         err_t *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return err_set(err, OPCAT_EINVAL, var, "%s: cannot read %s: %s", var,
                       path, strerror(errno));
    char *text = malloc(CFG_SECRET_MAX + 2);
    size_t n = text ? fread(text, 1, CFG_SECRET_MAX + 1, f) : 0;
    fclose(f);
    if (!text)
        return err_set(err, OPCAT_ENOMEM, var, "out of memory");
    if (n && text[n - 1] == '\n')
        n--;
    if (n == 0 || n > CFG_SECRET_MAX) {
        free(text);
        return err_set(err, OPCAT_EINVAL, var,
                       "%s: %s must hold from 1 to %d bytes", var, path,
                       CFG_SECRET_MAX);
    }
    text[n] = '\0';
    *value = text;
    return OPCAT_OK;
}

int cfg_secret(const char *name, char **value, err_t *err)
{
    char file_var[128];
    snprintf(file_var, sizeof file_var, "%s_FILE", name);
    const char *direct = getenv(name), *path = getenv(file_var);
    bool has_direct = direct && *direct, has_path = path && *path;
    *value = NULL;
    if (has_direct && has_path)
        return err_set(err, OPCAT_EINVAL, name,
                       "%s and %s are both set: give the secret one way", name,
                       file_var);
    if (has_path)
        return s_read_secret(file_var, path, value, err);
    if (has_direct && !(*value = strdup(direct)))
        return err_set(err, OPCAT_ENOMEM, name, "out of memory");
    return OPCAT_OK;
}

int cfg_mkdirs(const char *path, err_t *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return err_set(err, OPCAT_ETOOBIG, "data", "path too long: %s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) && errno != EEXIST)
            return err_set(err, err_from_errno(errno), "data", "mkdir %s: %s",
                           buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) && errno != EEXIST)
        return err_set(err, err_from_errno(errno), "data", "mkdir %s: %s", buf,
                       strerror(errno));
    return OPCAT_OK;
}
