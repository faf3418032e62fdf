package dev.nemotron4j.train.model.fast;

import java.util.List;

/**
 * The float32 mixer of one block over a whole packed row. A forward keeps what its backward needs in buffers sized
 * by {@link #ensureCapacity} (no allocation per row); the backward adds the weight gradients into the
 * {@link FloatWeight#grad} buffers.
 */
sealed interface FastMixer permits FastMamba, FastAttention, FastMoe, FastMlp {

    /** Sizes the buffers for rows of up to {@code rows} positions. */
    void ensureCapacity(int rows);

    /** {@code out[rows, hidden] = mixer(x)}; {@code x} must stay unchanged until {@link #backward}. */
    void forward(float[] x, float[] out, SequenceLayout layout);

    /** {@code dx = dLoss/dx} (overwritten) of the last forward, given {@code dOut = dLoss/dout}. */
    void backward(float[] dOut, float[] dx);

    /** The weights this mixer reads. */
    List<FloatWeight> weights();
}
