package dev.nemotron4j.runtime;

import dev.nemotron4j.chat.output.OutputEvent;

/**
 * Receives a generation's output as it streams, in order, on the generation's text thread (one at a time; not the
 * scheduler's). Keep it short: a slow sink holds back this generation's text, and at worst the scheduler.
 */
public interface TextSink {
    /** Parsed output: reasoning and content deltas, tool-call events (raw-text jobs give content deltas only). */
    void onEvent(OutputEvent event);

    /**
     * Each generated token with the text it adds to the output (may be empty while a UTF-8 sequence is incomplete), and
     * its log-probability with alternatives when the settings asked for them ({@link GenerationSettings#topLogprobs}),
     * else null.
     */
    default void onToken(int token, String text, ScoredToken logprobs) {
    }

    /** The end, with the whole result; called once unless {@link #onError} is. */
    void onFinish(TextResult result);

    /** Failure; called once instead of {@link #onFinish}. */
    void onError(Throwable error);
}
