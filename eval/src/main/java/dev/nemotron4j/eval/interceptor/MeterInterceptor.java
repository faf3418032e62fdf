package dev.nemotron4j.eval.interceptor;

import dev.nemotron4j.eval.target.GenerationResult;
import dev.nemotron4j.eval.target.TargetException;

import java.util.ArrayList;
import java.util.List;

/**
 * Measures the calls that really reach the target (it sits inside the cache, outside retries): how many,
 * how many failed after retries, and each call's wall time including its retries. Timing only: the
 * numbers go to {@code timing.json} and the report, never into a digest.
 */
public final class MeterInterceptor implements Interceptor {
    private final List<Long> latencies = new ArrayList<>();
    private long failures;

    @Override
    public String name() { return "meter"; }

    @Override
    public int version() { return 1; }

    @Override
    public GenerationResult intercept(Call call, Next next) {
        long start = System.nanoTime();
        try {
            GenerationResult result = next.proceed(call);
            record((System.nanoTime() - start) / 1_000_000, false);
            return result;
        } catch (TargetException e) {
            record((System.nanoTime() - start) / 1_000_000, true);
            throw e;
        }
    }

    private synchronized void record(long millis, boolean failed) {
        latencies.add(millis);
        if (failed) failures++;
    }

    /** Calls that reached the target so far, with their latencies in milliseconds. */
    public synchronized List<Long> latencies() { return List.copyOf(latencies); }

    public synchronized long failures() { return failures; }
}
