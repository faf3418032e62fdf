package dev.nemotron4j.train.rl;

/**
 * The token-level clip of the PPO/GRPO surrogate {@code min(r·A, clip(r, 1−ε, 1+ε)·A)} with
 * {@code r = π_θ(y_t)/π_old(y_t)}: a token whose ratio already left the trust region in the advantage's direction
 * (r > 1+ε with A > 0, or r < 1−ε with A < 0) has a flat surrogate and contributes no gradient; every other token
 * does.
 */
public final class ClipMask {
    private ClipMask() {}

    /**
     * @param current   log π_θ of each completion token under the current parameters
     * @param sampling  log π_old of the same tokens under the parameters that sampled them
     * @return per token: true when it still contributes
     */
    public static boolean[] of(double[] current, double[] sampling, double advantage, double epsilon) {
        if (current.length != sampling.length) {
            throw new IllegalArgumentException(current.length + " current log-probs for " + sampling.length + " sampling ones");
        }
        boolean[] keep = new boolean[current.length];
        for (int t = 0; t < keep.length; t++) keep[t] = contributes(Math.exp(current[t] - sampling[t]), advantage, epsilon);
        return keep;
    }

    /** Whether a token with probability ratio {@code ratio} and advantage {@code advantage} contributes. */
    public static boolean contributes(double ratio, double advantage, double epsilon) {
        if (advantage > 0) return ratio <= 1 + epsilon;
        if (advantage < 0) return ratio >= 1 - epsilon;
        return false;
    }
}
