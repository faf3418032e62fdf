package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.testkit.TestData;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** A server on a tiny model on a free loopback port, with a plain JDK HTTP client. */
final class ServerFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final ModelBundle bundle;
    final TextService service;
    final OpenAiServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).connectTimeout(Duration.ofSeconds(5)).build();

    record Reply(int status, HttpResponse<String> response, JsonNode json) {
        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private ServerFixture(ModelBundle bundle, TextService service, OpenAiServer server) {
        this.bundle = bundle;
        this.service = service;
        this.server = server;
    }

    /**
     * A server on the tiny model {@code model} with these scheduler limits and the local config as {@code tweak}
     * changes it. Unchecked, so that a test class can hold it in an {@code @AutoClose} static field.
     */
    static ServerFixture start(String model, int maxBatch, int maxQueue, int context, UnaryOperator<ServerConfig> tweak) {
        return start(model, maxBatch, maxQueue, context, 0, tweak);
    }

    /** A server whose service keeps {@code stateCacheBytes} of saved prompt states (0: none). */
    static ServerFixture start(String model, int maxBatch, int maxQueue, int context, long stateCacheBytes,
                               UnaryOperator<ServerConfig> tweak) {
        ModelBundle bundle = ModelBundle.open(TestData.tiny(model));
        TextService service = null;
        try {
            service = new TextService(bundle, new TextService.Options(maxBatch, maxQueue, 64, 256, context), stateCacheBytes);
            OpenAiServer server = OpenAiServer.start(service, tweak.apply(ServerConfig.local(0, bundle.name())));
            return new ServerFixture(bundle, service, server);
        } catch (IOException | RuntimeException e) {
            if (service != null) service.close();
            bundle.close();
            throw e instanceof IOException io ? new UncheckedIOException("cannot start the server", io) : (RuntimeException) e;
        }
    }

    static ServerFixture start(String model) {
        return start(model, 8, 64, 4096, c -> c);
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url(path))).GET().build());
    }

    Reply post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Reply post(String path, JsonNode body) throws IOException, InterruptedException {
        return post(path, JSON.writeValueAsString(body));
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String ct = r.headers().firstValue("Content-Type").orElse("");
        if (ct.startsWith("application/json")) json = JSON.readTree(r.body());
        return new Reply(r.statusCode(), r, json);
    }

    /** Opens a streaming request; the caller reads events from the body. */
    HttpResponse<InputStream> openStream(JsonNode body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url("/v1/chat/completions"))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Posts a streaming request and returns its data events (JSON), up to and excluding [DONE]; fails if [DONE] is missing. */
    List<JsonNode> stream(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException("status " + r.statusCode() + ": " + new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("data: ")) continue;
                String data = line.substring(6);
                if (data.equals("[DONE]")) return events;
                events.add(JSON.readTree(data));
            }
        }
        throw new IllegalStateException("stream ended without [DONE] after " + events.size() + " events");
    }

    /** Token ids of text without special tokens added (for end_token_ids). */
    int[] ids(String text) {
        return bundle.tokenizer().encode(text, false);
    }

    @Override
    public void close() {
        server.close();
        service.close();
        bundle.close();
    }
}
