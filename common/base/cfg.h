/*  cfg: settings from flags, then environment, then defaults.

    Every daemon and opcatctl take the same variables:

      OPCAT_APPEND     store's APPEND endpoint   tcp://127.0.0.1:7701
      OPCAT_PUBLISH    store's PUBLISH endpoint  tcp://127.0.0.1:7702
      OPCAT_REPLAY     store's REPLAY endpoint   tcp://127.0.0.1:7703
      OPCAT_REMINDERS  reminder queries          tcp://127.0.0.1:7704
      OPCAT_STATS      aggregation queries       tcp://127.0.0.1:7705
      OPCAT_PUBLIC     store's public PUBLISH    tcp://127.0.0.1:7706
      OPCAT_PUBLIC_REPLAY  store's public REPLAY tcp://127.0.0.1:7707
                       (the public pair carries no confidential field)
      OPCAT_NOTIFY     notifier queries          tcp://127.0.0.1:7708
      OPCAT_APPEND_REMINDERS  the store's APPEND for the reminder service
                       alone: reminder.* events are written there and
                       nowhere else              tcp://127.0.0.1:7709
      OPCAT_DATA       data directory; each daemon keeps its LMDB
                       environment in its own subdirectory   ./var/data
      OPCAT_NOW        a fixed "today" (YYYY-MM-DD) for demos and tests */
#ifndef OPCAT_CFG_H
#define OPCAT_CFG_H

#include "err.h"

#define CFG_APPEND_DEFAULT "tcp://127.0.0.1:7701"
#define CFG_PUBLISH_DEFAULT "tcp://127.0.0.1:7702"
#define CFG_REPLAY_DEFAULT "tcp://127.0.0.1:7703"
#define CFG_REMINDERS_DEFAULT "tcp://127.0.0.1:7704"
#define CFG_STATS_DEFAULT "tcp://127.0.0.1:7705"
#define CFG_PUBLIC_DEFAULT "tcp://127.0.0.1:7706"
#define CFG_PUBLIC_REPLAY_DEFAULT "tcp://127.0.0.1:7707"
#define CFG_NOTIFY_DEFAULT "tcp://127.0.0.1:7708"
#define CFG_APPEND_REMINDERS_DEFAULT "tcp://127.0.0.1:7709"
#define CFG_DATA_DEFAULT "./var/data"

/*  The endpoints and data directory of a process.  Strings are borrowed
    from argv, the environment or the defaults above. */
typedef struct {
    const char *append;
    const char *publish;
    const char *replay;
    const char *reminders;
    const char *stats;
    const char *data;
    const char *public_publish;
    const char *public_replay;
    const char *notify;
    const char *append_reminders;
} cfg_t;

/*  Fills every field not already set (non-NULL) from the environment or
    the defaults. */
void cfg_fill(cfg_t *cfg);

/*  'flag' if set, else getenv('env') if set and non-empty, else 'dflt'. */
const char *cfg_pick(const char *flag, const char *env, const char *dflt);

/*  The largest secret cfg_secret() reads from a file. */
#define CFG_SECRET_MAX 4096

/*  A secret given by variable 'name' (e.g. OPCAT_SMTP_PASSWORD) or, as
    Docker and compose secrets give them, by the file that NAME_FILE
    names: its content, one trailing newline dropped.  Returns OPCAT_OK
    with '*value' a new string the caller frees (NULL when neither is
    set), or OPCAT_EINVAL with 'err' naming the variable: both set, the
    file unreadable, empty or larger than CFG_SECRET_MAX bytes. */
int cfg_secret(const char *name, char **value, err_t *err);

/*  Creates directory 'path' and its parents (like mkdir -p). */
int cfg_mkdirs(const char *path, err_t *err);

#endif
