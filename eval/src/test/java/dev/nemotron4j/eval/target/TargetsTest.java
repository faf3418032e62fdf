package dev.nemotron4j.eval.target;

import dev.nemotron4j.testkit.LoopbackHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The endpoint target's handling of real-server response shapes, and the in-process plug point. */
class TargetsTest {
    private LoopbackHttpServer server;
    private final AtomicReference<String> lastBody = new AtomicReference<>();

    private OpenAiEndpointTarget serving(int status, String json) throws Exception {
        server = LoopbackHttpServer.start().route("/v1/", ex -> {
            lastBody.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            LoopbackHttpServer.sendJson(ex, status, json);
        });
        return new OpenAiEndpointTarget(server.url("/v1/chat/completions"), "m",
                EndpointType.CHAT, "secret", Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static GenerationRequest request(ReasoningMode mode) {
        return new GenerationRequest(List.of(ChatMessage.user("hi")), null, 0.6, 0.95, 20, 128, 42, mode, 512, List.of(),
                false, null, null);
    }

    @Test
    void readsReasoningFromEitherFieldAndToleratesNullContent() throws Exception {
        GenerationResult a = serving(200, """
                {"choices": [{"finish_reason": "stop", "message": {"content": null, "reasoning_content": "think 42"}}],
                 "usage": {"prompt_tokens": 5, "completion_tokens": 7, "completion_tokens_details": {"reasoning_tokens": 6}}}
                """).generate(request(ReasoningMode.ON));
        assertThat(a.content()).isEmpty();
        assertThat(a.reasoningContent()).isEqualTo("think 42");
        assertThat(a.usage()).isEqualTo(new TokenUsage(5, 7, 6));
        server.close();
        GenerationResult b = serving(200, """
                {"choices": [{"finish_reason": "tool_calls", "message": {"content": "", "reasoning": "r",
                  "tool_calls": [{"id": "1", "type": "function", "function": {"name": "f", "arguments": "{\\"x\\": 1}"}}]}}]}
                """).generate(request(ReasoningMode.OFF));
        assertThat(b.reasoningContent()).isEqualTo("r");
        assertThat(b.toolCalls()).hasSize(1);
        assertThat(b.toolCalls().getFirst().arguments().get("x").asInt()).isEqualTo(1);
        assertThat(b.finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void sendsSamplingSettingsSeedAndThinkingSwitch() throws Exception {
        serving(200, "{\"choices\": [{\"message\": {\"content\": \"ok\"}}]}").generate(request(ReasoningMode.OFF));
        String body = lastBody.get();
        assertThat(body).contains("\"temperature\":0.6", "\"top_p\":0.95", "\"top_k\":20", "\"max_tokens\":128", "\"seed\":42",
                "\"enable_thinking\":false", "\"reasoning_budget\":512", "\"model\":\"m\"");
    }

    @Test
    void classifiesHttpErrorsForRetry() throws Exception {
        OpenAiEndpointTarget overloaded = serving(429, "{}");
        assertThatThrownBy(() -> overloaded.generate(request(ReasoningMode.DEFAULT)))
                .isInstanceOfSatisfying(TargetException.class, e -> assertThat(e.retryable()).isTrue());
        server.close();
        OpenAiEndpointTarget bad = serving(400, "{\"error\": \"bad request\"}");
        assertThatThrownBy(() -> bad.generate(request(ReasoningMode.DEFAULT)))
                .isInstanceOfSatisfying(TargetException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("HTTP 400").contains("bad request");
                });
    }

    @Test
    void identityIgnoresTheApiKeyAndNamesTheEndpoint() throws Exception {
        TargetIdentity id = serving(200, "{}").identity();
        assertThat(id.attributes()).containsEntry("model", "m").containsEntry("endpoint_type", "chat").doesNotContainValue("secret");
        assertThat(id.attributes().get("url")).endsWith("/v1/");
        assertThat(id.fingerprint()).hasSize(64);
    }

    @Test
    void inProcessTargetWithoutAnEngineSaysSo() {
        assertThatThrownBy(() -> InProcessTargets.open(Path.of("/models/nano"), Map.of(), getClass().getClassLoader()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in-process target not available");
    }
}
