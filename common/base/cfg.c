/*  cfg: flag > environment > default. */
#include "cfg.h"

#include <errno.h>
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
