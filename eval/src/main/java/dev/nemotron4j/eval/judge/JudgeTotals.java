package dev.nemotron4j.eval.judge;

/**
 * What the judge of a run cost: calls that reached it, judgments found in its cache, retries and failed calls, and the
 * tokens it reported for the calls made (cached judgments cost nothing again). Written to {@code timing.json} (summed
 * over resumed invocations and merged shards) and shown in the report; never part of a digest.
 *
 * @param model            the judge model
 * @param calls            judge calls that reached the judge (a retried call counts once)
 * @param cacheHits        judgments read from the judge cache
 * @param retries          extra attempts of the judge's retry interceptor
 * @param failedCalls      calls that still failed after their retries
 * @param promptTokens     prompt tokens the judge reported for its calls
 * @param completionTokens completion tokens the judge reported for its calls
 */
public record JudgeTotals(String model, long calls, long cacheHits, long retries, long failedCalls, long promptTokens, long completionTokens) {
    /** The sum of two invocations' (or shards') totals; either may be null (no judge). */
    public static JudgeTotals sum(JudgeTotals a, JudgeTotals b) {
        if (a == null) return b;
        if (b == null) return a;
        return new JudgeTotals(a.model != null ? a.model : b.model, a.calls + b.calls, a.cacheHits + b.cacheHits, a.retries + b.retries, a.failedCalls + b.failedCalls,
                a.promptTokens + b.promptTokens, a.completionTokens + b.completionTokens);
    }

    /** One line for the console and the report. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%d calls to %s, %d judgments from its cache, %d retries, %d failed; "
                + "%d prompt and %d completion tokens", calls, model == null ? "the judge" : model, cacheHits, retries, failedCalls,
                promptTokens, completionTokens);
    }
}
