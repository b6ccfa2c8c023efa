/*  states: the States parties and signatories of a stats answer, by
    region, and those that joined in the period. */
#include "agg_states.h"

#include <string.h>

#include "agg_build.h"
#include "kv.h"

static json_t *s_regions_object(const uint32_t counts[AGG_REGION_COUNT + 1])
{
    json_t *obj = json_object();
    for (int i = 0; i < AGG_REGION_COUNT; i++)
        json_object_set_new(obj, agg_regions_name(i), json_integer(counts[i]));
    if (counts[AGG_REGION_COUNT]) /* States the regions file does not list */
        json_object_set_new(obj, "unknown",
                            json_integer(counts[AGG_REGION_COUNT]));
    return obj;
}

static const char *s_instrument(char c)
{
    return c == 'a' ? "accession" : c == 's' ? "succession" : "ratification";
}

/*  Marks the State figures incomplete where this State's dates may or
    may not lie before the as-of day or in the period. */
static void s_state_known(agg_build_t *b, const agg_state_rec_t *rec)
{
    bool party_unsure =
        rec->ratified_from <= b->as_of && rec->ratified_on > b->as_of;
    if (party_unsure) {
        agg_build_incomplete(b, "states_parties.total");
        agg_build_incomplete(b, "signatories.total");
    }
    if (rec->ratified_on <= b->as_of && rec->ratified_on >= b->from &&
        rec->ratified_from < b->from)
        agg_build_incomplete(b, "states_parties.joined_in_period");
    if (party_unsure && rec->ratified_from >= b->from)
        agg_build_incomplete(b, "states_parties.joined_in_period");
    if (rec->ratified_on > b->as_of && rec->signed_from <= b->as_of &&
        rec->signed_on > b->as_of)
        agg_build_incomplete(b, "signatories.total");
}

/*  The States figures as one scan of the States table adds them up. */
typedef struct {
    agg_build_t *b;
    uint32_t parties[AGG_REGION_COUNT + 1], signs[AGG_REGION_COUNT + 1];
    uint32_t nparties;
    json_t *joined, *joined_on, *signatories;
} states_t;

/*  One State: a party, a signatory or neither on the as-of day. */
static int s_state_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    states_t *st = arg;
    agg_build_t *b = st->b;
    agg_state_rec_t rec;
    char code[4];
    if (!agg_tab_state_of(key, val, code, &rec))
        return 0;
    int r = agg_regions_at(b->regions, code, b->as_of);
    r = r < 0 ? AGG_REGION_COUNT : r;
    s_state_known(b, &rec);
    if (rec.ratified_on <= b->as_of) {
        st->nparties++;
        st->parties[r]++;
        b->npm_total += rec.designated_on <= b->as_of;
        if (rec.ratified_from >= b->from) {
            json_array_append_new(st->joined, json_string(code));
            json_array_append_new(
                st->joined_on,
                json_pack("{s:s,s:o,s:s}", "state", code, "on",
                          agg_build_date(rec.ratified_on), "instrument",
                          s_instrument(rec.instrument)));
        }
    } else if (rec.signed_on <= b->as_of) {
        st->signs[r]++;
        json_array_append_new(st->signatories, json_string(code));
    }
    return 0;
}

/*  The totals, and the path of each breakdown of them: by region, and
    the signatories' list. */
static const char *const s_breakdowns[][2] = {
    {"states_parties.total", "states_parties.by_region"},
    {"signatories.total", "signatories.by_region"},
    {"signatories.total", "signatories.states"}};

/*  Marks the totals incomplete where their facts are not all recorded
    since the beginning, and with a total its breakdowns: the regions'
    counts, and the signatories' list, add up to the total, so one not
    known leaves them unknown too.  The breakdown's own path is listed so that a
    reader of one region's count ("signatories.by_region.africa") finds
    the mark as it finds any other: on the path or one above it. */
static void s_totals_known(agg_build_t *b)
{
    agg_build_coverage(b, "states_parties.total", "state.ratified", true);
    agg_build_coverage(b, "signatories.total", "state.signed", true);
    for (size_t i = 0; i < sizeof s_breakdowns / sizeof s_breakdowns[0]; i++)
        if (agg_build_marked(b, s_breakdowns[i][0]))
            agg_build_incomplete(b, s_breakdowns[i][1]);
}

void agg_states_section(agg_build_t *b, json_t *out)
{
    states_t st = {.b = b,
                   .joined = json_array(),
                   .joined_on = json_array(),
                   .signatories = json_array()};
    b->rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_STATES], NULL, NULL, 0,
                    s_state_record, &st);
    json_object_set_new(
        out, "states_parties",
        json_pack("{s:i,s:o,s:o,s:o}", "total", (json_int_t)st.nparties,
                  "by_region", s_regions_object(st.parties), "joined_in_period",
                  st.joined, "joined_in_period_on", st.joined_on));
    json_object_set_new(out, "signatories",
                        json_pack("{s:i,s:o,s:o}", "total",
                                  (json_int_t)json_array_size(st.signatories),
                                  "by_region", s_regions_object(st.signs),
                                  "states", st.signatories));
    s_totals_known(b);
}
