package dev.nemotron4j.engine.model;

/**
 * The token-mixing part of one block: {@code h ← h + Mixer(RMSNorm(h))} (ARCHITECTURE.md §4).
 * Implementations keep their scratch buffers, so one model runs one forward at a time.
 */
public sealed interface Mixer permits MambaMixer, AttentionMixer, MoeMixer, DenseMlp {

    /**
     * @param in  normalised block input, [rows, hidden]
     * @param out mixer output, [rows, hidden] (overwritten)
     */
    void forward(BatchLayout batch, float[] in, float[] out, ForwardObserver observer);

    /** Parameters of this mixer (without the block's pre-norm). */
    long parameterCount();

    /** Parameters one token uses (differs from {@link #parameterCount()} only for MoE). */
    default long activeParameterCount() {
        return parameterCount();
    }

    /** Weight bytes one decode step reads for a single token. */
    long activeWeightBytes();
}
