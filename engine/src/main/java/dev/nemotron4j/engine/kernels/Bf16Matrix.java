package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.kernels.HalfFloatKernel.Format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** bfloat16 weights: widening is exact (the 16 bits become the high half of a float32). Kernels: {@link HalfFloatKernel}. */
public record Bf16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Exact bf16 → float32. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        return HalfFloatKernel.dot(Format.BF16, data, (long) row * cols * 2, cols, x, xOff);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        HalfFloatKernel.multiplyRows(Format.BF16, data, cols, row, row + 1, x, xOff, xStride, batch, out, outOff - row, outStride);
    }

    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        HalfFloatKernel.multiplyRows(Format.BF16, data, cols, start, end, x, xOff, xStride, batch, out, outOff, outStride);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        return HalfFloatKernel.dotScalar(Format.BF16, data, (long) row * cols * 2, cols, x, xOff);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols * 2;
        for (int i = 0; i < cols; i++) dst[dstOff + i] = toFloat(data.get(LE_SHORT, base + i * 2L));
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Bf16Matrix(data.asSlice((long) firstRow * cols * 2, (long) count * cols * 2), count, cols);
    }
}
