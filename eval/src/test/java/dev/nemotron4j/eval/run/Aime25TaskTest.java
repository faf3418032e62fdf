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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * AIME25 (#18 item 2) in-process on a hand-made sample: NeMo-Skills' math prompt, the last {@code \boxed{}} as the
 * answer (no fallback to a bare number), exact integer match, and repeats reported as mean and pass@k.
 */
public class Aime25TaskTest {
    @TempDir Path dir;

    /** Our own problems, with AIME-style integer answers. */
    private static final String SAMPLE = """
            {"id": "t-1", "problem": "What is the sum of the first ten positive integers?", "answer": "55"}
            {"id": "t-2", "problem": "How many positive divisors does 360 have?", "answer": 24}
            {"id": "t-3", "problem": "Find the remainder when 2^10 is divided by 1000.", "answer": "024"}
            {"id": "t-4", "problem": "Find the last three digits of 7 * 11 * 13 * 2.", "answer": "2"}
            """;

    /**
     * Answers each problem in one style: t-1 right after a think block; t-2 revises a first boxed guess (the last box
     * counts); t-3 writes the right number but never boxes it (no answer); t-4 boxes {@code 002} on even seeds and
     * {@code 2.0} on odd ones (not written as an integer: wrong), so its repeats disagree.
     */
    static final class Solver implements Target {
        @Override
        public GenerationResult generate(GenerationRequest r) {
            String p = r.promptText();
            String text;
            if (p.contains("first ten")) text = "<think>1+2+...+10 = 10*11/2.</think>The sum is \\boxed{55}.";
            else if (p.contains("divisors")) text = "360 = 2^3 3^2 5, so \\boxed{20}? No: (3+1)(2+1)(1+1) = \\boxed{ 24 }.";
            else if (p.contains("2^10")) text = "2^10 = 1024, so the remainder is 24.";
            else text = r.seed() % 2 == 0 ? "7*11*13 = 1001, doubled 2002: \\boxed{002}" : "So \\boxed{2.0}";
            return GenerationResult.ofText(text, "stop");
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "aime-solver")); }
    }

    private RunResults run(Path out, String extra) {
        TestDatasets.write(dir.resolve("aime25.jsonl"), SAMPLE);
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                run: {repeats: 4, seed: 5}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - {name: aime, dataset: aime25.jsonl, id_field: id%s}
                """.formatted(extra));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, new Solver()).results();
    }

    @Test
    void lastBoxedIntegerMatchedExactlyWithMeanAndPassAtK() {
        RunResults r = run(dir.resolve("a"), "");
        List<SampleRecord> samples = RunOutputs.readSamples(dir.resolve("a"));
        assertThat(samples).hasSize(16);
        // NeMo-Skills' generic/math prompt, word for word
        assertThat(samples.getFirst().prompt().get(0).get("content").asText()).isEqualTo(
                "Solve the following math problem. Make sure to put the answer (and only answer) inside \\boxed{}.\n\n"
                        + "What is the sum of the first ten positive integers?");
        Map<String, Integer> rightPerItem = new LinkedHashMap<>();
        for (SampleRecord s : samples) {
            double want = switch (s.itemId()) {
                case "t-1", "t-2" -> 1;
                case "t-3" -> 0;
                default -> s.seed() % 2 == 0 ? 1 : 0;
            };
            assertThat(s.score()).as(s.key().toString()).isEqualTo(want);
            rightPerItem.merge(s.itemId(), (int) want, Integer::sum);
            switch (s.itemId()) {
                case "t-1" -> assertThat(s.extracted()).isEqualTo("55");
                case "t-2" -> assertThat(s.extracted()).isEqualTo("24");          // the revision, not the first box
                case "t-3" -> assertThat(s.extracted()).isNull();                  // "24" unboxed is no answer
                default -> assertThat(s.extracted()).isIn("002", "2.0");
            }
        }
        int t4 = rightPerItem.get("t-4");
        assertThat(t4).as("t-4's repeats should disagree for pass@k to differ from the mean").isBetween(1, 3);
        TaskMetrics m = r.tasks().get("aime");
        assertThat(m.items()).isEqualTo(4);
        assertThat(m.mean().mean()).isEqualTo((4 + 4 + 0 + t4) / 16.0);
        assertThat(m.passAtK().get("pass@1")).isEqualTo(m.mean().mean(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(m.passAtK().get("pass@4")).isEqualTo(3 / 4.0);        // t-1, t-2 and t-4 are each solved at least once
        assertThat(m.extractionMisses()).isEqualTo(4);                   // t-3's four replies
        // deterministic: the same run again gives the same bytes
        RunResults again = run(dir.resolve("b"), "");
        assertThat(read(dir.resolve("b/samples.jsonl"))).isEqualTo(read(dir.resolve("a/samples.jsonl")));
        assertThat(again.samplesDigest()).isEqualTo(r.samplesDigest());
    }

    @Test
    void theLockfileNamesTheBoxedExtractorAndIntegerScorer() {
        run(dir.resolve("l"), "");
        String lock = read(dir.resolve("l/lock.json"));
        assertThat(lock).contains("\"extractor\" : \"boxed@1\"").contains("\"scorer\" : \"integer_match@1\"");
    }

    @Test
    void anAnswerThatIsNoIntegerFrom0To999IsNamedBeforeAnythingRuns() {
        TestDatasets.write(dir.resolve("bad.jsonl"), """
                {"problem": "ok", "answer": "12"}
                {"problem": "bad", "answer": "1000"}
                """);
        Path config = TestDatasets.write(dir.resolve("bad.yaml"), """
                target: {model: unused}
                tasks:
                  - {name: aime, dataset: bad.jsonl}
                """);
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), dir.resolve("x"), new Solver()))
                .hasMessageContaining("bad.jsonl row 1").hasMessageContaining("integer from 0 to 999").hasMessageContaining("1000");
        assertThat(dir.resolve("x/lock.json")).doesNotExist();
    }
}
