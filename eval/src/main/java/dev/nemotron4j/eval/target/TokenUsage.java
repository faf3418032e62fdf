package dev.nemotron4j.eval.target;

/** Token counts reported by a target (zero when unknown). */
public record TokenUsage(int promptTokens, int completionTokens, int reasoningTokens) {
    public static final TokenUsage UNKNOWN = new TokenUsage(0, 0, 0);
}
