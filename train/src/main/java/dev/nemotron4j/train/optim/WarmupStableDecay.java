package dev.nemotron4j.train.optim;

/**
 * The Warmup-Stable-Decay learning-rate schedule (RECIPES.md §1): a linear warm-up from 0 to the peak, a hold at
 * the peak, then a decay to the floor, and the floor after that. Step {@code s} counts updates from 0:
 * <pre>
 *   s &lt; W:            peak · (s+1)/W
 *   W ≤ s &lt; W+S:       peak
 *   W+S ≤ s &lt; W+S+D:   p = (s−W−S+1)/D ∈ (0, 1], lr = shape(p) from peak (p=0) to floor (p=1)
 *   s ≥ W+S+D:         floor
 * </pre>
 * so the first update already has a nonzero rate and the last decay step lands exactly on the floor.
 */
public record WarmupStableDecay(double peak, double floor, long warmupSteps, long stableSteps, long decaySteps, DecayShape shape) {

    /** How the decay phase goes from peak to floor, as a function of its progress p ∈ [0, 1]. */
    public enum DecayShape {
        /** {@code peak + (floor − peak)·p}. */
        LINEAR,
        /** Half a cosine: {@code floor + (peak − floor)·(1 + cos πp)/2}. */
        COSINE,
        /** {@code peak − (peak − floor)·√p}: drops fast, then flattens (the "1−sqrt" cooldown). */
        ONE_MINUS_SQRT;

        double apply(double peak, double floor, double p) {
            return switch (this) {
                case LINEAR -> peak + (floor - peak) * p;
                case COSINE -> floor + (peak - floor) * (1 + Math.cos(Math.PI * p)) / 2;
                case ONE_MINUS_SQRT -> peak - (peak - floor) * Math.sqrt(p);
            };
        }
    }

    public WarmupStableDecay {
        if (!(peak > 0) || !Double.isFinite(peak)) throw new IllegalArgumentException("peak learning rate must be > 0, got " + peak);
        if (!(floor >= 0) || floor > peak) throw new IllegalArgumentException("floor learning rate must be in [0, peak], got " + floor);
        if (warmupSteps < 0 || stableSteps < 0 || decaySteps < 0) {
            throw new IllegalArgumentException("phase lengths must be >= 0: warm-up " + warmupSteps + ", stable " + stableSteps + ", decay " + decaySteps);
        }
    }

    public long totalSteps() {
        return warmupSteps + stableSteps + decaySteps;
    }

    /** The learning rate of update {@code step} (0-based). */
    public double learningRate(long step) {
        if (step < 0) throw new IllegalArgumentException("negative step " + step);
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (step < warmupSteps + stableSteps) return peak;
        if (step < totalSteps()) return shape.apply(peak, floor, (double) (step - warmupSteps - stableSteps + 1) / decaySteps);
        return floor;
    }
}
