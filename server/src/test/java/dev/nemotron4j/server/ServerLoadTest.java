package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 32 concurrent streaming clients for a minute (property {@code nemotron4j.load.seconds}) on a tiny model: no request
 * fails, every stream ends with a finish reason and {@code [DONE]}; every tenth request hangs up mid-stream and
 * its slot comes back; afterwards the batch is empty and heap and platform threads are back to their baseline.
 */
@Tag("slow")
class ServerLoadTest {
    static final int CLIENTS = 32;

    static ObjectNode request(int maxTokens, long seed) {
        ObjectNode body = JSON.createObjectNode().put("max_tokens", maxTokens).put("temperature", 0.8).put("seed", seed).put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "Request " + seed + ": tell me something.");
        return body;
    }

    static long usedHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            Runtime rt = Runtime.getRuntime();
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    @Test
    void thirtyTwoStreamingClientsForAMinute() throws Exception {
        long seconds = Long.getLong("nemotron4j.load.seconds", 60);
        try (ServerFixture f = ServerFixture.start("tiny-a", 16, 64, 4096, c -> c)) {
            for (int i = 0; i < 4; i++) f.stream("/v1/chat/completions", request(8, i)); // warm up client, server and JIT
            int baselineThreads = ManagementFactory.getThreadMXBean().getThreadCount();
            long baselineHeap = usedHeap();

            AtomicInteger completed = new AtomicInteger(), hungUp = new AtomicInteger(), tokens = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    pool.submit(() -> {
                        for (int n = 0; System.nanoTime() < end; n++) {
                            long seed = client * 100_000L + n;
                            int maxTokens = ThreadLocalRandom.current().nextInt(8, 64);
                            try {
                                if (n % 10 == 9) {
                                    hangUpMidStream(f, request(4000, seed).put("ignore_eos", true));
                                    hungUp.incrementAndGet();
                                    continue;
                                }
                                List<JsonNode> events = f.stream("/v1/chat/completions", request(maxTokens, seed));
                                JsonNode usage = events.getLast().path("usage");
                                boolean finished = events.stream().anyMatch(e -> e.path("choices").path(0).path("finish_reason").isTextual());
                                if (!finished || usage.path("completion_tokens").asInt() < 1) {
                                    failures.add("incomplete stream for seed " + seed + ": " + events.getLast());
                                } else {
                                    completed.incrementAndGet();
                                    tokens.addAndGet(usage.path("completion_tokens").asInt());
                                }
                            } catch (Exception e) {
                                failures.add("seed " + seed + ": " + e);
                            }
                        }
                    });
                }
            }
            assertThat(failures).as("failed requests").isEmpty();
            assertThat(completed.get()).as("completed streams").isGreaterThan(CLIENTS);
            assertThat(hungUp.get()).as("clients that hung up").isPositive();

            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((f.service.status().running() > 0 || f.service.status().queueDepth() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(f.service.status().running()).as("running after the load").isZero();
            assertThat(f.service.status().queueDepth()).as("queued after the load").isZero();
            assertThat(f.service.status().stateBytes()).isZero();
            String metrics = f.get("/metrics").response().body();
            assertThat(metrics).doesNotContain("status=\"500\"", "status=\"429\"", "status=\"504\"");

            // Platform threads: idle pool threads (virtual-thread carriers, HTTP client) wind down within a while.
            long threadsDeadline = System.nanoTime() + 30_000_000_000L;
            while (ManagementFactory.getThreadMXBean().getThreadCount() > baselineThreads + 4 && System.nanoTime() < threadsDeadline) {
                Thread.sleep(200);
            }
            assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("platform threads: %s", threadNames())
                    .isLessThanOrEqualTo(baselineThreads + 4);
            assertThat(usedHeap()).as("heap in use").isLessThan(baselineHeap + (64L << 20));
            System.out.printf("load: %d clients, %d s: %d streams completed, %d hung up, %d tokens (%.0f tokens/s)%n",
                    CLIENTS, seconds, completed.get(), hungUp.get(), tokens.get(), tokens.get() / (double) seconds);
        }
    }

    private static List<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList();
    }

    /** Reads a few chunks, then closes the connection. */
    private static void hangUpMidStream(ServerFixture f, ObjectNode body) throws Exception {
        var r = f.openStream(body);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            int data = 0;
            for (String line; (line = in.readLine()) != null && data < 4; ) if (line.startsWith("data: ")) data++;
        }
    }
}
