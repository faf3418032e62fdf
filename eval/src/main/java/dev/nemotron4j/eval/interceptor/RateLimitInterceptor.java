package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.TargetException;

/** Spaces requests so that no more than {@code requestsPerSecond} start per second (across threads). */
public final class RateLimitInterceptor implements Interceptor {
    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    public RateLimitInterceptor(double requestsPerSecond) {
        this.intervalNanos = (long) (1_000_000_000L / requestsPerSecond);
    }

    @Override
    public String name() { return "rate_limit"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            nextSlot = Math.max(nextSlot, now);
            wait = nextSlot - now;
            nextSlot += intervalNanos;
        }
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetException("interrupted while rate limited", false);
            }
        }
        return next.proceed(call);
    }
}
