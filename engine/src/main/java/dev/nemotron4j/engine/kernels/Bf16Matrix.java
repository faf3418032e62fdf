package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** bfloat16 weights: widening is exact (the 16 bits become the high half of a float32). */
public record Bf16Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(F.length() * 16));
    static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Exact bf16 → float32. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    private static FloatVector load(MemorySegment seg, long offset) {
        ShortVector s = ShortVector.fromMemorySegment(S, seg, offset, ByteOrder.LITTLE_ENDIAN);
        IntVector widened = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
        return widened.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        int step = F.length();
        int i = 0;
        for (; i <= cols - 2 * step; i += 2 * step) {
            acc0 = load(data, base + i * 2L).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = load(data, base + (i + step) * 2L).fma(FloatVector.fromArray(F, x, xOff + i + step), acc1);
        }
        for (; i <= cols - step; i += step) {
            acc0 = load(data, base + i * 2L).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < cols; i++) sum += toFloat(data.get(LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1) {
            out[outOff] = dot(row, x, xOff);
            return;
        }
        // Widen the row once; FloatDot performs the same operations as dot, so results are bit-identical.
        RowScratch s = RowScratch.get(cols, 0);
        long base = (long) row * cols * 2;
        int i = 0;
        for (; i <= cols - F.length(); i += F.length()) load(data, base + i * 2L).intoArray(s.values, i);
        for (; i < cols; i++) s.values[i] = toFloat(data.get(LE_SHORT, base + i * 2L));
        FloatDot.dotRows(s.values, 0, x, xOff, xStride, batch, out, outOff, outStride, cols);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols * 2;
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += toFloat(data.get(LE_SHORT, base + i * 2L)) * x[xOff + i];
        return sum;
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
