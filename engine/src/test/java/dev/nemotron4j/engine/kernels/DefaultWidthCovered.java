package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips the tests of the build's run at a set vector width (engine/pom.xml) whose width is the CPU's default one:
 * the default test run has just run them at that width. {@link VectorWidthTest} still runs, checking that the
 * property took effect. Registered for those runs only (by extension auto-detection, which they switch on).
 */
public final class DefaultWidthCovered implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String expected = System.getProperty(VectorWidthTest.EXPECTED);
        if (expected == null || context.getTestClass().orElse(null) == VectorWidthTest.class) {
            return ConditionEvaluationResult.enabled("not a width run, or the width check itself");
        }
        if (VectorWidth.BITS == VectorWidth.parse(null, FloatVector.SPECIES_PREFERRED.vectorBitSize())) {
            return ConditionEvaluationResult.disabled("the default test run covered " + VectorWidth.describe());
        }
        return ConditionEvaluationResult.enabled("width run at " + VectorWidth.describe());
    }
}
