package dev.nemotron4j.eval.stats;

/**
 * Wilson score interval for a binomial proportion (no continuity correction). Unlike the normal
 * approximation it stays inside [0, 1] and behaves at 0/n and n/n, which matters for small task sets.
 */
public final class Wilson {
    /** z for a two-sided 95% interval. */
    public static final double Z95 = 1.959963984540054;

    private Wilson() {}

    public static Interval interval(long successes, long trials, double z) {
        if (trials <= 0) return new Interval(0, 1);
        double n = trials, p = successes / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    /**
     * The interval for an observed proportion over an effective number of trials (a clustered sample's
     * {@code N / design effect}), so repeats of one item do not narrow it as if they were new items.
     */
    public static Interval interval95(double proportion, double effectiveTrials) {
        if (effectiveTrials <= 0) return new Interval(0, 1);
        double n = effectiveTrials, p = proportion, z = Z95, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        return new Interval(Math.max(0, centre - half), Math.min(1, centre + half));
    }

    public static Interval interval95(long successes, long trials) {
        return interval(successes, trials, Z95);
    }
}
