package dev.nemotron4j.server;

import dev.nemotron4j.chat.output.OutputEvent;
import dev.nemotron4j.runtime.RejectedJobException;
import dev.nemotron4j.runtime.ScoredToken;
import dev.nemotron4j.runtime.TextGeneration;
import dev.nemotron4j.runtime.TextJob;
import dev.nemotron4j.runtime.TextResult;
import dev.nemotron4j.runtime.TextService;
import dev.nemotron4j.runtime.TextSink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The jobs of one HTTP request (one per choice), running in the shared batch, with their output gathered into one
 * queue for the request's (virtual) thread. Each job's text thread only enqueues, it never blocks on the client;
 * the request thread takes signals in order and writes them out. Also feeds the token metrics.
 */
final class GenerationStream {

    /** Something that happened to choice {@code choice}. */
    sealed interface Signal {
        int choice();
    }

    record Event(int choice, OutputEvent event) implements Signal {
    }

    record Token(int choice, int id, String text, ScoredToken logprobs) implements Signal {
    }

    record Finished(int choice, TextResult result) implements Signal {
    }

    record Failed(int choice, Throwable error) implements Signal {
    }

    private final LinkedBlockingQueue<Signal> queue = new LinkedBlockingQueue<>();
    private final List<TextGeneration> handles = new ArrayList<>();
    private final Metrics metrics;
    private final long startNanos;
    private final boolean wantTokens;
    private int open;

    /**
     * Submits every job; if the queue is full part-way, the ones already submitted are cancelled.
     *
     * @param wantTokens also deliver {@link Token} signals (for logprobs)
     * @throws ApiError 429 when the queue is full, 400 when a prompt does not fit the context
     */
    GenerationStream(TextService service, List<TextJob> jobs, Metrics metrics, long startNanos, boolean wantTokens) {
        this.metrics = metrics;
        this.startNanos = startNanos;
        this.wantTokens = wantTokens;
        try {
            for (int i = 0; i < jobs.size(); i++) {
                handles.add(service.submit(jobs.get(i), new Sink(i)));
                open++;
            }
        } catch (RejectedJobException e) {
            cancel();
            throw switch (e.reason()) {
                case QUEUE_FULL -> ApiError.queueFull();
                case PROMPT_TOO_LONG -> ApiError.contextLength(e.getMessage(), "messages");
            };
        }
    }

    /** The next signal, or null if none came within the timeout. */
    Signal next(long timeout, TimeUnit unit) throws InterruptedException {
        Signal s = queue.poll(timeout, unit);
        if (s instanceof Finished || s instanceof Failed) open--;
        return s;
    }

    /** Whether every job has finished or failed (and that signal was taken). */
    boolean finished() {
        return open == 0;
    }

    /** Stops every job at the scheduler's next step (client gone, timeout, error). */
    void cancel() {
        for (TextGeneration h : handles) h.cancel();
    }

    /** Called on the job's text thread: enqueue only. */
    private final class Sink implements TextSink {
        private final int choice;
        private long lastTokenNanos;

        Sink(int choice) {
            this.choice = choice;
        }

        @Override
        public void onEvent(OutputEvent event) {
            queue.add(new Event(choice, event));
        }

        @Override
        public void onToken(int token, String text, ScoredToken logprobs) {
            long now = System.nanoTime();
            if (lastTokenNanos == 0) metrics.timeToFirstToken.observe((now - startNanos) / 1e9);
            else metrics.interTokenLatency.observe((now - lastTokenNanos) / 1e9);
            lastTokenNanos = now;
            metrics.generationToken();
            if (wantTokens) queue.add(new Token(choice, token, text, logprobs));
        }

        @Override
        public void onFinish(TextResult result) {
            queue.add(new Finished(choice, result));
        }

        @Override
        public void onError(Throwable error) {
            queue.add(new Failed(choice, error));
        }
    }
}
