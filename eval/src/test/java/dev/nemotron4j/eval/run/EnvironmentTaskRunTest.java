package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import dev.nemotron4j.train.tasks.DataSplit;
import dev.nemotron4j.train.tasks.Environments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;

/** `eval run --task arithmetic --task tool_use` against an endpoint: the held-out questions go out, verdicts come back. */
class EnvironmentTaskRunTest {
    @TempDir Path dir;

    @Test
    void environmentTasksRunThroughAnEndpoint() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            String yaml = """
                    target:
                      endpoint: {url: "%s", model: fake, type: chat}
                    interceptors:
                      progress: {enabled: false}
                    tasks:
                      - name: arithmetic
                        limit: 3
                      - name: tool_use
                        limit: 2
                    """.formatted(server.baseUrl());
            Path config = TestDatasets.write(dir.resolve("env.yaml"), yaml);
            RunResults results = new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("run")).results();
            TaskMetrics arithmetic = results.tasks().get("arithmetic");
            assertThat(arithmetic.items()).isEqualTo(3);
            // The fake calculator never answers "The answer is N." exactly: the exact verifier gives 0.
            assertThat(arithmetic.mean().mean()).isZero();
            for (String metric : List.of("call_valid", "call_exact", "answer_uses_result")) {
                assertThat(results.tasks().get("tool_use/" + metric).items()).as(metric).isEqualTo(2);
            }
            String firstQuestion = Environments.byName("arithmetic").sample(DataSplit.EVAL.seed(0)).question();
            assertThat(server.bodies()).anySatisfy(body -> assertThat(body.toString()).contains(firstQuestion));
            List<JsonNode> withTools = server.bodies().stream().filter(b -> b.has("tools")).toList();
            assertThat(withTools).hasSize(6);
            // the answer turn: the question, the reference call, the tool's reply (ids as the endpoint numbers calls)
            assertThat(withTools).anySatisfy(b -> {
                assertThat(b.get("messages")).hasSize(3);
                assertThat(b.get("messages").get(1).get("tool_calls").get(0).get("id").asText()).isEqualTo("call_0");
                assertThat(b.get("messages").get(2).get("tool_call_id").asText()).isEqualTo("call_0");
                assertThat(b.get("messages").get(1).get("reasoning_content").asText()).startsWith("The user wants ");
            });
            assertThat(withTools.getFirst().get("tools").toString()).contains("get_weather", "convert_units");
        }
    }
}
