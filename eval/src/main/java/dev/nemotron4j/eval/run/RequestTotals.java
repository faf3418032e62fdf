package dev.nemotron4j.eval.run;

import dev.nemotron4j.eval.interceptor.Interceptor;
import dev.nemotron4j.eval.interceptor.MeterInterceptor;
import dev.nemotron4j.eval.interceptor.ResponseCache;
import dev.nemotron4j.eval.interceptor.RetryInterceptor;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run cost in requests: calls that reached the target, cache hits, retries, failures and the
 * calls' latency. Written to {@code timing.json} (summed over resumed invocations) and shown in the report;
 * never part of a digest, because none of it is reproducible.
 *
 * @param requests       calls that reached the target (a retried call counts once)
 * @param cacheHits      requests answered from the response cache
 * @param retries        extra attempts made by the retry interceptor
 * @param failedRequests calls that still failed after their retries
 * @param latencyMsTotal summed wall time of the calls, retries and backoff included
 * @param latencyMsP50   median call latency (of this invocation's calls)
 * @param latencyMsP95   95th-percentile call latency
 * @param latencyMsMax   slowest call
 */
public record RequestTotals(long requests, long cacheHits, long retries, long failedRequests, long latencyMsTotal,
                            long latencyMsP50, long latencyMsP95, long latencyMsMax) {

    public static final RequestTotals NONE = new RequestTotals(0, 0, 0, 0, 0, 0, 0, 0);

    /** Reads the counters of a finished invocation's chain. */
    public static RequestTotals of(List<Interceptor> chain) {
        long hits = 0, retries = 0, failures = 0;
        List<Long> latencies = new ArrayList<>();
        for (Interceptor i : chain) {
            switch (i) {
                case ResponseCache c -> hits = c.hits();
                case RetryInterceptor r -> retries = r.retries();
                case MeterInterceptor m -> {
                    latencies.addAll(m.latencies());
                    failures = m.failures();
                }
                default -> { }
            }
        }
        latencies.sort(null);
        long total = 0;
        for (long l : latencies) total += l;
        return new RequestTotals(latencies.size(), hits, retries, failures, total, percentile(latencies, 0.50),
                percentile(latencies, 0.95), latencies.isEmpty() ? 0 : latencies.getLast());
    }

    /** This invocation's totals added to an earlier invocation's (percentiles: the larger of the two). */
    public RequestTotals plus(RequestTotals earlier) {
        return new RequestTotals(requests + earlier.requests, cacheHits + earlier.cacheHits, retries + earlier.retries,
                failedRequests + earlier.failedRequests, latencyMsTotal + earlier.latencyMsTotal,
                Math.max(latencyMsP50, earlier.latencyMsP50), Math.max(latencyMsP95, earlier.latencyMsP95),
                Math.max(latencyMsMax, earlier.latencyMsMax));
    }

    private static long percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) return 0;
        int rank = (int) Math.ceil(q * sorted.size());   // nearest rank, 1-based
        return sorted.get(Math.clamp(rank - 1, 0, sorted.size() - 1));
    }
}
