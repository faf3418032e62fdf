package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.kernels.HalfFloatKernel.Format;

import java.lang.foreign.MemorySegment;

/** IEEE half-precision weights, widened exactly (as {@link Float#float16ToFloat}). Kernels: {@link HalfFloatKernel}. */
public record F16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return HalfFloatKernel.dot(Format.F16, data, (long) row * cols * 2, cols, x, xOff);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        HalfFloatKernel.multiplyRows(Format.F16, data, cols, row, row + 1, x, xOff, xStride, batch, out, outOff - row, outStride);
    }

    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        HalfFloatKernel.multiplyRows(Format.F16, data, cols, start, end, x, xOff, xStride, batch, out, outOff, outStride);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        return HalfFloatKernel.dotScalar(Format.F16, data, (long) row * cols * 2, cols, x, xOff);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) dst[dstOff + i] = Float.float16ToFloat(data.get(Bf16Matrix.LE_SHORT, base + i * 2L));
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new F16Matrix(data.asSlice((long) firstRow * cols * 2, (long) count * cols * 2), count, cols);
    }
}
