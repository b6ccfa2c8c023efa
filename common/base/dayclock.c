/*  dayclock: a fixed day or the UTC date. */
#include "dayclock.h"

#include <assert.h>
#include <stdlib.h>
#include <time.h>

#include "date.h"

dayclock_t dayclock_system(void)
{
    return (dayclock_t){false, 0, "the system clock"};
}

int dayclock_init(dayclock_t *clock, const char *flag, err_t *err)
{
    assert(clock);
    const char *env = getenv("OPCAT_NOW");
    const char *text = flag ? flag : env && *env ? env : NULL;
    *clock = dayclock_system();
    if (!text)
        return OPCAT_OK;
    const char *name = flag ? "--now" : "OPCAT_NOW";
    int32_t day;
    if (!date_parse(text, &day))
        return err_set(err, OPCAT_EINVAL, name,
                       "%s: \"%.40s\" is not a real date (YYYY-MM-DD)", name,
                       text);
    *clock = (dayclock_t){true, day, name};
    return OPCAT_OK;
}

int32_t dayclock_today(const dayclock_t *clock)
{
    return clock->fixed ? clock->day : (int32_t)(time(NULL) / 86400);
}
