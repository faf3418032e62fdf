package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.sandbox.CodeSandbox;
import dev.nemotron4j.eval.sandbox.ExecutionLimits;
import dev.nemotron4j.eval.sandbox.ExecutionResult;

/**
 * SciCode-style grading of one sub-step: one program made of the problem's dependencies and the code of the steps
 * before this one (the reference is {@code {"problem", "step", "prefix", "tests": ["assert …", …]}}), then the
 * extracted function, then the step's test cases, runs in the sandbox; the step passes (score 1) when the program
 * exits normally, i.e. no assertion failed, as SciCode checks a step. Details: {@code problem}, {@code step},
 * {@code verdict} ({@code passed}, {@code failed} for an assertion or exception, {@code no_code}, or a limit such as
 * {@code cpu_limit}) and the end of standard error; the task's metrics count a problem as solved when all its steps pass.
 */
public record SciCodeStepScorer(CodeSandbox sandbox, ExecutionLimits limits) implements Scorer {


    @Override
    public String name() { return "scicode_tests"; }

    @Override
    public int version() { return 1; }

    @Override
    public JsonNode environment() {
        return sandbox.identity(limits);
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
        if (!extracted.found()) return new Scored(0, details.put("verdict", "no_code"));
        StringBuilder program = new StringBuilder(expected.path("prefix").asText()).append("\n\n").append(extracted.value()).append("\n\n");
        for (JsonNode test : tests) program.append(test.asText()).append("\n\n");
        ExecutionResult run = sandbox.run(program.toString(), "", limits);
        if (run.ok()) return new Scored(1, details.put("verdict", "passed"));
        details.put("verdict", run.outcome() == ExecutionResult.Outcome.RUNTIME_ERROR ? "failed" : run.outcome().key());
        run.describeFailure(details);
        return new Scored(0, details);
    }
}
