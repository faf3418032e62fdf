package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** IFEval end to end: rows as google-research publishes them, four accuracies, verdicts per sample, reruns identical. */
class IfevalTaskTest {
    @TempDir Path dir;

    /** Canned replies per prompt: some follow every instruction, some only loosely, some not at all. */
    static final class Writer implements Target {
        @Override
        public GenerationResult generate(GenerationRequest r) {
            String prompt = r.promptText();
            String reply;
            if (prompt.startsWith("Write a haiku")) reply = "<think>commas are banned</think>\"Silent pond at dusk\nA frog leaps in\"";
            else if (prompt.startsWith("List three")) reply = "Sure, here they are:\n* apples\n* pears\n* plums";   // comma in the first line only
            else if (prompt.startsWith("Describe")) reply = "THIS IS A RESPONSE WRITTEN ENTIRELY IN CAPITAL LETTERS ABOUT THE WEATHER.";
            else reply = "no, not at all";
            return GenerationResult.ofText(reply, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "writer")); }
    }

    static final String DATA = """
            {"key": 1, "prompt": "Write a haiku. Wrap your entire response with double quotation marks and do not use commas.", "instruction_id_list": ["startend:quotation", "punctuation:no_comma"], "kwargs": [{}, {}]}
            {"key": 2, "prompt": "List three fruits. Your answer must contain exactly 3 bullet points. Do not use any commas.", "instruction_id_list": ["detectable_format:number_bullet_lists", "punctuation:no_comma"], "kwargs": [{"num_bullets": 3}, {}]}
            {"key": 3, "prompt": "Describe the sea in English and all capital letters, in at least 10 words.", "instruction_id_list": ["change_case:english_capital", "length_constraints:number_words"], "kwargs": [{}, {"num_words": 10, "relation": "at least", "keyword": null}]}
            {"key": 4, "prompt": "Answer with at least 50 words and a title in double angular brackets.", "instruction_id_list": ["length_constraints:number_words", "detectable_format:title"], "kwargs": [{"num_words": 50, "relation": "at least"}, {}]}
            """;

    private RunResults run(Path out, Path data) {
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {seed: 5}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: ifeval, dataset: %s}
                """.formatted(data.getFileName()));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, new Writer()).results();
    }

    @Test
    void strictAndLooseAccuraciesAtPromptAndInstructionLevel() {
        Path data = TestDatasets.write(dir.resolve("ifeval.jsonl"), DATA);
        RunResults r = run(dir.resolve("a"), data);
        TaskMetrics m = r.tasks().get("ifeval");
        // strict: prompt 1 and 3 follow everything; prompt 2 fails no_comma; prompt 4 fails both
        assertThat(m.mean().mean()).isEqualTo(0.5);
        assertThat(m.breakdown()).containsExactly(
                Map.entry("prompt_level_strict_acc", 0.5),
                Map.entry("inst_level_strict_acc", 5.0 / 8),
                Map.entry("prompt_level_loose_acc", 0.75),   // prompt 2's comma sits in the dropped first line
                Map.entry("inst_level_loose_acc", 6.0 / 8));
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples.get(1).details().toString()).isEqualTo("{\"loose\":[true,true],\"strict\":[true,false]}");
        assertThat(samples.getFirst().answerText()).startsWith("\"Silent pond");   // thinking is not judged
        assertThat(samples.getFirst().itemId()).isEqualTo("1");

        RunResults again = run(dir.resolve("b"), data);
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
        assertThat(read(dir.resolve("b/results.json"))).isEqualTo(read(dir.resolve("a/results.json")));
        assertThat(read(dir.resolve("a/results.json"))).contains("\"inst_level_loose_acc\" : 0.75");
        assertThat(m.breakdown().get("inst_level_strict_acc")).isCloseTo(0.625, within(1e-12));
    }

    @Test
    void aRowWithAnUnknownInstructionStopsTheRunBeforeAnythingIsSent() {
        Path data = TestDatasets.write(dir.resolve("bad.jsonl"), """
                {"key": 9, "prompt": "p", "instruction_id_list": ["keywords:existence", "keywords:telepathy"], "kwargs": [{"keywords": ["x"]}, {}]}
                """);
        assertThatThrownBy(() -> run(dir.resolve("c"), data))
                .hasMessageContaining("bad.jsonl row 0").hasMessageContaining("unknown instruction 'keywords:telepathy'");
    }
}
