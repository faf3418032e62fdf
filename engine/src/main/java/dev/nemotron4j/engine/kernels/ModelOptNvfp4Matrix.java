package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
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
 * two half-tables at 8, the magnitudes in two half-tables and the sign bit moved into place at 4) and decode each
 * block scale by a 256-entry table. They work in <em>split order</em> ({@link #splits}): a group of {@code 2·L} columns is its even columns, then its odd ones, so that the
 * low nibbles of {@code L} consecutive code bytes are one vector and their high nibbles the next (one byte widening
 * and a shift, no lane placement). The input is split to match: once per product by {@link #dotRange} and the batched
 * paths, per group in registers by {@link #dot}. A split row is a plain float row in {@link DecodedRowDot}'s order,
 * so batches decode a row once into scratch (split) against split inputs, bit-identically to {@link #dot}. Rows of
 * an odd number of blocks at 16 lanes keep element order (decoded into scratch, then a plain float dot).
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
    private static final VectorSpecies<Byte> B = VectorWidth.BYTE;
    private static final int L = F.length();
    /** 16 lanes: a pair of blocks (16 code bytes) per split group, or a block per float vector in element order. */
    private static final boolean WIDE = !VectorWidth.SCALAR && L == 16;
    /** 8 lanes: a block (8 code bytes) per split group. */
    private static final boolean PARTS = !VectorWidth.SCALAR && L == 8;
    /** 4 lanes: half a block (4 code bytes, one int) per split group. */
    private static final boolean NARROW = !VectorWidth.SCALAR && L == 4;


    private static final IntVector TABLE = NibbleTable.lanes(c -> E2m1.VALUES[c], 0), TABLE_HIGH = NibbleTable.lanes(c -> E2m1.VALUES[c], I.length());
    /** A split group's even and odd columns, from its two vectors of consecutive inputs. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(F, j -> 2 * j), ODD = VectorShuffle.fromOp(F, j -> 2 * j + 1);
    /** At 16 lanes a split group holds two blocks: lanes 8–15 take the second block's scale. */
    private static final VectorMask<Float> SECOND_BLOCK = VectorMask.fromLong(F, L == 16 ? 0xFF00L : 0L);

    /** Whether this matrix's kernels work in split order (16 lanes with whole pairs of blocks, 8 and 4 lanes). */
    boolean splits() {
        return (WIDE && cols % (2 * GROUP) == 0) || PARTS || NARROW;
    }

    /**
     * {@code dst[dstOff ..] = x[xOff ..]} in split order: per group of {@code 2·L} columns, the even columns then the odd
     * ones (only called where {@link #splits}: every column is in a whole group).
     */
    static void split(float[] x, int xOff, float[] dst, int dstOff, int cols) {
        for (int g = 0; g < cols; g += 2 * L) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + g), b = FloatVector.fromArray(F, x, xOff + g + L);
            a.rearrange(EVEN, b).intoArray(dst, dstOff + g);
            a.rearrange(ODD, b).intoArray(dst, dstOff + g + L);
        }
    }

    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 4 lanes: lane j of a code word shifted down to its byte j (bits above it left, the lookups ignore them). */
    private static final IntVector BYTE_SHIFTS = IntVector.zero(I).addIndex(8);

    /** The {@code L} code bytes at {@code at}, zero-extended to ints (at 4 lanes with the following bytes above each). */
    private IntVector bytes(long at) {
        if (NARROW) return IntVector.broadcast(I, codes.get(LE_INT, at)).lanewise(VectorOperators.LSHR, BYTE_SHIFTS);
        return (IntVector) ByteVector.fromMemorySegment(B, codes, at, ByteOrder.LITTLE_ENDIAN).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Split group {@code g}'s scales: one block's at 8 and 4 lanes, two blocks' (lanes 0–7, 8–15; one 2-byte load) at 16. */
    private FloatVector groupScales(long sb, int g) {
        if (PARTS) return FloatVector.broadcast(F, scale(sb + g));
        if (NARROW) return FloatVector.broadcast(F, scale(sb + (g >>> 1)));
        int pair = scales.get(LE_SHORT, sb + 2L * g);
        return FloatVector.broadcast(F, SCALES[pair & 0xFF]).blend(SCALES[(pair >>> 8) & 0xFF], SECOND_BLOCK);
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        if (splits()) { // the input split per group in registers: the operations of dotSplit on split inputs
            long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
            FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
            for (int g = 0; g < cols / (2 * L); g++) {
                int c = g * 2 * L;
                IntVector b = bytes(cb + (long) g * L);
                FloatVector d = groupScales(sb, g);
                FloatVector xa = FloatVector.fromArray(F, x, xOff + c), xb = FloatVector.fromArray(F, x, xOff + c + L);
                acc0 = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).fma(xa.rearrange(EVEN, xb), acc0);
                acc1 = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).fma(xa.rearrange(ODD, xb), acc1);
            }
            return LaneSum.sum(acc0.add(acc1));
        }
        float[] w = RowScratch.get(cols, 0).values;
        decode(row, w, 0);
        return DecodedRowDot.dot(w, 0, cols, x, xOff);
    }

    /** {@link #dot} against an input already {@link #split} (where {@link #splits}): plain loads of x. */
    private float dotSplit(int row, float[] xs, int xOff) {
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int g = 0; g < cols / (2 * L); g++) {
            int c = xOff + g * 2 * L;
            IntVector b = bytes(cb + (long) g * L);
            FloatVector d = groupScales(sb, g);
            acc0 = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, xs, c), acc0);
            acc1 = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, xs, c + L), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
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

    /**
     * Row {@code row}'s weights into {@code w[wOff ..]} (the values the fused kernels build in registers), in split
     * order where {@link #splits}, else in element order.
     */
    @Override
    public void decode(int row, float[] w, int wOff) {
        long cb = (long) row * cols / 2, sb = (long) row * cols / GROUP;
        if (splits()) {
            for (int g = 0; g < cols / (2 * L); g++) {
                int c = g * 2 * L;
                IntVector b = bytes(cb + (long) g * L);
                FloatVector d = groupScales(sb, g);
                NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).intoArray(w, wOff + c);
                NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).intoArray(w, wOff + c + L);
            }
        } else {
            for (int c = 0; c < cols; c++) w[wOff + c] = weight(cb, sb, c);
        }
    }

    /** Split once, then each row against the split input: bit-identical to {@link #dot}. */
    @Override
    public void dotRange(int start, int end, float[] x, int xOff, float[] out, int outOff) {
        if (!splits()) {
            WeightMatrix.super.dotRange(start, end, x, xOff, out, outOff);
            return;
        }
        float[] xs = RowScratch.inputs(cols);
        split(x, xOff, xs, 0, cols);
        int o = start;
        for (; o + 2 <= end; o += 2) dotSplitPair(o, xs, out, outOff + o);
        if (o < end) out[outOff + o] = dotSplit(o, xs, 0);
    }

    /**
     * {@link #dotSplit} of rows {@code row} and {@code row + 1} into {@code out[at]}, {@code out[at + 1]}: each row's
     * operations and order exactly as alone (so bit-identical), interleaved so that four independent accumulator
     * chains hide the FMA latency that bounds one row's two, and each input vector is loaded once for both.
     */
    private void dotSplitPair(int row, float[] xs, float[] out, int at) {
        long cb0 = (long) row * cols / 2, sb0 = (long) row * cols / GROUP, cb1 = cb0 + cols / 2, sb1 = sb0 + cols / GROUP;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        for (int g = 0; g < cols / (2 * L); g++) {
            int c = g * 2 * L;
            FloatVector xa = FloatVector.fromArray(F, xs, c), xb = FloatVector.fromArray(F, xs, c + L);
            IntVector ca = bytes(cb0 + (long) g * L), cbytes = bytes(cb1 + (long) g * L);
            FloatVector da = groupScales(sb0, g), db = groupScales(sb1, g);
            a0 = NibbleTable.low(ca, TABLE, TABLE_HIGH).mul(da).fma(xa, a0);
            a1 = NibbleTable.high(ca, TABLE, TABLE_HIGH).mul(da).fma(xb, a1);
            b0 = NibbleTable.low(cbytes, TABLE, TABLE_HIGH).mul(db).fma(xa, b0);
            b1 = NibbleTable.high(cbytes, TABLE, TABLE_HIGH).mul(db).fma(xb, b1);
        }
        out[at] = LaneSum.sum(a0.add(a1));
        out[at + 1] = LaneSum.sum(b0.add(b1));
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !splits()) {
            DecodedRowDot.dotRows(this, row, x, xOff, xStride, batch, out, outOff, outStride);
            return;
        }
        float[] xs = splitInputs(x, xOff, xStride, batch);
        float[] w = RowScratch.get(cols, 0).values;
        decode(row, w, 0);
        DecodedRowDot.dotRows(w, cols, xs, 0, cols, batch, out, outOff, outStride);
    }

    /**
     * Where {@link #splits}, the inputs are split once for the whole range: single inputs run {@link #dotSplit} row by
     * row, batches decode rows (in pairs where {@link DecodedRowDot#pairsApply}) against them. Bit-identical to
     * {@link #dot}.
     */
    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (!splits()) {
            DecodedRowDot.multiplyRows(this, start, end, x, xOff, xStride, batch, out, outOff, outStride);
            return;
        }
        if (batch == 1) {
            dotRange(start, end, x, xOff, out, outOff);
            return;
        }
        float[] xs = splitInputs(x, xOff, xStride, batch);
        int o = start;
        if (DecodedRowDot.pairsApply(cols)) {
            float[] w = RowScratch.get(2 * cols, 0).values;
            for (; o + 2 <= end; o += 2) {
                decode(o, w, 0);
                decode(o + 1, w, cols);
                DecodedRowDot.rowPairs(w, cols, xs, 0, cols, batch, out, outOff + o, outStride);
            }
        }
        float[] w = RowScratch.get(cols, 0).values;
        for (; o < end; o++) {
            decode(o, w, 0);
            DecodedRowDot.dotRows(w, cols, xs, 0, cols, batch, out, outOff + o, outStride);
        }
    }

    /** The {@code batch} inputs {@code xStride} apart, each {@link #split}, {@code cols} apart in this thread's scratch. */
    private float[] splitInputs(float[] x, int xOff, int xStride, int batch) {
        float[] xs = RowScratch.inputs(batch * cols);
        for (int b = 0; b < batch; b++) split(x, xOff + b * xStride, xs, b * cols, cols);
        return xs;
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
