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
 * ggml MXFP4 weights (type 39): blocks of 32 4-bit E2M1 codes, looked up in ggml's doubled table
 * {@link GgmlBlocks#FP4_VALUES} (17 bytes): an E8M0 exponent byte e, then 16 bytes of nibbles (low nibbles are
 * elements 0–15, high 16–31); value {@code code·2^(e−128)} ({@link GgmlBlocks#e8m0Half}). The decode kernel reads each block once from memory and looks the codes up in registers: the
 * 16-entry book is one vector of 16 ints holding the codes as float bits, and each nibble selects its lane
 * (a single permute, cheaper than widening integers and converting them).
 *
 * <p>The order is {@link Q4_0Matrix}'s ({@link Block32}'s): per block {@code d · Σ code·x}, even and odd blocks in
 * two accumulators, summed by {@link LaneSum}; the codes are small integers, exact as floats, and the scale a power
 * of two. (The kernels are {@link Iq4NlMatrix}'s with another book, block size and scale.) Batched paths share
 * the looked-up codes among inputs or decode a row once for {@link Block32}'s decoded-row kernels: every output is
 * bit-identical to {@link #dot}. With vectors of 4 floats (too narrow for the book) rows are decoded into scratch.
 */
public record Mxfp4Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final int BLOCK_BYTES = 17;
    /** Offset of the nibbles in a block. */
    private static final int CODES = 1;

    public Mxfp4Matrix {
        if (cols % 32 != 0) throw new IllegalArgumentException(cols + " columns are not whole MXFP4 blocks");
    }

    private long rowBytes() {
        return (long) cols / 32 * BLOCK_BYTES;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    /** The block's scale, {@code 2^(e−128)}. */
    private static float scale(MemorySegment data, long o) {
        return GgmlBlocks.e8m0Half(GgmlBlocks.u8(data, o));
    }

    /** Whether the vector kernels apply (a block is a whole number of float vectors). */
    private static final boolean VECTOR = Block32.VECTOR && !VectorWidth.SCALAR;
    /** Whether the 16-lane kernels apply: a float vector holds half a block, an int vector the whole book. */
    private static final boolean WIDE = VECTOR && Block32.L == 16;
    /** Whether 8-lane parts look their codes up in the book's two halves. */
    private static final boolean PARTS = VECTOR && Block32.L == 8;

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (WIDE) return dotWide(data, row * rowBytes(), cols / 32, x, xOff);
        if (PARTS) return dotParts(data, row * rowBytes(), cols / 32, x, xOff);
        if (!VECTOR) return dotScalar(row, x, xOff);
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, 0, s.scales, 0);
        return Block32.dotDecoded(s.values, s.scales, cols / 32, x, xOff);
    }

    // ---- 16 lanes: the block's 16 code bytes widened to ints once, each nibble a lane index into the book ----

    /** A block's 16 code bytes and their ints (the width's: 128 and 512 bits where these kernels run). */
    private static final VectorSpecies<Byte> CODE_BYTES = VectorWidth.BYTE;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    /** The code book as float bits, one entry per lane (16 lanes). */
    private static final IntVector BOOK = NibbleTable.lanes(c -> GgmlBlocks.FP4_VALUES[c], 0);


    /**
     * {@link #dot} with 16-lane vectors, one block per iteration, the even and odd blocks' accumulators swapping roles
     * (a small body, as {@link Q4_0Matrix}'s, for the JIT's inlining budget).
     */
    private static float dotWide(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            IntVector codes = codes(data, o);
            FloatVector next = inputSum(low(codes), high(codes), x, xOff + blk * 32).fma(FloatVector.broadcast(F, scale(data, o)), acc);
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other));
    }

    /** The 16 nibble bytes of the block at {@code o}, zero-extended to ints. */
    private static IntVector codes(MemorySegment data, long o) {
        return (IntVector) ByteVector.fromMemorySegment(CODE_BYTES, data, o + CODES, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Elements 0–15 of the block: the book entries of the low nibbles ({@code selectFrom} takes an index mod 16). */
    private static FloatVector low(IntVector codes) {
        return codes.selectFrom(BOOK).reinterpretAsFloats();
    }

    /** Elements 16–31 of the block: the book entries of the high nibbles. */
    private static FloatVector high(IntVector codes) {
        return codes.lanewise(VectorOperators.LSHR, 4).selectFrom(BOOK).reinterpretAsFloats();
    }

    /** Lane-wise {@code low·x[xo..] + high·x[xo+16..]}: one block against one input, as {@link Block32#dotDecoded}. */
    private static FloatVector inputSum(FloatVector low, FloatVector high, float[] x, int xo) {
        return high.fma(FloatVector.fromArray(Block32.F, x, xo + 16), low.mul(FloatVector.fromArray(Block32.F, x, xo)));
    }

    // ---- 8 lanes: a block as 4 parts in element order, as Block32.dotDecoded; the book in two halves ----

    private static final VectorSpecies<Integer> PART_INTS = VectorWidth.INT;
    private static final IntVector BOOK_LOW = NibbleTable.lanes(c -> GgmlBlocks.FP4_VALUES[c], 0), BOOK_HIGH = NibbleTable.lanes(c -> GgmlBlocks.FP4_VALUES[c], PART_INTS.length());

    /** Part {@code p} (elements 8p .. 8p+8) of the block at {@code o}: an index mod 16 picks from the book's two halves. */
    private static FloatVector part(MemorySegment data, long o, int p) {
        int e = p * Block32.L;
        IntVector b = (IntVector) ByteVector.fromMemorySegment(Block32.B, data, o + CODES + (e & 15), ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, PART_INTS, 0);
        IntVector nib = e < 16 ? b : b.lanewise(VectorOperators.LSHR, 4);
        return nib.selectFrom(BOOK_LOW, BOOK_HIGH).reinterpretAsFloats();
    }

    /** {@link #dot} for 8-lane vectors; the operations of {@link Block32#dotDecoded}. */
    private static float dotParts(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        int L = Block32.L;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int xo = xOff + blk * 32;
            FloatVector v = part(data, o, 0).mul(FloatVector.fromArray(F, x, xo));
            for (int p = 1; p < Block32.PARTS; p++) v = part(data, o, p).fma(FloatVector.fromArray(F, x, xo + p * L), v);
            FloatVector d = FloatVector.broadcast(F, scale(data, o));
            if ((blk & 1) == 0) acc0 = v.fma(d, acc0);
            else acc1 = v.fma(d, acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** Scalar twin: per block {@code d · Σ code·x} in element order, as {@link Block32#dotDecodedScalar}. */
    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes();
        float sum = 0;
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int xo = xOff + blk * 32;
            float s = 0;
            for (int j = 0; j < 32; j++) s += code(data, o, j) * x[xo + j];
            sum += scale(data, o) * s;
        }
        return sum;
    }

    /** Element {@code j}'s code of the block at {@code o}. */
    private static int code(MemorySegment data, long o, int j) {
        int b = data.get(ValueLayout.JAVA_BYTE, o + CODES + (j & 15)) & 0xFF;
        return GgmlBlocks.FP4_VALUES[j < 16 ? b & 0x0F : b >>> 4];
    }

    // ---- batches ----

    /** Batches from this size on decode a row into scratch once and reuse it ({@link Block32#dotRowsDecoded}). */
    static final int FUSED_BELOW = 9;

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !VECTOR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        if (WIDE && batch < FUSED_BELOW) {
            // Decode-sized batches: codes looked up in registers once per pair of inputs, the row read once.
            long base = row * rowBytes();
            int blocks = cols / 32, b = 0;
            for (; b + 2 <= batch; b += 2) dotWide2(data, base, blocks, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            if (b < batch) out[outOff + b * outStride] = dotWide(data, base, blocks, x, xOff + b * xStride);
            return;
        }
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, 0, s.scales, 0);
        Block32.dotRowsDecoded(s.values, s.scales, cols / 32, x, xOff, xStride, batch, out, outOff, outStride);
    }

    /**
     * With 16-lane vectors, prefill-sized batches take the rows two at a time, both decoded once
     * ({@link Block32#dotRowPairDecoded}); decode batches of 4 to 8 go panel by panel, each panel first prefetched into
     * L2 ({@link PanelPrefetch}), then two rows against 4 inputs at a time with the codes looked up in registers
     * ({@link #dotWide2x4}). Other batches row by row ({@link #dotRows}). Bit-identical to {@link #dot} every way.
     */
    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int o = start;
        if (batch >= FUSED_BELOW && Block32.ROW_PAIRS && VECTOR) {
            int blocks = cols / 32;
            RowScratch s = RowScratch.get(2 * cols, 2 * blocks);
            for (; o + 2 <= end; o += 2) {
                decode(o, s.values, 0, s.scales, 0);
                decode(o + 1, s.values, cols, s.scales, blocks);
                Block32.dotRowPairDecoded(s.values, s.scales, blocks, x, xOff, xStride, batch, out, outOff + o, outStride);
            }
        } else if (WIDE && batch >= 4) {
            long rowBytes = rowBytes();
            int panelRows = PanelPrefetch.rowsPerPanel(rowBytes);
            for (int p0 = start; p0 < end; p0 += panelRows) {
                int p1 = Math.min(end, p0 + panelRows);
                PanelPrefetch.prefetch(data, p0 * rowBytes, p1 * rowBytes);
                for (o = p0; o + 2 <= p1; o += 2) rowPairWide(o, x, xOff, xStride, batch, out, outOff + o, outStride);
                if (o < p1) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
            }
            return;
        }
        for (; o < end; o++) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
    }

    /** Rows {@code row} and {@code row + 1} against a decode batch: 4 inputs at a time, the rest in pairs per row. */
    private void rowPairWide(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            dotWide2x4(data, row * rowBytes(), (row + 1) * rowBytes(), cols / 32, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        if (b < batch) {
            dotRows(row, x, xOff + b * xStride, xStride, batch - b, out, outOff + b * outStride, outStride);
            dotRows(row + 1, x, xOff + b * xStride, xStride, batch - b, out, outOff + 1 + b * outStride, outStride);
        }
    }

    /** {@link #dotWide} for two inputs {@code xStride} apart, sharing each block's codes; bit-identical. */
    private static void dotWide2(MemorySegment data, long base, int blocks, float[] x, int xOff, int xStride,
                                 float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        int x1 = xOff + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int e = blk * 32;
            IntVector codes = codes(data, o);
            FloatVector low = low(codes), high = high(codes), d = FloatVector.broadcast(F, scale(data, o));
            FloatVector v0 = inputSum(low, high, x, xOff + e), v1 = inputSum(low, high, x, x1 + e);
            if ((blk & 1) == 0) {
                a0 = v0.fma(d, a0);
                a1 = v1.fma(d, a1);
            } else {
                b0 = v0.fma(d, b0);
                b1 = v1.fma(d, b1);
            }
        }
        // Reduced through memory: a LaneSum.sum(FloatVector) left as a call (the JIT's inlining budget) boxes its vector.
        float[] lanes = LaneSum.lanes();
        a0.add(b0).intoArray(lanes, 0);
        a1.add(b1).intoArray(lanes, F.length());
        LaneSum.sumsInto(lanes, 2, out, outOff, outStride);
    }

    /**
     * Rows at {@code base0} and {@code base1} against four inputs, the codes of both looked up in registers block by
     * block: row r, input b into {@code out[outOff + r + b·outStride]}. Per (row, input) the operations of
     * {@link #dotWide}: bit-identical to it. (Kept apart from its siblings on purpose: a helper taking or returning
     * vectors is not inlined into a kernel this size, and every vector would be boxed.)
     */
    private static void dotWide2x4(MemorySegment data, long base0, long base1, int blocks, float[] x, int xOff, int xStride,
                                   float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o0 = base0 + (long) blk * BLOCK_BYTES, o1 = base1 + (long) blk * BLOCK_BYTES;
            int c = blk * 32;
            IntVector codes = codes(data, o0);
            FloatVector lo0 = low(codes), hi0 = high(codes), d0 = FloatVector.broadcast(F, scale(data, o0));
            codes = codes(data, o1);
            FloatVector lo1 = low(codes), hi1 = high(codes), d1 = FloatVector.broadcast(F, scale(data, o1));
            FloatVector xl = FloatVector.fromArray(F, x, xOff + c), xh = FloatVector.fromArray(F, x, xOff + c + 16);
            FloatVector n0 = hi0.fma(xh, lo0.mul(xl)).fma(d0, a0), m0 = hi1.fma(xh, lo1.mul(xl)).fma(d1, b0);
            xl = FloatVector.fromArray(F, x, x1 + c);
            xh = FloatVector.fromArray(F, x, x1 + c + 16);
            FloatVector n1 = hi0.fma(xh, lo0.mul(xl)).fma(d0, a1), m1 = hi1.fma(xh, lo1.mul(xl)).fma(d1, b1);
            xl = FloatVector.fromArray(F, x, x2 + c);
            xh = FloatVector.fromArray(F, x, x2 + c + 16);
            FloatVector n2 = hi0.fma(xh, lo0.mul(xl)).fma(d0, a2), m2 = hi1.fma(xh, lo1.mul(xl)).fma(d1, b2);
            xl = FloatVector.fromArray(F, x, x3 + c);
            xh = FloatVector.fromArray(F, x, x3 + c + 16);
            FloatVector n3 = hi0.fma(xh, lo0.mul(xl)).fma(d0, a3), m3 = hi1.fma(xh, lo1.mul(xl)).fma(d1, b3);
            a0 = e0;
            a1 = e1;
            a2 = e2;
            a3 = e3;
            e0 = n0;
            e1 = n1;
            e2 = n2;
            e3 = n3;
            b0 = f0;
            b1 = f1;
            b2 = f2;
            b3 = f3;
            f0 = m0;
            f1 = m1;
            f2 = m2;
            f3 = m3;
        }
        // Reduced through memory: LaneSum.sum(FloatVector) is not inlined into a method this size and would box.
        float[] lanes = LaneSum.lanes();
        int l = F.length();
        a0.add(e0).intoArray(lanes, 0);
        a1.add(e1).intoArray(lanes, l);
        a2.add(e2).intoArray(lanes, 2 * l);
        a3.add(e3).intoArray(lanes, 3 * l);
        b0.add(f0).intoArray(lanes, 4 * l);
        b1.add(f1).intoArray(lanes, 5 * l);
        b2.add(f2).intoArray(lanes, 6 * l);
        b3.add(f3).intoArray(lanes, 7 * l);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
        LaneSum.sumsInto(lanes, 4, 4, out, outOff + 1, outStride);
    }

    /** Codes of row {@code row} as floats into {@code q} from {@code qOff}, block scales into {@code d} from {@code dOff}. */
    void decode(int row, float[] q, int qOff, float[] d, int dOff) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int qb = qOff + blk * 32;
            d[dOff + blk] = scale(data, o);
            if (WIDE) {
                IntVector codes = codes(data, o);
                low(codes).intoArray(q, qb);
                high(codes).intoArray(q, qb + 16);
            } else {
                for (int j = 0; j < 32; j++) q[qb + j] = code(data, o, j);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(dev.nemotron4j.engine.weights.DType.MXFP4, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Mxfp4Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
