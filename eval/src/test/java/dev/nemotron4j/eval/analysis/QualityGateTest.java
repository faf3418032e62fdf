package dev.nemotron4j.eval.analysis;

import dev.nemotron4j.eval.run.EvalRunner;
import dev.nemotron4j.eval.run.RunResults;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.gsm8kConfig;
import static dev.nemotron4j.eval.testing.RunFixtures.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Item 7: thresholds per task and paired non-regression against a baseline decide pass or fail. */
class QualityGateTest {
    @TempDir static Path dir;
    static FakeOpenAiServer server;
    static Path good, worse;
    static RunResults goodResults;

    @BeforeAll
    static void runs() throws Exception {
        server = new FakeOpenAiServer();
        Path dataset = TestDatasets.gsm8k(dir, 40);
        good = dir.resolve("good");
        goodResults = new EvalRunner(QUIET).run(load(gsm8kConfig(dir, server, dataset, "")), good).results();
        // the same responses scored without the reasoning fallback: every reasoning-only answer is lost
        worse = dir.resolve("worse");
        Rescorer.rescore(good, List.of("interceptors.reasoning.fallback_to_reasoning=false"), worse);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static QualityGate.Result gate(String policyYaml, Path baseline, Path... runs) {
        Path policy = TestDatasets.write(dir.resolve("policy-" + Integer.toHexString(policyYaml.hashCode()) + ".yaml"), policyYaml);
        return QualityGate.check(QualityGate.Policy.load(policy), baseline, List.of(runs));
    }

    @Test
    void thresholdsPassAndFailOnTheMeasuredMetrics() {
        double mean = goodResults.tasks().get("gsm8k").mean().mean();
        QualityGate.Result pass = gate("tasks:\n  gsm8k: {min: " + (mean - 0.01) + ", min_lower_ci: 0.3}\n", null, good);
        assertThat(pass.passed()).as(pass.describe()).isTrue();
        assertThat(pass.checks()).hasSize(2);

        QualityGate.Result fail = gate("tasks:\n  gsm8k: {min: " + (mean + 0.01) + "}\n", null, good);
        assertThat(fail.passed()).isFalse();
        assertThat(fail.describe()).contains("FAIL").contains("gate FAILED: 1 of 1");
        assertThat(gate("tasks:\n  \"gsm*\": {metric: \"pass@1\", min: 0.1}\n", null, good).passed()).isTrue();
    }

    @Test
    void aSignificantDropAgainstTheBaselineFailsTheGate() {
        String policy = "baseline: good\ntasks:\n  gsm8k: {non_regression: true}\n";
        QualityGate.Result same = gate(policy, null, good);
        assertThat(same.passed()).as(same.describe()).isTrue();
        QualityGate.Result regressed = gate(policy, null, worse);
        assertThat(regressed.passed()).isFalse();
        assertThat(regressed.describe()).contains("non-regression").contains("Holm p=");
        // a loose allowance on the drop alone passes when the drop is within it
        double drop = goodResults.tasks().get("gsm8k").mean().mean() - RunOutputsView.mean(worse);
        assertThat(gate("tasks:\n  gsm8k: {max_drop: " + (drop + 0.01) + "}\n", good, worse).passed()).isTrue();
        assertThat(gate("tasks:\n  gsm8k: {max_drop: " + (drop - 0.01) + "}\n", good, worse).passed()).isFalse();
        assertThat(gate("tasks:\n  gsm8k: {non_regression: true}\n", null, worse).describe()).contains("none given");
    }

    @Test
    void missingTasksAndBadPoliciesAreReported() {
        assertThat(gate("tasks:\n  mmlu-pro: {min: 0.5}\n", null, good).describe()).contains("task present");
        assertThat(gate("require_all_tasks: false\ntasks:\n  mmlu-pro: {min: 0.5}\n", null, good).passed()).isTrue();
        assertThatThrownBy(() -> gate("tasks:\n  gsm8k: {minimum: 0.5}\n", null, good)).hasMessageContaining("invalid gate policy");
    }

    /** Reads a run's mean (kept apart so the test reads as the gate does). */
    static final class RunOutputsView {
        static double mean(Path run) {
            return dev.nemotron4j.eval.run.RunOutputs.readResults(run).tasks().get("gsm8k").mean().mean();
        }
    }
}
