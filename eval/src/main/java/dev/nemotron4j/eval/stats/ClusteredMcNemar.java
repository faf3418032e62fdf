package dev.nemotron4j.eval.stats;

/**
 * McNemar's test for paired binary outcomes grouped in clusters (an item's repeats), after Durkalski et al.
 * (2003): with {@code d_i = b_i - c_i} the discordant-pair difference of cluster i, the statistic
 * {@code (Σ d_i)² / Σ d_i²} is chi-square with one degree of freedom under "no difference". With clusters of
 * one pair it is the usual (asymptotic) McNemar statistic; repeats of an item no longer count as new evidence.
 */
public final class ClusteredMcNemar {
    private ClusteredMcNemar() {}

    /**
     * @param aOnly per cluster: pairs where A was right and B wrong
     * @param bOnly per cluster: pairs where A was wrong and B right
     * @return two-sided p-value (1 when there is no discordant pair)
     */
    public static double pValue(int[] aOnly, int[] bOnly) {
        double total = 0, squares = 0;
        for (int i = 0; i < aOnly.length; i++) {
            double d = aOnly[i] - bOnly[i];
            total += d;
            squares += d * d;
        }
        if (squares == 0) return 1.0;
        return chiSquare1Survival(total * total / squares);
    }

    /** P(X ≥ x) for X chi-square with one degree of freedom: erfc(sqrt(x/2)). */
    static double chiSquare1Survival(double x) {
        return x <= 0 ? 1.0 : Erfc.of(Math.sqrt(x / 2));
    }
}
