package dev.nemotron4j.eval.stats;

/**
 * The complementary error function by the rational approximation of Abramowitz and Stegun, formula 7.1.26
 * (absolute error below 1.5e-7): ample for p-values compared with a significance level.
 */
final class Erfc {
    private static final double P = 0.3275911;
    private static final double[] A = {0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429};

    private Erfc() {}

    static double of(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + P * z);
        double poly = t * (A[0] + t * (A[1] + t * (A[2] + t * (A[3] + t * A[4]))));
        double r = poly * Math.exp(-z * z);
        return x >= 0 ? r : 2.0 - r;
    }
}
