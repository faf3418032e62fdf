package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.TargetException;

import java.util.function.LongSupplier;

/** Spaces requests so that no more than {@code requestsPerSecond} start per second (across threads). */
public final class RateLimitInterceptor implements Interceptor {

    /** Waits the given number of nanoseconds (a test can record instead of sleeping). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private final long intervalNanos;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long nextSlot;

    public RateLimitInterceptor(double requestsPerSecond) {
        this(requestsPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    /** With an explicit nanosecond clock and sleeper. */
    RateLimitInterceptor(double requestsPerSecond, LongSupplier clock, Sleeper sleeper) {
        this.intervalNanos = (long) (1_000_000_000L / requestsPerSecond);
        this.clock = clock;
        this.sleeper = sleeper;
        this.nextSlot = clock.getAsLong();
    }

    @Override
    public String name() { return "rate_limit"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        long wait;
        synchronized (this) {
            long now = clock.getAsLong();
            nextSlot = Math.max(nextSlot, now);
            wait = nextSlot - now;
            nextSlot += intervalNanos;
        }
        if (wait > 0) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetException("interrupted while rate limited", false);
            }
        }
        return next.proceed(call);
    }
}
