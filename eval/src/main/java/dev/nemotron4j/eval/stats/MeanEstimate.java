package dev.nemotron4j.eval.stats;

/**
 * Sample mean with its standard error (sample standard deviation / sqrt(n)).
 *
 * @param mean   arithmetic mean
 * @param stderr standard error of the mean (0 for fewer than two values)
 * @param n      number of values
 */
public record MeanEstimate(double mean, double stderr, int n) {

    public static MeanEstimate of(double[] values) {
        int n = values.length;
        if (n == 0) return new MeanEstimate(0, 0, 0);
        double sum = 0;
        for (double v : values) sum += v;
        double mean = sum / n;
        if (n < 2) return new MeanEstimate(mean, 0, n);
        double ss = 0;
        for (double v : values) ss += (v - mean) * (v - mean);
        return new MeanEstimate(mean, Math.sqrt(ss / (n - 1) / n), n);
    }
}
