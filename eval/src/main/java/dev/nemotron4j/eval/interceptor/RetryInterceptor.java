package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.TargetException;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retries transient failures ({@link TargetException#retryable()}) with exponential backoff and full
 * jitter. Jitter only changes timing, never results: the request (and its seed) is identical on retry.
 */
public final class RetryInterceptor implements Interceptor {
    private final int maxAttempts;
    private final long initialBackoffMs, maxBackoffMs;
    private final AtomicLong retries = new AtomicLong();

    public RetryInterceptor(int maxAttempts, long initialBackoffMs, long maxBackoffMs) {
        if (maxAttempts < 1) throw new IllegalArgumentException("retry.max_attempts must be at least 1");
        this.maxAttempts = maxAttempts;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
    }

    @Override
    public String name() { return "retry"; }

    @Override
    public int version() { return 1; }

    public long retries() { return retries.get(); }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        for (int attempt = 1; ; attempt++) {
            try {
                return next.proceed(call);
            } catch (TargetException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    throw new TargetException(e.getMessage() + (attempt > 1 ? " (after " + attempt + " attempts)" : ""),
                            false, e.status(), e);
                }
                retries.incrementAndGet();
                long cap = Math.min(maxBackoffMs, initialBackoffMs << Math.min(attempt - 1, 20));
                sleep(cap <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TargetException("interrupted while backing off", false);
        }
    }
}
