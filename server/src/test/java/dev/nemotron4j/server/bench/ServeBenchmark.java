package dev.nemotron4j.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.server.OpenAiServer;
import dev.nemotron4j.server.ServerConfig;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Aggregate decode throughput through the HTTP API: C concurrent greedy completions (ignore_eos, short prompts) for
 * C = 1, 4, 8, 16; reports generated tokens per wall-clock second. Usage: {@code ServeBenchmark MODEL_DIR [TOKENS]}.
 */
public final class ServeBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int tokens = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        try (ModelBundle bundle = ModelBundle.open(model);
             TextService service = new TextService(bundle, new TextService.Options(16, 64, 256, 512, 4096));
             OpenAiServer server = OpenAiServer.start(service, ServerConfig.local(0, bundle.name()))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/v1/completions");
            for (int c : new int[] {1, 4, 8, 16}) run(http, uri, c, 64); // warm-up: JIT-compile every batch shape
            double single = 0;
            System.out.println("| concurrent streams | tokens/stream | wall (s) | aggregate tokens/s | vs. 1 stream |");
            System.out.println("|---|---|---|---|---|");
            for (int c : new int[] {1, 4, 8, 16}) {
                long start = System.nanoTime();
                int generated = run(http, uri, c, tokens);
                double s = (System.nanoTime() - start) / 1e9;
                double rate = generated / s;
                if (c == 1) single = rate;
                System.out.printf("| %d | %d | %.2f | %.1f | %.2fx |%n", c, tokens, s, rate, rate / single);
            }
        }
    }

    private static int run(HttpClient http, URI uri, int concurrent, int tokens) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) {
                int idx = i;
                results.add(pool.submit(() -> {
                    ObjectNode body = JSON.createObjectNode().put("max_tokens", tokens).put("temperature", 0).put("ignore_eos", true);
                    body.putArray("prompt").add(100 + idx).add(200 + idx).add(300 + idx);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    JsonNode j = JSON.readTree(r.body());
                    if (r.statusCode() != 200) throw new IllegalStateException(r.body());
                    return j.path("usage").path("completion_tokens").asInt();
                }));
            }
            int sum = 0;
            for (Future<Integer> f : results) sum += f.get();
            return sum;
        }
    }
}
