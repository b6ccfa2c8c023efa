/*  report_say: the sections in a language written from a table of
    strings (report_lang.c; see report_say.h).

    Each function reads nothing from the stats object itself: the section
    of report_sec_*.c reads the keys and hands them here when the
    rendering's language has a table.  A sentence is one template of the
    table; its pieces (a date, a list of States, a sum) are written into a
    side buffer first, then put in the template's places (render_begin()
    and render_say() of report_put.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "datefmt.h"
#include "report_say.h"

/*  The pieces a sentence takes, each written in the rendering's
    language and kept in 'p' until render_pieces_free(). */
static const char *s_states(render_t *r, const json_t *list, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_states(r, list, false);
    return render_end(r, &saved, p);
}

static const char *s_day(render_t *r, int32_t day, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_day(r, day);
    return render_end(r, &saved, p);
}

static const char *s_when(render_t *r, bool lead, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_when(r, lead);
    return render_end(r, &saved, p);
}

static const char *s_as_at(render_t *r, bool lead, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_as_at(r, lead);
    return render_end(r, &saved, p);
}

static const char *s_sums(render_t *r, const char *path, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_sums(r, path);
    return render_end(r, &saved, p);
}

static const char *s_name(render_t *r, const char *code, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_state(r, code, false);
    return render_end(r, &saved, p);
}

static const char *s_fig(render_t *r, long long n, pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_count(r, n, false);
    return render_end(r, &saved, p);
}

/*  Writes the separator before item 'i' of 'n', which begins with
    'next' ("A, B et C"). */
static void s_sep(render_t *r, size_t i, size_t n, const char *next)
{
    if (i + 1 == n && i)
        render_put_and(r, next);
    else if (i)
        render_put(r, "%s", r->lang->sep);
}

/* ------------------------------------------------------------------ */
/*  The title and section II.A. */

void say_title(render_t *r)
{
    pieces_t p = {0};
    int number = render_report_number(r);
    const char *num = s_fig(r, number, &p);
    textbuf_t saved;
    render_begin(r, &saved);
    render_put_period(r);
    const char *period = render_end(r, &saved, &p);
    render_say(r, number ? r->lang->title_n : r->lang->title, num);
    render_say(r, r->lang->intro, num, period);
    render_pieces_free(&p);
}

/*  The index of an item's instrument in the table's list. */
static size_t s_instrument(const json_t *item)
{
    const char *inst = json_string_value(json_object_get(item, "instrument"));
    if (inst && strcmp(inst, "accession") == 0)
        return 0;
    return inst && strcmp(inst, "succession") == 0 ? 2 : 1;
}

/*  "Bangladesh (adhésion, 17 juillet 2025) et Colombie (...)". */
static const char *s_joined(render_t *r, const json_t *joined_on, pieces_t *p)
{
    size_t n;
    dated_t *items =
        render_dated(r, joined_on, "states_parties.joined_in_period_on", "on",
                     NULL, false, &n);
    textbuf_t saved;
    render_begin(r, &saved);
    for (size_t i = 0; items && i < n; i++) {
        pieces_t one = {0};
        const char *name = s_name(r, items[i].code, &one);
        s_sep(r, i, n, name);
        render_say(r, r->lang->joined_item, name,
                   r->lang->instruments[s_instrument(items[i].item)],
                   s_day(r, items[i].day, &one));
        render_pieces_free(&one);
    }
    free(items);
    return render_end(r, &saved, p);
}

/*  The counts' sentence: both counts, or the one known and a
    paragraph for each one not recorded. */
