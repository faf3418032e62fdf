package dev.nemotron4j.engine.generation;

/**
 * How a request went.
 *
 * @param queuedNanos   submit → admitted
 * @param firstTokenNanos submit → first generated token
 * @param totalNanos    submit → finished
 * @param cachedTokens  prompt tokens not computed because the request resumed from a saved state
 */
public record GenerationStats(FinishReason reason, int promptTokens, int generatedTokens,
                              long queuedNanos, long firstTokenNanos, long totalNanos, int cachedTokens) {
    /** Generated tokens per second after the first one. */
    public double decodeTokensPerSecond() {
        long decode = totalNanos - firstTokenNanos;
        return generatedTokens <= 1 || decode <= 0 ? 0 : (generatedTokens - 1) * 1e9 / decode;
    }
}
