package dev.nemotron4j.engine.generation;

/**
 * Hears about one request's progress. Called on the scheduler thread: keep it short and never block.
 */
public interface GenerationListener {

    /**
     * A token to emit next instead of sampling (e.g. forced end-of-thinking tokens), or -1 to sample.
     * Called once per step before sampling.
     */
    default int forcedNextToken() {
        return -1;
    }

    /**
     * Restricts what may be sampled next by setting the logits of disallowed tokens ({@code logits[offset + id]},
     * {@code id < vocab}) to −∞, e.g. to keep the output in a grammar. Called once per step before sampling (and
     * before log-probabilities are taken), not when {@link #forcedNextToken} supplies the token.
     */
    default void constrain(float[] logits, int offset, int vocab) {
    }

    /**
     * A generated token. Return false to stop (finish reason {@link FinishReason#STOPPED_BY_LISTENER}),
     * e.g. when a stop string was completed or the client went away.
     */
    boolean onToken(int token, TokenLogprobs logprobs);

    /** Generation ended normally; called exactly once unless {@link #onError} is. */
    void onComplete(GenerationStats stats);

    /** Generation failed; called exactly once instead of {@link #onComplete}. */
    default void onError(Throwable error) {
    }
}
