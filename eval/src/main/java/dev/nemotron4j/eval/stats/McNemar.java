package dev.nemotron4j.eval.stats;

/**
 * Exact McNemar test on paired binary outcomes: only discordant pairs count ({@code b}: A right, B wrong;
 * {@code c}: A wrong, B right); under the null each is equally likely, so the two-sided p-value is
 * a binomial(b+c, 1/2) tail.
 */
public final class McNemar {
    private McNemar() {}

    public static double exactPValue(int b, int c) {
        int n = b + c;
        if (n == 0) return 1.0;
        int k = Math.min(b, c);
        // P(X <= k) for X ~ Binomial(n, 1/2), summed in log space to survive large n.
        double tail = 0;
        double logHalfN = n * Math.log(0.5);
        for (int i = 0; i <= k; i++) tail += Math.exp(logBinomial(n, i) + logHalfN);
        return Math.min(1.0, 2 * tail);
    }

    static double logBinomial(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
        return s;
    }
}
