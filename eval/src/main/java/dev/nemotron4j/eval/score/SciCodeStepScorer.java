package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;

/**
 * SciCode-style grading of one sub-step ({@link SciCodeStepRun}): the reference is
 * {@code {"problem", "step", "prefix", "tests": ["assert …", …]}}, the prefix being the problem's dependencies and the
 * code of the steps before this one; the step passes (score 1) when its program exits normally. Details:
 * {@code problem}, {@code step}, {@code verdict} and the end of standard error; the task's metrics count a problem as
 * solved when all its steps pass.
 */
public record SciCodeStepScorer(SciCodeStepRun stepRun) implements Scorer {

    @Override
    public String name() { return "scicode_tests"; }

    @Override
    public int version() { return 1; }

    @Override
    public JsonNode environment() {
        return stepRun.environment();
    }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        JsonNode tests = expected == null ? null : expected.get("tests");
        if (tests == null || !tests.isArray() || tests.isEmpty()) {
            throw new IllegalArgumentException("scicode_tests scorer: the reference needs a non-empty 'tests' list, not " + expected);
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("problem", expected.path("problem").asText());
        details.put("step", expected.path("step").asText());
        int passed = stepRun.grade(expected.path("prefix").asText(), extracted.found() ? extracted.value() : null, expected.path("step").asText(),
                tests, details);
        return new Scored(passed, details);
    }
}
