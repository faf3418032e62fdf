package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;

/** Item 2's first benchmarks: GPQA-style per-repeat option shuffling, AIME boxed integers. */
public class BenchmarkFamiliesTest {
    @TempDir Path dir;

    /** Answers multiple choice with the letter of the option marked "(right)", AIME with a boxed 7 (some wrong). */
    public static final class Reader implements Target {
        private static final Pattern OPTION = Pattern.compile("(?m)^([A-Z])\\. (.*)$");

        @Override
        public GenerationResult generate(GenerationRequest r) {
            String prompt = r.promptText();
            Matcher m = OPTION.matcher(prompt);
            while (m.find()) {
                if (!m.group(2).contains("(right)")) continue;
                // MMLU-Pro style ends "The answer is (X)"; the others "Answer: X"
                return GenerationResult.ofText(prompt.contains("\nOptions:\n") ? "Step by step... The answer is (" + m.group(1) + ")."
                        : "Reasoning...\nAnswer: " + m.group(1), "stop");
            }
            return GenerationResult.ofText("<think>Let me add.</think>So the result is \\boxed{007}.", "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "reader")); }
    }

    private RunResults run(Path out, String tasks) {
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {repeats: 4, seed: 11}
                interceptors:
                  progress: {enabled: false}
                tasks:
                %s""".formatted(tasks));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, new Reader()).results();
    }

    @Test
    void gpqaOptionsAreShuffledPerRepeatAndScoredAgainstTheCorrectOnesLetter() {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            rows.append("{\"question\": \"Q").append(i).append("?\", \"correct\": \"").append(i).append(" (right)\", \"incorrect_1\": \"w1\", ")
                    .append("\"incorrect_2\": \"w2\", \"incorrect_3\": \"w3\"}\n");
        }
        TestDatasets.write(dir.resolve("gpqa.jsonl"), rows.toString());
        RunResults r = run(dir.resolve("g"), "  - {name: gpqa, dataset: gpqa.jsonl}\n");
        assertThat(r.tasks().get("gpqa").mean().mean()).isEqualTo(1.0);
        Set<String> letters = new HashSet<>();
        Set<String> orders = new HashSet<>();
        for (SampleRecord s : RunOutputs.readSamples(dir.resolve("g"))) {
            letters.add(s.expected().asText());
            orders.add(s.prompt().toString());
            assertThat(s.choiceCount()).isEqualTo(4);
            assertThat(s.prompt().toString()).contains(s.expected().asText() + ". " + s.itemId() + " (right)");
        }
        assertThat(letters.size()).isGreaterThan(2);   // the right option moves between positions
        assertThat(orders.size()).isGreaterThan(12);   // orders drawn afresh per (item, repeat): 24 possible, few repeat
        RunResults again = run(dir.resolve("g2"), "  - {name: gpqa, dataset: gpqa.jsonl}\n");
        assertThat(read(dir.resolve("g2/samples.jsonl"))).isEqualTo(read(dir.resolve("g/samples.jsonl")));
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
    }

    @Test
    void aimeAnswersAreBoxedIntegersComparedAsNumbers() {
        TestDatasets.write(dir.resolve("aime.jsonl"), """
                {"id": "2025-I-1", "problem": "Find 3 + 4.", "answer": "7"}
                {"id": "2025-I-2", "problem": "Find 2 + 4.", "answer": 6}
                """);
        RunResults r = run(dir.resolve("a"), "  - {name: aime, dataset: aime.jsonl, id_field: id}\n");
        assertThat(r.tasks().get("aime").mean().mean()).isEqualTo(0.5);
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples.getFirst().prompt().toString()).contains("Find 3 + 4.").contains("\\\\boxed{}");
        assertThat(samples).extracting(SampleRecord::extracted).containsOnly("007");   // the boxed text; scored as the integer 7
        assertThat(samples.getFirst().answerSource()).isEqualTo("after_think");
    }

    @Test
    void mmluProHasTenLetteredOptionsAndTheAnswerIsXExtraction() {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            StringBuilder options = new StringBuilder();
            int right = i == 0 ? 9 : i + 2;
            for (int o = 0; o < 10; o++) options.append(o > 0 ? ", " : "").append('"').append("opt").append(o).append(o == right ? " (right)" : "").append('"');
            rows.append("{\"question\": \"Q").append(i).append("\", \"options\": [").append(options).append("], \"answer\": ")
                    .append(i == 2 ? String.valueOf(right) : "\"" + (char) ('A' + right) + "\"").append(", \"category\": \"math\"}\n");
        }
        TestDatasets.write(dir.resolve("mmlu_pro.jsonl"), rows.toString());
        RunResults r = run(dir.resolve("m"), "  - {name: mmlu_pro, dataset: mmlu_pro.jsonl, repeats: 1}\n");
        assertThat(r.tasks().get("mmlu_pro").mean().mean()).isEqualTo(1.0);
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("m"));
        assertThat(samples.getFirst().expected().asText()).isEqualTo("J");   // ten options: A-J
        assertThat(samples.get(2).expected().asText()).isEqualTo("E");      // an index in the data becomes its letter
        assertThat(samples.getFirst().prompt().toString()).contains("J. opt9 (right)").contains("A, B, C, D, E, F, G, H, I, J");
        assertThat(samples).extracting(SampleRecord::extracted).containsExactly("J", "D", "E");
    }
}
