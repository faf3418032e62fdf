package dev.nemotron4j.train.model;

import dev.nemotron4j.engine.model.ModelConfig;
import dev.nemotron4j.train.data.PackedSequence;
import dev.nemotron4j.train.layers.Param;
import java.util.Map;

/** What the training loop needs from a model: parameters, and gradients of a packed sequence's loss. */
public interface TrainingModel {
    ModelConfig config();

    /** Every parameter tensor by checkpoint name, in checkpoint order; {@link Param#value()} (double) is the master copy the optimizer updates. */
    Map<String, Param> params();

    /**
     * Forward and backward over one packed sequence: each document (segment) starts from zero state and sees no
     * earlier document. ADDS {@code scale × d(sum of the masked positions' next-token losses)/dP} into every trainable
     * {@link Param#grad()} (never zeroes them), plus the sequence-wise balancing loss's gradient when enabled.
     * @return the sum over masked target positions of −log p(target), and their count
     */
    LossSum accumulate(PackedSequence sequence, double scale);

    /** Called after the optimizer changed any {@link Param#value()} (a fast model refreshes its float32 copies). */
    void parametersChanged();

    /** Tokens routed to each expert, [moe layer][expert], counted since the last {@link #resetExpertLoad()}. */
    long[][] expertLoad();

    void resetExpertLoad();

    /** α of the sequence-wise auxiliary balancing loss α·Σᵢ fᵢ·Pᵢ (0 = off, the default). */
    void setSequenceAuxLossCoefficient(double alpha);

    record LossSum(double sum, long count) {}
}
