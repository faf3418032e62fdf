package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.json.CanonicalJson;

/**
 * SciCode graded as its authors grade it, one whole problem at a time: the model wrote each step seeing its own code
 * for the earlier steps, and step {@code k}'s test program is the dependencies, the code of steps {@code 1..k-1} (the
 * model's, or for the steps SciCode fills in itself the given code), step {@code k}'s code and its test cases.
 *
 * <p>The reference: {@code {"problem", "dependencies", "steps": [{"step", "tests", "prefilled_code"?}, ...]}}; the
 * extraction: a JSON array with each step's code ({@code null} for prefilled steps). Score: the fraction of the
 * generated steps that pass ({@link SciCodeStepRun}). Details: {@code problem}, {@code passed}, {@code scored} and
 * each step's {@code verdict}; the task's metrics pool the steps into SciCode's subtask accuracy and count a problem
 * as solved when all its steps pass.
 */
public record SciCodeProblemScorer(SciCodeStepRun stepRun) implements Scorer {

    @Override
    public String name() { return "scicode_problem"; }

    @Override
    public int version() { return 1; }

    @Override
    public JsonNode environment() {
        return stepRun.environment();
    }

    @Override
    public Scored judge(Extraction extracted, JsonNode expected) {
        JsonNode steps = expected == null ? null : expected.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            throw new IllegalArgumentException("scicode_problem scorer: the reference needs a non-empty 'steps' list, not " + expected);
        }
        JsonNode code = extracted.found() ? CanonicalJson.parse(extracted.value()) : null;
        if (code != null && (!code.isArray() || code.size() != steps.size())) {
            throw new IllegalArgumentException("scicode_problem scorer: expected the code of " + steps.size() + " steps, got " + extracted.value());
        }
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.put("problem", expected.path("problem").asText());
        ArrayNode verdicts = JsonNodeFactory.instance.arrayNode();
        StringBuilder prefix = new StringBuilder(expected.path("dependencies").asText()).append('\n');
        int passed = 0, scored = 0;
        for (int s = 0; s < steps.size(); s++) {
            JsonNode step = steps.get(s);
            String stepCode;
            if (step.hasNonNull("prefilled_code")) {
                stepCode = step.get("prefilled_code").asText();
            } else {
                scored++;
                ObjectNode verdict = verdicts.addObject().put("step", step.path("step").asText());
                JsonNode c = code == null ? null : code.get(s);
                stepCode = c == null || c.isNull() ? "" : c.asText();
                passed += stepRun.grade(prefix.toString(), stepCode, step.path("step").asText(), step.get("tests"), verdict);
            }
            prefix.append(stepCode).append('\n');
        }
        details.put("passed", passed).put("scored", scored).set("steps", verdicts);
        return new Scored(scored == 0 ? 0 : passed / (double) scored, details);
    }
}
