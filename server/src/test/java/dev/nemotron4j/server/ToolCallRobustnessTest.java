package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.nemotron4j.server.ServerFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reasoning and tool calls through the real server (issue #17 item 3): a {@code <tool_call>} inside unclosed
 * reasoning ends it; a token limit that cuts the output gives {@code finish_reason: "length"} and never an incomplete
 * call; arguments are coerced by the declared types; malformed tool and extension fields are 400s. The tiny random
 * model's answers are made deterministic by forcing them through a reasoning budget of 0 whose forced ending
 * ({@code end_token_ids}) is the text under test.
 */
class ToolCallRobustnessTest {
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a");

    static final String TYPED_TOOL = """
            {"type":"function","function":{"name":"set_alarm","parameters":{"type":"object","properties":{
             "label":{"type":"string"},"hour":{"type":"integer"},"ratio":{"type":"number"},"loud":{"type":"boolean"},
             "mode":{"enum":[1,2,3]}},"required":["label","hour"]}}}""";

    static final String CALL = "<tool_call>\n<function=set_alarm>\n<parameter=label>\nwake up\n</parameter>\n"
            + "<parameter=hour>\n 7 \n</parameter>\n<parameter=ratio>\n2.5\n</parameter>\n<parameter=loud>\nTrue\n</parameter>\n"
            + "<parameter=mode>\n2\n</parameter>\n</function>\n</tool_call>\n";

    /** A request whose answer is exactly {@code forced} (then the turn ends), with up to {@code maxTokens} tokens. */
    static ObjectNode forced(String forced, int maxTokens) throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", maxTokens).put("temperature", 0);
        body.putArray("messages").addObject().put("role", "user").put("content", "Set an alarm");
        body.putArray("tools").add(JSON.readTree(TYPED_TOOL));
        body.put("reasoning_budget", 0).put("thinking_budget_grace_period", 0);
        var end = body.putArray("end_token_ids");
        for (int id : f.ids(forced)) end.add(id);
        body.putObject("logit_bias").put(String.valueOf(f.bundle.tokenizer().tokenToId("<|im_end|>").orElseThrow()), 100);
        return body;
    }

    /** The streamed chunks folded into one message: reasoning, content, tool calls (name + arguments), finish reason. */
    record Streamed(String reasoning, String content, String name, String arguments, String finish) {
        static Streamed of(List<JsonNode> events) {
            StringBuilder reasoning = new StringBuilder(), content = new StringBuilder(), args = new StringBuilder();
            String name = null, finish = null;
            for (JsonNode e : events) {
                for (JsonNode ch : e.path("choices")) {
                    reasoning.append(ch.path("delta").path("reasoning_content").asText(""));
                    content.append(ch.path("delta").path("content").asText(""));
                    for (JsonNode tc : ch.path("delta").path("tool_calls")) {
                        if (tc.path("function").has("name")) name = tc.path("function").path("name").asText();
                        args.append(tc.path("function").path("arguments").asText(""));
                    }
                    if (!ch.path("finish_reason").isNull()) finish = ch.path("finish_reason").asText();
                }
            }
            return new Streamed(reasoning.toString(), content.toString(), name, args.toString(), finish);
        }
    }

    @Test
    void toolCallInsideUnclosedReasoningEndsTheReasoningStreamingAndNot() throws Exception {
        // the model opens the call without </think>: the reasoning ends there and the call is read
        ObjectNode body = forced("Let me set it.\n" + CALL, 200);
        JsonNode choice = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        JsonNode message = choice.path("message");
        assertThat(message.path("reasoning_content").asText()).isEqualTo("Let me set it.");
        assertThat(message.path("content").isNull()).isTrue();
        assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode call = message.path("tool_calls").get(0).path("function");
        assertThat(call.path("name").asText()).isEqualTo("set_alarm");
        // coerced by the declared types: " 7 " an integer, "True" a boolean, an enum of integers an integer
        assertThat(JSON.readTree(call.path("arguments").asText()))
                .isEqualTo(JSON.readTree("{\"label\":\"wake up\",\"hour\":7,\"ratio\":2.5,\"loud\":true,\"mode\":2}"));

        Streamed s = Streamed.of(f.stream("/v1/chat/completions", body.put("stream", true)));
        assertThat(s.reasoning()).isEqualTo("Let me set it.");
        assertThat(s.content()).isEmpty();
        assertThat(s.name()).isEqualTo("set_alarm");
        assertThat(s.arguments()).isEqualTo(call.path("arguments").asText());
        assertThat(s.finish()).isEqualTo("tool_calls");
    }

    @Test
    void aCallCutByMaxTokensIsLengthAndNeverACall() throws Exception {
        String full = "</think>\n" + CALL;
        int[] ids = f.ids(full);
        // cuts inside the call: from just after <tool_call> to just before </function> closes it
        int start = f.ids("</think>\n<tool_call>").length;
        int beforeClose = f.ids(full.substring(0, full.indexOf("</function>"))).length - 1;
        for (int cut : new int[] {start, start + 3, (start + beforeClose) / 2, beforeClose}) {
            ObjectNode body = forced(full, cut);
            JsonNode j = f.post("/v1/chat/completions", body).json();
            JsonNode choice = j.path("choices").get(0);
            assertThat(j.path("usage").path("completion_tokens").asInt()).isEqualTo(cut);
            assertThat(choice.path("finish_reason").asText()).as("cut at %d of %d", cut, ids.length).isEqualTo("length");
            assertThat(choice.path("message").has("tool_calls")).as("cut at %d", cut).isFalse();
            // the text is not dropped: it is shown as the model wrote it
            assertThat(choice.path("message").path("content").asText()).startsWith("<tool_call>");

            Streamed s = Streamed.of(f.stream("/v1/chat/completions", body.put("stream", true)));
            assertThat(s.finish()).as("streamed, cut at %d", cut).isEqualTo("length");
            assertThat(s.arguments()).as("no complete arguments object was streamed").doesNotEndWith("}");
        }
        // the whole call fits: a call
        JsonNode whole = f.post("/v1/chat/completions", forced(full, ids.length + 1)).json().path("choices").get(0);
        assertThat(whole.path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    /** The report: tool_choice required, seeds 3 and 4, a limit that cuts the constrained call. */
    @Test
    void requiredToolChoiceCutByMaxTokensIsLengthStreamingAndNot() throws Exception {
        for (int seed : new int[] {3, 4}) {
            for (int maxTokens : new int[] {12, 30, 60}) {
                ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", maxTokens).put("seed", seed);
                body.putArray("messages").addObject().put("role", "user").put("content", "Set an alarm");
                body.putArray("tools").add(JSON.readTree(TYPED_TOOL));
                body.putObject("chat_template_kwargs").put("enable_thinking", false);
                body.put("tool_choice", "required");
                JsonNode j = f.post("/v1/chat/completions", body).json();
                JsonNode choice = j.path("choices").get(0);
                String finish = choice.path("finish_reason").asText();
                if (j.path("usage").path("completion_tokens").asInt() == maxTokens) {
                    assertThat(finish).as("cut by the limit, seed %d max %d", seed, maxTokens).isEqualTo("length");
                }
                for (JsonNode call : choice.path("message").path("tool_calls")) {
                    // a call that is returned is complete: every required argument is there
                    JsonNode args = JSON.readTree(call.path("function").path("arguments").asText());
                    assertThat(args.has("label") && args.has("hour")).as("required arguments, seed %d max %d", seed, maxTokens).isTrue();
                }

                Streamed s = Streamed.of(f.stream("/v1/chat/completions", body.put("stream", true)));
                assertThat(s.finish()).as("streamed, seed %d max %d", seed, maxTokens).isEqualTo(finish);
            }
        }
        // at 12 tokens the call cannot be complete: "<tool_call>\n<function=set_alarm>\n" alone takes most of them
        ObjectNode body = JSON.createObjectNode().put("model", "tiny-a").put("max_tokens", 12).put("seed", 3);
        body.putArray("messages").addObject().put("role", "user").put("content", "Set an alarm");
        body.putArray("tools").add(JSON.readTree(TYPED_TOOL));
        body.putObject("chat_template_kwargs").put("enable_thinking", false);
        body.put("tool_choice", "required");
        JsonNode choice = f.post("/v1/chat/completions", body).json().path("choices").get(0);
        assertThat(choice.path("finish_reason").asText()).isEqualTo("length");
        assertThat(choice.path("message").has("tool_calls")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "chat_template_kwargs a string|\"chat_template_kwargs\":\"yes\"|chat_template_kwargs",
            "chat_template_kwargs an array|\"chat_template_kwargs\":[true]|chat_template_kwargs",
            "grace period a string without a budget|\"thinking_budget_grace_period\":\"soon\"|thinking_budget_grace_period",
            "grace period an object|\"thinking_budget_grace_period\":{}|thinking_budget_grace_period",
            "grace period negative|\"reasoning_budget\":5,\"thinking_budget_grace_period\":-3|thinking_budget_grace_period",
            "vllm_xargs a number|\"vllm_xargs\":5|vllm_xargs",
            "vllm_xargs an array|\"vllm_xargs\":[1]|vllm_xargs",
            "empty tool name|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"\"}}]|tools",
            "tool name with markup|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get<b>\"}}]|tools",
            "tool name with a newline|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"a\\nb\"}}]|tools",
            "tool name with a space|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get weather\"}}]|tools",
            "repeated tool name|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}},{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]|tools",
            "required not declared|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"b\"]}}}]|tools",
            "required without properties|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"required\":[\"b\"]}}}]|tools",
            "required not an array|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":\"a\"}}}]|tools",
            "parameter name with markup|\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a>b\":{}}}}}]|tools",
    })
    void malformedExtensionAndToolFieldsAre400(String name, String fields, String param) throws Exception {
        var r = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2," + fields + "}");
        ErrorsTest.assertError(r, 400, "invalid_request_error");
        assertThat(r.json().path("error").path("param").asText()).isEqualTo(param);
    }

    @Test
    void wellFormedExtensionFieldsAreAccepted() throws Exception {
        for (String fields : List.of("\"chat_template_kwargs\":{\"enable_thinking\":false}", "\"chat_template_kwargs\":null",
                "\"thinking_budget_grace_period\":10", "\"vllm_xargs\":{\"thinking_budget\":\"4\"}",
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"my.tool-1\",\"parameters\":{\"type\":\"object\",\"properties\":{\"a\":{}},\"required\":[\"a\"]}}}]")) {
            var r = f.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2," + fields + "}");
            assertThat(r.status()).as(fields + ": " + r.response().body()).isEqualTo(200);
        }
    }
}
