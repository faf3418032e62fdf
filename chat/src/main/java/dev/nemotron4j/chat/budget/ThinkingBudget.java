package dev.nemotron4j.chat.budget;

/**
 * A request's limit on reasoning tokens (PROTOCOL.md section 5).
 *
 * @param tokens            after this many generated tokens, end the reasoning at the next token containing a
 *                          newline
 * @param gracePeriodTokens if no newline came within this many further tokens, end it anyway
 */
public record ThinkingBudget(int tokens, int gracePeriodTokens) {

    /** NVIDIA's documented grace period: cut at {@code budget + 500} when no newline came. */
    public static final int DEFAULT_GRACE_PERIOD = 500;

    public ThinkingBudget {
        if (tokens < 0) throw new IllegalArgumentException("thinking budget must be >= 0, got " + tokens);
        if (gracePeriodTokens < 0) {
            throw new IllegalArgumentException("thinking budget grace period must be >= 0, got " + gracePeriodTokens);
        }
    }

    /** A budget with the default grace period. */
    public static ThinkingBudget of(int tokens) {
        return new ThinkingBudget(tokens, DEFAULT_GRACE_PERIOD);
    }

    /** The token count at which the reasoning is cut even without a newline. */
    public long hardLimit() {
        return (long) tokens + gracePeriodTokens;
    }
}
