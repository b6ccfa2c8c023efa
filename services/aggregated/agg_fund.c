/*  fund: amounts of money as text, and the Special Fund section of a
    stats answer. */
#include "agg_fund.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg_build.h"
#include "kv.h"

void agg_fund_amount(int64_t cents, char out[32])
{
    snprintf(out, 32, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
}

typedef struct {
    agg_build_t *b;
    char tag;
    agg_summaries_t *acc;
} amounts_t;

/*  One currency of the counter (a NAMES key): its sum in the period. */
static int s_currency_record(void *arg, const MDB_val *key, const MDB_val *val)
{
    (void)val;
    amounts_t *a = arg;
    char code[4] = {0};
    if (key->mv_size != 4)
        return KV_STOP;
    memcpy(code, (const char *)key->mv_data + 1, 3);
    agg_build_add_amount(
        a->acc, code,
        agg_build_sum(a->b, a->tag, code, a->b->from, a->b->as_of));
    return 0;
}

/*  Adds to 'acc' the amounts of counter 'tag' in every currency it has. */
static void s_amounts(agg_build_t *b, char tag, agg_summaries_t *acc)
{
    uint8_t probe[4] = {(uint8_t)tag, 0, 0, 0};
    MDB_val from = {sizeof probe, probe};
    amounts_t a = {b, tag, acc};
    if (b->rc)
        return;
    int rc = kv_each(b->tx->txn, b->tx->dbi[AGG_DB_NAMES], &from, probe, 1,
                     s_currency_record, &a);
    if (!b->rc)
        b->rc = rc;
}

/*  The object {currency: "123.00"} of the non-zero amounts, sorted. */
static json_t *s_amount_object(agg_summaries_t *acc)
{
    json_t *obj = json_object();
    for (int i = 0; i < acc->currencies; i++) {
        int min = i;
        for (int j = i + 1; j < acc->currencies; j++)
            if (strcmp(acc->amounts[j].code, acc->amounts[min].code) < 0)
                min = j;
        if (min != i) {
            agg_amount_t tmp = acc->amounts[i];
            acc->amounts[i] = acc->amounts[min];
            acc->amounts[min] = tmp;
        }
        char text[32];
        agg_fund_amount(acc->amounts[i].cents, text);
        if (acc->amounts[i].cents)
            json_object_set_new(obj, acc->amounts[i].code, json_string(text));
    }
    return obj;
}

static int s_code_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*  A new array of the strings of 'codes', sorted, each once. */
static json_t *s_sorted_unique(const json_t *codes)
{
    size_t n = json_array_size(codes), i;
    const char **v = n ? calloc(n, sizeof *v) : NULL;
    json_t *out = json_array(), *item;
    if (n && !v)
        return out;
    json_array_foreach((json_t *)codes, i, item) v[i] = json_string_value(item);
    if (n)
        qsort(v, n, sizeof *v, s_code_cmp);
    for (i = 0; i < n; i++)
        if (v[i] && (i == 0 || !v[i - 1] || strcmp(v[i - 1], v[i]) != 0))
            json_array_append_new(out, json_string(v[i]));
    free(v);
    return out;
}

void agg_fund_section(agg_build_t *b, json_t *out)
{
    agg_summaries_t grants = {0}, contributions = {0};
    for (int i = 0; i < b->sum.currencies; i++)
        agg_build_add_amount(&grants, b->sum.amounts[i].code,
                             b->sum.amounts[i].cents);
    s_amounts(b, AGG_SUM_GRANT_AMOUNT, &grants);
    s_amounts(b, AGG_SUM_CONTRIB, &contributions);
    int64_t count = agg_build_sum(b, AGG_SUM_GRANTS, NULL, b->from, b->as_of) +
                    (int64_t)b->sum.grants;
    json_t *states = agg_build_figure(b, "fund.grants_in_period", AGG_SET_GRANT,
                                      "fund.grant");
    agg_build_vague(b, "fund.contributions_in_period", AGG_SUM_CONTRIB, b->from,
                    NULL);
    agg_build_coverage(b, "fund.contributions_in_period", "fund.contribution",
                       false);
    agg_build_coverage(b, "fund.contributions_by_donor_in_period",
                       "fund.contribution", false);
    agg_build_coverage(b, "fund.grants_in_period", "fund.grant", false);
    json_int_t nstates =
        (json_int_t)(json_array_size(states) + b->sum.grant_states);
    json_array_extend(states, b->sum.named);
    json_t *named = s_sorted_unique(states);
    json_decref(states);
    json_object_set_new(
        out, "fund",
        json_pack("{s:{s:I,s:I,s:o,s:o},s:o,s:o}", "grants_in_period", "count",
                  (json_int_t)count, "states", nstates, "total",
                  s_amount_object(&grants), "states_named", named,
                  "contributions_in_period", s_amount_object(&contributions),
                  "contributions_by_donor_in_period",
                  agg_build_items(b, AGG_ITEM_CONTRIB)));
}
