package dev.nemotron4j.train.run;

/**
 * What one optimizer step measured, one line of {@code metrics.jsonl}.
 *
 * @param loss         mean next-token cross-entropy over the step's target tokens (nats)
 * @param gradNorm     global gradient norm before clipping
 * @param tokens       target tokens in the step (the loss's denominator)
 * @param tokensPerSecond tokens processed (rows × sequence length, forward and backward) per second of the step
 * @param expertLoad   tokens routed to each expert, [moe layer][expert]
 * @param maxViolation per MoE layer, max over experts of load/mean − 1 (0 = perfectly balanced; DeepSeek's MaxVio)
 */
public record StepMetrics(long step, double loss, double lr, double gradNorm, long tokens, double tokensPerSecond,
                          double seconds, long[][] expertLoad, double[] maxViolation) {

    /** MaxVio of each layer's load. */
    static double[] maxViolation(long[][] load) {
        double[] out = new double[load.length];
        for (int l = 0; l < load.length; l++) {
            long total = 0, max = 0;
            for (long c : load[l]) {
                total += c;
                max = Math.max(max, c);
            }
            out[l] = total == 0 ? 0 : (double) max * load[l].length / total - 1;
        }
        return out;
    }

    /** The mean MaxVio over the MoE layers (0 without any). */
    public double meanMaxViolation() {
        double s = 0;
        for (double v : maxViolation) s += v;
        return maxViolation.length == 0 ? 0 : s / maxViolation.length;
    }
}
