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
 * ggml NVFP4 weights (type 40): blocks of 64 values as 4 sub-blocks of 16 (36 bytes): 4 unsigned E4M3 sub-block
 * scales, then 8 bytes of nibbles per sub-block (byte j holds element j in its low nibble and element j+8 in its high
 * one) indexing ggml's doubled E2M1 table {@link GgmlBlocks#FP4_VALUES}; value {@code code·scale}
 * ({@link GgmlBlocks#ue4m3Half}). The tensor's own {@code .scale} multiplies the whole product and is not part of the
 * blocks. The kernels compute with the dequantized weights {@code w = code·scale} (a 2-bit code times a 4-bit scale
 * mantissa: exact in float32), looking the codes up in registers (the 16-entry table as one vector of float bits at
 * 16 lanes, two half-tables at 8, at 4 the magnitudes in two half-tables with the sign bit moved into place).
 *
 * <p>One order for every path, as {@link ModelOptNvfp4Matrix}: a row is a sequence of <em>groups</em> of {@code 2·L}
 * weights, the first {@code L} of a group into accumulator 0 and the other {@code L} into accumulator 1, the two added
 * and summed by {@link LaneSum} ({@link DecodedRowDot}'s order), so a row decoded once into scratch runs the plain
 * float kernels ({@link DequantizedRows}) bit-identically to {@link #dot}. The groups follow the byte layout:
 * <ul>
 *   <li>8 lanes: a sub-block's 8 code bytes widened once are its elements 0–7 (low nibbles) and, shifted, 8–15: element
 *       order;</li>
 *   <li>4 lanes: a code word (4 bytes) gives elements 4k..4k+3 and 8+4k..: element order too (chunks k and k+2 of the
 *       sub-block into the same accumulator, as the element-order kernel puts them);</li>
 *   <li>16 lanes: <em>split order</em>: the 16 code bytes of a sub-block pair widened once are the low halves of both
 *       sub-blocks (elements 0–7 and 16–23 of the 32) and, shifted, their high halves (8–15, 24–31) — no per-lane
 *       placement of nibbles. The input is split to match ({@link #split}): once per product by {@link #dotRange} and
 *       the batched paths, per group in registers by a lone {@link #dot}.</li>
 * </ul>
 */
public record Nvfp4Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final int BLOCK_BYTES = 36;

    public Nvfp4Matrix {
        if (cols % 64 != 0) throw new IllegalArgumentException(cols + " columns are not whole NVFP4 blocks");
    }

    private long rowBytes() {
        return (long) cols / 64 * BLOCK_BYTES;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    /** Every scale byte decoded ({@link GgmlBlocks#ue4m3Half}): one load instead of the bit arithmetic per sub-block. */
    private static final float[] SCALES = new float[256];

    static {
        for (int b = 0; b < 256; b++) SCALES[b] = GgmlBlocks.ue4m3Half(b);
    }

    /** Sub-block {@code s}'s scale of the block at {@code o}. */
    private static float scale(MemorySegment data, long o, int s) {
        return SCALES[GgmlBlocks.u8(data, o + s)];
    }

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final int L = F.length();
    /** Whether the vector kernels apply. */
    private static final boolean VECTOR = !VectorWidth.SCALAR && L >= 4 && L <= 16;
    /** 16 lanes: split order, a sub-block pair per group. */
    private static final boolean WIDE = VECTOR && L == 16;
    /** 8 lanes: a sub-block per group. */
    private static final boolean PARTS = VECTOR && L == 8;
    /** 4 lanes: half a sub-block (a code word) per group. */
    private static final boolean NARROW = VECTOR && L == 4;
    /** Groups per 64-element block. */
    private static final int GROUPS = 64 / (2 * L);


    /** 16 lanes: the whole table; 8 lanes: its two halves; 4 lanes: the 8 magnitudes in two halves. */
    private static final IntVector TABLE = NibbleTable.lanes(c -> GgmlBlocks.FP4_VALUES[c], 0), TABLE_HIGH = NibbleTable.lanes(c -> GgmlBlocks.FP4_VALUES[c], I.length());
    /** At 16 lanes lanes 8–15 of a group are the second sub-block's: its scale. */
    private static final VectorMask<Float> SECOND_SUB_BLOCK = VectorMask.fromLong(F, L == 16 ? 0xFF00L : 0L);
    /** At 16 lanes a group's inputs from its two vectors of consecutive inputs: low halves (0–7, 16–23), high (8–15, 24–31). */
    private static final VectorShuffle<Float> LOW_HALVES = VectorShuffle.fromOp(F, j -> j < 8 ? j : j + 8),
            HIGH_HALVES = VectorShuffle.fromOp(F, j -> j < 8 ? j + 8 : j + 16);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** 4 lanes: lane j of a code word shifted down to its byte j (bits above it left, the lookups ignore them). */
    private static final IntVector BYTE_SHIFTS = IntVector.zero(I).addIndex(8);

    /**
     * Group {@code g}'s code bytes of the block at {@code o}, zero-extended to ints: 16 lanes the bytes of sub-blocks
     * 2g and 2g+1; 8 lanes sub-block g's; 4 lanes code word g (sub-block g/2, bytes 4·(g mod 2)..), with the
     * following bytes above each.
     */
    private static IntVector bytes(MemorySegment data, long o, int g) {
        if (NARROW) return IntVector.broadcast(I, data.get(LE_INT, o + 4 + 4L * g)).lanewise(VectorOperators.LSHR, BYTE_SHIFTS);
        return (IntVector) ByteVector.fromMemorySegment(VectorWidth.BYTE, data, o + 4 + (long) L * g, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Group {@code g}'s scales: two sub-blocks' at 16 lanes (lanes 0–7, 8–15; one 2-byte load), one sub-block's else. */
    private static FloatVector groupScales(MemorySegment data, long o, int g) {
        if (WIDE) {
            int pair = data.get(LE_SHORT, o + 2L * g);
            return FloatVector.broadcast(F, SCALES[pair & 0xFF]).blend(SCALES[(pair >>> 8) & 0xFF], SECOND_SUB_BLOCK);
        }
        return FloatVector.broadcast(F, scale(data, o, NARROW ? g >>> 1 : g));
    }

    /** Column of the first of group {@code g}'s low weights within its block (the high ones follow at +8 (4, 8 lanes) or in split order). */
    private static int lowColumn(int g) {
        return NARROW ? 16 * (g >>> 1) + 4 * (g & 1) : 16 * g;
    }

    /**
     * {@code dst[dstOff ..] = x[xOff ..]} in split order (16 lanes): per 32 columns, columns 0–7 and 16–23, then 8–15
     * and 24–31.
     */
    static void split(float[] x, int xOff, float[] dst, int dstOff, int cols) {
        for (int g = 0; g < cols; g += 32) {
            FloatVector a = FloatVector.fromArray(F, x, xOff + g), b = FloatVector.fromArray(F, x, xOff + g + 16);
            a.rearrange(LOW_HALVES, b).intoArray(dst, dstOff + g);
            a.rearrange(HIGH_HALVES, b).intoArray(dst, dstOff + g + 16);
        }
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (!VECTOR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / 64;
        if (WIDE) return dotWide(data, base, blocks, x, xOff);
        if (PARTS) return dotParts(data, base, blocks, x, xOff);
        return dotNarrow(data, base, blocks, x, xOff);
    }

    /** 8 lanes: per sub-block its low nibbles (elements 0–7) into accumulator 0, its high ones (8–15) into 1. */
    private static float dotParts(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            for (int s = 0; s < 4; s++) {
                IntVector b = bytes(data, o, s);
                FloatVector d = groupScales(data, o, s);
                int c = xOff + blk * 64 + 16 * s;
                acc0 = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c), acc0);
                acc1 = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c + 8), acc1);
            }
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /**
     * 4 lanes: per sub-block code word 0 (elements 0–3 low, 8–11 high) into accumulator 0 and word 1 (4–7, 12–15)
     * into 1 — the element-order kernel's chunks 0, 2 and 1, 3, in the same order per accumulator.
     */
    private static float dotNarrow(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            for (int s = 0; s < 4; s++) {
                IntVector w0 = bytes(data, o, 2 * s), w1 = bytes(data, o, 2 * s + 1);
                FloatVector d = groupScales(data, o, 2 * s);
                int c = xOff + blk * 64 + 16 * s;
                acc0 = NibbleTable.low(w0, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c), acc0);
                acc1 = NibbleTable.low(w1, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c + 4), acc1);
                acc0 = NibbleTable.high(w0, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c + 8), acc0);
                acc1 = NibbleTable.high(w1, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, x, c + 12), acc1);
            }
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** 16 lanes, a lone input: split per group in registers, then {@link #dotSplit}'s operations. */
    private static float dotWide(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int half = 0; half < 2 * blocks; half++) { // sub-block pairs, 32 columns each
            long o = base + (long) (half >>> 1) * BLOCK_BYTES;
            int g = half & 1, c = xOff + half * 32;
            IntVector b = bytes(data, o, g);
            FloatVector d = groupScales(data, o, g);
            FloatVector xa = FloatVector.fromArray(F, x, c), xb = FloatVector.fromArray(F, x, c + 16);
            acc0 = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).fma(xa.rearrange(LOW_HALVES, xb), acc0);
            acc1 = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).fma(xa.rearrange(HIGH_HALVES, xb), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** 16 lanes: {@link #dot} against an input already {@link #split}. */
    private static float dotSplit(MemorySegment data, long base, int blocks, float[] xs, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int half = 0; half < 2 * blocks; half++) {
            long o = base + (long) (half >>> 1) * BLOCK_BYTES;
            int g = half & 1, c = xOff + half * 32;
            IntVector b = bytes(data, o, g);
            FloatVector d = groupScales(data, o, g);
            acc0 = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, xs, c), acc0);
            acc1 = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).fma(FloatVector.fromArray(F, xs, c + 16), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** A decoded row {@code w[wOff ..]} against x: chunk p (L lanes) into accumulator p mod 2 ({@link DecodedRowDot}'s order). */
    private static float dotDequantized(float[] w, int wOff, int cols, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int c = 0; c < cols; c += 2 * L) {
            acc0 = FloatVector.fromArray(F, w, wOff + c).fma(FloatVector.fromArray(F, x, xOff + c), acc0);
            acc1 = FloatVector.fromArray(F, w, wOff + c + L).fma(FloatVector.fromArray(F, x, xOff + c + L), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** Scalar twin: {@code Σ w·x} over the dequantized weights in element order. */
    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes();
        float sum = 0;
        for (int blk = 0; blk < cols / 64; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            for (int j = 0; j < 64; j++) sum += code(data, o, j) * scale(data, o, j >>> 4) * x[xOff + blk * 64 + j];
        }
        return sum;
    }

    /** Element {@code j}'s code of the block at {@code o}. */
    private static int code(MemorySegment data, long o, int j) {
        int b = GgmlBlocks.u8(data, o + 4 + 8 * (j >>> 4) + (j & 7));
        return GgmlBlocks.FP4_VALUES[(j & 8) == 0 ? b & 0x0F : b >>> 4];
    }

    /**
     * 16 lanes: the input split once, rows two at a time ({@link #dotSplitPair}); other widths: each row's {@link #dot}.
     * Bit-identical to {@link #dot}.
     */
    @Override
    public void dotRange(int start, int end, float[] x, int xOff, float[] out, int outOff) {
        if (!WIDE) {
            WeightMatrix.super.dotRange(start, end, x, xOff, out, outOff);
            return;
        }
        float[] xs = RowScratch.inputs(cols);
        split(x, xOff, xs, 0, cols);
        int blocks = cols / 64, o = start;
        for (; o + 2 <= end; o += 2) dotSplitPair(data, o * rowBytes(), (o + 1) * rowBytes(), blocks, xs, out, outOff + o);
        if (o < end) out[outOff + o] = dotSplit(data, o * rowBytes(), blocks, xs, 0);
    }

    /**
     * {@link #dotSplit} of the rows at {@code base0} and {@code base1} into {@code out[at]}, {@code out[at + 1]}: each
     * row's operations and order exactly as alone (so bit-identical), interleaved so that four independent accumulator
     * chains hide the FMA latency that bounds one row's two, and each input vector is loaded once for both.
     */
    private static void dotSplitPair(MemorySegment data, long base0, long base1, int blocks, float[] xs, float[] out, int at) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        for (int half = 0; half < 2 * blocks; half++) {
            long o0 = base0 + (long) (half >>> 1) * BLOCK_BYTES, o1 = base1 + (long) (half >>> 1) * BLOCK_BYTES;
            int g = half & 1, c = half * 32;
            FloatVector xl = FloatVector.fromArray(F, xs, c), xh = FloatVector.fromArray(F, xs, c + 16);
            IntVector p = bytes(data, o0, g), q = bytes(data, o1, g);
            FloatVector dp = groupScales(data, o0, g), dq = groupScales(data, o1, g);
            a0 = NibbleTable.low(p, TABLE, TABLE_HIGH).mul(dp).fma(xl, a0);
            a1 = NibbleTable.high(p, TABLE, TABLE_HIGH).mul(dp).fma(xh, a1);
            b0 = NibbleTable.low(q, TABLE, TABLE_HIGH).mul(dq).fma(xl, b0);
            b1 = NibbleTable.high(q, TABLE, TABLE_HIGH).mul(dq).fma(xh, b1);
        }
        out[at] = LaneSum.sum(a0.add(a1));
        out[at + 1] = LaneSum.sum(b0.add(b1));
    }

    // ---- batches ----

    /** Batches from this size on decode a row (pair) into scratch once and reuse it. */
    static final int FUSED_BELOW = 9;

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !VECTOR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        if (WIDE) {
            float[] xs = splitInputs(x, xOff, xStride, batch);
            dotRowsSplit(row, xs, batch, out, outOff, outStride);
            return;
        }
        float[] w = RowScratch.get(cols, 0).values;
        decode(row, w, 0);
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dotDequantized(w, 0, cols, x, xOff + b * xStride);
    }

    /** 16 lanes: row {@code row} against {@code batch} split inputs {@code cols} apart in {@code xs}. */
    private void dotRowsSplit(int row, float[] xs, int batch, float[] out, int outOff, int outStride) {
        long base = row * rowBytes();
        int blocks = cols / 64;
        if (batch < FUSED_BELOW) {
            int b = 0;
            for (; b + 2 <= batch; b += 2) dotSplit2(data, base, blocks, xs, b * cols, cols, out, outOff + b * outStride, outStride);
            if (b < batch) out[outOff + b * outStride] = dotSplit(data, base, blocks, xs, b * cols);
            return;
        }
        float[] w = RowScratch.get(cols, 0).values;
        decode(row, w, 0);
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dotDequantized(w, 0, cols, xs, b * cols);
    }

    /**
     * At 16 lanes the inputs are split once for the range: single inputs run {@link #dotRange}; prefill-sized batches
     * take the rows two at a time, both decoded once ({@link DequantizedRows#dotRowPair}); decode batches of 4 to 8 go
     * panel by panel, each panel first prefetched into L2 ({@link PanelPrefetch}), then two rows against 4 inputs at a
     * time with the weights built in registers ({@link #dotSplit2x4}). Other widths and batches row by row
     * ({@link #dotRows}). Bit-identical to {@link #dot} every way.
     */
    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (!WIDE) {
            for (int o = start; o < end; o++) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
            return;
        }
        if (batch == 1) {
            dotRange(start, end, x, xOff, out, outOff);
            return;
        }
        float[] xs = splitInputs(x, xOff, xStride, batch);
        int o = start;
        if (batch >= FUSED_BELOW) {
            float[] w = RowScratch.get(2 * cols, 0).values;
            for (; o + 2 <= end; o += 2) {
                decode(o, w, 0);
                decode(o + 1, w, cols);
                DequantizedRows.dotRowPair(w, cols, xs, 0, cols, batch, out, outOff + o, outStride);
            }
        } else if (batch >= 4) {
            long rowBytes = rowBytes();
            int panelRows = PanelPrefetch.rowsPerPanel(rowBytes);
            for (int p0 = start; p0 < end; p0 += panelRows) {
                int p1 = Math.min(end, p0 + panelRows);
                PanelPrefetch.prefetch(data, p0 * rowBytes, p1 * rowBytes);
                for (o = p0; o + 2 <= p1; o += 2) rowPairSplit(o, xs, batch, out, outOff + o, outStride);
                if (o < p1) dotRowsSplit(o, xs, batch, out, outOff + o, outStride);
            }
            return;
        }
        for (; o < end; o++) dotRowsSplit(o, xs, batch, out, outOff + o, outStride);
    }

    /** The {@code batch} inputs {@code xStride} apart, each {@link #split}, {@code cols} apart in this thread's scratch. */
    private float[] splitInputs(float[] x, int xOff, int xStride, int batch) {
        float[] xs = RowScratch.inputs(batch * cols);
        for (int b = 0; b < batch; b++) split(x, xOff + b * xStride, xs, b * cols, cols);
        return xs;
    }

    /** Rows {@code row} and {@code row + 1} against a decode batch of split inputs: 4 inputs at a time, the rest per row. */
    private void rowPairSplit(int row, float[] xs, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            dotSplit2x4(data, row * rowBytes(), (row + 1) * rowBytes(), cols / 64, xs, b * cols, cols, out, outOff + b * outStride, outStride);
        }
        if (b < batch) {
            dotRowsSplitFrom(row, xs, b, batch, out, outOff, outStride);
            dotRowsSplitFrom(row + 1, xs, b, batch, out, outOff + 1, outStride);
        }
    }

    /** Row {@code row} against split inputs {@code from ..< batch} (fused, as {@link #dotRowsSplit} below its threshold). */
    private void dotRowsSplitFrom(int row, float[] xs, int from, int batch, float[] out, int outOff, int outStride) {
        long base = row * rowBytes();
        int blocks = cols / 64, b = from;
        for (; b + 2 <= batch; b += 2) dotSplit2(data, base, blocks, xs, b * cols, cols, out, outOff + b * outStride, outStride);
        if (b < batch) out[outOff + b * outStride] = dotSplit(data, base, blocks, xs, b * cols);
    }

    /** {@link #dotSplit} for two split inputs {@code xStride} apart, sharing each group's weights; bit-identical. */
    private static void dotSplit2(MemorySegment data, long base, int blocks, float[] xs, int xOff, int xStride,
                                  float[] out, int outOff, int outStride) {
        FloatVector e0 = FloatVector.zero(F), o0 = e0, e1 = e0, o1 = e0;
        int x1 = xOff + xStride;
        for (int half = 0; half < 2 * blocks; half++) {
            long o = base + (long) (half >>> 1) * BLOCK_BYTES;
            int g = half & 1, c = half * 32;
            IntVector b = bytes(data, o, g);
            FloatVector d = groupScales(data, o, g);
            FloatVector lo = NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d), hi = NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d);
            e0 = lo.fma(FloatVector.fromArray(F, xs, xOff + c), e0);
            o0 = hi.fma(FloatVector.fromArray(F, xs, xOff + c + 16), o0);
            e1 = lo.fma(FloatVector.fromArray(F, xs, x1 + c), e1);
            o1 = hi.fma(FloatVector.fromArray(F, xs, x1 + c + 16), o1);
        }
        // Reduced through memory: a LaneSum.sum(FloatVector) left as a call (the JIT's inlining budget) boxes its vector.
        float[] lanes = LaneSum.lanes();
        e0.add(o0).intoArray(lanes, 0);
        e1.add(o1).intoArray(lanes, F.length());
        LaneSum.sumsInto(lanes, 2, out, outOff, outStride);
    }

    /**
     * Rows at {@code base0} and {@code base1} against four split inputs, both rows' weights built in registers group by
     * group: row r, input b into {@code out[outOff + r + b·outStride]}; per (row, input) the operations of
     * {@link #dotSplit}, so bit-identical to it.
     */
    private static void dotSplit2x4(MemorySegment data, long base0, long base1, int blocks, float[] xs, int xOff, int xStride,
                                    float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0: low, high
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int half = 0; half < 2 * blocks; half++) { // groups of 32
            long o0 = base0 + (long) (half >>> 1) * BLOCK_BYTES, o1 = base1 + (long) (half >>> 1) * BLOCK_BYTES;
            int g = half & 1, c = half * 32;
            IntVector bytes = bytes(data, o0, g);
            FloatVector d = groupScales(data, o0, g);
            FloatVector p = NibbleTable.low(bytes, TABLE, TABLE_HIGH).mul(d), pp = NibbleTable.high(bytes, TABLE, TABLE_HIGH).mul(d);
            bytes = bytes(data, o1, g);
            d = groupScales(data, o1, g);
            FloatVector q = NibbleTable.low(bytes, TABLE, TABLE_HIGH).mul(d), qq = NibbleTable.high(bytes, TABLE, TABLE_HIGH).mul(d);
            FloatVector v = FloatVector.fromArray(F, xs, xOff + c);
            a0 = p.fma(v, a0);
            b0 = q.fma(v, b0);
            v = FloatVector.fromArray(F, xs, x1 + c);
            a1 = p.fma(v, a1);
            b1 = q.fma(v, b1);
            v = FloatVector.fromArray(F, xs, x2 + c);
            a2 = p.fma(v, a2);
            b2 = q.fma(v, b2);
            v = FloatVector.fromArray(F, xs, x3 + c);
            a3 = p.fma(v, a3);
            b3 = q.fma(v, b3);
            v = FloatVector.fromArray(F, xs, xOff + c + 16);
            e0 = pp.fma(v, e0);
            f0 = qq.fma(v, f0);
            v = FloatVector.fromArray(F, xs, x1 + c + 16);
            e1 = pp.fma(v, e1);
            f1 = qq.fma(v, f1);
            v = FloatVector.fromArray(F, xs, x2 + c + 16);
            e2 = pp.fma(v, e2);
            f2 = qq.fma(v, f2);
            v = FloatVector.fromArray(F, xs, x3 + c + 16);
            e3 = pp.fma(v, e3);
            f3 = qq.fma(v, f3);
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

    /**
     * Row {@code row}'s weights {@code code·scale} into {@code w[wOff ..]}, in the order the kernels sum them: split order
     * at 16 lanes (against {@link #split} inputs), element order else.
     */
    void decode(int row, float[] w, int wOff) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 64; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int wb = wOff + blk * 64;
            for (int g = 0; g < GROUPS; g++) {
                IntVector b = bytes(data, o, g);
                FloatVector d = groupScales(data, o, g);
                int lowAt = WIDE ? wb + 32 * g : wb + lowColumn(g), highAt = WIDE ? lowAt + 16 : lowAt + 8;
                NibbleTable.low(b, TABLE, TABLE_HIGH).mul(d).intoArray(w, lowAt);
                NibbleTable.high(b, TABLE, TABLE_HIGH).mul(d).intoArray(w, highAt);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(dev.nemotron4j.engine.weights.DType.NVFP4, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Nvfp4Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
