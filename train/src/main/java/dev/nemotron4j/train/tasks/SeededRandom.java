package dev.nemotron4j.train.tasks;

import java.util.List;

/**
 * SplitMix64, written out so that a seed gives the same problems on every JDK forever (the generators' output is
 * the model's training data and its held-out test set; {@code java.util.Random}'s streams are not a contract).
 * Not thread-safe: one per sampled task.
 */
public final class SeededRandom {

    private long state;

    /** A stream for one seed, kept apart from other streams on the same seed by {@code salt} (e.g. per environment). */
    public SeededRandom(long seed, long salt) {
        this.state = mix(seed ^ mix(salt));
    }

    /** The next 64 random bits. */
    public long nextLong() {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in [0, bound), without modulo bias (rejection of the incomplete last block). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
        long bits = nextLong() >>> 1;
        long result;
        // The last, incomplete block of 2^63 / bound values would favour small results: draw again there.
        while (bits - (result = bits % bound) + (bound - 1) < 0) bits = nextLong() >>> 1;
        return (int) result;
    }

    /** Uniform in [low, high] (both inclusive). */
    public int between(int low, int high) {
        if (high < low) throw new IllegalArgumentException("empty range [" + low + ", " + high + "]");
        return low + nextInt(high - low + 1);
    }

    /** True with probability {@code numerator / denominator}. */
    public boolean chance(int numerator, int denominator) {
        return nextInt(denominator) < numerator;
    }

    /** One element, uniformly. */
    public <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }

    /** A number with exactly {@code digits} decimal digits (0..9 for one digit). */
    public int withDigits(int digits) {
        if (digits == 1) return nextInt(10);
        int low = (int) Math.pow(10, digits - 1);
        return between(low, low * 10 - 1);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
