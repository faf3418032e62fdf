package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

/** IEEE half-precision weights, widened exactly with {@link Float#float16ToFloat}. */
public record F16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        // Widen a block into a small thread-local buffer, then use the float kernel: the conversion is
        // intrinsified (F16C) and the FMA part stays vectorised.
        float[] buf = BLOCK.get();
        long base = (long) row * cols * 2;
        FloatVector acc = FloatVector.zero(F);
        float tail = 0;
        for (int start = 0; start < cols; start += buf.length) {
            int n = Math.min(buf.length, cols - start);
            for (int i = 0; i < n; i++) buf[i] = Float.float16ToFloat(data.get(Bf16Matrix.LE_SHORT, base + (start + i) * 2L));
            int i = 0;
            for (; i <= n - F.length(); i += F.length()) {
                acc = FloatVector.fromArray(F, buf, i).fma(FloatVector.fromArray(F, x, xOff + start + i), acc);
            }
            for (; i < n; i++) tail += buf[i] * x[xOff + start + i];
        }
        return LaneSum.sum(acc) + tail;
    }

    private static final ThreadLocal<float[]> BLOCK = ThreadLocal.withInitial(() -> new float[1024]);

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += Float.float16ToFloat(data.get(Bf16Matrix.LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
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
