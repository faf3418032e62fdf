package dev.nemotron4j.eval.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Paired bootstrap of the difference of means (B - A) over the same items: items are resampled
 * together, keeping each item's pairing. The two-sided p-value is twice the smaller share of
 * resampled differences on either side of zero.
 *
 * @param difference observed mean(B) - mean(A)
 * @param interval   95% percentile interval of the difference
 * @param pValue     two-sided bootstrap p-value for "no difference"
 */
public record PairedBootstrap(double difference, Interval interval, double pValue) {

    public static PairedBootstrap test(double[] a, double[] b, int resamples, long seed) {
        if (a.length != b.length) throw new IllegalArgumentException("paired samples differ in length");
        int n = a.length;
        if (n == 0) return new PairedBootstrap(0, new Interval(0, 0), 1);
        double[] d = new double[n];
        double observed = 0;
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
            observed += d[i];
        }
        observed /= n;
        SplittableRandom random = new SplittableRandom(seed);
        double[] diffs = new double[resamples];
        int atOrBelow = 0, atOrAbove = 0;
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += d[random.nextInt(n)];
            diffs[r] = sum / n;
            if (diffs[r] <= 0) atOrBelow++;
            if (diffs[r] >= 0) atOrAbove++;
        }
        Arrays.sort(diffs);
        double p = Math.min(1.0, 2.0 * Math.min(atOrBelow, atOrAbove) / resamples);
        return new PairedBootstrap(observed, new Interval(Bootstrap.quantile(diffs, 0.025), Bootstrap.quantile(diffs, 0.975)), p);
    }
}
