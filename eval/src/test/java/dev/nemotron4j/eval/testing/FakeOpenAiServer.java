package dev.nemotron4j.eval.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.testkit.LoopbackHttpServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TEST DOUBLE — a deterministic stand-in for an OpenAI-compatible server, on 127.0.0.1 and a free port.
 * Its "model" is a calculator that answers "What is A + B?" questions, wrong on about a quarter of them,
 * in one of several real-world response styles (think blocks, separate reasoning_content, empty content,
 * GSM8K "####", revised answers). Everything depends only on the request: the question, and the seed
 * when temperature &gt; 0. It also scores multiple-choice continuations (echo + logprobs), emits tool
 * calls for weather questions, and can inject failures and latency.
 *
 * <p>It has a tokenizer ({@code POST /tokenize} at the root, as vLLM has): words in pieces of up to three
 * characters, each punctuation mark one token, leading whitespace attached — about 2.5 times the harness's
 * approximate count on English prose, as real BPE vocabularies can be. Completions accept token-id prompts and
 * add {@code <s>} before text prompts; by default the echo's {@code text_offset} counts {@code <s>} as three
 * characters, as servers that index the token texts do.
 */
public final class FakeOpenAiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUM = Pattern.compile("What is (\\d+) \\+ (\\d+)\\?");
    private static final Pattern WEATHER = Pattern.compile("weather in (\\w+) in (\\w+)", Pattern.CASE_INSENSITIVE);

    private final LoopbackHttpServer server;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failuresToInject = new AtomicInteger();
    private volatile int failureStatus = 503;
    private volatile long delayMillis;
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger tokenizeRequests = new AtomicInteger();
    private final AtomicInteger tokenizeChatRequests = new AtomicInteger();
    private volatile boolean tokenizeEnabled = true;
    private volatile boolean bosCountedInOffsets = true;
    private final java.util.Map<String, Integer> vocabulary = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> pieces = new CopyOnWriteArrayList<>(List.of(BOS));
    static final String BOS = "<s>";
    private static final Pattern PIECE = Pattern.compile("\\s*\\w{1,3}|\\s*[^\\w\\s]|\\s+");
    /** Log-probability the fake gives every context token after the first. */
    public static final double CONTEXT_TOKEN_LOGPROB = -20.6;

    public FakeOpenAiServer() throws IOException {
        server = LoopbackHttpServer.start(8)
                .route("/v1/chat/completions", ex -> handle(ex, true))
                .route("/v1/completions", ex -> handle(ex, false))
                .route("/tokenize", this::tokenize);
    }

    public String baseUrl() { return server.url("/v1"); }

    public int requestCount() { return requests.get(); }

    public List<JsonNode> bodies() { return bodies; }

    /** The next {@code n} requests fail with {@code status}. */
    public void failNext(int n, int status) {
        failureStatus = status;
        failuresToInject.set(n);
    }

    public void setDelayMillis(long millis) { delayMillis = millis; }

    /** Without it, /tokenize answers 404, as OpenAI's API does. */
    public void setTokenizeEnabled(boolean enabled) { tokenizeEnabled = enabled; }

    /** Whether echo offsets count the added {@code <s>} as three characters (default) or as none. */
    public void setBosCountedInOffsets(boolean counted) { bosCountedInOffsets = counted; }

    public int tokenizeRequests() { return tokenizeRequests.get(); }

    /** /tokenize requests that sent messages (a chat request rendered by the template). */
    public int tokenizeChatRequests() { return tokenizeChatRequests.get(); }

    /**
     * The fake's chat template, after {@code <s>}: each turn as {@code <|role|>} and its content, the generation prompt
     * {@code <|assistant|>} (unless {@code add_generation_prompt} is false) and, with {@code enable_thinking: false}, an
     * empty think block, as reasoning models' templates write it.
     */
    public static String chatPrompt(JsonNode body) {
        StringBuilder text = new StringBuilder();
        for (JsonNode m : body.path("messages")) {
            text.append("<|").append(m.path("role").asText()).append("|>\n").append(m.path("content").asText()).append("<|end|>\n");
        }
        if (body.path("add_generation_prompt").asBoolean(true)) {
            text.append("<|assistant|>\n");
            if (!body.path("chat_template_kwargs").path("enable_thinking").asBoolean(true)) text.append("<think></think>");
        }
        return text.toString();
    }

    /** The fake tokenizer's pieces of a text. */
    public static List<String> pieces(String text) {
        List<String> out = new java.util.ArrayList<>();
        Matcher m = PIECE.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    private int id(String piece) {
        return vocabulary.computeIfAbsent(piece, p -> {
            synchronized (pieces) {
                pieces.add(p);
                return pieces.size() - 1;
            }
        });
    }

    private void tokenize(HttpExchange ex) throws IOException {
        try (ex) {
            if (!tokenizeEnabled) {
                LoopbackHttpServer.sendJson(ex, 404, "{\"error\": {\"message\": \"not found\"}}");
                return;
            }
            tokenizeRequests.incrementAndGet();
            JsonNode body = JSON.readTree(ex.getRequestBody());
            ObjectNode response = JSON.createObjectNode();
            ArrayNode tokens = response.putArray("tokens");
            if (body.has("messages")) {
                tokenizeChatRequests.incrementAndGet();
                tokens.add(0);   // the chat template begins with <s>
                for (String p : pieces(chatPrompt(body))) tokens.add(id(p));
            } else {
                if (body.path("add_special_tokens").asBoolean(true)) tokens.add(0);
                for (String p : pieces(body.path("prompt").asText())) tokens.add(id(p));
            }
            response.put("count", tokens.size());
            LoopbackHttpServer.sendJson(ex, 200, response.toString());
        }
    }

    /** The calculator's answer to {@code a + b} under a given request "randomness" key. */
    public static long answer(long a, long b, String randomKey) {
        return hash(randomKey) % 4 == 0 ? a + b + 1 : a + b;
    }

    private void handle(HttpExchange ex, boolean chat) throws IOException {
        try (ex) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            requests.incrementAndGet();
            bodies.add(body);
            if (delayMillis > 0) Thread.sleep(delayMillis);
            if (failuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                LoopbackHttpServer.sendJson(ex, failureStatus, "{\"error\": {\"message\": \"injected failure\"}}");
                return;
            }
            ObjectNode response = chat ? chat(body) : completion(body, this);
            LoopbackHttpServer.sendJson(ex, 200, response.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LoopbackHttpServer.sendJson(ex, 400, "{\"error\": {\"message\": \"" + e.getMessage() + "\"}}");
        }
    }

    private static ObjectNode chat(JsonNode body) {
        JsonNode messages = body.path("messages");
        String question = messages.path(messages.size() - 1).path("content").asText();
        String randomKey = randomKey(body, question);
        ObjectNode response = JSON.createObjectNode();
        ObjectNode message = response.putArray("choices").addObject().put("finish_reason", "stop").putObject("message");
        message.put("role", "assistant");
        Matcher weather = WEATHER.matcher(question);
        if (body.has("tools") && weather.find()) {
            String function = body.path("tools").path(0).path("function").path("name").asText();
            ArrayNode calls = message.putArray("tool_calls");
            ObjectNode call = calls.addObject().put("id", "call_0").put("type", "function");
            String unit = hash(randomKey) % 5 == 0 ? "kelvin" : weather.group(2);
            call.putObject("function").put("name", function)
                    .put("arguments", "{\"city\": \"" + weather.group(1) + "\", \"unit\": \"" + unit + "\"}");
            message.putNull("content");
            return response;
        }
        Matcher m = SUM.matcher(question);
        if (!m.find()) {
            message.put("content", "I do not know.");
            return response;
        }
        long a = Long.parseLong(m.group(1)), b = Long.parseLong(m.group(2));
        long ans = answer(a, b, randomKey);
        switch ((int) ((hash(randomKey) / 4) % 5)) {
            case 0 -> message.put("content", "<think>Add " + a + " and " + b + ". Maybe " + (ans + 3) + "? No.</think>\nThe answer is \\boxed{" + ans + "}.");
            case 1 -> {
                message.put("reasoning_content", "We need " + a + " + " + b + ". That is " + ans + ".");
                message.put("content", "**Final answer:** \\boxed{" + ans + "}");
            }
            case 2 -> {   // everything landed in reasoning, content empty
                message.put("reasoning_content", a + " plus " + b + " gives " + ans + ". So the answer is " + ans + ".");
                message.put("content", "");
            }
            case 3 -> message.put("content", "Let me compute: " + a + " + " + b + " = " + ans + ".\n#### " + ans);
            default -> message.put("content", "At first I thought " + (ans + 10) + ", but the answer is " + ans + " (checked twice, " + a + " + " + b + ").");
        }
        ObjectNode usage = response.putObject("usage");
        usage.put("prompt_tokens", question.length() / 4).put("completion_tokens", 20);
        return response;
    }

    private static ObjectNode completion(JsonNode body, FakeOpenAiServer server) {
        // The prompt's tokens: ids as sent, or <s> and the pieces of a text prompt.
        List<String> tokens = new java.util.ArrayList<>();
        JsonNode p = body.path("prompt");
        if (p.isArray()) {
            for (JsonNode id : p) tokens.add(server.pieces.get(id.asInt()));
        } else {
            tokens.add(BOS);
            tokens.addAll(pieces(p.asText()));
        }
        StringBuilder text = new StringBuilder();
        for (String t : tokens) if (!t.equals(BOS)) text.append(t);
        String prompt = text.toString();
        ObjectNode response = JSON.createObjectNode();
        ObjectNode choice = response.putArray("choices").addObject().put("finish_reason", "stop");
        if (!body.path("echo").asBoolean()) {
            Matcher m = SUM.matcher(prompt);
            choice.put("text", m.find() ? "#### " + answer(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), randomKey(body, prompt)) : "?");
            return response;
        }
        int cut = prompt.lastIndexOf("Answer:") + "Answer:".length();
        String context = prompt.substring(0, cut), continuation = prompt.substring(cut);
        Matcher m = SUM.matcher(context);
        long correct = m.find() ? Long.parseLong(m.group(1)) + Long.parseLong(m.group(2)) : -1;
        String letter = continuation.strip();
        Matcher option = Pattern.compile("(?m)^" + Pattern.quote(letter) + "\\. (-?\\d+)$").matcher(context);
        boolean right = option.find() && Long.parseLong(option.group(1)) == correct;
        double lp = right ? -0.1 : -2.5;
        int continuationTokens = pieces(continuation).size();
        ObjectNode logprobs = choice.put("text", prompt).putObject("logprobs");
        ArrayNode tokenArray = logprobs.putArray("tokens"), values = logprobs.putArray("token_logprobs"),
                offsets = logprobs.putArray("text_offset"), tops = logprobs.putArray("top_logprobs");
        int offset = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            boolean inContinuation = i >= tokens.size() - continuationTokens;
            double value = inContinuation ? lp / continuationTokens : CONTEXT_TOKEN_LOGPROB;
            tokenArray.add(t);
            offsets.add(offset);
            offset += t.equals(BOS) && !server.bosCountedInOffsets ? 0 : t.length();
            if (i == 0) {
                values.addNull();
                tops.addNull();
            } else {
                values.add(value);
                tops.addObject().put(t, value);
            }
        }
        return response;
    }

    /** Greedy requests depend only on the question; sampled ones also on the seed. */
    private static String randomKey(JsonNode body, String question) {
        return body.path("temperature").asDouble() > 0 ? question + "|" + body.path("seed").asLong() : question;
    }

    static long hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 7; i++) h = (h << 8) | (d[i] & 0xff);
            return h;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
