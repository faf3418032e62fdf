package dev.nemotron4j.eval.interceptor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nemotron4j.eval.SampleKey;
import dev.nemotron4j.eval.target.ChatMessage;
import dev.nemotron4j.eval.target.EndpointType;
import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.OpenAiEndpointTarget;
import dev.nemotron4j.eval.target.ReasoningMode;
import dev.nemotron4j.eval.target.Target;
import dev.nemotron4j.eval.target.TargetException;
import dev.nemotron4j.eval.target.TargetIdentity;
import dev.nemotron4j.eval.testing.FakeOpenAiServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InterceptorsTest {
    @TempDir Path dir;

    private static final SampleKey KEY = new SampleKey("t", "1", 0);

    private static GenerationRequest request(List<ChatMessage> messages) {
        return new GenerationRequest(messages, null, 0.0, 1.0, 0, 64, 5, ReasoningMode.DEFAULT, null, null, false, null, null);
    }

    /** A target that records requests and answers with a function of them. */
    private static final class Recording implements Target {
        final List<GenerationRequest> seen = new ArrayList<>();
        final Function<GenerationRequest, GenerationResult> answer;

        Recording(Function<GenerationRequest, GenerationResult> answer) { this.answer = answer; }

        @Override
        public synchronized GenerationResult generate(GenerationRequest r) {
            seen.add(r);
            return answer.apply(r);
        }

        @Override
        public TargetIdentity identity() { return new TargetIdentity("test", Map.of("name", "recording")); }
    }

    @Test
    void systemPromptModes() {
        Recording target = new Recording(r -> GenerationResult.ofText("ok", "stop"));
        List<ChatMessage> withSystem = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"));
        new InterceptorChain(List.of(new SystemPromptInterceptor("Think.", "prepend")), target).execute(new Call(request(withSystem), KEY));
        new InterceptorChain(List.of(new SystemPromptInterceptor("Think.", "append")), target).execute(new Call(request(withSystem), KEY));
        new InterceptorChain(List.of(new SystemPromptInterceptor("Think.", "replace")), target).execute(new Call(request(withSystem), KEY));
        new InterceptorChain(List.of(new SystemPromptInterceptor("Think.", "prepend")), target)
                .execute(new Call(request(List.of(ChatMessage.user("Hi"))), KEY));
        assertThat(target.seen).extracting(r -> r.messages().getFirst().content())
                .containsExactly("Think.\n\nBe brief.", "Be brief.\n\nThink.", "Think.", "Think.");
        assertThat(target.seen.get(3).messages()).hasSize(2);
        assertThatThrownBy(() -> new SystemPromptInterceptor("x", "sideways")).hasMessageContaining("prepend, append or replace");
    }

    @Test
    void payloadEditsReachTheWire() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer()) {
            Target target = new OpenAiEndpointTarget(server.baseUrl(), "m", EndpointType.CHAT, null, Duration.ofSeconds(5));
            var payload = new PayloadInterceptor(Map.of("chat_template_kwargs", Map.of("enable_thinking", false), "priority", 3), List.of("seed"));
            new InterceptorChain(List.of(payload), target).execute(new Call(request(List.of(ChatMessage.user("What is 1 + 2?"))), KEY));
            JsonNode body = server.bodies().getFirst();
            assertThat(body.path("chat_template_kwargs").path("enable_thinking").asBoolean(true)).isFalse();
            assertThat(body.path("priority").asInt()).isEqualTo(3);
            assertThat(body.has("seed")).isFalse();
            assertThat(body.path("temperature").asDouble(-1)).isZero();
        }
    }

    @Test
    void cacheSeparatesRepeatsAndStoresRawResponses() {
        AtomicInteger n = new AtomicInteger();
        Recording target = new Recording(r -> GenerationResult.ofText("<think>t</think>answer " + n.incrementAndGet(), "stop"));
        ResponseCache cache = new ResponseCache(dir.resolve("cache"), "fp");
        InterceptorChain chain = new InterceptorChain(List.of(new ReasoningInterceptor(true, "<think>", "</think>"), cache), target);
        GenerationRequest r = request(List.of(ChatMessage.user("q")));
        GenerationResult first = chain.execute(new Call(r, new SampleKey("t", "1", 0)));
        GenerationResult again = chain.execute(new Call(r, new SampleKey("t", "1", 0)));
        GenerationResult repeat = chain.execute(new Call(r, new SampleKey("t", "1", 1)));
        assertThat(again.rawText()).isEqualTo(first.rawText()).isEqualTo("<think>t</think>answer 1");
        assertThat(again.split().answer()).isEqualTo("answer 1");
        assertThat(repeat.rawText()).isEqualTo("<think>t</think>answer 2");
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(2);
        assertThat(new ResponseCache(dir, "other-target").key(new Call(r, KEY))).isNotEqualTo(cache.key(new Call(r, KEY)));
    }

    @Test
    void timeoutsAreRetriedThenReported() {
        AtomicInteger calls = new AtomicInteger(), interrupted = new AtomicInteger(), completed = new AtomicInteger();
        Recording slow = new Recording(r -> {
            calls.incrementAndGet();
            try {
                new java.util.concurrent.CountDownLatch(1).await(); // never answers on its own
                completed.incrementAndGet();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                Thread.currentThread().interrupt();
            }
            return GenerationResult.ofText("late", "stop");
        });
        InterceptorChain chain = new InterceptorChain(List.of(new RetryInterceptor(2, 1, 2), new TimeoutInterceptor(Duration.ofMillis(100))), slow);
        assertThatThrownBy(() -> chain.execute(new Call(request(List.of(ChatMessage.user("q"))), KEY)))
                .isInstanceOf(TargetException.class).hasMessageContaining("no response within 100 ms").hasMessageContaining("after 2 attempts");
        // Cut short: both attempts were abandoned (interrupted), neither ran to an answer.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (interrupted.get() < 2 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(interrupted.get()).isEqualTo(2);
        assertThat(completed.get()).isZero();
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void rateLimitSpacesRequests() {
        Recording target = new Recording(r -> GenerationResult.ofText("ok", "stop"));
        // A fake clock that only moves when the limiter sleeps: the spacing is checked without reading time.
        long[] now = {0};
        List<Long> sleeps = new java.util.ArrayList<>();
        RateLimitInterceptor limiter = new RateLimitInterceptor(20, () -> now[0], nanos -> {
            sleeps.add(nanos);
            now[0] += nanos;
        });
        InterceptorChain chain = new InterceptorChain(List.of(limiter), target);
        for (int i = 0; i < 6; i++) chain.execute(new Call(request(List.of(ChatMessage.user("q" + i))), KEY));
        assertThat(now[0] / 1_000_000).isGreaterThanOrEqualTo(240);   // 5 gaps of 50 ms
        assertThat(sleeps).hasSize(5).allMatch(n -> n == 50_000_000L);
        assertThat(target.seen).hasSize(6);
    }

    @Test
    void requestLoggerWritesOneLinePerCallWithErrors() throws Exception {
        Path log = dir.resolve("requests.jsonl");
        AtomicInteger n = new AtomicInteger();
        Recording flaky = new Recording(r -> {
            if (n.incrementAndGet() == 2) throw new TargetException("boom", false);
            return GenerationResult.ofText("ok", "stop");
        });
        InterceptorChain chain = new InterceptorChain(List.of(new RequestLogger(log)), flaky);
        chain.execute(new Call(request(List.of(ChatMessage.user("a"))), KEY));
        assertThatThrownBy(() -> chain.execute(new Call(request(List.of(ChatMessage.user("b"))), KEY))).hasMessage("boom");
        List<String> lines = Files.readAllLines(log);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"response\"").contains("t/1#0");
        assertThat(lines.get(1)).contains("\"error\":\"boom\"");
    }
}