static void s_counts(render_t *r, const parties_t *f, pieces_t *p)
{
    const report_lang_t *L = r->lang;
    const char *note = f->signatories ? "[^signatories]" : "";
    if (f->parties_known && f->signatories_known) {
        render_say(r, L->parties, s_as_at(r, true, p), s_fig(r, f->parties, p),
                   s_fig(r, f->signatories, p));
        render_put(r, "%s ", note);
        return;
    }
    if (f->parties_known)
        render_say(r, L->parties_only, s_as_at(r, true, p),
                   s_fig(r, f->parties, p));
    else if (f->signatories_known) {
        render_say(r, L->signatories_only, s_as_at(r, true, p),
                   s_fig(r, f->signatories, p));
        render_put(r, "%s", note);
    }
    if (f->parties_known || f->signatories_known)
        render_put(r, "\n\n");
    render_counts_not_recorded(r);
}

void say_parties(render_t *r, const parties_t *f)
{
    const report_lang_t *L = r->lang;
    pieces_t p = {0};
    s_counts(r, f, &p);
    if (!render_not_recorded(r, "states_parties.joined_in_period", WHAT_JOINED,
                             false)) {
        if (json_array_size(f->joined_on))
            render_say(r, L->joined, s_when(r, true, &p),
                       s_joined(r, f->joined_on, &p));
        else
            render_say(r, L->joined_none, s_when(r, true, &p));
        render_put(r, "\n\n");
    }
    if (f->parties_known) {
        render_put(r, "%s\n\n", L->parties_regions);
        render_region_table(r, "states_parties.by_region", L->parties_col);
    }
    if (f->signatories_known) {
        render_put(r, "%s\n\n", L->signatories_regions);
        render_region_table(r, "signatories.by_region", L->signatories_col);
    }
    if (f->signatories_known && f->signatories) {
        render_put(r, "[^signatories]: ");
        render_say(r, L->signatories_note, s_as_at(r, true, &p),
                   s_states(r, f->signed_list, &p));
        render_put(r, "\n\n");
    }
    render_pieces_free(&p);
}

/* ------------------------------------------------------------------ */
/*  Section II.B: sessions. */

/*  "55e session (du 27 janvier 2025 au 7 février 2025) et ...", "35e
    session (juin 2018)". */
static const char *s_session_list(render_t *r, const dated_t *items, size_t n,
                                  pieces_t *p)
{
    textbuf_t saved;
    render_begin(r, &saved);
    for (size_t i = 0; i < n; i++) {
        pieces_t one = {0};
        long long number =
            json_integer_value(json_object_get(items[i].item, "number"));
        textbuf_t inner;
        render_begin(r, &inner);
        render_put_session_when(r, &items[i]);
        const char *range = render_end(r, &inner, &one);
        s_sep(r, i, n, "");
        render_say(r, r->lang->session, s_fig(r, number, &one), range);
        render_pieces_free(&one);
    }
    return render_end(r, &saved, p);
}

