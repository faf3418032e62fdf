package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.analysis.Rescorer;
import dev.nemotron4j.eval.analysis.RunComparison;
import dev.nemotron4j.eval.analysis.RunVerifier;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.stats.TaskMetrics;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.OpenAiEndpointTarget;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetException;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.gsm8kConfig;
import static dev.nemotron4j.eval.testing.RunFixtures.load;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Full runs against the fake endpoint: determinism, caching, repeats, retries, resume, verify, rescore, compare. */
class EndpointRunTest {
    @TempDir Path dir;
    FakeOpenAiServer server;
    Path dataset;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        dataset = TestDatasets.gsm8k(dir, 40);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EvalRunner.Outcome run(Path out, String extraYaml, String... overrides) {
        return new EvalRunner(QUIET).run(load(gsm8kConfig(dir, server, dataset, extraYaml), overrides), out);
    }

    @Test
    void sameDigestAndBytesAtParallelismOneAndFour() {
        EvalRunner.Outcome p1 = run(dir.resolve("p1"), "");
        EvalRunner.Outcome p4 = run(dir.resolve("p4"), "", "run.parallelism=4");
        assertThat(server.requestCount()).isEqualTo(80);   // separate caches: both really ran
        assertThat(p4.results().samplesDigest()).isEqualTo(p1.results().samplesDigest());
        assertThat(p4.results().fingerprint()).isEqualTo(p1.results().fingerprint());
        assertThat(read(dir.resolve("p4/results.json"))).isEqualTo(read(dir.resolve("p1/results.json")));
        assertThat(read(dir.resolve("p4/samples.jsonl"))).isEqualTo(read(dir.resolve("p1/samples.jsonl")));
        assertThat(p1.results().samplesDigest()).isEqualTo(dev.nemotron4j.eval.json.Sha256.hex(read(dir.resolve("p1/samples.jsonl"))));
    }

    @Test
    void everyResponseStyleIsExtractedCorrectly() {
        TaskMetrics m = run(dir.resolve("r"), "").results().tasks().get("gsm8k");
        // The fake is wrong on exactly the items its hash says; every right answer must be recognised,
        // whatever the style (think block, reasoning_content, empty content, ####, revised answer).
        assertThat(m.mean().mean()).isCloseTo(dev.nemotron4j.eval.testing.RunFixtures.expectedGreedyAccuracy(dataset), within(1e-12));
        assertThat(m.mean().mean()).isBetween(0.5, 0.95);
        assertThat(m.extractionMisses()).isZero();
        assertThat(m.answerSources()).containsKeys("after_think", "content", "reasoning_fallback");
        assertThat(m.wilson95().low()).isLessThan(m.mean().mean());
    }

    @Test
    void repeatsAreDistinctSamplesAndTheCacheKeysOnEverySetting() {
        Path cache = dir.resolve("shared-cache");
        String extra = "  cache: {enabled: true, dir: \"" + cache + "\"}\n";
        EvalRunner.Outcome first = run(dir.resolve("a"), extra, "run.repeats=4", "generation.temperature=0.7");
        assertThat(server.requestCount()).isEqualTo(160);
        assertThat(server.bodies().stream().map(b -> b.path("seed").asLong()).distinct().count()).isEqualTo(160);
        TaskMetrics m = first.results().tasks().get("gsm8k");
        assertThat(m.passAtK()).containsKeys("pass@1", "pass@2", "pass@4");
        assertThat(m.passAtK().get("pass@4")).isGreaterThan(m.passAtK().get("pass@1"));
        assertThat(m.majAtK()).isNotNull();

        EvalRunner.Outcome cached = run(dir.resolve("b"), extra, "run.repeats=4", "generation.temperature=0.7");
        assertThat(server.requestCount()).isEqualTo(160);   // all cache hits
        assertThat(cached.results().samplesDigest()).isEqualTo(first.results().samplesDigest());

        run(dir.resolve("c"), extra, "run.repeats=4", "generation.temperature=0.8");
        assertThat(server.requestCount()).isEqualTo(320);   // temperature is part of the key
        run(dir.resolve("d"), extra, "run.repeats=4", "generation.temperature=0.7", "run.seed=8");
        assertThat(server.requestCount()).isEqualTo(480);   // so is the per-sample seed
    }

    @Test
    void transientErrorsAreRetriedWithoutChangingResults() {
        String clean = run(dir.resolve("clean"), "").results().samplesDigest();
        server.failNext(3, 503);
        EvalRunner.Outcome retried = run(dir.resolve("retried"), "", "run.parallelism=4");
        assertThat(retried.results().samplesDigest()).isEqualTo(clean);
    }

