package dev.nemotron4j.runtime;

import dev.nemotron4j.engine.generation.GenerationHandle;
import dev.nemotron4j.engine.generation.GenerationStats;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted text job: cancel it, or learn when the model has finished generating. A job has two sides, the model's
 * steps on the scheduler thread and its text work (decoding, stop strings, parsing, the sink) on a thread of its own,
 * which may still be writing out earlier tokens when the model is done; {@link #cancel} stops both.
 */
public final class TextGeneration {
    private final GenerationHandle engine;
    private final TextWorker text;

    TextGeneration(GenerationHandle engine, TextWorker text) {
        this.engine = engine;
        this.text = text;
    }

    /**
     * Stops the job at once: the scheduler stops it at its next step, and its text side takes no further token (those
     * the model generated but the sink has not heard yet are dropped). The sink then hears the end as usual: the
     * result holds the text heard so far, with engine reason {@code CANCELLED} (unless the job had ended before).
     */
    public void cancel() {
        text.cancel();
        engine.cancel();
    }

    /** Whether {@link #cancel} was called. */
    public boolean isCancelled() {
        return engine.isCancelled();
    }

    /**
     * Completes with the number of tokens the model generated once it has generated its last one (the sink may not
     * have heard them all yet), or exceptionally if the generation failed.
     */
    public CompletableFuture<Integer> generated() {
        return engine.completion().thenApply(GenerationStats::generatedTokens);
    }

    /** The model's side: its stats once it has ended. */
    CompletableFuture<GenerationStats> engineCompletion() {
        return engine.completion();
    }
}