void say_sessions(render_t *r, const dated_t *items, size_t n)
{
    pieces_t p = {0};
    const char *place = render_session_place(r, items, n);
    const char *where = !place                           ? ""
                        : strcmp(place, "Geneva") == 0   ? r->lang->geneva
                        : strcmp(place, "New York") == 0 ? r->lang->new_york
                                                         : "";
    if (n)
        render_say(r, r->lang->sessions, s_when(r, true, &p), where,
                   s_session_list(r, items, n, &p));
    else
        render_say(r, r->lang->sessions_none, s_when(r, true, &p));
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

/* ------------------------------------------------------------------ */
/*  Section II.D: the Special Fund. */

void say_grants(render_t *r, long long grants, long long states,
                const json_t *named)
{
    pieces_t p = {0};
    if (grants) {
        render_say(r, r->lang->grants, s_when(r, true, &p),
                   s_sums(r, "fund.grants_in_period.total", &p),
                   s_fig(r, grants, &p), s_fig(r, states, &p));
        if (json_array_size(named))
            render_say(r, r->lang->grants_named, s_states(r, named, &p));
    } else {
        render_say(r, r->lang->grants_none, s_when(r, true, &p));
    }
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

/*  The donors whose "first" is 'first', each with its amount. */
static const char *s_donors(render_t *r, const dated_t *items, size_t n,
                            bool first, pieces_t *p)
{
    const char *path = "fund.contributions_by_donor_in_period";
    size_t total = 0, done = 0;
    for (size_t i = 0; i < n; i++)
        total += json_is_true(json_object_get(items[i].item, "first")) == first;
    textbuf_t saved;
    render_begin(r, &saved);
    for (size_t i = 0; i < n; i++) {
        if (json_is_true(json_object_get(items[i].item, "first")) != first)
            continue;
        pieces_t one = {0};
        const char *currency =
            json_string_value(json_object_get(items[i].item, "currency"));
        textbuf_t inner;
        render_begin(r, &inner);
        render_put_money(r, path, currency ? currency : "",
                         json_object_get(items[i].item, "amount"));
        const char *money = render_end(r, &inner, &one);
        const char *name = s_name(r, items[i].code, &one);
        s_sep(r, done++, total, name);
        render_say(r, r->lang->donor, name, money);
        render_pieces_free(&one);
    }
    return render_end(r, &saved, p);
}

void say_contributions(render_t *r, const dated_t *items, size_t n, bool any)
{
    pieces_t p = {0};
    size_t firsts = 0;
    for (size_t i = 0; i < n; i++)
        firsts += json_is_true(json_object_get(items[i].item, "first"));
    if (firsts)
        render_say(r, r->lang->donors_first, s_donors(r, items, n, true, &p));
    if (firsts && firsts < n)
        render_say(r, r->lang->donors_other, s_donors(r, items, n, false, &p));
    else if (firsts < n)
        render_say(r, r->lang->donors, s_donors(r, items, n, false, &p));
    if (n)
        render_put(r, "\n\n");
    if (any)
        render_say(r, r->lang->contributions, s_when(r, true, &p),
                   s_sums(r, "fund.contributions_in_period", &p));
    else
        render_say(r, r->lang->contributions_none, s_when(r, true, &p));
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

/* ------------------------------------------------------------------ */
/*  Section III.A: visits. */

/*  A figure of "visits", with "plus de" where it is a lower bound. */
static const char *s_figure(render_t *r, const char *key, long long n,
                            pieces_t *p)
{
    const char *fig = s_fig(r, n, p);
    if (!render_more_than(r, key))
        return fig;
    textbuf_t saved;
    render_begin(r, &saved);
    render_say(r, r->lang->more_than, fig);
    return render_end(r, &saved, p);
}

/*  "Pérou (du 15 juin 2025 au 21 juin 2025) et ...". */
static const char *s_visit_list(render_t *r, const json_t *dates, pieces_t *p)
{
    size_t n;
    dated_t *items = render_dated(r, dates, "visits.completed_dates_in_period",
                                  "start", "end", true, &n);
    textbuf_t saved;
    render_begin(r, &saved);
    for (size_t i = 0; items && i < n; i++) {
        pieces_t one = {0};
        const char *name = s_name(r, items[i].code, &one);
        s_sep(r, i, n, name);
        int end = render_item_precision(r, &items[i], "end");
        if (items[i].day == INT32_MAX && end == DATEFMT_DAY) {
            render_put(r, "%s", name); /* the first day is not recorded */
        } else {
            textbuf_t inner;
            render_begin(r, &inner);
            if (items[i].day == INT32_MAX) /* "au plus tard le ..." */
                render_put_date(r, items[i].end, end);
            else
                render_put_range(r, items[i].day, items[i].end, true);
            render_say(r, r->lang->visit, name, render_end(r, &inner, &one));
        }
        render_pieces_free(&one);
    }
    free(items);
    return render_end(r, &saved, p);
}

/*  The places by category: "prisons (29), postes de police (35) et ...". */
static void s_places(render_t *r)
{
    long long counts[PLACE_KINDS], sum, total;
    if (!render_places_visited(r, counts, &sum, &total))
        return;
    pieces_t p = {0};
    size_t left = 0, done = 0;
    for (size_t i = 0; i < PLACE_KINDS; i++)
        left += counts[i] != 0;
    textbuf_t saved;
    render_begin(r, &saved);
    for (size_t i = 0; i < PLACE_KINDS; i++) {
        if (!counts[i])
            continue;
        pieces_t one = {0};
        s_sep(r, done++, left, r->lang->place_kinds[i]);
        render_say(r, r->lang->place, r->lang->place_kinds[i],
                   s_fig(r, counts[i], &one));
        render_pieces_free(&one);
    }
    const char *list = render_end(r, &saved, &p);
    render_say(r, left ? r->lang->places_all : r->lang->places,
               s_figure(r, "places_total_in_period", total ? total : sum, &p),
               list);
    render_pieces_free(&p);
}

void say_visits(render_t *r, const json_t *done, const json_t *later,
                long long interviews, long long persons)
{
    const report_lang_t *L = r->lang;
    pieces_t p = {0};
    if (json_array_size(later))
        render_say(r, L->postponed, s_states(r, later, &p));
    if (!json_array_size(done)) {
        render_say(r, L->visits_none, s_when(r, true, &p));
        render_put(r, "\n\n");
        render_pieces_free(&p);
        return;
    }
    render_say(r, L->visits, s_when(r, false, &p),
               s_fig(r, (long long)json_array_size(done), &p),
               s_visit_list(r, done, &p));
    render_put(r, "\n\n");
    if (render_incomplete(r, "visits.interviews_in_period"))
        render_put(r, "%s", L->interviews_unknown);
    else if (interviews)
        render_say(r, persons ? L->interviews_persons : L->interviews,
                   s_figure(r, "interviews_in_period", interviews, &p),
                   s_figure(r, "persons_interviewed_in_period", persons, &p));
    s_places(r);
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

/* ------------------------------------------------------------------ */
/*  Sections III.B and III.C: visit reports, replies and dialogues. */

void say_reports(render_t *r, long long sent, const json_t *sent_now,
                 long long published, const json_t *published_now)
{
    const report_lang_t *L = r->lang;
    pieces_t p = {0};
    long long stated;
    bool said = render_incomplete(r, "reports.transmitted_in_period") &&
                render_stated(r, RENDER_REPORTS_STATED, &stated);
    render_put(r, "%s", L->reports_head);
    if (render_incomplete(r, "reports.transmitted_total")) {
        render_say(r, L->reports_unknown, s_as_at(r, false, &p));
        if (said) {
            render_put(r, " ");
            render_say(r, L->reports_stated, s_when(r, true, &p),
                       s_fig(r, stated, &p));
        }
        render_put(r, "\n\n");
        render_pieces_free(&p);
        return;
    }
    render_say(r, L->reports_sent, s_as_at(r, true, &p), s_fig(r, sent, &p));
    if (said) {
        render_put(r, ". ");
        render_say(r, L->reports_stated, s_when(r, true, &p),
                   s_fig(r, stated, &p));
        render_put(r, "\n\n");
    } else if (render_incomplete(r, "reports.transmitted_in_period")) {
        render_put(r, "%s.\n\n", L->reports_sent_part);
    } else if (json_array_size(sent_now)) {
        render_say(r, L->reports_sent_now, s_states(r, sent_now, &p));
        render_put(r, ".\n\n");
    } else {
        render_put(r, ".\n\n");
    }
    if (sent) {
        render_say(r, L->reports_published, s_as_at(r, false, &p),
                   s_fig(r, published, &p));
        if (json_array_size(published_now))
            render_say(r, L->reports_published_now,
                       s_states(r, published_now, &p));
        render_put(r, ".\n\n");
    }
    render_pieces_free(&p);
}

/*  "À la fin de 2025" when the answer is as at 31 December, else "Au
    <date>". */
static const char *s_by_end(render_t *r, pieces_t *p)
{
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    if (m != 12 || d != 31)
        return s_as_at(r, true, p);
    textbuf_t saved;
    render_begin(r, &saved);
    char year[16];
    snprintf(year, sizeof year, "%d", y);
    render_say(r, r->lang->by_end, year);
    return render_end(r, &saved, p);
}

void say_replies(render_t *r, const json_t *in, const json_t *out,
                 const json_t *state, const json_t *npm)
{
    const report_lang_t *L = r->lang;
    pieces_t p = {0};
    render_put(r, "%s", L->replies_head);
    if (render_incomplete(r, "replies.received_in_period"))
        render_put(r, "%s", L->replies_unknown);
    else if (json_array_size(in))
        render_say(r, L->replies, s_states(r, in, &p));
    else
        render_put(r, "%s", L->replies_none);
    if (json_array_size(out))
        render_say(r, L->replies_public, s_states(r, out, &p));
    render_put(r, "\n\n");
    if (render_incomplete(r, "followup_dialogues_in_period.state"))
        render_say(r, L->dialogues_unknown, s_when(r, false, &p));
    else if (json_array_size(state))
        render_say(r, L->dialogues, s_when(r, true, &p),
                   s_states(r, state, &p));
    else
        render_say(r, L->dialogues_none, s_when(r, true, &p));
    render_put(r, "\n\n");
    if (json_array_size(npm)) {
        render_say(r, L->npm_dialogues, s_by_end(r, &p), s_states(r, npm, &p));
        render_put(r, "\n\n");
    }
    render_pieces_free(&p);
}

/* ------------------------------------------------------------------ */
/*  Sections IV.A and VI.B: mechanisms and the plan of work. */

void say_designated(render_t *r, const json_t *designated)
{
    pieces_t p = {0};
    if (json_array_size(designated))
        render_say(r, r->lang->designated, s_when(r, true, &p),
                   s_states(r, designated, &p));
    else
        render_say(r, r->lang->designated_none, s_when(r, true, &p));
    render_put(r, "\n\n");
    render_pieces_free(&p);
}

void say_art17(render_t *r, const json_t *list)
{
    pieces_t p = {0};
    size_t n = json_array_size(list);
    if (n)
        render_say(r, r->lang->art17, s_as_at(r, true, &p),
                   s_fig(r, (long long)n, &p), s_states(r, list, &p));
    else
        render_say(r, r->lang->art17_none, s_as_at(r, true, &p));
    render_put(r, "\n");
    render_pieces_free(&p);
}

void say_npm_total(render_t *r, long long shown, bool about)
{
    pieces_t p = {0};
    const char *fig = s_fig(r, shown, &p);
    if (about) {
        textbuf_t saved;
        render_begin(r, &saved);
        render_say(r, r->lang->about, fig);
        fig = render_end(r, &saved, &p);
    }
    render_say(r, r->lang->npm_total, fig);
    render_put(r, "\n");
    render_pieces_free(&p);
}

void say_plan(render_t *r, const json_t *planned, const json_t *again,
              const json_t *fresh, int y)
{
    const report_lang_t *L = r->lang;
    pieces_t p = {0};
    const char *when = "";
    if (r->full_year) {
        textbuf_t saved;
        render_begin(r, &saved);
        char year[16];
        snprintf(year, sizeof year, "%d", y + 1);
        render_say(r, L->plan_year, year);
        when = render_end(r, &saved, &p);
    }
    render_put(r, "%s", L->plan_head);
    if (json_array_size(again))
        render_say(r, L->plan_again, when, s_states(r, again, &p));
    if (json_array_size(again) && json_array_size(fresh))
        render_put(r, " ");
    if (json_array_size(fresh))
        render_say(r, L->plan_fresh, when, s_states(r, fresh, &p));
    if (!json_array_size(planned))
        render_put(r, "%s", L->plan_none);
    render_put(r, "\n");
    render_pieces_free(&p);
}
