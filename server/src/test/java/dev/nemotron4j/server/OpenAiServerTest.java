package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/** The API surface on a tiny model: shapes, streaming vs. non-streaming, tools, reasoning control, completions. */
class OpenAiServerTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a");

    static ObjectNode chat(String user, int maxTokens) {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", maxTokens).put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", user);
        return body;
    }

    static final String WEATHER_TOOL = """
            {"type":"function","function":{"name":"get_weather","description":"Current weather",
             "parameters":{"type":"object","properties":{"location":{"type":"string"},"days":{"type":"integer"}},"required":["location"]}}}""";

    /** A request whose reasoning budget of 0 forces a complete tool call as the answer, then ends the turn. */
    static ObjectNode forcedToolCall() throws Exception {
        ObjectNode body = chat("Weather in Paris for 2 days?", 80);
        body.putArray("tools").add(JSON.readTree(WEATHER_TOOL));
        body.put("reasoning_budget", 0).put("thinking_budget_grace_period", 0);
        var end = body.putArray("end_token_ids");
        for (int id : f.ids("</think>\n<tool_call>\n<function=get_weather>\n<parameter=location>\nParis\n</parameter>\n"
                + "<parameter=days>\n2\n</parameter>\n</function>\n</tool_call>\n")) end.add(id);
        body.putObject("logit_bias").put(String.valueOf(imEnd()), 100);
        return body;
    }

    static int imEnd() {
        return f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow();
    }

    @Test
    void healthAndModels() throws Exception {
        assertThat(f.get("/health").status()).isEqualTo(200);
        var models = f.get("/v1/models");
        assertThat(models.status()).isEqualTo(200);
        assertThat(models.json().path("data").get(0).path("id").asText()).isEqualTo("tiny-a");
        assertThat(models.json().path("data").get(0).path("max_model_len").asInt()).isEqualTo(4096);
        assertThat(f.get("/v1/models/tiny-a").json().path("id").asText()).isEqualTo("tiny-a");
        assertThat(f.get("/v1/models/other").status()).isEqualTo(404);
    }

    @Test
    void chatCompletionShapeAndUsage() throws Exception {
        var r = f.post("/v1/chat/completions", chat("Hello there", 12));
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.path("id").asText()).startsWith("chatcmpl-");
        assertThat(j.path("object").asText()).isEqualTo("chat.completion");
        assertThat(j.path("model").asText()).isEqualTo("tiny-a");
        JsonNode choice = j.path("choices").get(0);
        assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(choice.path("finish_reason").asText()).isIn("stop", "length");
        // Reasoning is on by default: the output starts inside the think block, and both field names carry it.
        assertThat(choice.path("message").path("reasoning_content")).isEqualTo(choice.path("message").path("reasoning"));
        JsonNode usage = j.path("usage");
        var tokenized = f.post("/tokenize", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}");
        assertThat(usage.path("prompt_tokens").asInt()).isEqualTo(tokenized.json().path("count").asInt());
        assertThat(usage.path("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(usage.path("total_tokens").asInt()).isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
        assertThat(usage.path("completion_tokens_details").path("reasoning_tokens").asInt()).isBetween(0, 12);
    }

    @Test
    void greedyIsDeterministicAndStreamingMatchesNonStreaming() throws Exception {
        ObjectNode body = chat("Tell me a story", 24);
        JsonNode whole = f.post("/v1/chat/completions", body).json();
        JsonNode a = whole.path("choices").get(0);
        JsonNode b = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        assertThat(a.path("message")).isEqualTo(b.path("message"));

        body.put("stream", true).putObject("stream_options").put("include_usage", true);
        List<JsonNode> events = f.stream("/v1/chat/completions", body);
        StringBuilder reasoning = new StringBuilder(), content = new StringBuilder();
        String finish = null;
        for (JsonNode e : events) {
            assertThat(e.path("object").asText()).isEqualTo("chat.completion.chunk");
            for (JsonNode ch : e.path("choices")) {
                reasoning.append(ch.path("delta").path("reasoning_content").asText(""));
                content.append(ch.path("delta").path("content").asText(""));
                if (!ch.path("finish_reason").isNull()) finish = ch.path("finish_reason").asText();
            }
        }
        assertThat(events.getFirst().path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        assertThat(reasoning.toString()).isEqualTo(a.path("message").path("reasoning_content").asText(""));
        assertThat(content.toString()).isEqualTo(a.path("message").path("content").asText(""));
        assertThat(finish).isEqualTo(a.path("finish_reason").asText());
        JsonNode last = events.getLast();
        assertThat(last.path("choices")).isEmpty();
        assertThat(last.path("usage")).isEqualTo(whole.path("usage"));
    }

    @Test
    void thinkingOffPutsEverythingInContent() throws Exception {
        ObjectNode body = chat("Hi", 10);
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        JsonNode j = f.post("/v1/chat/completions", body).json();
        JsonNode msg = j.path("choices").get(0).path("message");
        assertThat(msg.path("reasoning_content").isNull()).isTrue();
        assertThat(j.path("usage").path("completion_tokens_details").path("reasoning_tokens").asInt()).isZero();
        // The prompt ends with an empty think block instead of an open one (checked through /tokenize).
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]";
        int[] off = JSON.convertValue(f.post("/tokenize", "{" + messages + ",\"chat_template_kwargs\":{\"enable_thinking\":false}}")
                .json().path("tokens"), int[].class);
        int[] on = JSON.convertValue(f.post("/tokenize", "{" + messages + "}").json().path("tokens"), int[].class);
        assertThat(endsWith(off, f.ids("<think></think>"))).isTrue();
        assertThat(endsWith(on, f.ids("<think>\n"))).isTrue();
        assertThat(j.path("usage").path("prompt_tokens").asInt()).isEqualTo(off.length);
    }

    static boolean endsWith(int[] a, int[] suffix) {
        return a.length >= suffix.length && Arrays.equals(a, a.length - suffix.length, a.length, suffix, 0, suffix.length);
    }

    @Test
    void reasoningBudgetEndsTheThinkingEarly() throws Exception {
        ObjectNode body = chat("Think briefly", 40);
        body.put("reasoning_budget", 3).put("thinking_budget_grace_period", 0);
        JsonNode j = f.post("/v1/chat/completions", body).json();
        int forcedEnding = f.ids(".\n\n</think>").length;
        assertThat(j.path("usage").path("completion_tokens_details").path("reasoning_tokens").asInt()).isLessThanOrEqualTo(3 + forcedEnding);
        assertThat(j.path("choices").get(0).path("message").path("reasoning_content").asText()).doesNotContain("</think>");
    }

    @Test
    void toolCallsNonStreamingAndStreaming() throws Exception {
        JsonNode j = f.post("/v1/chat/completions", forcedToolCall()).json();
        JsonNode choice = j.path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = choice.path("message").path("tool_calls").get(0);
        assertThat(call.path("id").asText()).startsWith("call_");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
        // Arguments are a JSON string, typed by the tool's schema (days is an integer).
        JsonNode args = JSON.readTree(call.path("function").path("arguments").asText());
        assertThat(args).isEqualTo(JSON.readTree("{\"location\":\"Paris\",\"days\":2}"));
        assertThat(choice.path("message").path("content").isNull()).isTrue();

        ObjectNode body = forcedToolCall().put("stream", true);
        StringBuilder streamedArgs = new StringBuilder();
        String name = null, finish = null;
        for (JsonNode e : f.stream("/v1/chat/completions", body)) {
            JsonNode ch = e.path("choices").get(0);
            for (JsonNode tc : ch.path("delta").path("tool_calls")) {
                assertThat(tc.path("index").asInt()).isZero();
                if (tc.path("function").has("name")) name = tc.path("function").path("name").asText();
                streamedArgs.append(tc.path("function").path("arguments").asText(""));
            }
            if (!ch.path("finish_reason").isNull()) finish = ch.path("finish_reason").asText();
        }
        assertThat(name).isEqualTo("get_weather");
        assertThat(streamedArgs.toString()).isEqualTo(call.path("function").path("arguments").asText());
        assertThat(finish).isEqualTo("tool_calls");
    }

    @Test
    void toolChoiceNoneRendersWithoutToolsAndParsesNoCalls() throws Exception {
        ObjectNode with = forcedToolCall();
        int withTools = f.post("/v1/chat/completions", with).json().path("usage").path("prompt_tokens").asInt();
        ObjectNode none = forcedToolCall().put("tool_choice", "none");
        JsonNode j = f.post("/v1/chat/completions", none).json();
        assertThat(j.path("usage").path("prompt_tokens").asInt()).isLessThan(withTools);
        JsonNode choice = j.path("choices").get(0);
        assertThat(choice.path("message").has("tool_calls")).isFalse();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.path("message").path("content").asText()).contains("<function=get_weather>");
    }

    @Test
    void namedToolChoiceMustNameAnOfferedTool() throws Exception {
        ObjectNode body = forcedToolCall();
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
        assertThat(f.post("/v1/chat/completions", body).json().path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "nope");
        var r = f.post("/v1/chat/completions", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("tool_choice");
    }

    static final String TIME_TOOL = """
            {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{}}}}""";
    static final String DATE_TOOL = """
            {"type":"function","function":{"name":"get_date","parameters":{"type":"object","properties":{}}}}""";

    /**
     * tool_choice required / named constrain the answer to calls (PROTOCOL.md §6): the tiny random model answers
     * with a well-formed call only under the constraint.
     */
    @Test
    void requiredToolChoiceConstrainsTheAnswerToACall() throws Exception {
        ObjectNode body = chat("What time is it?", 40);
        body.putArray("tools").add(JSON.readTree(TIME_TOOL)).add(JSON.readTree(DATE_TOOL));
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        body.putObject("logit_bias").put(String.valueOf(imEnd()), 100); // end the turn as soon as it may
        body.put("tool_choice", "required");
        JsonNode choice = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode calls = choice.path("message").path("tool_calls");
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).path("function").path("name").asText()).isIn("get_time", "get_date");
        assertThat(calls.get(0).path("function").path("arguments").asText()).isEqualTo("{}");
        assertThat(choice.path("message").path("content").isNull()).isTrue();

        body.put("tool_choice", "auto"); // unconstrained, the same request ends at once without a call
        JsonNode free = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        assertThat(free.path("message").has("tool_calls")).isFalse();
        assertThat(free.path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void namedToolChoiceStreamsACallOfThatFunctionAfterTheReasoning() throws Exception {
        ObjectNode body = chat("Weather?", 40);
        body.putArray("tools").add(JSON.readTree(WEATHER_TOOL)).add(JSON.readTree(TIME_TOOL));
        body.put("reasoning_budget", 0).put("thinking_budget_grace_period", 0); // thinking on, ended at once
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
        body.put("stream", true);
        String name = null, finish = null;
        StringBuilder args = new StringBuilder();
        for (JsonNode e : f.stream("/v1/chat/completions", body)) {
            for (JsonNode tc : e.path("choices").get(0).path("delta").path("tool_calls")) {
                assertThat(tc.path("index").asInt()).isZero();
                if (tc.path("function").has("name")) name = tc.path("function").path("name").asText();
                args.append(tc.path("function").path("arguments").asText(""));
            }
            if (!e.path("choices").get(0).path("finish_reason").isNull()) finish = e.path("choices").get(0).path("finish_reason").asText();
        }
        assertThat(name).isEqualTo("get_weather");
        // the random model's value may run to max_tokens: then the call is cut (finish_reason length) and its arguments
        // object never closes; else it is well-formed, a declared parameter first
        if (finish.equals("length")) {
            assertThat(args.toString()).doesNotEndWith("}");
        } else {
            JsonNode parsed = JSON.readTree(args.toString());
            assertThat(parsed.isObject()).isTrue();
            assertThat(parsed.fieldNames()).toIterable().isNotEmpty().isSubsetOf("location", "days");
        }
    }

    /** response_format json_object constrains the answer to one JSON object (the biases make the random model close it). */
    @Test
    void jsonObjectResponseFormatGivesAJsonObject() throws Exception {
        ObjectNode body = chat("Give JSON", 60);
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        body.putObject("response_format").put("type", "json_object");
        ObjectNode bias = body.putObject("logit_bias");
        bias.put(String.valueOf(f.ids("\"")[0]), 100).put(String.valueOf(f.ids("}")[0]), 50);
        JsonNode choice = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
        String content = choice.path("message").path("content").asText();
        assertThat(JSON.readTree(content).isObject()).as(content).isTrue();

        body.remove("response_format"); // unconstrained, the same biases give no JSON object
        String free = f.post("/v1/chat/completions", body).json().path("choices").get(0).path("message").path("content").asText();
        assertThat(free).doesNotStartWith("{");

        body.putObject("response_format").put("type", "json_schema");
        var r = f.post("/v1/chat/completions", body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").path("param").asText()).isEqualTo("response_format");
    }

    @Test
    void toolHistoryAndContentPartsAreAccepted() throws Exception {
        String body = """
                {"model":"tiny-a","max_tokens":4,"temperature":0,"tools":[%s],
                 "messages":[{"role":"developer","content":"Be brief."},
                  {"role":"user","content":[{"type":"text","text":"Weather"},{"type":"text","text":"in Paris?"}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\": \\"Paris\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"18 C"}]}""".formatted(WEATHER_TOOL);
        var r = f.post("/v1/chat/completions", body);
        assertThat(r.status()).as(r.response().body()).isEqualTo(200);
        assertThat(r.json().path("usage").path("completion_tokens").asInt()).isBetween(1, 4);
    }

    @Test
    void nChoicesWithSeedAndLogprobs() throws Exception {
        ObjectNode body = chat("Pick", 6).put("n", 3).put("temperature", 1.0).put("seed", 7).put("logprobs", true).put("top_logprobs", 2);
        JsonNode j = f.post("/v1/chat/completions", body).json();
        assertThat(j.path("choices")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            JsonNode ch = j.path("choices").get(i);
            assertThat(ch.path("index").asInt()).isEqualTo(i);
            JsonNode lp = ch.path("logprobs").path("content");
            assertThat(lp.size()).isBetween(1, 6);
            assertThat(lp.get(0).path("top_logprobs")).hasSize(2);
            assertThat(lp.get(0).path("logprob").asDouble()).isLessThanOrEqualTo(0);
        }
        assertThat(f.post("/v1/chat/completions", body).json().path("choices")).isEqualTo(j.path("choices"));
    }

    @Test
    void completionsWithIdsEchoAndLogprobs() throws Exception {
        var r = f.post("/v1/completions", "{\"model\":\"tiny-a\",\"prompt\":[5,6,7,8],\"max_tokens\":5,\"temperature\":0,\"echo\":true,\"logprobs\":1,\"ignore_eos\":true}");
        assertThat(r.status()).isEqualTo(200);
        JsonNode ch = r.json().path("choices").get(0);
        assertThat(r.json().path("object").asText()).isEqualTo("text_completion");
        String echoed = f.bundle.tokenizer().decode(new int[] {5, 6, 7, 8}, false);
        assertThat(ch.path("text").asText()).startsWith(echoed);
        JsonNode lp = ch.path("logprobs");
        assertThat(lp.path("tokens")).hasSize(4 + 5);
        assertThat(lp.path("token_logprobs").get(0).isNull()).isTrue();
        assertThat(lp.path("token_logprobs").get(4).isNumber()).isTrue();
        // echoed prompt tokens carry their log-probability given the prefix (as lm-eval-style log-likelihood needs);
        // scored through the service's scheduler, the model's one caller (equal to PromptScorer's: SharedModelTest)
        var scored = f.service.score(new int[] {5, 6, 7, 8}, 1);
        for (int i = 1; i < 4; i++) {
            assertThat((float) lp.path("token_logprobs").get(i).asDouble()).as("prompt token %d", i).isEqualTo(scored[i].logprob());
            assertThat(lp.path("top_logprobs").get(i)).hasSize(1);
        }
        assertThat(lp.path("top_logprobs").get(0).isNull()).isTrue();
        // the first generated token's logprob equals scoring the prompt plus that token
        int first = f.bundle.tokenizer().tokenToId(lp.path("tokens").get(4).asText()).orElse(-1);
        if (first >= 0) {
            var withFirst = f.service.score(new int[] {5, 6, 7, 8, first}, 0);
            assertThat((float) lp.path("token_logprobs").get(4).asDouble()).isCloseTo(withFirst[4].logprob(), org.assertj.core.data.Offset.offset(1e-4f));
        }
        assertThat(lp.path("top_logprobs").get(4)).hasSize(1);
        assertThat(ch.path("finish_reason").asText()).isEqualTo("length");
        assertThat(r.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(4);

        // max_tokens 0 with echo: score the prompt only
        var only = f.post("/v1/completions", "{\"prompt\":[5,6,7,8],\"max_tokens\":0,\"echo\":true,\"logprobs\":0}");
        assertThat(only.status()).isEqualTo(200);
        JsonNode olp = only.json().path("choices").get(0).path("logprobs");
        assertThat(olp.path("tokens")).hasSize(4);
        assertThat((float) olp.path("token_logprobs").get(3).asDouble()).isEqualTo(scored[3].logprob());
        assertThat(f.post("/v1/completions", "{\"prompt\":[5,6],\"max_tokens\":0}").status()).isEqualTo(400);

        var two = f.post("/v1/completions", "{\"prompt\":[\"a b\",\"c d\"],\"max_tokens\":3,\"temperature\":0}");
        assertThat(two.json().path("choices")).hasSize(2);
        List<JsonNode> events = f.stream("/v1/completions", JSON.readTree("{\"prompt\":[5,6,7,8],\"max_tokens\":5,\"temperature\":0,\"ignore_eos\":true,\"stream\":true}"));
        String streamed = events.stream().map(e -> e.path("choices").get(0).path("text").asText()).collect(Collectors.joining());
        assertThat(echoed + streamed).isEqualTo(ch.path("text").asText());

        // Streamed with echo and logprobs: the pieces' tokens, log-probabilities and text offsets concatenate to the
        // non-streamed object (offsets continue across pieces instead of restarting at 0). Log-probabilities are
        // compared exactly: the non-streamed request ran while the JIT was still cold, and every kernel gives the
        // same bits in every tier (this once differed in the 7th digit through the vector exponential).
        List<JsonNode> pieces = f.stream("/v1/completions", JSON.readTree("{\"prompt\":[5,6,7,8],\"max_tokens\":5,\"temperature\":0,"
                + "\"echo\":true,\"logprobs\":1,\"ignore_eos\":true,\"stream\":true}"));
        List<String> tokens = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        List<JsonNode> values = new ArrayList<>();
        for (JsonNode e : pieces) {
            JsonNode plp = e.path("choices").get(0).path("logprobs");
            if (plp.isNull() || plp.isMissingNode()) continue;
            plp.path("tokens").forEach(t -> tokens.add(t.asText()));
            plp.path("text_offset").forEach(o -> offsets.add(o.asInt()));
            plp.path("token_logprobs").forEach(values::add);
        }
        List<String> wholeTokens = new ArrayList<>();
        lp.path("tokens").forEach(t -> wholeTokens.add(t.asText()));
        List<Integer> wholeOffsets = new ArrayList<>();
        lp.path("text_offset").forEach(o -> wholeOffsets.add(o.asInt()));
        List<JsonNode> wholeValues = new ArrayList<>();
        lp.path("token_logprobs").forEach(wholeValues::add);
        assertThat(tokens).isEqualTo(wholeTokens);
        assertThat(offsets).isEqualTo(wholeOffsets).isSorted();
        assertThat(values).hasSameSizeAs(wholeValues);
        assertThat(values.get(0).isNull()).isTrue();
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i).asDouble()).as("logprob %d", i).isEqualTo(wholeValues.get(i).asDouble());
        }
    }

    @Test
    void tokenizeAndDetokenize() throws Exception {
        var t = f.post("/tokenize", "{\"prompt\":\"Hello world\",\"add_special_tokens\":false}");
        int[] ids = JSON.convertValue(t.json().path("tokens"), int[].class);
        assertThat(ids).isEqualTo(f.ids("Hello world"));
        String back = f.post("/detokenize", JSON.createObjectNode().set("tokens", t.json().path("tokens"))).json().path("prompt").asText();
        assertThat(back).isEqualTo("Hello world");
        assertThat(Arrays.stream(ids).max().orElseThrow()).isLessThan(512);
    }

    @Test
    void metricsInPrometheusText() throws Exception {
        f.post("/v1/chat/completions", chat("count me", 3));
        var m = f.get("/metrics");
        assertThat(m.status()).isEqualTo(200);
        String text = m.response().body();
        assertThat(text).contains("nemotron4j_requests_total{endpoint=\"/v1/chat/completions\",status=\"200\"}",
                "# TYPE nemotron4j_time_to_first_token_seconds histogram", "nemotron4j_inter_token_latency_seconds_bucket{le=\"+Inf\"}",
                "nemotron4j_queue_depth 0", "nemotron4j_running_sequences", "nemotron4j_state_memory_bytes", "nemotron4j_generation_tokens_total");
        long ttft = text.lines().filter(l -> l.startsWith("nemotron4j_time_to_first_token_seconds_count")).mapToLong(l -> Long.parseLong(l.split(" ")[1])).sum();
        assertThat(ttft).isPositive();
    }
}
