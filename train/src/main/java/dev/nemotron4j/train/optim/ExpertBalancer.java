package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;

import java.util.List;

/**
 * Aux-loss-free load balancing (DeepSeek-V3; RECIPES.md §2): after each optimizer step, with {@code countᵢ} the
 * tokens routed to routed expert i over the whole step and {@code mean = Σ count / E}, every correction bias moves
 * by {@code bᵢ ← bᵢ + u·sign(mean − countᵢ)}: an under-loaded expert becomes more attractive to the selection, an
 * over-loaded one less, and an exactly average one stays. The comparison is made in integers
 * ({@code Σcount − E·countᵢ}), so the update is exact and reproducible. The biases steer selection only: they are
 * outside the optimizer, weight decay and the mixing weights.
 */
public final class ExpertBalancer {
    private final double rate;

    /** @param rate the update rate u (the paper's 1e-3; tiny runs with few steps may need more) */
    public ExpertBalancer(double rate) {
        if (!(rate >= 0) || !Double.isFinite(rate)) throw new IllegalArgumentException("bias update rate must be finite and >= 0, got " + rate);
        this.rate = rate;
    }

    /**
     * Updates each MoE layer's correction bias from its load.
     *
     * @param biases one {@code e_score_correction_bias} per MoE layer
     * @param load   [moe layer][expert] token counts of the step
     */
    public void update(List<Param> biases, long[][] load) {
        if (biases.size() != load.length) throw new IllegalArgumentException(biases.size() + " correction biases for " + load.length + " MoE layers");
        for (int layer = 0; layer < load.length; layer++) {
            double[] b = biases.get(layer).value();
            long[] count = load[layer];
            if (b.length != count.length) throw new IllegalArgumentException(biases.get(layer).name() + ": " + b.length + " experts, load has " + count.length);
            long total = 0;
            for (long c : count) total += c;
            for (int e = 0; e < b.length; e++) b[e] += rate * Long.signum(total - (long) count.length * count[e]);
        }
    }
}
