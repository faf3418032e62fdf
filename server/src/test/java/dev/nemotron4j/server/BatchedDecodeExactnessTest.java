package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batched decode is exact through the HTTP API: N concurrent greedy requests (N = 1..8, prompts of different
 * lengths, so prefill chunks and decode rows share steps) produce exactly the tokens and log-probabilities each
 * produces alone.
 */
class BatchedDecodeExactnessTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-b", 8, 64, 4096, c -> c);

    static ObjectNode request(int i) {
        ObjectNode body = JSON.createObjectNode().put("max_tokens", 40).put("temperature", 0).put("ignore_eos", true).put("logprobs", 2);
        var prompt = body.putArray("prompt");
        for (int k = 0; k < 3 + 11 * i; k++) prompt.add(40 + (i * 37 + k * 13) % 300);
        return body;
    }

    static JsonNode choice(ObjectNode body) throws Exception {
        var r = f.post("/v1/completions", body);
        assertThat(r.status()).as(r.response().body()).isEqualTo(200);
        return r.json().path("choices").get(0);
    }

    @Test
    void concurrentGreedySequencesMatchTheirSoloRuns() throws Exception {
        List<JsonNode> alone = new ArrayList<>();
        for (int i = 0; i < 8; i++) alone.add(choice(request(i)));

        AtomicInteger maxRunning = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofPlatform().start(() -> {
            while (watching.get()) {
                maxRunning.accumulateAndGet(f.service.status().running(), Math::max);
                Thread.onSpinWait();
            }
        });
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int n = 1; n <= 8; n++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<JsonNode>> results = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int idx = i;
                    results.add(pool.submit(() -> {
                        go.await();
                        return choice(request(idx));
                    }));
                }
                go.countDown();
                for (int i = 0; i < n; i++) {
                    JsonNode got = results.get(i).get();
                    assertThat(got.path("text").asText()).as("N=%d, sequence %d: text", n, i).isEqualTo(alone.get(i).path("text").asText());
                    assertThat(got.path("logprobs")).as("N=%d, sequence %d: tokens and logprobs", n, i).isEqualTo(alone.get(i).path("logprobs"));
                }
            }
        } finally {
            watching.set(false);
            watcher.join();
        }
        assertThat(maxRunning.get()).as("sequences really shared a batch").isGreaterThanOrEqualTo(3);
    }
}
