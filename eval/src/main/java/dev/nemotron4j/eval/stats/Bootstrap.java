package dev.nemotron4j.eval.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded percentile bootstrap of a mean: resample the values with replacement {@code resamples}
 * times and take the empirical quantiles. Same seed, same interval.
 */
public final class Bootstrap {
    private Bootstrap() {}

    public static Interval meanInterval(double[] values, int resamples, long seed, double confidence) {
        int n = values.length;
        if (n == 0) return new Interval(0, 0);
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[random.nextInt(n)];
            means[r] = sum / n;
        }
        Arrays.sort(means);
        double alpha = (1 - confidence) / 2;
        return new Interval(quantile(means, alpha), quantile(means, 1 - alpha));
    }

    /**
     * Seeded percentile bootstrap of a ratio of sums, Σ numerators / Σ denominators, resampling the clusters (index
     * pairs) with replacement: a pooled rate whose clusters weigh what they count (Arena-Hard's win rate over battles,
     * resampled by question). Resamples whose denominators sum to zero are skipped.
     */
    public static Interval ratioInterval(double[] numerators, double[] denominators, int resamples, long seed, double confidence) {
        int n = numerators.length;
        if (n != denominators.length) throw new IllegalArgumentException("numerators and denominators differ in length");
        if (n == 0) return new Interval(0, 0);
        SplittableRandom random = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        int kept = 0;
        for (int r = 0; r < resamples; r++) {
            double num = 0, den = 0;
            for (int i = 0; i < n; i++) {
                int pick = random.nextInt(n);
                num += numerators[pick];
                den += denominators[pick];
            }
            if (den > 0) ratios[kept++] = num / den;
        }
        if (kept == 0) return new Interval(0, 0);
        double[] sorted = Arrays.copyOf(ratios, kept);
        Arrays.sort(sorted);
        double alpha = (1 - confidence) / 2;
        return new Interval(quantile(sorted, alpha), quantile(sorted, 1 - alpha));
    }

    /** Linear-interpolation quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
