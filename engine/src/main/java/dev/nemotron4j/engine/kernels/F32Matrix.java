package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Float32 weights. */
public record F32Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    static final ValueLayout.OfFloat LE_FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = (long) row * cols * 4;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int i = 0;
        int step = F.length();
        int bound2 = cols - 2 * step;
        for (; i <= bound2; i += 2 * step) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, base + i * 4L, ByteOrder.LITTLE_ENDIAN);
            FloatVector w1 = FloatVector.fromMemorySegment(F, data, base + (i + step) * 4L, ByteOrder.LITTLE_ENDIAN);
            acc0 = w0.fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = w1.fma(FloatVector.fromArray(F, x, xOff + i + step), acc1);
        }
        for (; i <= cols - step; i += step) {
            FloatVector w0 = FloatVector.fromMemorySegment(F, data, base + i * 4L, ByteOrder.LITTLE_ENDIAN);
            acc0 = w0.fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < cols; i++) sum += data.get(LE_FLOAT, base + i * 4L) * x[xOff + i];
        return sum;
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols * 4;
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += data.get(LE_FLOAT, base + i * 4L) * x[xOff + i];
        return sum;
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        MemorySegment.copy(data, LE_FLOAT, (long) row * cols * 4, dst, dstOff, cols);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new F32Matrix(data.asSlice((long) firstRow * cols * 4, (long) count * cols * 4), count, cols);
    }
}
