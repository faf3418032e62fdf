package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonRawSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #17 item 2: when {@code tool_choice} forces a call, each parameter's value is decoded under its JSON schema.
 * The tiny random model, sampled freely, only ever returns calls whose arguments validate against the tool's
 * {@code parameters} (an independent validator), through the HTTP API streamed and not and through LangChain4j; a
 * keyword that cannot be enforced is a 400 naming it.
 */
class ForcedToolArgumentsTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a");

    static final String PARAMETERS = """
            {"type":"object","properties":{
              "city":{"type":"string","minLength":1,"maxLength":6},
              "days":{"type":"integer","minimum":1,"maximum":14},
              "units":{"enum":["metric","imperial"]},
              "rain":{"type":"boolean"},
              "hours":{"type":"array","items":{"type":"integer","minimum":0,"maximum":23},"maxItems":2},
              "ratio":{"type":["number","null"]}},
             "required":["city","days","units"],"additionalProperties":false}""";

    static ObjectNode request(long seed, JsonNode toolChoice) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", 160).put("seed", seed).put("temperature", 1);
        body.putArray("messages").addObject().put("role", "user").put("content", "Forecast please");
        ObjectNode function = body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "forecast");
        function.set("parameters", JSON.readTree(PARAMETERS));
        body.set("tool_choice", toolChoice);
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        // close values, arrays and the call readily, so that the random model finishes within the limit
        ObjectNode bias = body.putObject("logit_bias");
        closingBias().forEach((id, v) -> bias.put(id, v));
        return body;
    }

    /** Biases toward the tokens that end values, arrays, calls and the turn: the random model then finishes. */
    static Map<String, Integer> closingBias() {
        Map<String, Integer> bias = new java.util.TreeMap<>();
        for (int id : f.ids("\n</parameter>\n</function>\n</tool_call>\n]")) bias.put(String.valueOf(id), 6);
        bias.put(String.valueOf(f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow()), 6);
        return bias;
    }

    static JsonNode named() {
        ObjectNode choice = JSON.createObjectNode().put("type", "function");
        choice.putObject("function").put("name", "forecast");
        return choice;
    }

    /** Runs {@code task} for each of {@code inputs} at once (the scheduler batches them; the tiny model is slow alone). */
    static <T, R> List<R> concurrently(List<T> inputs, java.util.function.Function<T, R> task) throws Exception {
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<R>> futures = new java.util.ArrayList<>();
            for (T in : inputs) futures.add(pool.submit(() -> task.apply(in)));
            List<R> out = new java.util.ArrayList<>();
            for (var fu : futures) out.add(fu.get(10, java.util.concurrent.TimeUnit.MINUTES));
            return out;
        }
    }

    @Test
    void everyReturnedCallValidatesAgainstItsParametersStreamedAndNot() throws Exception {
        JsonNode parameters = JSON.readTree(PARAMETERS);
        List<ObjectNode> bodies = new java.util.ArrayList<>();
        for (long seed = 1; seed <= 4; seed++) {
            for (JsonNode choice : List.of(named(), JSON.getNodeFactory().textNode("required"))) bodies.add(request(seed, choice));
        }
        List<ServerFixture.Reply> replies = concurrently(bodies, body -> {
            try {
                return f.post("/v1/chat/completions", body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        int calls = 0;
        List<Integer> withCalls = new java.util.ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) {
            var r = replies.get(i);
            assertThat(r.status()).as(r.response().body()).isEqualTo(200);
            JsonNode c = r.json().path("choices").get(0);
            assertThat(c.path("finish_reason").asText()).as(r.response().body()).isIn("tool_calls", "length");
            // every call returned is complete (one cut by the limit never is) and its arguments validate
            for (JsonNode call : c.path("message").path("tool_calls")) {
                assertThat(call.path("function").path("name").asText()).isEqualTo("forecast");
                String arguments = call.path("function").path("arguments").asText();
                assertThat(SchemaCheck.valid(JSON.readTree(arguments), parameters)).as("%s: %s", bodies.get(i), arguments).isTrue();
                calls++;
            }
            if (c.path("message").has("tool_calls")) withCalls.add(i);
        }
        assertThat(calls).as("calls returned").isGreaterThanOrEqualTo(4);
        // streamed: the same calls, argument fragments that add up to the same JSON, the same finish reason
        List<Integer> streamedOnes = withCalls.subList(0, Math.min(4, withCalls.size()));
        List<List<JsonNode>> streams = concurrently(streamedOnes, i -> {
            try {
                return f.stream("/v1/chat/completions", bodies.get(i).deepCopy().put("stream", true));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        for (int k = 0; k < streamedOnes.size(); k++) {
            JsonNode c = replies.get(streamedOnes.get(k)).json().path("choices").get(0);
            StringBuilder streamed = new StringBuilder();
            String streamedFinish = null;
            for (JsonNode e : streams.get(k)) {
                JsonNode ch = e.path("choices").get(0);
                for (JsonNode tc : ch.path("delta").path("tool_calls")) {
                    if (tc.path("index").asInt() == 0) streamed.append(tc.path("function").path("arguments").asText(""));
                }
                if (!ch.path("finish_reason").isNull()) streamedFinish = ch.path("finish_reason").asText();
            }
            assertThat(streamedFinish).isEqualTo(c.path("finish_reason").asText());
            assertThat(JSON.readTree(streamed.toString())).isEqualTo(JSON.readTree(c.path("message").path("tool_calls").get(0)
                    .path("function").path("arguments").asText()));
        }
    }

    @Test
    void aKeywordThatCannotBeEnforcedIsA400NamingItOnlyWhenTheCallIsForced() throws Exception {
        String tool = """
                {"type":"function","function":{"name":"book","parameters":{"type":"object",
                 "properties":{"when":{"type":"string","format":"date-time"}}}}}""";
        for (String choice : List.of("\"required\"", "{\"type\":\"function\",\"function\":{\"name\":\"book\"}}")) {
            var r = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2,\"tools\":["
                    + tool + "],\"tool_choice\":" + choice + "}");
            ErrorsTest.assertError(r, 400, "invalid_request_error");
            assertThat(r.json().path("error").path("message").asText()).contains("'format'").contains("book");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("unsupported_schema_keyword");
            assertThat(r.json().path("error").path("param").asText()).isEqualTo("tools");
        }
        // unforced, nothing is constrained: the tool is only shown to the model
        var auto = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2,\"tools\":["
                + tool + "]}");
        assertThat(auto.status()).as(auto.response().body()).isEqualTo(200);
    }

    /** LangChain4j's {@code ToolChoice.REQUIRED} with a typed tool: every execution request's arguments validate. */
    @Test
    void langChain4jRequiredToolChoiceGetsValidArguments() throws Exception {
        ToolSpecification spec = ToolSpecification.builder().name("forecast").description("Weather forecast")
                // a bounded city (LangChain4j passes a raw schema through as it is), else the random model never ends it
                .parameters(JsonObjectSchema.builder().addProperty("city", JsonRawSchema.from("{\"type\":\"string\",\"maxLength\":6}"))
                        .addIntegerProperty("days")
                        .addEnumProperty("units", List.of("metric", "imperial")).addBooleanProperty("rain")
                        .required("city", "days", "units").build()).build();
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey("none").modelName("tiny-a").temperature(1.0)
                .maxTokens(160).timeout(java.time.Duration.ofMinutes(5)).build();
        Map<String, Object> custom = Map.of("chat_template_kwargs", Map.of("enable_thinking", false), "logit_bias", closingBias());
        List<ChatResponse> responses = concurrently(List.of(1, 2, 3), seed -> model.chat(ChatRequest.builder()
                .messages(UserMessage.from("Forecast please")).toolSpecifications(spec).toolChoice(ToolChoice.REQUIRED)
                .parameters(OpenAiChatRequestParameters.builder().seed(seed).customParameters(custom).build()).build()));
        int executed = 0;
        for (ChatResponse r : responses) {
            if (r.finishReason() == FinishReason.LENGTH) continue;
            assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
            for (ToolExecutionRequest call : r.aiMessage().toolExecutionRequests()) {
                JsonNode args = JSON.readTree(call.arguments());
                assertThat(args.path("city").isTextual() && args.path("city").asText().codePointCount(0, args.path("city").asText().length()) <= 6)
                        .as(call.arguments()).isTrue();
                assertThat(args.path("days").isIntegralNumber()).as(call.arguments()).isTrue();
                assertThat(args.path("units").asText()).as(call.arguments()).isIn("metric", "imperial");
                assertThat(!args.has("rain") || args.get("rain").isBoolean()).as(call.arguments()).isTrue();
                executed++;
            }
        }
        assertThat(executed).isPositive();
    }
}
