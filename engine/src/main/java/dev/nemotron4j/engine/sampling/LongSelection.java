package dev.nemotron4j.engine.sampling;

/**
 * Partial selection on {@code long} keys (quickselect, median-of-three pivots, in place): the k largest of n keys
 * moved to the end without ordering the rest, in time linear in n on average.
 */
final class LongSelection {
    private LongSelection() {}

    /** Rearranges {@code a[0, n)} so that its {@code k} largest keys occupy {@code a[n - k, n)} (in no particular order). */
    static void largestToEnd(long[] a, int n, int k) {
        if (k <= 0 || k >= n) return;
        int target = n - k; // a[target] becomes the (target)-th smallest; everything after it is at least as large
        int lo = 0, hi = n - 1;
        while (hi > lo) {
            int mid = (lo + hi) >>> 1;
            // median of three to a[hi], as the pivot
            if (a[mid] < a[lo]) swap(a, mid, lo);
            if (a[hi] < a[lo]) swap(a, hi, lo);
            if (a[mid] < a[hi]) swap(a, mid, hi);
            long pivot = a[hi];
            int store = lo;
            for (int i = lo; i < hi; i++) {
                if (a[i] < pivot) swap(a, i, store++);
            }
            swap(a, store, hi);
            if (store == target) return;
            if (store < target) lo = store + 1;
            else hi = store - 1;
        }
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
