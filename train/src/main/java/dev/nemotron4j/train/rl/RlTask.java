package dev.nemotron4j.train.rl;

import dev.nemotron4j.chat.ChatRequest;

/**
 * One RL prompt and its verifier: the request the model answers (rendered with the chat template, generation
 * prompt on) and the exact judgement of what it generated. The environments of {@code dev.nemotron4j.train.tasks}
 * adapt to it one task turn at a time.
 */
public interface RlTask {

    /** The environment's name (metrics are kept per environment). */
    String environment();

    /** A name unique within the run (the curriculum keys its pass rates by it), e.g. {@code arithmetic/2000000017}. */
    String key();

    /** The conversation to continue; its options say whether reasoning is on. */
    ChatRequest request();

    /** Judges the raw generated text (everything after the prompt, without the end-of-turn token). */
    Judgement judge(String rawOutput);

    /**
     * A verifier's judgement.
     *
     * @param correct    the output does what the task asks
     * @param wellFormed the output has the expected shape (reasoning closed, answer or parsable tool call)
     * @param reason     why, in words
     */
    record Judgement(boolean correct, boolean wellFormed, String reason) {
        public Judgement {
            if (correct && !wellFormed) throw new IllegalArgumentException("a correct output is well formed");
        }
    }
}
