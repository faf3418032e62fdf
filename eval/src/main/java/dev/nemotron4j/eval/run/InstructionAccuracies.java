package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * IFEval's four accuracies over a task's samples, from each sample's per-instruction verdicts: prompt-level (all of a
 * prompt's instructions followed) and instruction-level (instructions followed over instructions given), each strict
 * and loose. Every sample counts, so with repeats each is the mean over repeats too.
 */
final class InstructionAccuracies {
    private InstructionAccuracies() {}

    /** The four accuracies, or null when the samples carry no instruction verdicts. */
    static Map<String, Double> of(List<SampleRecord> records) {
        long prompts = 0, promptStrict = 0, promptLoose = 0, instructions = 0, instStrict = 0, instLoose = 0;
        for (SampleRecord r : records) {
            JsonNode d = r.details();
            if (d == null || !d.has("strict") || !d.has("loose")) return null;
            prompts++;
            boolean allStrict = true, allLoose = true;
            for (JsonNode v : d.get("strict")) {
                instructions++;
                if (v.asBoolean()) instStrict++;
                else allStrict = false;
            }
            for (JsonNode v : d.get("loose")) {
                if (v.asBoolean()) instLoose++;
                else allLoose = false;
            }
            if (allStrict) promptStrict++;
            if (allLoose) promptLoose++;
        }
        if (prompts == 0) return null;
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("prompt_level_strict_acc", (double) promptStrict / prompts);
        out.put("inst_level_strict_acc", instructions == 0 ? 0 : (double) instStrict / instructions);
        out.put("prompt_level_loose_acc", (double) promptLoose / prompts);
        out.put("inst_level_loose_acc", instructions == 0 ? 0 : (double) instLoose / instructions);
        return out;
    }
}
