package dev.nemotron4j.eval.config;

import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLayeringTest {
    @TempDir Path dir;

    private Path yaml(String text) {
        return TestDatasets.write(dir.resolve("eval.yaml"), text);
    }

    @Test
    void defaultsThenFileThenOverridesThenPerTaskOverrides() {
        TestDatasets.gsm8k(dir.resolve("data"), 5);
        Path file = yaml("""
                target:
                  endpoint: {url: "http://localhost:8000/v1", model: nano, api_key_env: MY_KEY, type: completions}
                generation: {temperature: 0.6, max_tokens: 2048, reasoning: on}
                run: {repeats: 2}
                tasks:
                  - name: gsm8k
                    dataset: data/gsm8k.jsonl
                    generation: {max_tokens: 8192}
                    repeats: 8
                  - name: gsm8k-short
                    type: gsm8k
                    dataset: data/gsm8k.jsonl
                    reasoning_budgets: [256, 1024]
                """);
        EvalConfig c = ConfigLoader.load(file, List.of("generation.top_p=0.95", "tasks.gsm8k-short.limit=3"));
        assertThat(c.target().endpoint().type()).isEqualTo(EndpointType.COMPLETIONS);
        assertThat(c.target().endpoint().apiKeyEnv()).isEqualTo("MY_KEY");
        assertThat(c.generation().temperature()).isEqualTo(0.6);
        assertThat(c.generation().topP()).isEqualTo(0.95);
        assertThat(c.generation().topK()).isZero();                           // default layer
        assertThat(c.generation().reasoning()).isEqualTo(ReasoningMode.ON);
        assertThat(c.interceptors().retry().maxAttempts()).isEqualTo(5);    // default layer
        assertThat(c.tasks().getFirst().dataset()).isEqualTo(dir.resolve("data/gsm8k.jsonl").toString());

        List<TaskDefinition> tasks = new TaskFactory(c, TokenCounter.approximate()).build();
        assertThat(tasks).extracting(TaskDefinition::name).containsExactly("gsm8k", "gsm8k-short@budget=256", "gsm8k-short@budget=1024");
        TaskDefinition gsm8k = tasks.getFirst();
        assertThat(gsm8k.generation().maxTokens()).isEqualTo(8192);          // per-task beats global
        assertThat(gsm8k.generation().temperature()).isEqualTo(0.6);         // inherited
        assertThat(gsm8k.repeats()).isEqualTo(8);
        assertThat(gsm8k.items()).hasSize(5);
        assertThat(gsm8k.items().getFirst().expected().asText()).matches("\\d+");   // "#### N" parsed
        assertThat(tasks.get(1).repeats()).isEqualTo(2);
        assertThat(tasks.get(1).items()).hasSize(3);
        assertThat(tasks.get(2).generation().reasoningBudget()).isEqualTo(1024);
        assertThat(tasks.get(2).axis()).containsEntry("reasoning_budget", 1024).containsEntry("base_task", "gsm8k-short");
    }

    @Test
    void commandLineFlagsAreShorthandsForOverrides() {
        Path data = TestDatasets.gsm8k(dir, 3);
        EvalConfig c = new CommandLineOptions(null, null, "http://h:1/v1", "nano", null, null, List.of("gsm8k"), data,
                2, 4, 99L, 3, 512, null, List.of("generation.temperature=0.3"), dir.resolve("out")).resolve();
        assertThat(c.target().endpoint().url()).isEqualTo("http://h:1/v1");
        assertThat(c.target().endpoint().type()).isEqualTo(EndpointType.CHAT);
        assertThat(c.tasks()).hasSize(1);
        assertThat(c.tasks().getFirst().dataset()).isEqualTo(data.toAbsolutePath().toString());
        assertThat(c.run()).isEqualTo(new EvalConfig.RunConfig(99L, 4, 3, 2, null, null));
        assertThat(c.generation().maxTokens()).isEqualTo(512);
        assertThat(c.generation().temperature()).isEqualTo(0.3);
        assertThat(c.output().dir()).isEqualTo(dir.resolve("out").toString());
    }

    @Test
    void typosAndBadOverridesFailLoudly() {
        Path file = yaml("generation: {temprature: 0.5}\n");
        assertThatThrownBy(() -> ConfigLoader.load(file, List.of())).hasMessageContaining("temprature");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("run.seed"))).hasMessageContaining("key.path=value");
        assertThatThrownBy(() -> ConfigLoader.load(null, List.of("tasks.nope.repeats=2"))).hasMessageContaining("no element 'nope'");
        EvalConfig noTasks = ConfigLoader.load(null, List.of());
        assertThatThrownBy(() -> new TaskFactory(noTasks, TokenCounter.approximate()).build()).hasMessageContaining("no tasks");
    }
}
