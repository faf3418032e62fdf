package dev.nemotron4j.server;

import dev.nemotron4j.runtime.TextService;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's Prometheus metrics ({@code GET /metrics}, text format 0.0.4): requests by endpoint and status,
 * prompt and generated tokens, time-to-first-token, inter-token latency and request duration histograms, and
 * the scheduler's queue depth, running batch size and state memory.
 */
public final class Metrics {
    private static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
    private static final double[] ITL_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
    private static final double[] E2E_BUCKETS = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder promptTokens = new LongAdder();
    private final LongAdder generationTokens = new LongAdder();
    private final LongAdder toolChoiceUnsatisfied = new LongAdder();
    private final AtomicLong inFlight = new AtomicLong();
    final Histogram timeToFirstToken = new Histogram("nemotron4j_time_to_first_token_seconds",
            "Time from request arrival to its first generated token.", TTFT_BUCKETS);
    final Histogram interTokenLatency = new Histogram("nemotron4j_inter_token_latency_seconds",
            "Time between consecutive generated tokens of one sequence.", ITL_BUCKETS);
    final Histogram requestDuration = new Histogram("nemotron4j_request_duration_seconds",
            "Time from request arrival to the end of the response.", E2E_BUCKETS);

    /** Counts a finished HTTP request. */
    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** Requests of an endpoint answered with a status so far. */
    public long requests(String endpoint, int status) {
        LongAdder a = requests.get(endpoint + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    void promptTokens(int n) {
        promptTokens.add(n);
    }

    void generationToken() {
        generationTokens.increment();
    }

    void toolChoiceUnsatisfied() {
        toolChoiceUnsatisfied.increment();
    }

    void requestStarted() {
        inFlight.incrementAndGet();
    }

    void requestEnded(double seconds) {
        inFlight.decrementAndGet();
        requestDuration.observe(seconds);
    }

    /** The exposition text. */
    public String render(TextService.Status status, String modelName) {
        StringBuilder out = new StringBuilder(4096);
        out.append("# HELP nemotron4j_requests_total HTTP requests by endpoint and status.\n");
        out.append("# TYPE nemotron4j_requests_total counter\n");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.forEach((k, v) -> {
            int sep = k.indexOf('\u0000');
            out.append("nemotron4j_requests_total{endpoint=\"").append(k, 0, sep).append("\",status=\"")
                    .append(k.substring(sep + 1)).append("\"} ").append(v).append('\n');
        });
        counter(out, "nemotron4j_prompt_tokens_total", "Prompt tokens processed.", promptTokens.sum());
        counter(out, "nemotron4j_generation_tokens_total", "Tokens generated.", generationTokens.sum());
        counter(out, "nemotron4j_tool_choice_unsatisfied_total",
                "Replies to tool_choice required/named that contained no tool call.", toolChoiceUnsatisfied.sum());
        gauge(out, "nemotron4j_requests_in_flight", "HTTP requests being handled.", inFlight.get());
        gauge(out, "nemotron4j_queue_depth", "Generation requests waiting for a batch slot.", status.queueDepth());
        gauge(out, "nemotron4j_running_sequences", "Sequences in the running batch.", status.running());
        gauge(out, "nemotron4j_max_batch", "Batch slots.", status.maxBatch());
        gauge(out, "nemotron4j_state_memory_bytes", "Bytes held by the running sequences' recurrent and attention state.", status.stateBytes());
        gauge(out, "nemotron4j_state_cache_bytes", "Bytes held by saved prompt states (the state cache).", status.cacheBytes());
        gauge(out, "nemotron4j_state_cache_entries", "Saved prompt states.", status.cacheEntries());
        counter(out, "nemotron4j_state_cache_hits_total", "Requests that resumed from a saved prompt state.", status.cacheHits());
        counter(out, "nemotron4j_state_cache_misses_total", "Requests that found no saved prompt state to resume from.", status.cacheMisses());
        out.append("# HELP nemotron4j_model_info The served model.\n# TYPE nemotron4j_model_info gauge\n")
                .append("nemotron4j_model_info{model=\"").append(modelName.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"} 1\n");
        timeToFirstToken.render(out);
        interTokenLatency.render(out);
        requestDuration.render(out);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(value).append('\n');
    }
}
