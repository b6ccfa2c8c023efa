/*  report_sec_npm: section IV.A, national preventive mechanisms and the
    article 17 list (see report_sec.h). */
#include "report_say.h"
#include "report_sec.h"

/* ------------------------------------------------------------------ */
/*  Section IV.A: national preventive mechanisms and the art. 17 list. */

/*  The number of mechanisms designated, as para 54 of the seed words
    it: "迄今为止，全球约有80个国家防范机制在开展工作。"; from 20 on, the
    count to the nearest ten, with "some"/"约". */
static void s_npm_total(render_t *r)
{
    long long n = render_count(r, "npm.designated_total");
    render_put(r, "\n");
    if (render_not_recorded(r, "npm.designated_total", WHAT_NPM_TOTAL, true))
        return;
    bool about = n >= 20;
    long long shown = about ? (n + 5) / 10 * 10 : n;
    if (r->lang)
        say_npm_total(r, shown, about);
    else if (r->zh)
        render_put(r, "迄今为止，全球%s有%s个国家防范机制在开展工作。\n",
                   about ? "约" : "", render_num(shown).text);
    else
        render_put(r,
                   "To date, %s%s national preventive %s operating "
                   "worldwide.\n",
                   about ? "some " : "", render_num(shown).text,
                   shown == 1 ? "mechanism is" : "mechanisms are");
}

static void s_designated_zh(render_t *r, const json_t *designated)
{
    render_put_when(r, true);
    if (json_array_size(designated)) {
        render_put(r, "，小组委员会接受并感谢");
        render_put_states(r, designated, false);
        render_put(r, "关于建立国家防范机制的通知。\n\n");
    } else {
        render_put(r, "，小组委员会未收到关于建立国家防范机制的通知。\n\n");
    }
}

static void s_designated_en(render_t *r, const json_t *designated)
{
    if (json_array_size(designated)) {
        render_put_when(r, true);
        render_put(r,
                   ", the Subcommittee received, with thanks, notifications of "
                   "the establishment of national preventive mechanisms from ");
        render_put_states(r, designated, false);
    } else {
        render_put(r, "The Subcommittee received no notification of the "
                      "establishment of a national preventive mechanism ");
        render_put_when(r, false);
    }
    render_put(r, ".\n\n");
}

static void s_art17_zh(render_t *r, const json_t *list)
{
    render_put_as_at(r, true);
    if (json_array_size(list)) {
        render_put(r, "，以下%s个缔约国被列入不遵守第17条的国家名单：",
                   render_num((long long)json_array_size(list)).text);
        render_put_states(r, list, true);
        render_put(r, "。\n");
    } else {
        render_put(r, "，没有缔约国被列入不遵守第17条的国家名单。\n");
    }
}

static void s_art17_en(render_t *r, const json_t *list)
{
    render_put_as_at(r, true);
    size_t n = json_array_size(list);
    if (n) {
        render_put(r, ", the following ");
        render_put_things(r, (long long)n, true, "State party was",
                          "States parties were");
        render_put(r, " on the list of States parties not in compliance with "
                      "article 17 of the Optional Protocol: ");
        render_put_states(r, list, false);
    } else {
        render_put(r,
                   ", no State party was on the list of States parties not in "
                   "compliance with article 17 of the Optional Protocol");
    }
    render_put(r, ".\n");
}

void render_npm(render_t *r)
{
    const json_t *designated = render_states(r, "npm.designated_in_period");
    const json_t *list = render_states(r, "npm.art17_list");
    render_put(r, "%s",
               r->lang ? r->lang->npm_head
               : r->zh
                   ? "## 四. 国家防范机制\n\n### A. 国家在防范机制方面的义务"
                     "\n\n"
                   : "## IV. National preventive mechanisms\n\n### A. "
                     "Obligations of States parties regarding national "
                     "preventive mechanisms\n\n");
    if (!render_not_recorded(r, "npm.designated_in_period", WHAT_DESIGNATED,
                             false))
        (r->lang ? say_designated
         : r->zh ? s_designated_zh
                 : s_designated_en)(r, designated);
    if (!render_not_recorded(r, "npm.art17_list", WHAT_ART17, true))
        (r->lang ? say_art17 : r->zh ? s_art17_zh : s_art17_en)(r, list);
    s_npm_total(r);
}
