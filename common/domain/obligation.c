/*  obligation: entry into force (art. 28) and the NPM deadline (art. 17,
    art. 24) of a State, from its facts. */
#include "obligation.h"

#include <assert.h>
#include <string.h>

#include "date.h"

/*  art. 28(2): the 30th day after deposit. */
#define OBLIG_ENTRY_DAYS 30
/*  art. 17: one year after entry into force. */
#define OBLIG_DESIGNATION_MONTHS 12

void oblig_facts_init(oblig_facts_t *facts)
{
    *facts = (oblig_facts_t){.deposited = OBLIG_NEVER,
                             .designated = OBLIG_NEVER,
                             .part4 = {OBLIG_NEVER, 0},
                             .part4_ext = {OBLIG_NEVER, 0}};
}

void oblig_note_deposit(oblig_facts_t *facts, int32_t day)
{
    if (day < facts->deposited)
        facts->deposited = day;
}

void oblig_note_designation(oblig_facts_t *facts, int32_t day)
{
    if (day < facts->designated)
        facts->designated = day;
}

void oblig_note_art24(oblig_facts_t *facts, const char *part, int years,
                      bool extension, int32_t day)
{
    assert(part);
    if (strcmp(part, "IV") != 0 || years <= 0)
        return; /* Part III postpones visits, not the NPM */
    oblig_decl_t *d = extension ? &facts->part4_ext : &facts->part4;
    if (day < d->on || (day == d->on && years > d->years))
        *d = (oblig_decl_t){day, years};
}

int32_t oblig_protocol_in_force(void)
{
    return date_from_ymd(OBLIG_PROTOCOL_IN_FORCE_Y, OBLIG_PROTOCOL_IN_FORCE_M,
                         OBLIG_PROTOCOL_IN_FORCE_D);
}

int32_t oblig_entry_into_force(int32_t deposited)
{
    if (deposited == OBLIG_NEVER)
        return OBLIG_NEVER;
    int32_t own = deposited + OBLIG_ENTRY_DAYS,
            protocol = oblig_protocol_in_force();
    return own > protocol ? own : protocol;
}

bool oblig_is_party(const oblig_facts_t *facts, int32_t as_of)
{
    return facts->deposited <= as_of;
}

int oblig_art24_years(const oblig_facts_t *facts, int32_t as_of)
{
    int years = 0;
    if (facts->part4.on <= as_of)
        years += facts->part4.years;
    if (facts->part4_ext.on <= as_of)
        years += facts->part4_ext.years;
    return years;
}

int32_t oblig_npm_due(const oblig_facts_t *facts, int32_t as_of)
{
    int32_t eif = oblig_entry_into_force(facts->deposited);
    if (eif == OBLIG_NEVER)
        return OBLIG_NEVER;
    return date_add_months(eif, OBLIG_DESIGNATION_MONTHS +
                                    12 * oblig_art24_years(facts, as_of));
}

bool oblig_npm_overdue(const oblig_facts_t *facts, int32_t as_of)
{
    return oblig_is_party(facts, as_of) && facts->designated > as_of &&
           oblig_npm_due(facts, as_of) < as_of;
}
