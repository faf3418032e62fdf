package dev.nemotron4j.eval.stats;

/**
 * Mean of scores grouped in clusters (the repeats of one item), with the cluster-robust standard error:
 * repeats of an item share the item's difficulty, so they are not independent draws, and treating them
 * as such understates the uncertainty. The variance of the mean is
 * {@code G/(G-1) · Σ_i (S_i - m_i·ȳ)² / N²} over G clusters of sizes m_i and sums S_i (N samples in all);
 * for clusters of size one it equals the usual {@code s²/N}. The design effect is that variance over the
 * variance the samples would have if independent; {@link #effectiveSamples()} is N divided by it.
 *
 * @param mean         mean over all samples
 * @param stderr       cluster-robust standard error of the mean
 * @param samples      N, all samples
 * @param clusters     G, items
 * @param designEffect variance ratio clustered/independent, at least 1 (exactly 1 when every cluster has one sample)
 */
public record ClusteredMean(double mean, double stderr, int samples, int clusters, double designEffect) {

    /** @param clusters scores per item (each array one item's repeats) */
    public static ClusteredMean of(double[][] clusters) {
        int g = clusters.length, n = 0;
        double sum = 0;
        boolean singletons = true;
        for (double[] c : clusters) {
            n += c.length;
            for (double v : c) sum += v;
            singletons &= c.length <= 1;
        }
        if (n == 0) return new ClusteredMean(0, 0, 0, g, 1);
        double mean = sum / n;
        double ssAll = 0, ssClusters = 0;
        for (double[] c : clusters) {
            double s = 0;
            for (double v : c) {
                s += v;
                ssAll += (v - mean) * (v - mean);
            }
            ssClusters += (s - c.length * mean) * (s - c.length * mean);
        }
        if (g < 2) return new ClusteredMean(mean, 0, n, g, 1);
        double varClustered = (double) g / (g - 1) * ssClusters / ((double) n * n);
        double varIndependent = n < 2 ? 0 : ssAll / ((double) n * (n - 1));
        double deff = singletons || varIndependent <= 0 ? 1 : Math.max(1, varClustered / varIndependent);
        return new ClusteredMean(mean, Math.sqrt(varClustered), n, g, deff);
    }

    /** Samples worth of independent information: N / design effect. */
    public double effectiveSamples() { return samples / designEffect; }
}
