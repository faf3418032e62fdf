package dev.nemotron4j.train.optim;

import dev.nemotron4j.train.layers.Param;

/**
 * Which tensors AdamW's decoupled weight decay shrinks: the matrices (rank ≥ 2: embeddings, projections, experts,
 * router, LM head, conv1d kernels), not the vectors (norm gains, biases, {@code A_log}, {@code D}, {@code dt_bias}).
 *
 * <p>Why: decay pulls a weight towards 0, which regularises a matrix's scale (its capacity) harmlessly, but for the
 * vectors 0 is a meaningful, wrong value. A norm gain's natural value is 1 (decay would shrink every block's
 * input); a bias is an offset with no scale to regularise; {@code A_log} sets each SSM head's decay rate
 * {@code A = −exp(A_log)} (decay would drag every head's memory time scale towards {@code A = −1});
 * {@code dt_bias} sets its step size ({@code dt = softplus(… + dt_bias)}, drifting to softplus(0) ≈ 0.69); {@code D}
 * is the skip gain. They are few parameters with a fixed meaning, so the usual practice (Megatron, RECIPES.md §1)
 * exempts them.
 */
public final class WeightDecayPolicy {
    private WeightDecayPolicy() {}

    public static boolean decays(Param p) {
        return p.shape().length >= 2;
    }
}
