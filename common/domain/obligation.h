/*  obligation: what a State owes under the Protocol, from its facts.

    One computation of a State's treaty dates, used by every service and
    view (the reminder service, the aggregation service, the gateway and
    opcatctl read its answers), so that no two screens disagree:

      entry into force  art. 28: the Protocol entered into force on
                        2006-06-22, the 30th day after the 20th instrument
                        (23 May 2006).  An instrument deposited up to that
                        day takes effect then (art. 28(1)); a later one on
                        the 30th day after its deposit (art. 28(2)):
                        max(2006-06-22, deposit + 30 days).
      NPM due           art. 17: one year after entry into force, plus the
                        years of an art. 24 Part IV postponement: the
                        initial declaration (art. 24(1), up to 3 years) and
                        an extension (art. 24(2), up to 2 more), each
                        counted only from its own date on.  A Part III
                        postponement (visits) does not move it.

    Pure functions over an oblig_facts_t: no I/O, no clock.  Days are
    date.h day numbers.  The facts are kept commutatively (the earliest
    of each kind counts), so they do not depend on the order in which the
    events arrive. */
#ifndef OPCAT_OBLIGATION_H
#define OPCAT_OBLIGATION_H

#include <stdbool.h>
#include <stdint.h>

/*  A day that never comes: "no such fact". */
#define OBLIG_NEVER INT32_MAX

/*  art. 28(1): the day the Protocol itself entered into force. */
#define OBLIG_PROTOCOL_IN_FORCE_Y 2006
#define OBLIG_PROTOCOL_IN_FORCE_M 6
#define OBLIG_PROTOCOL_IN_FORCE_D 22

/*  One art. 24 Part IV declaration: its day (OBLIG_NEVER: none) and its
    years. */
typedef struct {
    int32_t on;
    int years;
} oblig_decl_t;

/*  What the computation reads about one State.  Plain data, filled by
    oblig_facts_init() and the oblig_note_*() functions. */
typedef struct {
    int32_t deposited;      /* first instrument (state.ratified), or NEVER */
    int32_t designated;     /* first npm.designated, or NEVER */
    oblig_decl_t part4;     /* initial art. 24(1) Part IV declaration */
    oblig_decl_t part4_ext; /* art. 24(2) extension of it */
} oblig_facts_t;

/*  Sets every fact to "none". */
void oblig_facts_init(oblig_facts_t *facts);

/*  Notes a state.ratified on 'day' (the earliest counts). */
void oblig_note_deposit(oblig_facts_t *facts, int32_t day);

/*  Notes an npm.designated on 'day' (the earliest counts). */
void oblig_note_designation(oblig_facts_t *facts, int32_t day);

/*  Notes a state.declared_art24 of 'part' ("III" or "IV"), 'years',
    'extension', dated 'day'.  Part III is ignored (it moves no NPM date).
    Of two declarations of the same kind the earlier counts; on the same
    day, the longer. */
void oblig_note_art24(oblig_facts_t *facts, const char *part, int years,
                      bool extension, int32_t day);

/*  The Protocol's own entry into force (2006-06-22). */
int32_t oblig_protocol_in_force(void);

/*  art. 28: entry into force for a State depositing on 'deposited':
    max(2006-06-22, deposited + 30).  OBLIG_NEVER for OBLIG_NEVER. */
int32_t oblig_entry_into_force(int32_t deposited);

/*  Whether the State is a party on 'as_of' (deposited on or before). */
bool oblig_is_party(const oblig_facts_t *facts, int32_t as_of);

/*  The art. 24 Part IV years that count on 'as_of': each declaration's
    years once its own day is on or before 'as_of'. */
int oblig_art24_years(const oblig_facts_t *facts, int32_t as_of);

/*  art. 17 + 24: the NPM designation deadline as known on 'as_of':
    entry into force + 1 year + oblig_art24_years(), a day past the end
    of the target month clamped to its last day.  OBLIG_NEVER if the
    State has deposited no instrument. */
int32_t oblig_npm_due(const oblig_facts_t *facts, int32_t as_of);

/*  Whether the State is late designating its NPM on 'as_of': a party,
    its NPM due before 'as_of', no designation on or before 'as_of'. */
bool oblig_npm_overdue(const oblig_facts_t *facts, int32_t as_of);

#endif
