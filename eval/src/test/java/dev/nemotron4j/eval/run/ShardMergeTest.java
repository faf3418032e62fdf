package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.analysis.RunVerifier;
import dev.nemotron4j.eval.config.EvalConfig;
import dev.nemotron4j.eval.json.Sha256;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.OpenAiEndpointTarget;
import dev.nemotron4j.eval.target.TokenCounter;
import dev.nemotron4j.eval.task.EvalItem;
import dev.nemotron4j.eval.task.TaskDefinition;
import dev.nemotron4j.eval.task.TaskFactory;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import dev.nemotron4j.eval.testing.TestDatasets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.nemotron4j.eval.testing.RunFixtures.QUIET;
import static dev.nemotron4j.eval.testing.RunFixtures.load;
import static dev.nemotron4j.eval.testing.RunFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Item 6: shards merge into exactly the unsharded run; seeded (stratified) subsets; the pre-run estimate. */
class ShardMergeTest {
    @TempDir Path dir;
    FakeOpenAiServer server;
    Path config;

    @BeforeEach
    void start() throws Exception {
        server = new FakeOpenAiServer();
        Path gsm8k = TestDatasets.gsm8k(dir, 23);
        // a subject per row, 2:1, for stratified subsets
        List<String> rows = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(gsm8k)) {
            rows.add(line.substring(0, line.length() - 1) + ", \"subject\": \"" + (i++ % 3 == 2 ? "b" : "a") + "\"}");
        }
        Files.write(gsm8k, rows);
        TestDatasets.multipleChoice(dir, 10);
        config = TestDatasets.write(dir.resolve("eval.yaml"), """
                target:
                  endpoint: {url: "%s", model: fake, type: chat}
                generation: {temperature: 0.7}
                run: {seed: 3, repeats: 2, parallelism: 2}
                interceptors:
                  progress: {enabled: false}
                tasks:
                  - name: gsm8k
                    dataset: gsm8k.jsonl
                  - name: arith-mc
                    type: multiple_choice
                    dataset: mc.jsonl
                    id_field: id
                """.formatted(server.baseUrl()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private EvalRunner.Outcome run(Path out, String... overrides) {
        return new EvalRunner(QUIET).run(load(config, overrides), out);
    }

    @Test
    void shardsMergeIntoExactlyTheUnshardedRun() {
        Path whole = dir.resolve("whole");
        RunResults unsharded = run(whole).results();
        assertThat(unsharded.samples()).isEqualTo((23 + 10) * 2);
        List<Path> shards = new ArrayList<>();
        int sum = 0;
        for (int i = 0; i < 3; i++) {
            Path s = dir.resolve("shard-" + i);
            RunResults r = run(s, "run.shard='" + i + "/3'").results();
            assertThat(r.fingerprint()).isEqualTo(unsharded.fingerprint());   // the slice is not an input
            assertThat(r.samples()).isBetween(20, 24);
            assertThat(r.tasks().keySet()).containsExactlyInAnyOrder("arith-mc", "gsm8k");   // every shard gets a share of every task
            sum += r.samples();
            shards.add(s);
        }
        assertThat(sum).isEqualTo(unsharded.samples());

        Path merged = dir.resolve("merged");
        RunResults m = RunMerger.merge(merged, List.of(shards.get(2), shards.get(0), shards.get(1)));
        assertThat(read(merged.resolve("samples.jsonl"))).isEqualTo(read(whole.resolve("samples.jsonl")));
        assertThat(read(merged.resolve("results.json"))).isEqualTo(read(whole.resolve("results.json")));
        assertThat(m.samplesDigest()).isEqualTo(unsharded.samplesDigest()).isEqualTo(Sha256.hex(read(whole.resolve("samples.jsonl"))));
        assertThat(m.fingerprint()).isEqualTo(unsharded.fingerprint());
        assertThat(RunVerifier.verify(merged).drift()).isEmpty();
        EvalRunner.Outcome resumed = new EvalRunner(QUIET).resume(merged);
        assertThat(resumed.executedSamples()).isZero();
        assertThat(resumed.results().samplesDigest()).isEqualTo(unsharded.samplesDigest());
        RunTiming timing = RunTiming.read(merged).orElseThrow();
        assertThat(timing.requests().requests()).isEqualTo((23 + 10) * 2);   // the shards' requests added up
    }

    @Test
    void mergeRefusesIncompleteOrMixedShards() {
        List<Path> shards = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path s = dir.resolve("s" + i);
            run(s, "run.shard='" + i + "/2'");
            shards.add(s);
        }
        assertThatThrownBy(() -> RunMerger.merge(dir.resolve("m1"), List.of(shards.get(0))))
                .hasMessageContaining("shards missing: 1/2");
        assertThatThrownBy(() -> RunMerger.merge(dir.resolve("m2"), List.of(shards.get(0), shards.get(0))))
                .hasMessageContaining("given twice");
        Path other = dir.resolve("other");
        run(other, "run.shard='1/2'", "run.seed=4");
        assertThatThrownBy(() -> RunMerger.merge(dir.resolve("m3"), List.of(shards.get(0), other)))
                .hasMessageContaining("shard of another run");
        assertThatThrownBy(() -> run(shards.get(0), "run.shard='1/2'")).hasMessageContaining("holds shard 0/2");
        assertThatThrownBy(() -> run(dir.resolve("bad"), "run.shard='2/2'")).hasMessageContaining("0 <= i < n");
        assertThat(dir.resolve("bad")).doesNotExist();
    }

    @Test
    void subsetsAreSeededStratifiedAndRecorded() {
        String subset = "run.subset={size: 9, stratify: subject, seed: 5}";
        RunResults r = run(dir.resolve("sub"), subset, "tasks.arith-mc.subset={size: 4}").results();
        assertThat(r.tasks().get("gsm8k").items()).isEqualTo(9);
        assertThat(r.tasks().get("arith-mc").items()).isEqualTo(4);
        Map<String, Integer> bySubject = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        for (SampleRecord s : RunOutputs.readSamples(dir.resolve("sub"))) {
            if (!s.task().equals("gsm8k") || s.repeat() != 0) continue;
            ids.add(s.itemId());
            bySubject.merge(Integer.parseInt(s.itemId()) % 3 == 2 ? "b" : "a", 1, Integer::sum);
        }
        assertThat(bySubject).containsEntry("a", 6).containsEntry("b", 3);   // 15:8 of 23 → 5.87:3.13 → 6:3
        RunLock lock = RunLock.read(dir.resolve("sub"));
        assertThat(lock.inputs().at("/config/run/subset/stratify").asText()).isEqualTo("subject");
        assertThat(lock.inputs().at("/tasks/gsm8k/item_ids_sha256").asText())
                .isEqualTo(Sha256.hex(String.join("\n", ids) + "\n"));

        List<String> again = itemIds(load(config, subset)), otherSeed = itemIds(load(config, "run.subset={size: 9, stratify: subject, seed: 6}"));
        assertThat(again).isEqualTo(ids);
        assertThat(otherSeed).hasSize(9).isNotEqualTo(ids);
        assertThat(itemIds(load(config, "run.subset={fraction: 0.5}"))).hasSize(12);
        assertThatThrownBy(() -> itemIds(load(config, "run.subset={size: 3, fraction: 0.5}"))).hasMessageContaining("not both");
    }

    private static List<String> itemIds(EvalConfig config) {
        return new TaskFactory(config, TokenCounter.approximate()).build().getFirst().items().stream().map(EvalItem::id).toList();
    }

    @Test
    void theEstimateCountsSamplesRequestsAndTokensBeforeRunning() {
        EvalConfig c = load(config, "generation.max_tokens=100");
        try (OpenAiEndpointTarget target = new OpenAiEndpointTarget(server.baseUrl(), "fake", EndpointType.CHAT, null, Duration.ofSeconds(10))) {
            RunEstimate e = EvalRunner.estimate(c, target);
            assertThat(server.requestCount()).isZero();
            long prompt = 0;
            for (TaskDefinition t : new TaskFactory(c, TokenCounter.approximate()).build()) {
                for (EvalItem item : t.items()) {
                    prompt += 2L * TokenCounter.approximate().count(GenerationRequest.joinContents(t.prompt().render(item, t.choicesField())));
                }
            }
            assertThat(e.samples()).isEqualTo(66);
            assertThat(e.requests()).isEqualTo(66);
            assertThat(e.promptTokens()).isEqualTo(prompt);
            assertThat(e.completionTokenCap()).isEqualTo(6600);
            assertThat(e.counter()).isEqualTo("approximate-wordpiece-v1");   // the endpoint's tokenizer is not asked per prompt
            assertThat(e.describe(null)).doesNotContain("tokens/s");
            assertThat(e.describe(100.0)).contains("at 100 tokens/s at most");
            RunEstimate half = RunEstimate.of(new TaskFactory(c, TokenCounter.approximate()).build(), Shard.parse("0/2"), TokenCounter.approximate());
            assertThat(half.samples()).isEqualTo(34);   // items 0, 2, ... of the 33 in canonical order, 2 repeats each
        }
    }
}
