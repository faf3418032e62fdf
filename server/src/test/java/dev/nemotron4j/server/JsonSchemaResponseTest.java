package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code response_format: json_schema} through the server (issue #17 item 2, the supported subset): the tiny random
 * model, decoded under the schema's grammar, only ever finishes with JSON that validates (checked by an independent
 * validator), with LangChain4j's structured outputs too; unsupported keywords are a 400 naming them.
 */
class JsonSchemaResponseTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a");

    static final List<String> SCHEMAS = List.of(
            """
            {"type":"object","properties":{"city":{"type":"string","maxLength":8},"days":{"type":"integer","minimum":1,"maximum":14},
             "units":{"enum":["metric","imperial"]}},"required":["city","days","units"],"additionalProperties":false}""",
            """
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"integer","minimum":0,"maximum":9},"minItems":1,"maxItems":3},
             "done":{"type":"boolean"},"note":{"anyOf":[{"type":"string","maxLength":4},{"type":"null"}]}},"required":["items","done"]}""",
            """
            {"$defs":{"p":{"type":"object","properties":{"x":{"type":"integer","minimum":-5,"maximum":5}},"required":["x"]}},
             "type":"object","properties":{"a":{"$ref":"#/$defs/p"},"b":{"type":"array","items":{"$ref":"#/$defs/p"},"maxItems":2}},
             "required":["a"]}""");

    static ObjectNode request(String schema, long seed) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", 150).put("seed", seed).put("temperature", 1);
        body.putArray("messages").addObject().put("role", "user").put("content", "Answer in JSON");
        ObjectNode format = body.putObject("response_format").put("type", "json_schema");
        format.putObject("json_schema").put("name", "answer").put("strict", true).set("schema", JSON.readTree(schema));
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        // end strings and containers readily, so that the random model finishes within the limit
        ObjectNode bias = body.putObject("logit_bias");
        for (String t : List.of("\"", "}", "]")) bias.put(String.valueOf(f.ids(t)[0]), 6);
        return body;
    }

    @Test
    void everyFinishedAnswerValidatesAgainstItsSchema() throws Exception {
        int finished = 0;
        for (String schema : SCHEMAS) {
            JsonNode s = JSON.readTree(schema);
            for (long seed = 1; seed <= 6; seed++) {
                var r = f.post("/v1/chat/completions", request(schema, seed));
                assertThat(r.status()).as(r.response().body()).isEqualTo(200);
                JsonNode choice = r.json().path("choices").get(0);
                String content = choice.path("message").path("content").asText();
                if (!choice.path("finish_reason").asText().equals("stop")) continue; // cut by max_tokens: unfinished
                finished++;
                JsonNode value = JSON.readTree(content);
                assertThat(SchemaCheck.valid(value, s)).as("%s\nagainst %s", content, schema).isTrue();
            }
        }
        assertThat(finished).as("answers that finished").isGreaterThanOrEqualTo(6);
    }

    @Test
    void unsupportedKeywordsAreA400NamingThem() throws Exception {
        for (Map.Entry<String, String> e : Map.of("pattern", "{\"type\":\"string\",\"pattern\":\"^a\"}",
                "format", "{\"type\":\"string\",\"format\":\"email\"}",
                "oneOf", "{\"oneOf\":[{\"type\":\"string\"}]}").entrySet()) {
            var r = f.post("/v1/chat/completions", request(e.getValue(), 1));
            ErrorsTest.assertError(r, 400, "invalid_request_error");
            assertThat(r.json().path("error").path("message").asText()).contains("'" + e.getKey() + "'");
            assertThat(r.json().path("error").path("code").asText()).isEqualTo("unsupported_schema_keyword");
            assertThat(r.json().path("error").path("param").asText()).isEqualTo("response_format");
        }
    }

    /** LangChain4j's structured outputs (its own JSON schema, strict) get JSON that validates. */
    @Test
    void langChain4jStructuredOutputs() throws Exception {
        JsonSchema schema = JsonSchema.builder().name("Weather").rootElement(JsonObjectSchema.builder()
                .addStringProperty("city").addIntegerProperty("days").addBooleanProperty("rain").required("city", "days", "rain").build()).build();
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(f.url("/v1")).apiKey("none").modelName("tiny-a").temperature(1.0)
                .maxTokens(150).strictJsonSchema(true).supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).build();
        int finished = 0;
        for (int seed = 1; seed <= 6; seed++) {
            Map<String, Object> custom = Map.of("chat_template_kwargs", Map.of("enable_thinking", false),
                    "logit_bias", Map.of(String.valueOf(f.ids("\"")[0]), 6, String.valueOf(f.ids("}")[0]), 6));
            ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Weather?"))
                    .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(schema).build())
                    .parameters(OpenAiChatRequestParameters.builder().seed(seed).customParameters(custom).build()).build());
            if (r.finishReason() != dev.langchain4j.model.output.FinishReason.STOP) continue;
            finished++;
            JsonNode value = JSON.readTree(r.aiMessage().text());
            assertThat(value.path("city").isTextual()).as(r.aiMessage().text()).isTrue();
            assertThat(value.path("days").isIntegralNumber()).isTrue();
            assertThat(value.path("rain").isBoolean()).isTrue();
        }
        assertThat(finished).isPositive();
    }
}
