package dev.nemotron4j.eval.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.nemotron4j.testkit.LoopbackHttpServer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * TEST DOUBLE of an LLM judge — a real OpenAI-compatible HTTP endpoint on 127.0.0.1 that answers every
 * {@code /v1/chat/completions} request with a fixed judgment text chosen by a script from the request itself: the
 * question shown to the judge, whether the model's answer (the text starting "MODEL") is assistant A, and how often
 * this exact request was asked before (so a retry of an unparseable judgment can get another text). It counts the
 * judgments it gave and keeps the request bodies; it can refuse requests (HTTP 500) to interrupt a run.
 */
public final class ScriptedJudgeServer implements AutoCloseable {
    /** (question, model's answer is A) and the times this request was asked before → the judgment text. */
    public interface Script {
        String judgment(String question, boolean modelIsA, int askedBefore);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LoopbackHttpServer server;
    private final Script script;
    private final AtomicInteger answered = new AtomicInteger();
    private final AtomicInteger refusalsLeftAfter = new AtomicInteger(Integer.MAX_VALUE);
    private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
    private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public ScriptedJudgeServer(Script script) throws IOException {
        this.script = script;
        server = LoopbackHttpServer.start().route("/v1/chat/completions", this::handle);
    }

    public static ScriptedJudgeServer of(BiFunction<String, Boolean, String> verdicts) throws IOException {
        return new ScriptedJudgeServer((q, modelIsA, before) -> verdicts.apply(q, modelIsA));
    }

    public String baseUrl() { return server.url("/v1"); }

    /** Judgments given (refused requests not counted). */
    public int answered() { return answered.get(); }

    public List<JsonNode> bodies() { return bodies; }

    /** The Authorization header of every request ("" when it had none). */
    public List<String> authorizations() { return authorizations; }

    /** After {@code n} more judgments, every request is refused with HTTP 500 until {@link #heal()}. */
    public void refuseAfter(int n) { refusalsLeftAfter.set(answered.get() + n); }

    public void heal() { refusalsLeftAfter.set(Integer.MAX_VALUE); }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] in = ex.getRequestBody().readAllBytes();
            String authorization = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization == null ? "" : authorization);
            JsonNode body = JSON.readTree(in);
            synchronized (this) {
                if (answered.get() >= refusalsLeftAfter.get()) {
                    LoopbackHttpServer.sendJson(ex, 500, "{\"error\": {\"message\": \"judge unavailable\"}}");
                    return;
                }
                answered.incrementAndGet();
            }
            bodies.add(body);
            String user = body.path("messages").get(body.path("messages").size() - 1).path("content").asText();
            String question = between(user, "<|User Prompt|>\n", "\n\n<|The Start of Assistant A's Answer|>");
            String answerA = between(user, "<|The Start of Assistant A's Answer|>\n", "\n<|The End of Assistant A's Answer|>");
            int before = seen.computeIfAbsent(JSON.writeValueAsString(body), k -> new AtomicInteger()).getAndIncrement();
            String judgment = script.judgment(question, answerA.startsWith("MODEL"), before);
            ObjectNode response = JSON.createObjectNode().put("id", "judge-" + answered.get()).put("object", "chat.completion")
                    .put("model", body.path("model").asText());
            ObjectNode choice = response.putArray("choices").addObject().put("index", 0).put("finish_reason", "stop");
            choice.putObject("message").put("role", "assistant").put("content", judgment);
            response.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
            LoopbackHttpServer.sendJson(ex, 200, JSON.writeValueAsString(response));
        }
    }

    private static String between(String text, String start, String end) {
        int a = text.indexOf(start), b = text.indexOf(end, a + start.length());
        if (a < 0 || b < 0) throw new IllegalStateException("not an Arena-Hard judge prompt: " + text);
        return text.substring(a + start.length(), b);
    }

    @Override
    public void close() { server.close(); }
}
