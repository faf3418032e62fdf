package dev.nemotron4j.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.analysis.Rescorer;
import dev.nemotron4j.eval.config.ConfigLoader;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.target.TokenUsage;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static org.assertj.core.api.Assertions.assertThat;

/** Item 5: few-shot contexts, option-text continuations, acc vs acc_norm (length-normalised) on log-likelihoods. */
class FewShotScoringTest {
    @TempDir Path dir;

    /** A scorer whose short option is more likely in total and whose long option is more likely per character. */
    static final class LengthBiasedTarget implements Target {
        final List<GenerationRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public GenerationResult generate(GenerationRequest r) {
            requests.add(r);
            double lp = r.continuation().length() <= 2 ? -1.0 : r.continuation().length() <= 3 ? -2.9 : -3.0;
            return new GenerationResult("", "", "", List.of(), "length", TokenUsage.UNKNOWN, List.of(), lp, false, 0, null);
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("in-process", Map.of("engine", "length-biased")); }

        @Override
        public boolean supportsLoglikelihood() { return true; }
    }

    private Path dataset(String name, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("{\"id\": \"").append(name).append(i).append("\", \"question\": \"Q").append(name).append(i)
                    .append(" is\", \"choices\": [\"x\", \"yyyyyyyyyy\", \"zz\"], \"answer\": ").append(i % 3).append("}\n");
        }
        return TestDatasets.write(dir.resolve(name + ".jsonl"), sb.toString());
    }

    private RunResults run(Path out, LengthBiasedTarget target, String scoring, String fewShot) {
        dataset("item", 6);
        dataset("dev", 4);
        Path config = TestDatasets.write(dir.resolve(out.getFileName() + ".yaml"), """
                target: {model: unused}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - name: base-mc
                    type: multiple_choice
                    dataset: item.jsonl
                    id_field: id
                    scoring: %s
                    continuation: choice_text
                    few_shot: %s
                """.formatted(scoring, fewShot));
        return new EvalRunner(QUIET).run(ConfigLoader.load(config, List.of()), out, target).results();
    }

    @Test
    void accPicksTheMostLikelyOptionAndAccNormTheMostLikelyPerCharacter() {
        LengthBiasedTarget t = new LengthBiasedTarget();
        run(dir.resolve("acc"), t, "loglikelihood", "{count: 2, seed: 9}");
        List<SampleRecord> acc = RunOutputs.readSamples(dir.resolve("acc"));
        assertThat(acc).extracting(SampleRecord::extracted).containsOnly("A");   // " x": -1.0 beats -2.9 and -3.0
        assertThat(acc).extracting(SampleRecord::extractionMethod).containsOnly("loglikelihood");

        run(dir.resolve("norm"), new LengthBiasedTarget(), "loglikelihood_norm", "{count: 2, seed: 9}");
        // per character: " x" -0.5, " yyyyyyyyyy" -0.27, " zz" -0.97
        assertThat(RunOutputs.readSamples(dir.resolve("norm"))).extracting(SampleRecord::extracted).containsOnly("B");

        // the same stored log-likelihoods, rescored as acc_norm offline, into a new run
        RunResults rescored = Rescorer.rescore(dir.resolve("acc"), List.of("tasks.base-mc.scoring=loglikelihood_norm"), dir.resolve("acc-as-norm"));
        assertThat(RunOutputs.readSamples(dir.resolve("acc-as-norm"))).extracting(SampleRecord::extracted).containsOnly("B");
        assertThat(rescored.tasks().get("base-mc").mean().mean()).isCloseTo(2 / 6.0, org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void fewShotContextsCarrySolvedExamplesButNeverTheAskedItem() {
        LengthBiasedTarget own = new LengthBiasedTarget();
        run(dir.resolve("own"), own, "loglikelihood", "{count: 2, seed: 9}");
        assertThat(own.requests).hasSize(6 * 3);
        for (GenerationRequest r : own.requests) {
            String[] blocks = r.prompt().split("\n\n");
            assertThat(blocks).hasSize(3);   // two examples, then the question
            String asked = blocks[2];
            assertThat(asked).matches("Qitem\\d is");
            for (int e = 0; e < 2; e++) {
                assertThat(blocks[e]).startsWith("Qitem").doesNotStartWith(asked);
                int index = Integer.parseInt(blocks[e].substring(5, 6));
                String answer = List.of(" x", " yyyyyyyyyy", " zz").get(index % 3);
                assertThat(blocks[e]).isEqualTo("Qitem" + index + " is" + answer);   // each example with its own answer
            }
            assertThat(List.of(" x", " yyyyyyyyyy", " zz")).contains(r.continuation());
        }
        // seeded per item: the examples differ between items but not between runs
        LengthBiasedTarget again = new LengthBiasedTarget();
        run(dir.resolve("own2"), again, "loglikelihood", "{count: 2, seed: 9}");
        assertThat(again.requests.stream().map(GenerationRequest::prompt).sorted().toList())
                .isEqualTo(own.requests.stream().map(GenerationRequest::prompt).sorted().toList());
        assertThat(own.requests.stream().map(r -> r.prompt().substring(0, r.prompt().lastIndexOf("\n\n"))).distinct().count()).isGreaterThan(1);

        LengthBiasedTarget dev = new LengthBiasedTarget();
        run(dir.resolve("dev"), dev, "loglikelihood", "{count: 3, dataset: dev.jsonl}");
        for (GenerationRequest r : dev.requests) {
            assertThat(r.prompt()).startsWith("Qdev0 is x\n\nQdev1 is yyyyyyyyyy\n\nQdev2 is zz\n\nQitem");   // the dev split's first three
        }
        assertThat(RunLock.read(dir.resolve("dev")).inputs().at("/tasks/base-mc/few_shot_pool_sha256").asText()).hasSize(64);
        // match_field unset is left out of the recorded inputs, so runs made before it existed keep their fingerprint
        JsonNode fewShot = RunLock.read(dir.resolve("dev")).inputs().at("/config/tasks/0/few_shot");
        assertThat(fewShot.path("count").asInt()).isEqualTo(3);
        assertThat(fewShot.has("match_field")).isFalse();
    }
}
