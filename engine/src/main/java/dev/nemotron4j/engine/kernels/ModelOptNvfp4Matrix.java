package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * NVFP4 weights as NVIDIA ModelOpt stores them: two tensors, kept as stored (4.5 bits per weight). {@code codes} is
 * [rows, cols/2] bytes of {@link E2m1} codes, element 2i in the low nibble of byte i and 2i+1 in the high one;
 * {@code scales} is [rows, cols/16] {@link E4m3} block scales, one per 16 consecutive inputs of a row. Weight
 * {@code (r, c) = e2m1(code) · e4m3(scales[r, c/16])}; the tensor's global {@code weight_scale_2} multiplies each whole
 * product once, as a {@link ScaledMatrix} around this. (GGUF's NVFP4, {@link Nvfp4Matrix}, has the same values per
 * 16 but interleaves scales and codes in 64-element blocks with another nibble order.)
 *
 * <p>The kernels look the nibbles up in registers (the 16-entry E2M1 table as one vector of float bits at 16 lanes,
 * two half-tables at 8), the block scale decoded by a 256-entry table, and keep {@link DecodedRowDot}'s order (a
 * block of 16 is one chunk at 16 lanes, two at 8), so batches decode a row once into scratch, bit-identically.
 */
public record ModelOptNvfp4Matrix(MemorySegment codes, MemorySegment scales, int rows, int cols) implements WeightMatrix, DecodedRowDot.RowDecoder {

    /** Inputs per block scale. */
    public static final int GROUP = 16;

    public ModelOptNvfp4Matrix {
        if (cols % GROUP != 0) throw new IllegalArgumentException(cols + " columns are not whole NVFP4 blocks of " + GROUP);
        if (codes.byteSize() != (long) rows * cols / 2 || scales.byteSize() != (long) rows * cols / GROUP) {
            throw new IllegalArgumentException(codes.byteSize() + " code bytes and " + scales.byteSize() + " scale bytes for an NVFP4 ["
                    + rows + ", " + cols + "] matrix");
        }
    }

    @Override
    public long byteSize() {
        return codes.byteSize() + scales.byteSize();
    }

    /** Every scale byte decoded ({@link E4m3#toFloat}). */
    private static final float[] SCALES = new float[256];

    static {
        for (int b = 0; b < 256; b++) SCALES[b] = E4m3.toFloat(b);
    }

    private float scale(long block) {
        return SCALES[scales.get(ValueLayout.JAVA_BYTE, block) & 0xFF];
    }

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final int L = F.length();
    /** 16 lanes: a block per float vector, a pair of blocks per 16-byte load. */
    private static final boolean WIDE = !VectorWidth.SCALAR && L == 16;
    /** 8 lanes: a block as two float vectors from one 8-byte load. */
    private static final boolean PARTS = !VectorWidth.SCALAR && L == 8;

    private static IntVector table(int first) {
        int[] bits = new int[I.length()];
        for (int i = 0; i < bits.length; i++) bits[i] = Float.floatToRawIntBits(E2m1.VALUES[(first + i) & 15]);
        return IntVector.fromArray(I, bits, 0);
    }

    private static final IntVector TABLE = table(0), TABLE_HIGH = table(I.length());
    /** Lane j takes byte j/2 (from {@code first}) and its low (j even) or high nibble. */
    private static final VectorShuffle<Integer> FIRST_BYTES = VectorShuffle.fromOp(I, j -> j >>> 1);
    private static final VectorShuffle<Integer> SECOND_BYTES = VectorShuffle.fromOp(I, j -> (I.length() >>> 1) + (j >>> 1));
    private static final IntVector NIBBLE_SHIFT = IntVector.zero(I).addIndex(1).and(1).lanewise(VectorOperators.LSHL, 2);
    private static final VectorSpecies<Byte> B = VectorWidth.BYTE;

