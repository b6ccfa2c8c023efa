/*  report_say: the sections in a language written from a table of
    strings (see report_put.h). */
#ifndef OPCAT_REPORT_SAY_H
#define OPCAT_REPORT_SAY_H

#include <stdbool.h>
#include <stddef.h>

#include "report_put.h"
#include "report_sections.h"

/*  report_say.c: the sections in a table language, called by those of
    report_sec_*.c with the keys they read. */

void say_title(render_t *r);
void say_parties(render_t *r, const parties_t *p);
void say_sessions(render_t *r, const dated_t *items, size_t n);
void say_grants(render_t *r, long long grants, long long states,
                const json_t *named);
void say_contributions(render_t *r, const dated_t *items, size_t n, bool any);
void say_visits(render_t *r, const json_t *done, const json_t *later,
                long long interviews, long long persons);
void say_reports(render_t *r, long long sent, const json_t *sent_now,
                 long long published, const json_t *published_now);
void say_replies(render_t *r, const json_t *in, const json_t *out,
                 const json_t *state, const json_t *npm);
void say_designated(render_t *r, const json_t *designated);
void say_art17(render_t *r, const json_t *list);
void say_npm_total(render_t *r, long long shown, bool about);
void say_plan(render_t *r, const json_t *planned, const json_t *again,
              const json_t *fresh, int y);

#endif
