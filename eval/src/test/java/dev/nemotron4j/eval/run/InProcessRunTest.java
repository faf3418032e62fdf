package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.analysis.RunVerifier;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-process path through the service loader (with the test-double engine): byte-identical reruns, tokenizer, drift. */
class InProcessRunTest {
    @TempDir Path dir;

    private Path config(Path model) {
        TestDatasets.gsm8k(dir, 12);
        TestDatasets.multipleChoice(dir, 5);
        return TestDatasets.write(dir.resolve("eval.yaml"), """
                target: {model: "%s"}
                run: {repeats: 2, parallelism: 3}
                generation: {temperature: 0.8}
                interceptors: {progress: {enabled: false}, cache: {enabled: false}}
                tasks:
                  - {name: gsm8k, dataset: gsm8k.jsonl}
                  - {name: mc, type: multiple_choice, dataset: mc.jsonl, scoring: loglikelihood, repeats: 1}
                  - {name: ruler, params: {lengths: [300], variants: [niah_single_1], samples_per_length: 2}}
                """.formatted(model));
    }

    @Test
    void rerunsAreByteIdenticalAndUseTheModelsTokenizer() throws Exception {
        Path model = TestDatasets.write(dir.resolve("nano.fake-model"), "{{template v1}}\nweights\n");
        Path config = config(model);
        RunResults a = new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("a")).results();
        RunResults b = new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of("run.parallelism=1")), dir.resolve("b")).results();
        assertThat(read(dir.resolve("b/samples.jsonl"))).isEqualTo(read(dir.resolve("a/samples.jsonl")));
        assertThat(read(dir.resolve("b/results.json"))).isEqualTo(read(dir.resolve("a/results.json")));
        assertThat(a.tasks().keySet()).containsExactlyInAnyOrder("gsm8k", "mc", "ruler/niah_single_1@300");

        String lock = read(dir.resolve("a/lock.json"));
        assertThat(lock).contains("\"token_counter\" : \"fake-whitespace-tokenizer\"", "\"chat_template_sha256\"", "\"model_sha256\"");
        var prompt = RunOutputs.readSamples(dir.resolve("a")).stream().filter(s -> s.task().startsWith("ruler")).findFirst().orElseThrow();
        int words = prompt.prompt().get(0).get("content").asText().strip().split("\\s+").length;
        assertThat(words + 128).isBetween(250, 300);   // sized with the model's own tokenizer (128 reserved for the answer)
    }

    @Test
    void verifyDetectsChatTemplateDrift() throws Exception {
        Path model = TestDatasets.write(dir.resolve("nano.fake-model"), "{{template v1}}\nweights\n");
        Path run = dir.resolve("run");
        new EvalRunner(QUIET).run(ConfigLoader.load(config(model), List.of()), run);
        assertThat(RunVerifier.verify(run).drift()).isEmpty();
        Files.writeString(model, "{{template v2}}\nweights\n");
        assertThat(RunVerifier.verify(run).drift())
                .anyMatch(d -> d.startsWith("target.attributes.chat_template_sha256: was "))
                .anyMatch(d -> d.startsWith("target.attributes.model_sha256: was "));
    }

    @Test
    void unknownModelFormatIsReportedByTheServiceLoaderPath() {
        TestDatasets.gsm8k(dir, 1);
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(null,
                List.of("target.model=/models/x.gguf", "tasks=[{name: gsm8k, dataset: " + dir.resolve("gsm8k.jsonl") + "}]")), dir.resolve("x")))
                .hasMessageContaining("in-process target not available");
    }
}
