package dev.nemotron4j.engine.kernels;

/**
 * A weight matrix whose every output is multiplied by one factor: {@code dot(row, x) = inner.dot(row, x) · scale}.
 * This is how GGUF files carry a tensor-wide scale beside the blocks (a {@code <tensor>.scale} companion, e.g.
 * NVFP4's second-level scale, per expert for fused expert tensors); llama.cpp applies it to the product the same
 * way, after the matrix multiplication.
 *
 * @param inner the stored matrix
 * @param scale the factor applied to each product
 */
public record ScaledMatrix(WeightMatrix inner, float scale) implements WeightMatrix {

    public ScaledMatrix {
        if (!Float.isFinite(scale)) throw new IllegalArgumentException("scale " + scale + " is not finite");
    }

    @Override
    public int rows() {
        return inner.rows();
    }

    @Override
    public int cols() {
        return inner.cols();
    }

    @Override
    public long byteSize() {
        return inner.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return inner.dot(row, x, xOff) * scale;
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        return inner.dotScalar(row, x, xOff) * scale;
    }

    @Override
    public void dotRange(int start, int end, float[] x, int xOff, float[] out, int outOff) {
        inner.dotRange(start, end, x, xOff, out, outOff);
        for (int o = start; o < end; o++) out[outOff + o] *= scale;
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        inner.dotRows(row, x, xOff, xStride, batch, out, outOff, outStride);
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] *= scale;
    }

    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        inner.multiplyRows(start, end, x, xOff, xStride, batch, out, outOff, outStride);
        for (int b = 0; b < batch; b++) {
            int o = outOff + b * outStride;
            for (int r = start; r < end; r++) out[o + r] *= scale;
        }
    }

    /** The effective weights: the stored row times the scale. */
    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        inner.readRow(row, dst, dstOff);
        for (int i = 0; i < inner.cols(); i++) dst[dstOff + i] *= scale;
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new ScaledMatrix(inner.rowSlice(firstRow, count), scale);
    }
}
