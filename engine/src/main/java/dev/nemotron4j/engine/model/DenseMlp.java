package dev.nemotron4j.engine.model;

import dev.nemotron4j.engine.kernels.WorkerPool;

/** The dense squared-ReLU MLP block ({@code -}, ARCHITECTURE.md §8); absent in Nano but part of the family. */
public final class DenseMlp implements Mixer {
    private final SquaredReluMlp mlp;
    private final WorkerPool pool;
    private float[] hiddenBuf = new float[0];

    /** A dense relu² MLP layer (built by the model loader). */
    public DenseMlp(SquaredReluMlp mlp, WorkerPool pool) {
        this.mlp = mlp;
        this.pool = pool;
    }

    @Override
    public void forward(BatchLayout batch, float[] in, float[] out, ForwardObserver observer) {
        int rows = batch.rows();
        if (hiddenBuf.length < rows * mlp.width()) hiddenBuf = new float[rows * mlp.width()];
        mlp.forward(in, rows, hiddenBuf, out, pool);
    }

    @Override
    public long parameterCount() {
        return mlp.parameterCount();
    }

    @Override
    public long activeWeightBytes() {
        return mlp.byteSize();
    }
}
