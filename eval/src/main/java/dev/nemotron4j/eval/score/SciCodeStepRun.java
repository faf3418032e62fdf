package dev.nemotron4j.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.eval.sandbox.CodeSandbox;
import dev.nemotron4j.eval.sandbox.ExecutionLimits;
import dev.nemotron4j.eval.sandbox.ExecutionResult;
import dev.nemotron4j.eval.scicode.SciCodeProgram;
import dev.nemotron4j.eval.scicode.SciCodeTargets;

import java.util.ArrayList;
import java.util.List;

/**
 * One SciCode step graded as SciCode grades it, shared by {@link SciCodeStepScorer} (a step on its own) and
 * {@link SciCodeProblemScorer} (a problem's steps in order): one program made of the code before the step (the
 * dependencies and the earlier steps' code), the step's code and its test cases runs in the sandbox, and the step
 * passes when the program exits normally, i.e. no assertion failed. With {@code targets} (SciCode's
 * {@code test_data.h5}) each test case runs after {@code target = targets[i]}, as in SciCode's test scripts; without,
 * the test cases must be self-contained.
 *
 * @param targets SciCode's targets, or null
 */
public record SciCodeStepRun(CodeSandbox sandbox, ExecutionLimits limits, SciCodeTargets targets) {

    /** The sandbox, its limits and whether the targets come from an HDF5 file: what a run's lockfile records. */
    ObjectNode environment() {
        ObjectNode e = sandbox.identity(limits);
        if (targets != null) e.put("targets", "hdf5");
        return e;
    }

    /**
     * Grades one step; its {@code verdict} ({@code passed}, {@code failed} for an assertion or exception, {@code no_code}
     * for blank code, or a limit such as {@code cpu_limit}) and the end of standard error go into {@code details}.
     *
     * @return 1 when the step passes, else 0
     */
    int grade(String prefix, String code, String step, JsonNode tests, ObjectNode details) {
        if (code == null || code.isBlank()) {
            details.put("verdict", "no_code");
            return 0;
        }
        List<String> cases = new ArrayList<>();
        for (JsonNode test : tests) cases.add(test.asText());
        String program = SciCodeProgram.assemble(prefix, code, cases, targets == null ? null : targets.expressions(step, cases.size()));
        ExecutionResult run = sandbox.run(program, "", limits);
        if (run.ok()) {
            details.put("verdict", "passed");
            return 1;
        }
        details.put("verdict", run.outcome() == ExecutionResult.Outcome.RUNTIME_ERROR ? "failed" : run.outcome().key());
        run.describeFailure(details);
        return 0;
    }
}
