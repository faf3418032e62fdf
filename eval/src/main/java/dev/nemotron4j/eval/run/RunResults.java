package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.stats.TaskMetrics;

import java.util.Map;

/**
 * Contents of {@code results.json}. Deterministic: no timestamps or timings (those go to
 * {@code timing.json}), so identical runs produce identical bytes.
 *
 * @param fingerprint   the lockfile fingerprint of the run's inputs
 * @param samplesDigest SHA-256 of samples.jsonl: every sample's prompt, responses, extraction and score in canonical order
 * @param harness       harness version
 * @param samples       total sample count
 * @param taskOrder     task names in run order (JSON objects are key-sorted, so the order is kept here)
 * @param tasks         per-task metrics, keyed by task name
 * @param rescored      whether scores were recomputed offline by {@code eval rescore}
 */
public record RunResults(String fingerprint, String samplesDigest, String harness, int samples,
                         java.util.List<String> taskOrder, Map<String, TaskMetrics> tasks, boolean rescored) {
    public static final String FILE = "results.json";

    /** Metrics in run order. */
    public java.util.List<Map.Entry<String, TaskMetrics>> ordered() {
        return taskOrder.stream().map(name -> Map.entry(name, tasks.get(name))).toList();
    }
}
