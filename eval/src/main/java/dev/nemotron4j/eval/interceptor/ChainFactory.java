package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationRequest;
import dev.nemotron4j.eval.target.GenerationResult;

import dev.nemotron4j.eval.config.EvalConfig.InterceptorsConfig;
import dev.nemotron4j.eval.run.ConsoleProgress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the interceptor list from config, in the fixed order (outermost first):
 * progress, system_prompt, payload, reasoning, cache, meter, logging, rate_limit, retry, timeout.
 * The order is what makes the guarantees hold: the cache sees the final request (after system prompt
 * and payload edits) and stores raw responses (before the reasoning split); retries and timeouts
 * happen inside the cache, so only real target calls are retried and logged.
 */
public final class ChainFactory {
    private ChainFactory() {}

    public static List<Interceptor> build(InterceptorsConfig c, Path runDir, String targetFingerprint, ConsoleProgress progress) {
        List<Interceptor> chain = new ArrayList<>();
        if (c.progress() != null && Boolean.TRUE.equals(c.progress().enabled())) chain.add(new ProgressInterceptor(progress));
        chain.addAll(requestEditors(c));
        chain.add(reasoning(c));
        if (c.cache() != null && Boolean.TRUE.equals(c.cache().enabled())) {
            Path dir = c.cache().dir() != null ? Path.of(c.cache().dir()) : runDir.resolve("cache");
            chain.add(new ResponseCache(dir, targetFingerprint));
        }
        chain.add(new MeterInterceptor());
        if (c.logging() != null && Boolean.TRUE.equals(c.logging().enabled())) {
            chain.add(new RequestLogger(c.logging().file() != null ? Path.of(c.logging().file()) : runDir.resolve("requests.jsonl")));
        }
        if (c.rateLimit() != null && c.rateLimit().requestsPerSecond() != null && c.rateLimit().requestsPerSecond() > 0) {
            chain.add(new RateLimitInterceptor(c.rateLimit().requestsPerSecond()));
        }
        if (c.retry() != null) {
            chain.add(new RetryInterceptor(c.retry().maxAttempts(), c.retry().initialBackoffMs(), c.retry().maxBackoffMs()));
        }
        if (c.timeout() != null && c.timeout().seconds() != null && c.timeout().seconds() > 0) {
            chain.add(new TimeoutInterceptor(Duration.ofMillis((long) (c.timeout().seconds() * 1000))));
        }
        return chain;
    }

    /** The interceptors that change the request before it is sent (system prompt, payload), in chain order. */
    public static List<Interceptor> requestEditors(InterceptorsConfig c) {
        List<Interceptor> editors = new ArrayList<>();
        if (c.systemPrompt() != null && c.systemPrompt().text() != null) {
            editors.add(new SystemPromptInterceptor(c.systemPrompt().text(), c.systemPrompt().mode() == null ? "prepend" : c.systemPrompt().mode()));
        }
        if (c.payload() != null && (!empty(c.payload().set()) || (c.payload().remove() != null && !c.payload().remove().isEmpty()))) {
            editors.add(new PayloadInterceptor(c.payload().set() == null ? Map.of() : c.payload().set(),
                    c.payload().remove() == null ? List.of() : c.payload().remove()));
        }
        return editors;
    }

    /**
     * A request as the target will receive it: passed through the request editors, not sent anywhere. RULER measures
     * its prompts in this form, so a configured system prompt or payload edit counts towards the length.
     */
    public static GenerationRequest asSent(InterceptorsConfig c, GenerationRequest request, dev.nemotron4j.eval.SampleKey key) {
        GenerationRequest[] sent = new GenerationRequest[1];
        Interceptor.Next capture = call -> {
            sent[0] = call.request();
            return GenerationResult.ofText("", "stop");
        };
        Interceptor.Next next = capture;
        List<Interceptor> editors = requestEditors(c);
        for (Interceptor editor : editors.reversed()) {
            Interceptor.Next inner = next;
            next = call -> editor.intercept(call, inner);
        }
        next.proceed(new Call(request, key));
        return sent[0];
    }

    /** The reasoning interceptor alone (rescoring recomputes the split offline with it). */
    public static ReasoningInterceptor reasoning(InterceptorsConfig c) {
        var r = c.reasoning();
        return new ReasoningInterceptor(r == null || r.fallbackToReasoning() == null || r.fallbackToReasoning(),
                r == null || r.thinkStart() == null ? "<think>" : r.thinkStart(),
                r == null || r.thinkEnd() == null ? "</think>" : r.thinkEnd());
    }

    private static boolean empty(Map<String, Object> m) { return m == null || m.isEmpty(); }
}
