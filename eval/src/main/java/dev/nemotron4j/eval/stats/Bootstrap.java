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

    /** Linear-interpolation quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos), hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
