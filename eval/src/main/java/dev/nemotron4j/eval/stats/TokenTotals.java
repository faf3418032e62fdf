package dev.nemotron4j.eval.stats;

/**
 * Token counts summed over a task's samples, as the target reported them (zero where it reported none).
 * Deterministic for a deterministic target, so they live in {@code results.json}.
 */
public record TokenTotals(long promptTokens, long completionTokens, long reasoningTokens) {
    public static final TokenTotals ZERO = new TokenTotals(0, 0, 0);

    public TokenTotals plus(TokenTotals o) {
        return new TokenTotals(promptTokens + o.promptTokens, completionTokens + o.completionTokens, reasoningTokens + o.reasoningTokens);
    }
}
