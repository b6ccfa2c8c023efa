/*  report_sec: the sections of the report, one file a family
    (report_sec_*.c; see report_put.h). */
#ifndef OPCAT_REPORT_SEC_H
#define OPCAT_REPORT_SEC_H

#include "report_put.h"

/*  report_sec_*.c: the sections, in the order report_render() calls
    them.  Each reads its keys of the contract first, then writes its
    prose in the rendering's language. */

/*  The title (with the report's number for a calendar year from 2011),
    the introduction with the reporting period, and the headings of
    chapter II and section II.A. */
void render_title(render_t *r);

/*  Section II.A: States parties and signatories, the States that joined
    in the period, and the two tables by regional group. */
void render_parties(render_t *r);

/*  Section II.B: the sessions held in the period. */
void render_sessions(render_t *r);

/*  Section II.D: the Special Fund's grants (and the States named) and
    contributions (and the donors).  Fails if grants were awarded but
    their total is empty. */
void render_fund(render_t *r);

/*  Section III.A: visits conducted (with their dates) and postponed,
    interviews, persons interviewed and the places of deprivation of
    liberty visited ("more than" where the stats give lower bounds). */
void render_visits(render_t *r);

/*  Section III.B: visit reports transmitted and published. */
void render_reports(render_t *r);

/*  Section III.C: replies to visit reports and follow-up dialogues with
    States parties and national preventive mechanisms. */
void render_replies(render_t *r);

/*  Section IV.A: national preventive mechanisms designated in the period,
    the article 17 list and the number of mechanisms designated. */
void render_npm(render_t *r);

/*  Section VI.B: the visits announced and still ahead. */
void render_plan(render_t *r);

#endif
