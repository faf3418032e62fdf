package dev.nemotron4j.eval.target;

/**
 * Counts the tokens a target's model reads for a request: the prompt as the target renders and tokenizes it, with the
 * chat template (role markers, generation prompt, the reasoning switch) and the special tokens it adds. RULER sizes its
 * contexts with it, so a requested length is the length the model sees, not that of the user turn's text.
 */
@FunctionalInterface
public interface PromptCounter {

    int count(GenerationRequest request);

    /** A short name recorded in the lockfile so lengths are reproducible. */
    default String name() { return getClass().getName(); }
}
