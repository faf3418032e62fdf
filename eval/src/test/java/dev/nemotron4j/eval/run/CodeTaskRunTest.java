package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.json.CanonicalJson;
import dev.nemotron4j.eval.sandbox.SubprocessSandbox;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.task.CodeTasks;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * LiveCodeBench- and SciCode-style tasks end to end on the bundled hand-made samples, with canned answers: correct
 * programs pass, a wrong one, a looping one, a memory-hungry one and a network-using one fail for their reason; pass@k
 * over repeats, per-difficulty and SciCode's subtask/main-problem accuracies; reruns are identical; without an
 * explicit sandbox nothing runs.
 */
class CodeTaskRunTest {
    @TempDir Path dir;
    static final long SEED = 11;

    @BeforeAll
    static void python() {
        assumeTrue(SubprocessSandbox.onPath("python3") != null, "python3 is not on PATH");
    }

    static boolean numpy() {
        try {
            return new ProcessBuilder("python3", "-c", "import numpy").start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static boolean firstRepeat(GenerationRequest r, String task, String item) {
        return r.seed() == SampleSeeds.seed(SEED, new SampleKey(task, item, 0));
    }

    /** Answers by problem; some answers differ between the two repeats. */
    static final class Coder implements Target {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public GenerationResult generate(GenerationRequest r) {
            calls.incrementAndGet();
            String all = r.promptText();
            // SciCode prompts show earlier steps' code: answer for the step asked
            String p = all.contains("NEXT STEP") ? all.substring(all.indexOf("NEXT STEP")) : all;
            String reply;
            if (p.contains("Print A + B")) {
                reply = "<think>```python\nprint('thinking is not the answer')\n```</think>A first draft:\n```python\nprint(0)\n```\n"
                        + "Final:\n```python\na, b = map(int, input().split())\nprint(a + b)\n```\n";
            } else if (p.contains("Print the largest")) {
                reply = firstRepeat(r, "livecodebench", "largest")
                        ? "```python\ninput()\nprint(max(map(int, input().split())))\n```"
                        : "```python\ninput()\nprint(min(map(int, input().split())))\n```";
            } else if (p.contains("arithmetic mean")) {
                reply = firstRepeat(r, "livecodebench", "mean") ? "```python\nwhile True:\n    pass\n```"
                        : "```python\nblock = bytearray(1 << 30)\nprint(len(block))\n```";
            } else if (p.contains("reverseWords")) {
                reply = "```python\nclass Solution:\n    def reverseWords(self, s: str) -> str:\n        return ' '.join(reversed(s.split(' ')))\n```";
            } else if (p.contains("pairSum")) {
                reply = "```python\nimport socket\nsocket.create_connection(('127.0.0.1', 9), timeout=2).close()\n"
                        + "class Solution:\n    def pairSum(self, nums, target):\n        return [0, 1]\n```";
            } else if (p.contains("def velocity")) {
                reply = "```python\nimport math\n# Background: displacement over time\ndef velocity(x0, x1, dt):\n    return (x1 - x0) / dt\n```";
            } else if (p.contains("def kinetic_energy")) {
                reply = "```python\ndef kinetic_energy(m, x0, x1, dt):\n    return 0.5 * m * velocity(x0, x1, dt) ** 2\n```";
            } else if (p.contains("def work_done")) {
                reply = "```python\ndef work_done(m, x0, x1, x2, dt):\n    return kinetic_energy(m, x1, x2, dt) - kinetic_energy(m, x0, x1, dt)\n```";
            } else if (p.contains("def is_prime")) {
                reply = "```python\ndef is_prime(n):\n    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))\n```";
            } else if (p.contains("def prime_count")) {
                reply = "```python\ndef prime_count(n):\n    return sum(1 for k in range(n) if is_prime(k)) + 1\n```";   // one too many
            } else if (p.contains("def shift")) {
                reply = "```python\nimport numpy as np\ndef shift(x):\n    return x + 0.5\n```";
            } else if (p.contains("def summary")) {
                reply = r.seed() == SampleSeeds.seed(SEED, new SampleKey("scicode", "1", 0)) + 1   // step 2 of problem 1, first repeat
                        ? "```python\ndef summary():\n    return (4, 5, False, np.array([1 + 1j]), 's', 0.1, 1, 2, 3, shift(3.5))\n```"
                        : "```python\ndef summary():\n    return (4, 5, True, np.array([1 + 1j]), 's', 0.1, 1, 2, 3, shift(3.5))\n```";
            } else {
                reply = "no code";
            }
            return GenerationResult.ofText(reply, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "coder")); }
    }

    private Path sample(String name) {
        try (InputStream in = getClass().getResourceAsStream("/dev/nemotron4j/eval/code/" + name)) {
            Path out = dir.resolve(name);
            Files.write(out, in.readAllBytes());
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private EvalConfig config(String task, String params) {
        return config(task, task.equals("livecodebench") ? "livecodebench-sample.jsonl" : "scicode-sample.jsonl", params);
    }

    private EvalConfig config(String task, String sample, String params) {
        Path data = sample(sample);
        Path config = TestDatasets.write(dir.resolve(task + Math.abs(params.hashCode()) + ".yaml"), """
                target: {model: unused}
                run: {seed: %d, repeats: 2, parallelism: 2}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: %s, dataset: %s%s}
                """.formatted(SEED, task, data.getFileName(), params));
        return ConfigLoader.load(config, List.of());
    }

    static final String LIMITS = ", params: {sandbox: subprocess, cpu_seconds: 1, memory_mb: 256, wall_seconds: 120}";
    /** numpy needs more room than the plain programs (and time on a loaded machine at low priority) */
    static final String NUMPY_LIMITS = ", params: {sandbox: subprocess, cpu_seconds: 20, memory_mb: 1024, wall_seconds: 300}";

    @Test
    void liveCodeBenchGradesProgramsByTheirTestsWithPassAtK() {
        Coder coder = new Coder();
        RunResults r = new EvalRunner(QUIET).run(config("livecodebench", LIMITS), dir.resolve("a"), coder).results();
        TaskMetrics m = r.tasks().get("livecodebench");
        assertThat(coder.calls.get()).isEqualTo(10);
        // add-two 2/2, largest 1/2, mean 0/2 (a loop, then a memory hog), reverse-words 2/2, pair-sum 0/2 (network)
        assertThat(m.mean().mean()).isEqualTo(0.5);
        assertThat(m.passAtK()).containsEntry("pass@1", 0.5).containsEntry("pass@2", 0.6);
        assertThat(m.breakdown()).containsExactly(Map.entry("pass@1_easy", 0.75), Map.entry("pass@1_hard", 0.0), Map.entry("pass@1_medium", 0.5));

        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        Map<String, JsonNode> verdicts = new java.util.TreeMap<>();
        for (SampleRecord s : samples) verdicts.put(s.itemId() + "#" + s.repeat(), s.details());
        assertThat(verdicts.get("add-two#0").toString()).isEqualTo("{\"difficulty\":\"easy\",\"passed\":3,\"tests\":3,\"verdict\":\"passed\"}");
        assertThat(samples.stream().filter(s -> s.itemId().equals("add-two")).findFirst().orElseThrow().extracted())
                .as("the last python block, not the draft nor the thinking").isEqualTo("a, b = map(int, input().split())\nprint(a + b)\n");
        JsonNode wrong = verdicts.get("largest#" + (verdicts.get("largest#0").path("verdict").asText().equals("passed") ? 1 : 0));
        assertThat(wrong.path("verdict").asText()).isEqualTo("wrong_answer");
        assertThat(wrong.path("failed_test").asInt()).isZero();
        assertThat(verdicts.get("mean#0").path("verdict").asText()).isEqualTo("cpu_limit");
        assertThat(verdicts.get("mean#1").path("verdict").asText()).isEqualTo("memory_limit");
        assertThat(verdicts.get("mean#1").path("stderr").asText()).contains("MemoryError");
        assertThat(verdicts.get("reverse-words#1").path("passed").asInt()).isEqualTo(3);
        assertThat(verdicts.get("pair-sum#0").path("verdict").asText()).isEqualTo("runtime_error");
        assertThat(verdicts.get("pair-sum#0").path("stderr").asText()).containsAnyOf("Network is unreachable", "Connection refused");

        // the prompt is LiveCodeBench's, with the starter code for functional problems
        String prompt = samples.stream().filter(s -> s.itemId().equals("reverse-words")).findFirst().orElseThrow().prompt().toString();
        assertThat(prompt).contains("### Question:\\nGiven a string s").contains("You will use the following starter code")
                .contains("```python\\nclass Solution:\\n    def reverseWords(self, s: str) -> str:\\n        \\n```")
                .contains("### Answer: (use the provided format with backticks)");

        // the sandbox (runner, Python, limits) is an input of the run
        JsonNode lock = CanonicalJson.parse(read(dir.resolve("a/lock.json")));
        JsonNode env = lock.at("/inputs/tasks/livecodebench/scorer_environment");
        assertThat(env.path("runner").asText()).isEqualTo("subprocess");
        assertThat(env.path("python").asText()).startsWith("3.");
        assertThat(env.at("/limits/cpu_seconds").asInt()).isEqualTo(1);

        RunResults again = new EvalRunner(QUIET).run(config("livecodebench", LIMITS), dir.resolve("b"), new Coder()).results();
        assertThat(read(dir.resolve("b/samples.jsonl"))).isEqualTo(read(dir.resolve("a/samples.jsonl")));
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
    }

    @Test
    void aContestDateWindowPicksTheRelease() {
        RunResults r = new EvalRunner(QUIET).run(config("livecodebench", LIMITS.replace("}", ", contest_date_from: \"2025-01\", contest_date_to: \"2025-03\"}")),
                dir.resolve("w"), new Coder()).results();
        assertThat(r.tasks().get("livecodebench").items()).isEqualTo(2);   // mean (2025-01) and reverse-words (2025-03)
    }

    @Test
    void sciCodeAsksEachProblemStepByStepShowingTheModelsOwnCodeAndRunsItBeforeEachStep() {
        Coder coder = new Coder();
        RunResults r = new EvalRunner(QUIET).run(config("scicode", LIMITS), dir.resolve("g"), coder).results();
        TaskMetrics m = r.tasks().get("scicode");
        assertThat(m.items()).as("one item per problem").isEqualTo(2);
        assertThat(coder.calls.get()).as("five steps, two repeats").isEqualTo(10);
        // kin: 3 of 3 steps, pri: 1 of 2 (prime_count counts one too many)
        assertThat(m.mean().mean()).isEqualTo(0.75);
        assertThat(m.breakdown()).containsExactly(Map.entry("subtask_accuracy", 0.8), Map.entry("main_problem_accuracy", 0.5));
        SampleRecord kin = RunOutputs.readSamples(dir.resolve("g")).stream().filter(s -> s.itemId().equals("kin") && s.repeat() == 0)
                .findFirst().orElseThrow();
        assertThat(kin.responses()).hasSize(3);
        assertThat(kin.prompt()).hasSize(3);
        String third = kin.prompt().get(2).get(0).get("content").asText();
        assertThat(third).as("the model's own code for the earlier steps, its imports removed, not the reference code")
                .contains("elapsed time.\n\n# Background: displacement over time\ndef velocity(x0, x1, dt):\n    return (x1 - x0) / dt\n"
                        + "\n\n------\n\nWrite a function that returns the kinetic energy")
                .contains("velocity.\n\ndef kinetic_energy(m, x0, x1, dt):\n    return 0.5 * m * velocity(x0, x1, dt) ** 2\n\n\nNEXT STEP")
                .doesNotContain("v = (x1 - x0) / dt").doesNotContain("import math\n# Background").contains("def work_done(m, x0, x1, x2, dt):");
        assertThat(kin.prompt().get(0).get(0).get("content").asText()).contains("PROBLEM STEPS AND FUNCTION CODE:\nHere, you'll find the Python code "
                + "for the initial steps of the problem-solving process. This code is integral to building the solution.\n\n\n\nNEXT STEP");
        assertThat(kin.details().path("passed").asInt()).isEqualTo(3);
        SampleRecord pri = RunOutputs.readSamples(dir.resolve("g")).stream().filter(s -> s.itemId().equals("pri")).findFirst().orElseThrow();
        assertThat(pri.details().at("/steps/1/verdict").asText()).isEqualTo("failed");
        assertThat(pri.details().at("/steps/1/stderr").asText()).contains("AssertionError");

        // rescoring from the stored responses gives the same samples
        assertThat(dev.nemotron4j.eval.analysis.Rescorer.rescore(dir.resolve("g"), List.of()).samplesDigest()).isEqualTo(r.samplesDigest());
    }

    @Test
    void sciCodeTestsReadTheirTargetsFromSciCodesHdf5File() throws IOException {
        assumeTrue(numpy(), "numpy is not installed for python3");
        try (InputStream in = getClass().getResourceAsStream("/dev/nemotron4j/eval/hdf5/scicode-targets.h5")) {
            Files.copy(in, dir.resolve("test_data.h5"));
        }
        Coder coder = new Coder();
        RunResults r = new EvalRunner(QUIET).run(config("scicode", "scicode-targets-sample.jsonl",
                NUMPY_LIMITS.replace("}", ", targets_file: test_data.h5}")), dir.resolve("t"), coder).results();
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("t"));
        SampleRecord first = samples.stream().filter(s -> s.repeat() == 0).findFirst().orElseThrow();
        assertThat(first.details().at("/steps/0/verdict").asText()).as(first.details().toString()).isEqualTo("passed");
        assertThat(first.details().at("/steps/1/verdict").asText()).as(first.details().toString()).isEqualTo("passed");
        SampleRecord second = samples.stream().filter(s -> s.repeat() == 1).findFirst().orElseThrow();
        assertThat(second.details().at("/steps/1/verdict").asText()).as("True is not the stored False").isEqualTo("failed");
        assertThat(r.tasks().get("scicode").breakdown()).containsEntry("subtask_accuracy", 0.75).containsEntry("main_problem_accuracy", 0.5);
        JsonNode lock = CanonicalJson.parse(read(dir.resolve("t/lock.json")));
        assertThat(lock.at("/inputs/tasks/scicode/scorer_environment/targets").asText()).isEqualTo("hdf5");

        // a targets file that lacks a step's targets is refused before anything is asked
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(config("scicode", "scicode-sample.jsonl",
                LIMITS.replace("}", ", targets_file: test_data.h5}")), dir.resolve("u"), coder))
                .hasMessageContaining("test_data.h5: no target for step kin.1 test 1 (no group kin.1/test1)");
    }

    @Test
    void sciCodeWithReferenceEarlierStepsChecksEachStepWithTheReferenceCodePrepended() {
        Coder coder = new Coder();
        RunResults r = new EvalRunner(QUIET).run(config("scicode", LIMITS.replace("}", ", earlier_steps: reference}")), dir.resolve("s"), coder).results();
        TaskMetrics m = r.tasks().get("scicode");
        assertThat(m.items()).isEqualTo(5);
        // every step but pri.2 passes; kin is solved, pri is not
        assertThat(m.mean().mean()).isEqualTo(0.8);
        assertThat(m.breakdown()).containsExactly(Map.entry("subtask_accuracy", 0.8), Map.entry("main_problem_accuracy", 0.5));
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("s"));
        SampleRecord work = samples.stream().filter(s -> s.itemId().equals("kin.3")).findFirst().orElseThrow();
        String prompt = work.prompt().get(0).get("content").asText();
        assertThat(prompt).contains("PROBLEM STEPS AND FUNCTION CODE:")
                .contains("Write a function that returns the mean velocity between two positions x0 and x1 measured dt seconds apart.\nBackground\n")
                .contains("    v = (x1 - x0) / dt\n    return v\n\n------\n\nWrite a function that returns the kinetic energy")
                .contains("NEXT STEP - PROBLEM STEP AND FUNCTION HEADER:").contains("def work_done(m, x0, x1, x2, dt):").contains("    return w")
                .contains("DEPENDENCIES:\nUse only the following dependencies in your solution. Do not include these dependencies at the beginning of your code.\n\nimport math\n");
        SampleRecord first = samples.stream().filter(s -> s.itemId().equals("kin.1")).findFirst().orElseThrow();
        assertThat(first.extracted()).as("imports removed, as SciCode does").doesNotContain("import math").contains("def velocity");
        SampleRecord failed = samples.stream().filter(s -> s.itemId().equals("pri.2")).findFirst().orElseThrow();
        assertThat(failed.details().path("verdict").asText()).isEqualTo("failed");
        assertThat(failed.details().path("stderr").asText()).contains("AssertionError");
    }

