package dev.nemotron4j.eval.stats;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Holm's step-down correction of p-values for testing several tasks at once: the family-wise error
 * rate stays at alpha, where testing each task at alpha would flag some "regression" by chance as
 * tasks multiply. Adjusted {@code p_(i) = max_{j ≤ i} min(1, (m - j + 1) · p_(j))} over p-values sorted ascending.
 */
public final class Holm {
    private Holm() {}

    /** Adjusted p-values, in the order given. */
    public static double[] adjust(double[] p) {
        int m = p.length;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++) {
            int i = order[rank];
            running = Math.max(running, Math.min(1.0, (m - rank) * p[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
