/*  npm: a State's NPM deadline and the art. 17 lists from the tables, and
    the NPM section of a stats answer. */
#include "agg_npm.h"

#include <string.h>

#include "agg_build.h"
#include "agg_known.h"
#include "date.h"
#include "kv.h"

/*  One art. 24 declaration of the State. */
static int s_art24_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    oblig_facts_t *facts = arg;
    const uint8_t *k = key->mv_data, *v = val->mv_data;
    if (key->mv_size != 15)
        return KV_STOP;
    /* a 2-byte value predates the extension flag: an initial one */
    if (val->mv_size >= 2)
        oblig_note_art24(facts, v[0] == 4 ? "IV" : "III", v[1],
                         val->mv_size > 2 && v[2], date_key_get(k + 3));
    return 0;
}

int agg_npm_oblig_facts(agg_tx_t *tx, const char *state,
                        const agg_state_rec_t *rec, oblig_facts_t *facts)
{
    uint8_t start[7];
    memcpy(start, state, 3);
    date_key_put(start + 3, INT32_MIN);
    MDB_val from = {sizeof start, start};
    oblig_facts_init(facts);
    if (rec->ratified_on != AGG_NEVER)
        oblig_note_deposit(facts, rec->ratified_on);
    if (rec->designated_on != AGG_NEVER)
        oblig_note_designation(facts, rec->designated_on);
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART24], &from, state, 3,
                   s_art24_record, facts);
}

int agg_npm_due(agg_tx_t *tx, const char *state, const agg_state_rec_t *rec,
                int32_t as_of, int32_t *due, int *years)
{
    oblig_facts_t facts;
    int rc = agg_npm_oblig_facts(tx, state, rec, &facts);
    if (years)
        *years = oblig_art24_years(&facts, as_of);
    int32_t d = oblig_npm_due(&facts, as_of);
    *due = d == OBLIG_NEVER ? AGG_NEVER : d;
    return rc;
}

typedef struct {
    int32_t as_of;
    bool *listed;
} listed_t;

/*  One change of the State's listing, in date order: up to as_of, the
    last one says whether it is on the list. */
static int s_listing_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    listed_t *l = arg;
    const uint8_t *k = key->mv_data;
    if (key->mv_size != 8 || date_key_get(k + 3) > l->as_of)
        return KV_STOP;
    *l->listed = k[7] == AGG_ART17_LISTED;
    return 0;
}

int agg_npm_art17_listed(agg_tx_t *tx, const char *state, int32_t as_of,
                         bool *listed)
{
    listed_t l = {as_of, listed};
    *listed = false;
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART17], NULL, state, 3,
                   s_listing_record, &l);
}

typedef struct {
    agg_tx_t *tx;
    int32_t as_of;
    char last[4]; /* the State of the previous record */
    json_t *array;
} art17_list_t;

/*  The first record of each State: the State listed or not on as_of. */
static int s_art17_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    art17_list_t *a = arg;
    if (memcmp(key->mv_data, a->last, 3) == 0)
        return 0;
    memcpy(a->last, key->mv_data, 3);
    bool listed;
    int rc = agg_npm_art17_listed(a->tx, a->last, a->as_of, &listed);
    if (!rc && listed)
        json_array_append_new(a->array, json_string(a->last));
    return rc;
}

int agg_npm_art17_list(agg_tx_t *tx, int32_t as_of, json_t *array)
{
    art17_list_t a = {tx, as_of, "", array};
    return kv_each(tx->txn, tx->dbi[AGG_DB_ART17], NULL, NULL, 0,
                   s_art17_record, &a);
}

typedef struct {
    agg_tx_t *tx;
    int32_t as_of;
    json_t *array;
} art17_overdue_t;

/*  One State: in the array if its NPM is overdue on as_of. */
static int s_overdue_state(void *arg, const MDB_val *key, const MDB_val *val)
{
    art17_overdue_t *a = arg;
    agg_state_rec_t rec;
    char code[4];
    if (!agg_tab_state_of(key, val, code, &rec))
        return 0;
    oblig_facts_t facts;
    int rc = agg_npm_oblig_facts(a->tx, code, &rec, &facts);
    if (!rc && oblig_npm_overdue(&facts, a->as_of))
        json_array_append_new(a->array, json_string(code));
    return rc;
}

int agg_npm_art17_overdue(agg_tx_t *tx, int32_t as_of, json_t *array)
{
    art17_overdue_t a = {tx, as_of, array};
    return kv_each(tx->txn, tx->dbi[AGG_DB_STATES], NULL, NULL, 0,
                   s_overdue_state, &a);
}

void agg_npm_section(agg_build_t *b, json_t *out)
{
    json_t *designated = agg_build_figure(b, "npm.designated_in_period",
                                          AGG_SET_DESIGNATED, "npm.designated");
    /* the lists as of a day hold every fact before it */
    agg_build_coverage(b, "npm.art17_list", "art17.", true);
    agg_build_vague(b, "npm.art17_list", AGG_VAGUE_ART17, INT32_MIN, NULL);
    agg_build_coverage(b, "npm.art17_overdue_computed", "npm.designated", true);
    json_t *list = json_array(), *overdue = json_array();
    if (!b->rc)
        b->rc = agg_npm_art17_list(b->tx, b->as_of, list);
    if (!b->rc)
        b->rc = agg_npm_art17_overdue(b->tx, b->as_of, overdue);
    json_object_set_new(out, "npm",
                        json_pack("{s:o,s:o,s:o,s:I}", "designated_in_period",
                                  designated, "art17_list", list,
                                  "art17_overdue_computed", overdue,
                                  "designated_total", b->npm_total));
}
