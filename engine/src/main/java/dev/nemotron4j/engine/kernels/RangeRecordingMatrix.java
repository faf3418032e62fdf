package dev.nemotron4j.engine.kernels;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A weight matrix that computes exactly as {@code inner} and records the largest magnitude of every input element and
 * every output it sees: the activation ranges that post-training quantization calibrates its static scales with
 * ({@code input_scale} from the inputs, FP8 KV-cache scales from the key and value projections' outputs). Safe to use
 * from the worker pool's threads at once. Not for inference: each call scans its inputs.
 */
public final class RangeRecordingMatrix implements WeightMatrix {
    private final WeightMatrix inner;
    // Non-negative floats order like their bit patterns, so an atomic max over the bits is a max over the values.
    private final AtomicInteger inputAmax = new AtomicInteger(), outputAmax = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();

    public RangeRecordingMatrix(WeightMatrix inner) {
        this.inner = inner;
    }

    /** The largest |input| seen so far (0 before any call). */
    public float inputAmax() {
        return Float.intBitsToFloat(inputAmax.get());
    }

    /** The largest |output| seen so far (0 before any call). */
    public float outputAmax() {
        return Float.intBitsToFloat(outputAmax.get());
    }

    /** Whether any input reached this matrix (an expert no token was routed to has none). */
    public boolean used() {
        return calls.get() > 0;
    }

    private static void max(AtomicInteger at, float v) {
        int bits = Float.floatToRawIntBits(Math.abs(v));
        if (Float.isNaN(v)) return;
        at.accumulateAndGet(bits, Math::max);
    }

    private void inputs(float[] x, int xOff, int xStride, int batch) {
        calls.incrementAndGet();
        float a = 0;
        for (int b = 0; b < batch; b++) {
            int o = xOff + b * xStride;
            for (int i = 0; i < inner.cols(); i++) a = Math.max(a, Math.abs(x[o + i]));
        }
        max(inputAmax, a);
    }

    private void outputs(float[] out, int outOff, int outStride, int batch, int first, int count) {
        float a = 0;
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < count; r++) a = Math.max(a, Math.abs(out[outOff + b * outStride + first + r]));
        }
        max(outputAmax, a);
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
        inputs(x, xOff, 0, 1);
        float r = inner.dot(row, x, xOff);
        max(outputAmax, r);
        return r;
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        return inner.dotScalar(row, x, xOff);
    }

    @Override
    public void dotRange(int start, int end, float[] x, int xOff, float[] out, int outOff) {
        inputs(x, xOff, 0, 1);
        inner.dotRange(start, end, x, xOff, out, outOff);
        outputs(out, outOff, 0, 1, start, end - start);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        inputs(x, xOff, xStride, batch);
        inner.dotRows(row, x, xOff, xStride, batch, out, outOff, outStride);
        outputs(out, outOff, outStride, batch, 0, 1);
    }

    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        inputs(x, xOff, xStride, batch);
        inner.multiplyRows(start, end, x, xOff, xStride, batch, out, outOff, outStride);
        outputs(out, outOff, outStride, batch, start, end - start);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        inner.readRow(row, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return inner.rowSlice(firstRow, count);
    }
}
