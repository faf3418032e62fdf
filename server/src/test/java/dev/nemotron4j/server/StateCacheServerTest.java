package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The state cache through the real server (issue #17 item 1): over multi-turn tool conversations, turns 2..n resume
 * from the saved state of the previous turn's prompt ({@code usage.prompt_tokens_details.cached_tokens} at least 80% of
 * the previous prompt) and answer exactly as a server without the cache does (same tokens, same log-probabilities),
 * also with several conversations sharing a system prompt and tools at once.
 */
class StateCacheServerTest {
    @AutoClose
    static final ServerFixture cached = ServerFixture.start("tiny-a", 8, 64, 4096, 64L << 20, c -> c);
    @AutoClose
    static final ServerFixture plain = ServerFixture.start("tiny-a", 8, 64, 4096, 0, c -> c);

    static final String SYSTEM = "You are a travel agent. Use the tools to look things up before answering; "
            + "never guess prices or times. Keep answers short and give the sources.";

    static ObjectNode firstRequest(String user) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", 30).put("temperature", 0)
                .put("logprobs", true).put("top_logprobs", 2);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", SYSTEM);
        messages.addObject().put("role", "user").put("content", user);
        body.putArray("tools").add(JSON.readTree(OpenAiServerTest.WEATHER_TOOL)).add(JSON.readTree("""
                {"type":"function","function":{"name":"find_flights","description":"Flights between two airports on a day",
                 "parameters":{"type":"object","properties":{"from":{"type":"string"},"to":{"type":"string"},
                 "date":{"type":"string","description":"YYYY-MM-DD"},"max_price":{"type":"number"}},"required":["from","to"]}}}"""));
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        body.put("tool_choice", "required");
        return body;
    }

    /** One conversation: {@code turns} turns of tool calls and tool results; returns every reply. */
    static List<JsonNode> converse(ServerFixture f, String user, int turns) throws Exception {
        ObjectNode body = firstRequest(user);
        List<JsonNode> replies = new ArrayList<>();
        for (int t = 0; t < turns; t++) {
            var r = f.post("/v1/chat/completions", body);
            assertThat(r.status()).as(r.response().body()).isEqualTo(200);
            replies.add(r.json());
            JsonNode message = r.json().path("choices").get(0).path("message");
            ArrayNode messages = (ArrayNode) body.get("messages");
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            JsonNode calls = message.path("tool_calls");
            if (calls.isArray() && !calls.isEmpty()) {
                // the same call ids in both conversations (the server's are random)
                assistant.putNull("content");
                ArrayNode history = assistant.putArray("tool_calls");
                for (int i = 0; i < calls.size(); i++) {
                    ObjectNode c = history.addObject().put("id", "call_" + t + "_" + i).put("type", "function");
                    c.set("function", calls.get(i).path("function").deepCopy());
                }
                for (int i = 0; i < calls.size(); i++) {
                    messages.addObject().put("role", "tool").put("tool_call_id", "call_" + t + "_" + i)
                            .put("content", "{\"result\": \"" + (t * 7 + i) + " found\"}");
                }
            } else {
                assistant.put("content", message.path("content").asText(""));
                messages.addObject().put("role", "user").put("content", "Please go on.");
            }
        }
        return replies;
    }

    /** What must be identical with and without the cache: choices without the random call ids. */
    static JsonNode comparable(JsonNode reply) {
        JsonNode choice = reply.path("choices").get(0).deepCopy();
        for (JsonNode call : choice.path("message").path("tool_calls")) ((ObjectNode) call).remove("id");
        return choice;
    }

    static void assertSameAnswersAndReuse(List<JsonNode> withCache, List<JsonNode> without) {
        for (int t = 0; t < without.size(); t++) {
            JsonNode a = without.get(t), b = withCache.get(t);
            assertThat(comparable(b)).as("turn %d", t).isEqualTo(comparable(a));
            assertThat(b.path("usage").path("prompt_tokens").asInt()).isEqualTo(a.path("usage").path("prompt_tokens").asInt());
            assertThat(a.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt()).isZero();
            if (t > 0) {
                int previousPrompt = withCache.get(t - 1).path("usage").path("prompt_tokens").asInt();
                assertThat(b.path("usage").path("prompt_tokens_details").path("cached_tokens").asInt())
                        .as("turn %d reuses the previous prompt (%d tokens)", t, previousPrompt)
                        .isGreaterThanOrEqualTo((int) Math.ceil(0.8 * previousPrompt))
                        .isLessThan(b.path("usage").path("prompt_tokens").asInt());
            }
        }
    }

    @Test
    void aToolConversationResumesEachTurnAndAnswersExactlyAsWithoutTheCache() throws Exception {
        List<JsonNode> without = converse(plain, "Flights from Paris to Rome next Friday, and the weather there?", 6);
        List<JsonNode> with = converse(cached, "Flights from Paris to Rome next Friday, and the weather there?", 6);
        assertSameAnswersAndReuse(with, without);
        // the logprobs are part of what is compared: they are the model's logits, bit for bit
        assertThat(comparable(with.get(3)).path("logprobs").path("content")).isNotEmpty();
    }

    @Test
    void concurrentConversationsSharingTheSystemPromptAndToolsMatchTheirSoloRuns() throws Exception {
        List<String> users = List.of("Weather in Oslo?", "Cheapest flight LHR to JFK tomorrow", "Is it raining in Lyon?");
        List<List<JsonNode>> solo = new ArrayList<>();
        for (String u : users) solo.add(converse(plain, u, 3));
        try (ExecutorService pool = Executors.newFixedThreadPool(users.size())) {
            List<Future<List<JsonNode>>> runs = new ArrayList<>();
            for (String u : users) runs.add(pool.submit(() -> converse(cached, u, 3)));
            for (int i = 0; i < users.size(); i++) assertSameAnswersAndReuse(runs.get(i).get(), solo.get(i));
        }
    }
}