    /** The bytes at {@code at} ({@link VectorWidth#BYTE}: 16 at 16 lanes, 8 at 8), zero-extended to ints. */
    private IntVector bytes(long at) {
        return (IntVector) ByteVector.fromMemorySegment(B, codes, at, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** The E2M1 values of the nibbles of {@code bytes} picked by {@code half}, looked up (index mod 16). */
    private static FloatVector values(IntVector bytes, VectorShuffle<Integer> half) {
        IntVector nibbles = bytes.rearrange(half).lanewise(VectorOperators.LSHR, NIBBLE_SHIFT);
        return (WIDE ? nibbles.selectFrom(TABLE) : nibbles.selectFrom(TABLE, TABLE_HIGH)).reinterpretAsFloats();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        int blocks = cols / GROUP;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        if (WIDE && blocks % 2 == 0) {
            for (int k = 0; k < blocks; k += 2) { // a pair of blocks: 16 code bytes
                IntVector pair = bytes(cb + 8L * k);
                int xo = xOff + k * GROUP;
                acc0 = values(pair, FIRST_BYTES).mul(scale(sb + k)).fma(FloatVector.fromArray(F, x, xo), acc0);
                acc1 = values(pair, SECOND_BYTES).mul(scale(sb + k + 1)).fma(FloatVector.fromArray(F, x, xo + GROUP), acc1);
            }
            return LaneSum.sum(acc0.add(acc1));
        }
        if (PARTS) {
            for (int k = 0; k < blocks; k++) { // a block: 8 code bytes, two chunks
                IntVector b = bytes(cb + 8L * k);
                float d = scale(sb + k);
                int xo = xOff + k * GROUP;
                acc0 = values(b, FIRST_BYTES).mul(d).fma(FloatVector.fromArray(F, x, xo), acc0);
                acc1 = values(b, SECOND_BYTES).mul(d).fma(FloatVector.fromArray(F, x, xo + 8), acc1);
            }
            return LaneSum.sum(acc0.add(acc1));
        }
        float[] w = RowScratch.get(cols, 0).values;
        decode(row, w, 0);
        return DecodedRowDot.dot(w, 0, cols, x, xOff);
    }

    /** Scalar twin: {@code Σ w·x} over the weights {@code e2m1·scale} in element order. */
    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        float sum = 0;
        for (int c = 0; c < cols; c++) sum += weight(cb, sb, c) * x[xOff + c];
        return sum;
    }

    /** Weight {@code c} of the row whose codes start at {@code cb} and scales at {@code sb}. */
    private float weight(long cb, long sb, int c) {
        int b = codes.get(ValueLayout.JAVA_BYTE, cb + (c >>> 1)) & 0xFF;
        return E2m1.VALUES[(c & 1) == 0 ? b & 0xF : b >>> 4] * scale(sb + c / GROUP);
    }

    /** Row {@code row}'s weights into {@code w[wOff ..]} (the values the fused kernels build in registers). */
    @Override
    public void decode(int row, float[] w, int wOff) {
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        int blocks = cols / GROUP;
        if (WIDE && blocks % 2 == 0) {
            for (int k = 0; k < blocks; k += 2) {
                IntVector pair = bytes(cb + 8L * k);
                values(pair, FIRST_BYTES).mul(scale(sb + k)).intoArray(w, wOff + k * GROUP);
                values(pair, SECOND_BYTES).mul(scale(sb + k + 1)).intoArray(w, wOff + (k + 1) * GROUP);
            }
        } else if (PARTS) {
            for (int k = 0; k < blocks; k++) {
                IntVector b = bytes(cb + 8L * k);
                float d = scale(sb + k);
                values(b, FIRST_BYTES).mul(d).intoArray(w, wOff + k * GROUP);
                values(b, SECOND_BYTES).mul(d).intoArray(w, wOff + k * GROUP + 8);
            }
        } else {
            for (int c = 0; c < cols; c++) w[wOff + c] = weight(cb, sb, c);
        }
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
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        for (int c = 0; c < cols; c++) dst[dstOff + c] = weight(cb, sb, c);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new ModelOptNvfp4Matrix(codes.asSlice((long) firstRow * cols / 2, (long) count * cols / 2),
                scales.asSlice((long) firstRow * cols / GROUP, (long) count * cols / GROUP), count, cols);
    }
}
