package dev.nemotron4j.eval.target;

/**
 * The answer part and the thinking part of a response, as decided by the reasoning interceptor.
 * The raw text always stays in {@link GenerationResult#rawText()}; this is a view, not a rewrite.
 *
 * @param answer    text answer extraction should read
 * @param reasoning the thinking text (may be empty)
 * @param source    where {@code answer} came from: {@code content}, {@code after_think},
 *                  {@code reasoning_fallback} (content was empty, so the answer was taken from the
 *                  reasoning) or {@code none}
 */
public record ReasoningSplit(String answer, String reasoning, String source) {}
