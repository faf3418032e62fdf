package dev.nemotron4j.engine.generation;

import java.util.concurrent.CompletableFuture;

/** A submitted request: cancel it, or wait for its end. */
public final class GenerationHandle {
    private final CompletableFuture<GenerationStats> done = new CompletableFuture<>();
    private volatile boolean cancelled;

    /** Asks the scheduler to stop this request at its next step (finish reason {@link FinishReason#CANCELLED}). */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /** Completes with the stats, or exceptionally with the error. */
    public CompletableFuture<GenerationStats> completion() {
        return done;
    }

    void complete(GenerationStats stats) {
        done.complete(stats);
    }

    void fail(Throwable t) {
        done.completeExceptionally(t);
    }
}
