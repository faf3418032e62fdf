package dev.nemotron4j.train.layers;

import java.util.List;

/**
 * The mixer of one Nemotron-H block (applied to the block's pre-normed input), with its backward. A forward
 * remembers what its backward needs; the backward accumulates into the parameters' gradients.
 */
public sealed interface MixerLayer permits MambaLayer, AttentionLayer, MoeLayer, MlpLayer {

    /** Output [rows, hidden] of input [rows, hidden] (one sequence from a fresh state). */
    double[] forward(double[] x, int rows);

    /** dLoss/dx of the last forward, given dLoss/dy. */
    double[] backward(double[] dy);

    /** The parameters this layer reads. */
    List<Param> params();
}
