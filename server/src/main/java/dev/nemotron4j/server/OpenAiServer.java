package dev.nemotron4j.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nemotron4j.chat.ChatRequest;
import dev.nemotron4j.chat.ChatRequestReader;
import dev.nemotron4j.runtime.ModelBundle;
import dev.nemotron4j.runtime.TextService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.nemotron4j.server.OpenAiJson.F;

/**
 * An OpenAI-compatible HTTP server on the JDK's {@code com.sun.net.httpserver}, one virtual thread per request,
 * over a {@link TextService} whose scheduler batches all running requests together.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions}, {@code POST /v1/completions}, {@code GET /v1/models},
 * {@code GET /v1/models/{id}}, {@code GET /health}, {@code GET /metrics}, {@code POST /tokenize},
 * {@code POST /detokenize}. With an API key, everything except {@code /health} and {@code /metrics} needs
 * {@code Authorization: Bearer KEY}. Errors use OpenAI's JSON shape; unexpected failures are logged here and
 * answered as a plain 500, never with a stack trace.
 */
public final class OpenAiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiServer.class);

    /** Seconds a request's headers and body may take to arrive; then the connection is closed (a half-sent body). */
    public static final String REQUEST_ARRIVAL_SECONDS = "60";

    static {
        // read once by the JDK's server when its classes load: set before the first HttpServer is created
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", REQUEST_ARRIVAL_SECONDS);
        }
    }

    private final TextService service;
    private final ServerConfig config;
    private final Metrics metrics = new Metrics();
    private final ApiKeyCheck apiKey;
    private final HttpServer http;
    private final ExecutorService executor;
    private final ChatCompletionsHandler chat;
    private final CompletionsHandler completions;
    private final long created = OpenAiJson.now();

    private OpenAiServer(TextService service, ServerConfig config) throws IOException {
        this.service = service;
        this.config = config;
        this.apiKey = new ApiKeyCheck(config.apiKey());
        this.chat = new ChatCompletionsHandler(service, config, metrics, this::drainExpired);
        this.completions = new CompletionsHandler(service, config, metrics, this::drainExpired);
        this.http = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 256);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        http.setExecutor(executor);
        http.createContext("/", this::handle);
    }

    /** Binds and starts serving. The service stays owned by the caller. */
    public static OpenAiServer start(TextService service, ServerConfig config) throws IOException {
        OpenAiServer server = new OpenAiServer(service, config);
        server.http.start();
        LOG.info("serving {} on http://{}:{}", config.servedModelName(), config.host(), server.port());
        return server;
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return http.getAddress().getPort();
    }

    public Metrics metrics() {
        return metrics;
    }

    public ServerConfig config() {
        return config;
    }

    /** Stops accepting requests; waits up to a second for exchanges in progress. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        http.stop(1);
        executor.shutdownNow();
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private volatile boolean draining;
    private volatile long drainDeadline;
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * Shuts down gracefully (SIGTERM): new requests get 503 at once; running requests may finish within {@code grace},
     * after which the ones left end with an error (a stream: an error event and {@code [DONE]}); then the server
     * closes. Returns when every request has been answered or a few seconds after the grace period.
     */
    public void drain(java.time.Duration grace) {
        drainDeadline = System.nanoTime() + grace.toNanos();
        draining = true;
        long giveUp = drainDeadline + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
        while (active.get() > 0 && System.nanoTime() - giveUp < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
    }

    /** Whether the server is shutting down and has stopped waiting for running requests. */
    private boolean drainExpired() {
        return draining && System.nanoTime() - drainDeadline > 0;
    }

    /** Requests being handled. */
    public int activeRequests() {
        return active.get();
    }

    /** 404 unless the request names the served model (or no model at all). */
    static void checkModel(String model, ServerConfig config) {
        if (model != null && !model.equals(config.servedModelName())) throw ApiError.modelNotFound(model);
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String path = exchange.getRequestURI().getPath();
        String endpoint = endpointLabel(path);
        int status = 500;
        metrics.requestStarted();
        active.incrementAndGet();
        try {
            ApiError framing = RequestFraming.problem(exchange);
            if (framing != null) {
                RequestFraming.closeAfter(exchange);
                throw framing;
            }
            if (draining && !path.equals("/metrics")) throw ApiError.shuttingDown();
            status = route(exchange, path, start);
        } catch (ApiError e) {
            status = sendError(exchange, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = sendError(exchange, ApiError.internal());
        } catch (IOException e) {
            LOG.debug("I/O error on {}: {}", path, e.toString());
            status = 499;
        } catch (ModelBundle.MismatchedTokenizerException e) {
            LOG.error("{} {}: {}", exchange.getRequestMethod(), path, e.getMessage());
            status = sendError(exchange, new ApiError(500, "server_error", e.getMessage(), null, null));
        } catch (RuntimeException | Error e) {
            LOG.error("unexpected failure on {} {}", exchange.getRequestMethod(), path, e);
            status = sendError(exchange, ApiError.internal());
        } finally {
            metrics.request(endpoint, status);
            metrics.requestEnded((System.nanoTime() - start) / 1e9);
            exchange.close();
            active.decrementAndGet();
        }
    }

    private int route(HttpExchange exchange, String path, long start) throws IOException, InterruptedException {
        String method = exchange.getRequestMethod();
        switch (path) {
            case "/health" -> {
                requireMethod(method, "GET");
                return sendJson(exchange, 200, F.objectNode().put("status", "ok"));
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                byte[] text = metrics.render(service.status(), config.servedModelName()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                exchange.sendResponseHeaders(200, text.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(text);
                }
                return 200;
            }
            default -> {
            }
        }
        if (!apiKey.allows(exchange.getRequestHeaders().getFirst("Authorization"))) throw ApiError.unauthorized();
        switch (path) {
            case "/v1/models" -> {
                requireMethod(method, "GET");
                ObjectNode root = F.objectNode().put("object", "list");
                root.putArray("data").add(model());
                return sendJson(exchange, 200, root);
            }
            case "/v1/chat/completions" -> {
                requireMethod(method, "POST");
                return chat.handle(exchange, RequestReader.parse(readBody(exchange)), start);
            }
            case "/v1/completions" -> {
                requireMethod(method, "POST");
                return completions.handle(exchange, RequestReader.parse(readBody(exchange)), start);
            }
            case "/tokenize" -> {
                requireMethod(method, "POST");
                return tokenize(exchange, RequestReader.parse(readBody(exchange)));
            }
            case "/detokenize" -> {
                requireMethod(method, "POST");
                return detokenize(exchange, RequestReader.parse(readBody(exchange)));
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(method, "GET");
                    String id = path.substring("/v1/models/".length());
                    if (!id.equals(config.servedModelName())) throw ApiError.modelNotFound(id);
                    return sendJson(exchange, 200, model());
                }
                throw ApiError.notFound("Unknown endpoint " + method + " " + path);
            }
        }
    }

    private ObjectNode model() {
        ObjectNode m = F.objectNode().put("id", config.servedModelName()).put("object", "model").put("created", created)
                .put("owned_by", "nemotron4j").put("root", config.servedModelName());
        m.put("max_model_len", service.contextLimit());
        return m;
    }

    /**
     * {@code POST /tokenize}: {@code prompt} (text; {@code add_special_tokens} default true) or {@code messages}
     * (rendered with the chat template, no special tokens added, as a chat prompt is).
     */
    private int tokenize(HttpExchange exchange, RequestReader body) throws IOException {
        checkModel(body.string("model").orElse(null), config);
        int[] ids;
        if (body.has("messages")) {
            ChatRequest request;
            try {
                request = ChatRequestReader.read(body.root());
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest(e.getMessage(), "messages");
            }
            try {
                ids = service.tokenizeChat(request);
            } catch (IllegalArgumentException e) {
                throw ApiError.badRequest("The messages cannot be rendered: " + e.getMessage(), "messages");
            }
        } else {
            String prompt = body.string("prompt").orElseThrow(() -> ApiError.badRequest("'prompt' or 'messages' is required", "prompt"));
            ids = service.tokenize(prompt, body.bool("add_special_tokens", true));
        }
        ObjectNode root = F.objectNode().put("count", ids.length).put("max_model_len", service.contextLimit());
        ArrayNode tokens = root.putArray("tokens");
        for (int id : ids) tokens.add(id);
        return sendJson(exchange, 200, root);
    }

    /** {@code POST /detokenize}: {@code tokens} (ids) to text. */
    private int detokenize(HttpExchange exchange, RequestReader body) throws IOException {
        checkModel(body.string("model").orElse(null), config);
        JsonNode tokens = body.node("tokens");
        if (tokens == null) throw ApiError.badRequest("'tokens' is required", "tokens");
        if (!tokens.isArray()) throw RequestReader.wrongType("tokens", "an array of token ids", tokens);
        int vocab = service.vocabSize();
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode t = tokens.get(i);
            if (!t.isIntegralNumber()) throw RequestReader.wrongType("tokens", "an array of token ids", tokens);
            if (t.longValue() < 0 || t.longValue() >= vocab) {
                throw ApiError.badRequest("'tokens' id " + t.longValue() + " is outside the vocabulary [0, " + vocab + ")", "tokens");
            }
            ids[i] = t.intValue();
        }
        return sendJson(exchange, 200, F.objectNode().put("prompt", service.detokenize(ids)));
    }

    private static void requireMethod(String method, String expected) {
        if (!method.equals(expected)) throw ApiError.methodNotAllowed(method);
    }

    /**
     * Reads the body, refusing more than the configured size with 413. The refused body is read to its end (up to a
     * bound) and dropped before answering: a client that sends the whole body before reading the answer would
     * otherwise see the connection reset instead of the 413.
     */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        long limit = config.maxBodyBytes();
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        long length = -1;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                throw ApiError.badRequest("Invalid Content-Length", null);
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            if (length > limit) {
                discard(in, length);
                throw tooLarge(exchange, limit);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[16384];
            int n;
            while ((n = read(exchange, in, buf)) > 0) {
                out.write(buf, 0, n);
                if (out.size() > limit) {
                    discard(in, Long.MAX_VALUE);
                    throw tooLarge(exchange, limit);
                }
            }
            return out.toByteArray();
        }
    }

    /** Reads body bytes; broken framing (a bad chunk, a body cut short) is a JSON 400 and the connection's end. */
    private static int read(HttpExchange exchange, InputStream in, byte[] buf) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            RequestFraming.closeAfter(exchange);
            throw RequestFraming.bodyProblem(e);
        }
    }

    /** Most bytes of a refused body read and dropped; beyond this the connection is closed unread. */
    private static final long MAX_DISCARD_BYTES = 256L << 20;

    private static void discard(InputStream in, long length) throws IOException {
        byte[] buf = new byte[65536];
        long left = Math.min(length, MAX_DISCARD_BYTES);
        int n;
        while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
    }

    private static ApiError tooLarge(HttpExchange exchange, long limit) {
        exchange.getResponseHeaders().set("Connection", "close");
        return ApiError.tooLarge(limit);
    }

    /** Sends a JSON body with the status; returns the status. */
    static int sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes;
        try {
            bytes = RequestReader.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    private static int sendError(HttpExchange exchange, ApiError error) {
        try {
            if (error.status() == 429) exchange.getResponseHeaders().set("Retry-After", "1");
            if (error.status() == 401) exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            sendJson(exchange, error.status(), error.toJson());
        } catch (IOException | RuntimeException e) {
            // Headers already sent (e.g. mid-stream) or the client is gone: nothing more can be said.
            LOG.debug("could not send error {}: {}", error.status(), e.toString());
        }
        return error.status();
    }

    private static String endpointLabel(String path) {
        return switch (path) {
            case "/v1/chat/completions", "/v1/completions", "/v1/models", "/health", "/metrics", "/tokenize", "/detokenize" -> path;
            default -> path.startsWith("/v1/models/") ? "/v1/models/{id}" : "other";
        };
    }
}
