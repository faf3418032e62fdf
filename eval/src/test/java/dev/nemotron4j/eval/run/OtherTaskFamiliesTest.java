package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Multiple choice (generated and log-likelihood), tool calling and user-defined tasks, all from YAML. */
class OtherTaskFamiliesTest {
    @TempDir Path dir;
    FakeOpenAiServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RunResults run(String type, String tasksYaml) {
        String yaml = """
                target:
                  endpoint: {url: "%s", model: fake, type: %s}
                interceptors:
                  progress: {enabled: false}
                tasks:
                %s""".formatted(server.baseUrl(), type, tasksYaml);
        Path config = TestDatasets.write(dir.resolve("c-" + Integer.toHexString(yaml.hashCode()) + ".yaml"), yaml);
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("run-" + Integer.toHexString(yaml.hashCode()))).results();
    }

    @Test
    void multipleChoiceByLogLikelihoodPicksTheMostLikelyOption() {
        TestDatasets.multipleChoice(dir, 12);
        RunResults r = run("completions", """
                  - name: arith-mc
                    type: multiple_choice
                    dataset: mc.jsonl
                    id_field: id
                    scoring: loglikelihood
                """);
        TaskMetrics m = r.tasks().get("arith-mc");
        assertThat(m.items()).isEqualTo(12);
        assertThat(m.mean().mean()).isEqualTo(1.0);   // the fake gives the right option the highest log-probability
        assertThat(server.requestCount()).isEqualTo(48);   // one scoring request per option
        assertThat(server.bodies().getFirst().path("echo").asBoolean()).isTrue();
    }

    @Test
    void logLikelihoodOnAChatEndpointFailsWithAClearMessage() {
        TestDatasets.multipleChoice(dir, 2);
        assertThatThrownBy(() -> run("chat", """
                  - name: arith-mc
                    type: multiple_choice
                    dataset: mc.jsonl
                    scoring: loglikelihood
                """)).hasMessageContaining("needs a completions endpoint");
    }

    @Test
    void multipleChoiceByGenerationUsesTheLetterExtractor() {
        TestDatasets.multipleChoice(dir, 6);
        RunResults r = run("chat", """
                  - name: arith-mc
                    type: multiple_choice
                    dataset: mc.jsonl
                """);
        // The fake calculator answers with a number, not a letter: nothing extractable, and it says so.
        assertThat(r.tasks().get("arith-mc").extractionMisses()).isEqualTo(6);
        String prompt = server.bodies().getFirst().path("messages").path(0).path("content").asText();
        assertThat(prompt).contains("'Answer: X' where X is one of A, B, C, D").contains("\nA. ").contains("\nD. ");
    }

    @Test
    void toolCallingComparesCallsStructurally() {
        TestDatasets.toolCalls(dir);
        RunResults r = run("chat", """
                  - name: bfcl-simple
                    type: tool_calling
                    dataset: tools.jsonl
                    id_field: id
                """);
        TaskMetrics m = r.tasks().get("bfcl-simple");
        assertThat(m.items()).isEqualTo(6);
        assertThat(server.bodies().getFirst().path("tools").path(0).path("function").path("name").asText()).isEqualTo("get_weather");
        // the fake answers "kelvin" for some rows (hash-determined), which is not an acceptable unit
        int kelvin = (int) server.bodies().stream().filter(b -> {
            String q = b.path("messages").path(0).path("content").asText();
            return Math.floorMod(hashOf(q), 5) == 0;
        }).count();
        assertThat(m.mean().mean()).isEqualTo((6.0 - kelvin) / 6.0);
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve(findRun()));
        assertThat(samples.getFirst().extractionMethod()).isEqualTo("tool_calls");
    }

    @Test
    void userDefinedTaskFromTemplateDatasetExtractorAndScorer() {
        TestDatasets.write(dir.resolve("custom.jsonl"), """
                {"a": 2, "b": 3, "target": "5"}
                {"a": 10, "b": 20, "target": "30"}
                """);
        RunResults r = run("chat", """
                  - name: sums
                    dataset: custom.jsonl
                    prompt:
                      - {role: system, content: "You add numbers."}
                      - {role: user, content: "What is {{a}} + {{b}}?"}
                    answer_field: target
                    extractor: regex
                    extractor_params: {pattern: "answer is (\\\\d+)|boxed\\\\{(\\\\d+)}|#### (\\\\d+)"}
                    scorer: numeric_equivalence
                """);
        assertThat(r.tasks().get("sums").items()).isEqualTo(2);
        double expected = ((FakeOpenAiServer.answer(2, 3, "What is 2 + 3?") == 5 ? 1 : 0)
                + (FakeOpenAiServer.answer(10, 20, "What is 10 + 20?") == 30 ? 1 : 0)) / 2.0;
        assertThat(r.tasks().get("sums").mean().mean()).isEqualTo(expected);
        assertThat(r.tasks().get("sums").extractionMisses()).isZero();
        assertThat(server.bodies().getFirst().path("messages").path(0).path("role").asText()).isEqualTo("system");
    }

    private String findRun() {
        try (var s = java.nio.file.Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("run-")).findFirst().orElseThrow().getFileName().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long hashOf(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 7; i++) h = (h << 8) | (d[i] & 0xff);
            return h;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