    @Test
    void theRecipesCodeBenchmarksRunWhenAllowedAndCompareWithThePublishedNumbers() throws IOException {
        assumeTrue(numpy(), "numpy is not installed for python3");
        Files.copy(sample("livecodebench-sample.jsonl"), dir.resolve("livecodebench.jsonl"));
        Files.copy(sample("scicode-targets-sample.jsonl"), dir.resolve("scicode.jsonl"));
        try (InputStream in = getClass().getResourceAsStream("/dev/nemotron4j/eval/hdf5/scicode-targets.h5")) {
            Files.copy(in, dir.resolve("test_data.h5"));
        }
        Path file = dev.nemotron4j.eval.recipe.Recipe.materialize("nemotron-3-nano", dir);
        EvalConfig config = CodeTasks.allowExecution(ConfigLoader.load(file, List.of("tasks.livecodebench.repeats=1", "tasks.scicode.repeats=1",
                "tasks.scicode.params.wall_seconds=300", "tasks.scicode.params.cpu_seconds=20")));
        config = new EvalConfig(config.target(), config.generation(), config.run(),
                config.tasks().stream().filter(t -> CodeTasks.FAMILIES.contains(t.name())).toList(), config.interceptors(), config.output(), config.judge());
        assertThat(config.tasks().getFirst().params()).containsEntry("sandbox", "subprocess").containsEntry("contest_date_from", "2024-08");
        RunResults results = new EvalRunner(QUIET).run(config, dir.resolve("recipe"), new Coder()).results();
        String report = dev.nemotron4j.eval.recipe.Recipe.compare(results, dev.nemotron4j.eval.recipe.Recipe.published("nemotron-3-nano"));
        // run seed 1234: every answer is the second-repeat one (largest wrong, mean a memory hog, pair-sum uses the network)
        assertThat(report).containsPattern("LiveCodeBench \\(v6\\) +ours  40\\.0 .*published  68\\.3");
        // SciCode step by step against its targets file: shift passes, summary (second-repeat answer) fails
        assertThat(report).containsPattern("SciCode \\(subtask\\) +ours  50\\.0 .*published  33\\.3");
    }

    @Test
    void withoutAnExplicitSandboxNothingIsSentAndTheRiskIsExplained() {
        Coder coder = new Coder();
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(config("livecodebench", ""), dir.resolve("r"), coder))
                .hasMessageContaining("task livecodebench runs the Python code the model writes").hasMessageContaining("--allow-code-execution");
        assertThat(coder.calls.get()).isZero();
        // --allow-code-execution: the subprocess sandbox for code tasks that chose none; explicit choices stay
        EvalConfig allowed = CodeTasks.allowExecution(config("livecodebench", ""));
        assertThat(allowed.tasks().getFirst().params()).containsEntry("sandbox", "subprocess");
        EvalConfig container = CodeTasks.allowExecution(config("scicode", ", params: {sandbox: container}"));
        assertThat(container.tasks().getFirst().params()).containsEntry("sandbox", "container");
    }
}
