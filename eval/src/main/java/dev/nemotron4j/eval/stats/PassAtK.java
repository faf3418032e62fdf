package dev.nemotron4j.eval.stats;

/**
 * Unbiased pass@k estimator (Chen et al., 2021): with n samples of which c are correct,
 * pass@k = 1 - C(n-c, k) / C(n, k), computed as a running product for numerical stability.
 */
public final class PassAtK {
    private PassAtK() {}

    public static double estimate(int n, int c, int k) {
        if (k < 1 || k > n) throw new IllegalArgumentException("pass@k needs 1 <= k <= n (k=" + k + ", n=" + n + ")");
        if (c < 0 || c > n) throw new IllegalArgumentException("correct count out of range: " + c);
        if (n - c < k) return 1.0;
        double allWrong = 1.0;
        for (int i = n - c + 1; i <= n; i++) allWrong *= 1.0 - (double) k / i;
        return 1.0 - allWrong;
    }
}
