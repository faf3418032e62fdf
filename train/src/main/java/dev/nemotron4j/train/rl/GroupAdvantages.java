package dev.nemotron4j.train.rl;

/**
 * GRPO's advantages: each completion's reward compared with its group's (the G completions of one prompt).
 * <pre>
 *   Aᵢ = (rᵢ − mean(r)) / (std(r) + ε),   std the population standard deviation √(Σ(rᵢ − mean)² / G)
 * </pre>
 * A group whose rewards are all equal (std = 0: every completion right, or every one wrong) has nothing to compare
 * and gets all-zero advantages, so it contributes nothing to the gradient.
 */
public final class GroupAdvantages {
    private GroupAdvantages() {}

    public static double[] of(double[] rewards, double epsilon) {
        int g = rewards.length;
        if (g == 0) throw new IllegalArgumentException("empty group");
        if (!(epsilon >= 0)) throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        double mean = 0;
        for (double r : rewards) mean += r;
        mean /= g;
        double var = 0;
        for (double r : rewards) var += (r - mean) * (r - mean);
        double std = Math.sqrt(var / g);
        double[] a = new double[g];
        if (zeroVariance(rewards)) return a;
        for (int i = 0; i < g; i++) a[i] = (rewards[i] - mean) / (std + epsilon);
        return a;
    }

    /** Whether every reward of the group is the same (exactly). */
    public static boolean zeroVariance(double[] rewards) {
        for (double r : rewards) if (r != rewards[0]) return false;
        return true;
    }
}
