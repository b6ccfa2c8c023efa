/*  Unit tests of common/base/metrics: histograms, sets, merge, the text. */
#include "test_common.h"

#include <string.h>

#include "metrics.h"

static char *s_text(const json_t *set)
{
    size_t len = 0;
    char *text = metrics_text(set, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    return text;
}

static void test_histogram_buckets_are_cumulative_in_the_text(void **state)
{
    (void)state;
    metrics_hist_t h = {0};
    metrics_hist_observe(&h, 0.0002); /* le 0.00025 */
    metrics_hist_observe(&h, 0.003);  /* le 0.005 */
    metrics_hist_observe(&h, 0.003);
    metrics_hist_observe(&h, 60); /* only +Inf */
    metrics_hist_observe(&h, -1); /* counts as 0: the first bucket */
    assert_int_equal(h.count, 5);
    json_t *set = metrics_set_new();
    assert_int_equal(metrics_add_hist(set, "opcat_x_seconds", "X.",
                                      json_pack("{s:s}", "op", "stats"), &h),
                     0);
    char *text = s_text(set);
    assert_non_null(strstr(text, "# TYPE opcat_x_seconds histogram\n"));
    assert_non_null(
        strstr(text, "opcat_x_seconds_bucket{op=\"stats\",le=\"0.0001\"} 1\n"));
    assert_non_null(strstr(
        text, "opcat_x_seconds_bucket{op=\"stats\",le=\"0.00025\"} 2\n"));
    assert_non_null(
        strstr(text, "opcat_x_seconds_bucket{op=\"stats\",le=\"0.005\"} 4\n"));
    assert_non_null(
        strstr(text, "opcat_x_seconds_bucket{op=\"stats\",le=\"10\"} 4\n"));
    assert_non_null(
        strstr(text, "opcat_x_seconds_bucket{op=\"stats\",le=\"+Inf\"} 5\n"));
    assert_non_null(strstr(text, "opcat_x_seconds_count{op=\"stats\"} 5\n"));
    assert_non_null(strstr(text, "opcat_x_seconds_sum{op=\"stats\"} 60.0062"));
    free(text);
    json_decref(set);
}

static void test_a_family_is_written_once_with_all_its_samples(void **state)
{
    (void)state;
    json_t *set = metrics_set_new();
    assert_int_equal(metrics_add(set, "opcat_open", "gauge", "Open.",
                                 json_pack("{s:s}", "stage", "due"), 3),
                     0);
    assert_int_equal(metrics_add(set, "opcat_open", "gauge", "Open.",
                                 json_pack("{s:s}", "stage", "overdue"), 2),
                     0);
    /* the same name with another type is refused */
    assert_int_equal(
        metrics_add(set, "opcat_open", "counter", "Open.", NULL, 1), -1);
    char *text = s_text(set);
    assert_string_equal(text, "# HELP opcat_open Open.\n"
                              "# TYPE opcat_open gauge\n"
                              "opcat_open{stage=\"due\"} 3\n"
                              "opcat_open{stage=\"overdue\"} 2\n");
    free(text);
    json_decref(set);
}

static void test_names_and_labels_outside_the_grammar_are_refused(void **state)
{
    (void)state;
    json_t *set = metrics_set_new();
    assert_int_equal(metrics_add(set, "9lives", "gauge", "", NULL, 1), -1);
    assert_int_equal(metrics_add(set, "a b", "gauge", "", NULL, 1), -1);
    assert_int_equal(metrics_add(set, "ok", "summary", "", NULL, 1), -1);
    assert_int_equal(metrics_add(set, "ok", "gauge", "",
                                 json_pack("{s:s}", "bad-label", "x"), 1),
                     -1);
    assert_int_equal(
        metrics_add(set, "ok", "gauge", "", json_pack("{s:i}", "n", 1), 1), -1);
    assert_int_equal(
        metrics_add(set, "ok", "gauge", "", json_pack("{s:s}", "le", "1"), 1),
        -1);
    assert_int_equal(json_object_size(set), 0);
    json_decref(set);
}

static void test_label_values_and_help_are_escaped(void **state)
{
    (void)state;
    json_t *set = metrics_set_new();
    metrics_add(set, "opcat_e", "gauge", "a\\b\nc",
                json_pack("{s:s}", "v", "q\"\\\n"), 0.5);
    char *text = s_text(set);
    assert_string_equal(text, "# HELP opcat_e a\\\\b\\nc\n"
                              "# TYPE opcat_e gauge\n"
                              "opcat_e{v=\"q\\\"\\\\\\n\"} 0.5\n");
    free(text);
    json_decref(set);
}

static void test_merge_labels_each_sample_and_skips_the_malformed(void **state)
{
    (void)state;
    json_t *a = metrics_set_new(), *b = metrics_set_new(),
           *all = metrics_set_new();
    metrics_add(a, "opcat_events_applied_total", "counter", "Applied.", NULL,
                7);
    metrics_add(b, "opcat_events_applied_total", "counter", "Applied.", NULL,
                9);
    metrics_hist_t h = {0};
    metrics_hist_observe(&h, 0.01);
    metrics_add_hist(b, "opcat_q_seconds", "Q.", NULL, &h);
    assert_int_equal(metrics_merge(all, a, "daemon", "aggregated"), 0);
    assert_int_equal(metrics_merge(all, b, "daemon", "reminderd"), 0);
    /* what a daemon could send wrong: each bad sample skipped, counted */
    json_t *bad = json_loads(
        "{\"x\":{\"type\":\"summary\",\"samples\":[]},"
        "\"opcat_events_applied_total\":{\"type\":\"gauge\",\"help\":\"\","
        "\"samples\":[{\"labels\":{},\"value\":1}]},"
        "\"y\":{\"type\":\"gauge\",\"samples\":[{\"labels\":{},\"value\":\"1\"}"
        ","
        "{\"labels\":[],\"value\":1},{\"value\":1}]},"
        "\"z\":{\"type\":\"histogram\",\"samples\":[{\"labels\":{},"
        "\"bounds\":[1],\"buckets\":[],\"sum\":0,\"count\":0}]}}",
        0, NULL);
    assert_non_null(bad);
    assert_int_equal(metrics_merge(all, bad, "daemon", "x"), 6);
    assert_int_equal(metrics_merge(all, json_null(), "daemon", "x"), 1);
    char *text = s_text(all);
    assert_non_null(strstr(text, "# TYPE opcat_events_applied_total counter\n"
                                 "opcat_events_applied_total{daemon="
                                 "\"aggregated\"} 7\n"
                                 "opcat_events_applied_total{daemon="
                                 "\"reminderd\"} 9\n"));
    assert_non_null(strstr(
        text, "opcat_q_seconds_bucket{daemon=\"reminderd\",le=\"0.01\"} 1\n"));
    assert_null(strstr(text, "daemon=\"x\""));
    free(text);
    json_decref(bad);
    json_decref(a);
    json_decref(b);
    json_decref(all);
}

static void test_process_and_build_info_families(void **state)
{
    (void)state;
    json_t *set = metrics_set_new();
    metrics_add_process(set);
    metrics_add_build_info(set);
    static const char *const names[] = {"process_cpu_seconds_total",
                                        "process_start_time_seconds",
                                        "process_resident_memory_bytes",
                                        "process_open_fds", "opcat_build_info"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        assert_non_null(json_object_get(set, names[i]));
    const json_t *rss = json_array_get(
        json_object_get(json_object_get(set, "process_resident_memory_bytes"),
                        "samples"),
        0);
    assert_true(json_number_value(json_object_get(rss, "value")) > 4096);
    const json_t *fds = json_array_get(
        json_object_get(json_object_get(set, "process_open_fds"), "samples"),
        0);
    assert_true(json_number_value(json_object_get(fds, "value")) >= 3);
    char *text = s_text(set);
    assert_non_null(strstr(text, "opcat_build_info{version=\""));
    free(text);
    json_decref(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_histogram_buckets_are_cumulative_in_the_text),
        cmocka_unit_test(test_a_family_is_written_once_with_all_its_samples),
        cmocka_unit_test(test_names_and_labels_outside_the_grammar_are_refused),
        cmocka_unit_test(test_label_values_and_help_are_escaped),
        cmocka_unit_test(test_merge_labels_each_sample_and_skips_the_malformed),
        cmocka_unit_test(test_process_and_build_info_families),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