    @Test
    void aPermanentErrorStopsTheRunAndResumeFinishesWithTheSameDigest() {
        String clean = run(dir.resolve("clean"), "").results().samplesDigest();
        Path out = dir.resolve("broken");
        EvalConfig config = load(gsm8kConfig(dir, server, dataset, ""), "run.parallelism=3", "interceptors.cache.enabled=false");
        AtomicInteger calls = new AtomicInteger();
        Target real = new OpenAiEndpointTarget(server.baseUrl(), "fake-calculator", EndpointType.CHAT, null, Duration.ofSeconds(10));
        Target crashing = new Target() {
            @Override
            public GenerationResult generate(GenerationRequest request) {
                if (calls.incrementAndGet() == 17) throw new TargetException("injected crash", false);
                return real.generate(request);
            }

            @Override
            public TargetIdentity identity() { return real.identity(); }
        };
        assertThatThrownBy(() -> new EvalRunner(QUIET).run(config, out, crashing))
                .isInstanceOf(EvalRunner.SampleFailedException.class).hasMessageContaining("injected crash");
        assertThat(out.resolve("results.json")).doesNotExist();
        int journaled = Journal.read(out.resolve("journal.jsonl")).size();
        assertThat(journaled).isBetween(10, 39);

        EvalRunner.Outcome resumed = new EvalRunner(QUIET).resume(out);
        assertThat(resumed.journaledSamples()).isEqualTo(journaled);
        assertThat(resumed.executedSamples()).isEqualTo(40 - journaled);
        assertThat(resumed.results().samplesDigest()).isEqualTo(clean);
    }

    @Test
    void aRunDirectoryRefusesDifferentInputs() {
        run(dir.resolve("x"), "");
        assertThatThrownBy(() -> run(dir.resolve("x"), "", "generation.max_tokens=17"))
                .hasMessageContaining("different inputs").hasMessageContaining("max_tokens");
        EvalRunner.Outcome again = run(dir.resolve("x"), "", "run.parallelism=2");   // parallelism is not an input
        assertThat(again.executedSamples()).isZero();
    }

    @Test
    void verifyReportsFieldLevelDrift() throws Exception {
        Path out = dir.resolve("v");
        run(out, "");
        assertThat(RunVerifier.verify(out).drift()).isEmpty();

        Files.writeString(dataset, read(dataset).replaceFirst("#### ", "#### 9"));
        Files.writeString(out.resolve("samples.jsonl"), read(out.resolve("samples.jsonl")).replaceFirst("\"score\":1.0", "\"score\":0.0"));
        List<String> drift = RunVerifier.verify(out).drift();
        assertThat(drift).anyMatch(d -> d.startsWith("tasks.gsm8k.dataset_sha256: was "));
        assertThat(drift).anyMatch(d -> d.startsWith("samples_digest"));
    }

    @Test
    void rescoreRecomputesOfflineAndCompareFlagsTheRegression() throws Exception {
        Path a = dir.resolve("a");
        EvalRunner.Outcome original = run(a, "");
        int requests = server.requestCount();
        server.close();   // rescoring must not need the target

        assertThat(Rescorer.rescore(a, List.of()).samplesDigest()).isEqualTo(original.results().samplesDigest());

        Path b = dir.resolve("b");
        double rescored = Rescorer.rescore(a, List.of("interceptors.reasoning.fallback_to_reasoning=false"), b)
                .tasks().get("gsm8k").mean().mean();
        assertThat(rescored).isLessThan(original.results().tasks().get("gsm8k").mean().mean());
        assertThat(server.requestCount()).isEqualTo(requests);

        RunComparison.Result same = RunComparison.compare(a, a);
        assertThat(same.regression(0.05)).isFalse();
        assertThat(same.tasks().get("gsm8k").flips()).isEmpty();

        RunComparison.Result worse = RunComparison.compare(a, b);
        RunComparison.TaskComparison t = worse.tasks().get("gsm8k");
        assertThat(t.aOnlyCorrect()).isGreaterThanOrEqualTo(6);
        assertThat(t.bOnlyCorrect()).isZero();
        assertThat(t.flips()).hasSize(t.aOnlyCorrect());
        assertThat(worse.regression(0.05)).isTrue();
        assertThat(RunComparison.describe(worse, 0.05, 3)).contains("REGRESSION").contains("more flips");
        server = new FakeOpenAiServer();   // for @AfterEach
    }
}
