package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.extract.Extraction;
import dev.nemotron4j.eval.sandbox.CodeSandbox;
import dev.nemotron4j.eval.sandbox.ExecutionLimits;
import dev.nemotron4j.eval.sandbox.ExecutionResult;
import dev.nemotron4j.eval.scicode.SciCodeProgram;
import dev.nemotron4j.eval.scicode.SciCodeTargets;

import java.util.ArrayList;
import java.util.List;

/**
 * SciCode-style grading of one sub-step: one program made of the problem's dependencies and the code of the steps
 * before this one (the reference is {@code {"problem", "step", "prefix", "tests": ["assert …", …]}}), then the
 * extracted function, then the step's test cases, runs in the sandbox; the step passes (score 1) when the program
 * exits normally, i.e. no assertion failed, as SciCode checks a step. Details: {@code problem}, {@code step},
 * {@code verdict} ({@code passed}, {@code failed} for an assertion or exception, {@code no_code}, or a limit such as
 * {@code cpu_limit}) and the end of standard error; the task's metrics count a problem as solved when all its steps pass.
 * With {@code targets} (SciCode's {@code test_data.h5}) each test case runs after {@code target = targets[i]}, as in
 * SciCode's test scripts; without, the test cases must be self-contained.
 *
 * @param targets SciCode's targets, or null
 */
public record SciCodeStepScorer(CodeSandbox sandbox, ExecutionLimits limits, SciCodeTargets targets) implements Scorer {


    @Override
    public String name() { return "scicode_tests"; }

    @Override
    public int version() { return 1; }

    @Override
    public JsonNode environment() {
        ObjectNode e = sandbox.identity(limits);
        if (targets != null) e.put("targets", "hdf5");
        return e;
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
        return run(sandbox, limits, targets, expected.path("prefix").asText(), extracted.value(), expected.path("step").asText(), tests, details);
    }

    /** Runs one step's program; its verdict goes into {@code details}, the score is returned. */
    static Scored run(CodeSandbox sandbox, ExecutionLimits limits, SciCodeTargets targets, String prefix, String code, String step,
                      JsonNode tests, ObjectNode details) {
        List<String> cases = new ArrayList<>();
        for (JsonNode test : tests) cases.add(test.asText());
        String program = SciCodeProgram.assemble(prefix, code, cases, targets == null ? null : targets.expressions(step, cases.size()));
        ExecutionResult run = sandbox.run(program, "", limits);
        if (run.ok()) return new Scored(1, details.put("verdict", "passed"));
        details.put("verdict", run.outcome() == ExecutionResult.Outcome.RUNTIME_ERROR ? "failed" : run.outcome().key());
        run.describeFailure(details);
        return new Scored(0, details);
    }
}
