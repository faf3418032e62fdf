package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * FP8 weights: one {@link E4m3} code per weight, row-major [rows, cols], computed with as stored (1 byte per weight,
 * never widened into a float copy). The values are the codes' own; a ModelOpt checkpoint's per-tensor
 * {@code weight_scale} multiplies each whole product once, as a {@link ScaledMatrix} around this.
 *
 * <p>The kernels decode codes in registers: a chunk of {@link VectorWidth#LANES} bytes widened to ints, its exponent and
 * mantissa bits shifted to float32's places and the sign kept ({@link E4m3#toFloat}), one exact multiply by 2^120.
 * Order: {@link DecodedRowDot}'s (chunks alternately into two accumulators, then the leftover columns), so batches
 * decode each row once into scratch and stay bit-identical to {@link #dot}.
 */
public record Fp8Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix, DecodedRowDot.RowDecoder {

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final int L = F.length();
    /** Whether one byte vector holds exactly a chunk (8 and 16 lanes); at 4 lanes a chunk is one int word. */
    private static final boolean BYTE_CHUNKS = VectorWidth.BYTE.length() == L;
    private static final IntVector SIGN_EXPONENT_MANTISSA = IntVector.broadcast(I, 0x87F00000);
    private static final IntVector WORD_SHIFTS = IntVector.zero(I).addIndex(-8).add(24); // lane j: 24 − 8j
    private static final FloatVector REBIAS = FloatVector.broadcast(F, 0x1p120f);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public Fp8Matrix {
        if (data.byteSize() != (long) rows * cols) {
            throw new IllegalArgumentException(data.byteSize() + " bytes for an FP8 [" + rows + ", " + cols + "] matrix");
        }
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    /** The {@link VectorWidth#LANES} weights at byte {@code at}, exact. */
    private static FloatVector chunk(MemorySegment data, long at) {
        IntVector bits;
        if (BYTE_CHUNKS) {
            // sign-extended bytes shifted left by 20: exponent and mantissa at bits 20–26, the sign (copied) at 31
            bits = ((IntVector) ByteVector.fromMemorySegment(VectorWidth.BYTE, data, at, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2I, I, 0)).lanewise(VectorOperators.LSHL, 20);
        } else {
            // four codes in one int: lane j's byte moved to the top, then arithmetic shift right by 4 puts it as above
            bits = IntVector.broadcast(I, data.get(LE_INT, at)).lanewise(VectorOperators.LSHL, WORD_SHIFTS).lanewise(VectorOperators.ASHR, 4);
        }
        return bits.and(SIGN_EXPONENT_MANTISSA).reinterpretAsFloats().mul(REBIAS);
    }

    private static float code(MemorySegment data, long at) {
        return E4m3.toFloat(data.get(ValueLayout.JAVA_BYTE, at) & 0xFF);
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long base = (long) row * cols;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int i = 0;
        for (; i <= cols - 2 * L; i += 2 * L) {
            acc0 = chunk(data, base + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = chunk(data, base + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
        }
        if (i <= cols - L) {
            acc0 = chunk(data, base + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            i += L;
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < cols; i++) sum += code(data, base + i) * x[xOff + i];
        return sum;
    }

    /** Scalar twin: {@code Σ code·x} in element order. */
    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = (long) row * cols;
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += code(data, base + i) * x[xOff + i];
        return sum;
    }

    /** Row {@code row}'s values into {@code w[wOff ..]}, chunk by chunk in registers. */
    @Override
    public void decode(int row, float[] w, int wOff) {
        long base = (long) row * cols;
        int i = 0;
        if (!VectorWidth.SCALAR) {
            for (; i <= cols - L; i += L) chunk(data, base + i).intoArray(w, wOff + i);
        }
        for (; i < cols; i++) w[wOff + i] = code(data, base + i);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        DecodedRowDot.dotRows(this, row, x, xOff, xStride, batch, out, outOff, outStride);
    }

    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        DecodedRowDot.multiplyRows(this, start, end, x, xOff, xStride, batch, out, outOff, outStride);
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        long base = (long) row * cols;
        for (int i = 0; i < cols; i++) dst[dstOff + i] = code(data, base + i);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Fp8Matrix(data.asSlice((long) firstRow * cols, (long) count * cols), count, cols);
    }
}
