package dev.nemotron4j.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error in OpenAI's JSON shape with the right status, and never a stack trace. */
class ErrorsTest {
    // A small context, a small body limit and an API key, to reach every error.
    @AutoClose
    static final ServerFixture f = ServerFixture.start("tiny-a", 4, 16, 256, c -> c.withApiKey("s3cret").withMaxBodyBytes(4096).withRequestTimeout(Duration.ofMillis(300)));

    ServerFixture.Reply post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.url(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return f.send(b.build());
    }

    static void assertError(ServerFixture.Reply r, int status, String type) {
        assertThat(r.status()).as(r.response().body()).isEqualTo(status);
        JsonNode e = r.json().path("error");
        assertThat(e.path("message").asText()).isNotBlank().doesNotContain("Exception", "\tat ");
        assertThat(e.path("type").asText()).isEqualTo(type);
        assertThat(e.has("param")).isTrue();
        assertThat(e.has("code")).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "invalid JSON|{\"messages\":|",
            "not an object|[1,2]|",
            "no messages|{\"model\":\"tiny-a\"}|messages",
            "empty messages|{\"messages\":[]}|messages",
            "messages not array|{\"messages\":\"hi\"}|messages",
            "bad role|{\"messages\":[{\"role\":\"wizard\",\"content\":\"x\"}]}|messages",
            "user without content|{\"messages\":[{\"role\":\"user\"}]}|messages",
            "image part|{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}|messages",
            "temperature type|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":\"hot\"}|temperature",
            "temperature range|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}|temperature",
            "top_p zero|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"top_p\":0}|top_p",
            "max_tokens zero|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":0}|max_tokens",
            "max_tokens fraction|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":1.5}|max_tokens",
            "n too large|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":99}|n",
            "stream type|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":\"yes\"}|stream",
            "logit_bias key|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"abc\":1}}|logit_bias",
            "logit_bias id|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logit_bias\":{\"99999\":1}}|logit_bias",
            "presence range|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"presence_penalty\":5}|presence_penalty",
            "stop type|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stop\":7}|stop",
            "tools type|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":{}}|tools",
            "tool_choice without tools|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tool_choice\":\"required\"}|tool_choice",
            "budget type|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"reasoning_budget\":\"lots\"}|reasoning_budget",
            "top_logprobs range|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"logprobs\":true,\"top_logprobs\":50}|top_logprobs",
            "response_format|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"response_format\":{\"type\":\"json_schema\"}}|response_format",
            "output past context|{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":100000}|max_tokens",
    })
    void badChatRequestsAre400(String name, String body, String param) throws Exception {
        var r = post("/v1/chat/completions", body, "s3cret");
        assertError(r, 400, "invalid_request_error");
        if (param != null) assertThat(r.json().path("error").path("param").asText()).isEqualTo(param);
    }

    @Test
    void promptLongerThanTheContextIs400() throws Exception {
        String longText = "word ".repeat(400);
        var r = post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}", "s3cret");
        assertError(r, 400, "invalid_request_error");
        assertThat(r.json().path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        var c = post("/v1/completions", "{\"prompt\":\"" + longText + "\"}", "s3cret");
        assertError(c, 400, "invalid_request_error");
    }

    @Test
    void badCompletionRequestsAre400() throws Exception {
        assertError(post("/v1/completions", "{\"max_tokens\":3}", "s3cret"), 400, "invalid_request_error");
        assertError(post("/v1/completions", "{\"prompt\":[1,99999]}", "s3cret"), 400, "invalid_request_error");
        assertError(post("/v1/completions", "{\"prompt\":{}}", "s3cret"), 400, "invalid_request_error");
        assertError(post("/detokenize", "{\"tokens\":[\"a\"]}", "s3cret"), 400, "invalid_request_error");
    }

    @Test
    void apiKeyIsRequiredExceptForHealthAndMetrics() throws Exception {
        String ok = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":2}";
        assertError(post("/v1/chat/completions", ok, null), 401, "authentication_error");
        assertError(post("/v1/chat/completions", ok, "wrong"), 401, "authentication_error");
        assertError(post("/v1/chat/completions", ok, "s3cret-but-longer"), 401, "authentication_error");
        assertThat(post("/v1/chat/completions", ok, "s3cret").status()).isEqualTo(200);
        assertThat(f.get("/health").status()).isEqualTo(200);
        assertThat(f.get("/metrics").status()).isEqualTo(200);
        assertError(f.get("/v1/models"), 401, "authentication_error");
    }

    @Test
    void unknownModelPathAndMethod() throws Exception {
        var m = post("/v1/chat/completions", "{\"model\":\"gpt-4\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", "s3cret");
        assertError(m, 404, "not_found_error");
        assertThat(m.json().path("error").path("code").asText()).isEqualTo("model_not_found");
        assertError(post("/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":\"x\"}", "s3cret"), 404, "not_found_error");
        assertError(post("/v1/nothing", "{}", "s3cret"), 404, "not_found_error");
        var get = f.send(HttpRequest.newBuilder(URI.create(f.url("/v1/chat/completions"))).header("Authorization", "Bearer s3cret").GET().build());
        assertError(get, 405, "invalid_request_error");
    }

    @Test
    void bodyTooLargeIs413() throws Exception {
        String big = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "x".repeat(10_000) + "\"}]}";
        assertError(post("/v1/chat/completions", big, "s3cret"), 413, "invalid_request_error");
    }

    @Test
    void requestsThatRunTooLongTimeOut() throws Exception {
        // 300 ms limit; 250 tokens on one sequence take longer than that on this machine... or finish: both are legal,
        // but a timeout must be a 504 in the error shape.
        var r = post("/v1/completions", "{\"prompt\":[5,6],\"max_tokens\":250,\"ignore_eos\":true,\"temperature\":0,\"logprobs\":20}", "s3cret");
        if (r.status() != 200) assertError(r, 504, "timeout_error");
        assertThat(f.server.metrics().requests("/v1/completions", 500)).isZero();
    }
}
