package dev.nemotron4j.train.rl;

/**
 * Masked importance sampling at the sequence level: the trainer (double master weights) and the sampler (the
 * engine's float32 copy) give a completion slightly different probabilities; a completion whose ratio
 * {@code ρ = π_trainer(y)/π_sampler(y) = exp(Σ_t log π_trainer(y_t) − Σ_t log π_sampler(y_t))} leaves
 * {@code [1/cap, cap]} was sampled from a policy too far from the one being trained and is dropped from the batch
 * (masked out of the loss; its tokens still count in the loss's normaliser).
 */
public final class ImportanceFilter {
    private ImportanceFilter() {}

    /** Whether a completion with these summed log-probabilities is kept ({@code cap} > 1; infinity keeps all). */
    public static boolean keeps(double trainerLogProb, double samplerLogProb, double cap) {
        if (!(cap > 1)) throw new IllegalArgumentException("importance cap must be > 1, got " + cap);
        double logRatio = trainerLogProb - samplerLogProb;
        if (Double.isNaN(logRatio)) return false;
        return Math.abs(logRatio) <= Math.log(cap);
    }
}
