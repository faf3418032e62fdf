package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The code tasks' further accuracies, from each sample's details. SciCode: {@code subtask_accuracy} (steps passed
 * over steps, the model card's "SciCode (subtask)") and {@code main_problem_accuracy} (problems whose every step passed,
 * per repeat, averaged), from per-step samples or from whole problems asked step by step. LiveCodeBench: {@code pass@1_easy}, {@code pass@1_medium}, {@code pass@1_hard} when the rows
 * carry a difficulty. Every repeat counts, so each is a mean over repeats too.
 */
final class CodeTaskMetrics {
    private CodeTaskMetrics() {}

    /** The accuracies, or null when the samples are not a code task's. */
    static Map<String, Double> of(List<SampleRecord> records) {
        if (records.isEmpty()) return null;
        JsonNode first = records.getFirst().details();
        if (first != null && first.has("steps") && first.has("scored")) return sciCodeProblems(records);
        if (first == null || !first.has("verdict")) return null;
        return first.has("problem") && first.has("step") ? sciCode(records) : byDifficulty(records);
    }

    private static Map<String, Double> sciCode(List<SampleRecord> records) {
        double passed = 0;
        // (problem, repeat) -> all steps passed so far
        Map<String, Boolean> solved = new TreeMap<>();
        for (SampleRecord r : records) {
            passed += r.score();
            solved.merge(r.details().path("problem").asText() + "\u0000" + r.repeat(), r.correct(), Boolean::logicalAnd);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("subtask_accuracy", passed / records.size());
        out.put("main_problem_accuracy", solved.values().stream().filter(b -> b).count() / (double) solved.size());
        return out;
    }

    /** Whole problems asked step by step: the steps pooled over problems and repeats, as SciCode counts them. */
    private static Map<String, Double> sciCodeProblems(List<SampleRecord> records) {
        long passed = 0, scored = 0, solved = 0;
        for (SampleRecord r : records) {
            int p = r.details().path("passed").asInt(), n = r.details().path("scored").asInt();
            passed += p;
            scored += n;
            if (p == n && n > 0) solved++;
        }
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("subtask_accuracy", scored == 0 ? 0 : passed / (double) scored);
        out.put("main_problem_accuracy", solved / (double) records.size());
        return out;
    }

    private static Map<String, Double> byDifficulty(List<SampleRecord> records) {
        Map<String, double[]> sums = new TreeMap<>();
        for (SampleRecord r : records) {
            JsonNode d = r.details().get("difficulty");
            if (d == null) continue;
            double[] s = sums.computeIfAbsent(d.asText().toLowerCase(java.util.Locale.ROOT), k -> new double[2]);
            s[0] += r.score();
            s[1]++;
        }
        if (sums.isEmpty()) return null;
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, s) -> out.put("pass@1_" + k, s[0] / s[1]));
        return out;
    }
}
