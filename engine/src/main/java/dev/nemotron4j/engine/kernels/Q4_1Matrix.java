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
 * ggml Q4_1 weights: blocks of 32 4-bit codes (20 bytes): half-precision scale d and min m, then 16 bytes of
 * nibbles (low nibbles are elements 0–15, high 16–31); value {@code d·q + m}. The decode kernel reads each block
 * once from memory and builds the weights in registers.
 *
 * <p>The arithmetic is {@link Q5_1Matrix}'s: the kernels compute with the dequantized weights {@code w = d·q + m},
 * exactly the values ggml defines ({@code d·q} is exact in float32, so one fused multiply-add rounds as the
 * reference does). One order for every path: per (row, input), part p (L lanes) of every block goes into accumulator {@code p mod 2} — with 16 lanes, elements 0–15
 * into one and 16–31 into the other — and the two are added and summed by {@link LaneSum}. A row dequantized once
 * into scratch is then a plain float row with that order ({@link DequantizedRows}), so batched products are
 * bit-identical to {@link #dot}. (Cheaper than {@code d·Σq·x + m·Σx} per block: two multiply-adds per block either
 * way, without the sum of x.)
 */
public record Q4_1Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final int BLOCK_BYTES = 20;

    public Q4_1Matrix {
        if (cols % 32 != 0) throw new IllegalArgumentException(cols + " columns are not whole Q4_1 blocks");
    }

    private long rowBytes() {
        return (long) cols / 32 * BLOCK_BYTES;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    /** Whether the vector kernels apply (a block is a whole number of float vectors). */
    private static final boolean VECTOR = Block32.VECTOR && !VectorWidth.SCALAR;
    /** Whether the 16-lane kernels apply: a float vector holds half a block. */
    private static final boolean WIDE = VECTOR && Block32.L == 16;

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (WIDE) return dotWide(data, row * rowBytes(), cols / 32, x, xOff);
        if (!VECTOR) return dotScalar(row, x, xOff);
        return dotParts(data, row * rowBytes(), cols / 32, x, xOff);
    }

    // ---- 16 lanes: the block's 16 code bytes widened to ints once ----

    /** A block's 16 code bytes and their ints (the width's: 128 and 512 bits where these kernels run). */
    private static final VectorSpecies<Byte> CODE_BYTES = VectorWidth.BYTE;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final IntVector NIBBLE = IntVector.broadcast(I, 0x0F);

    /** {@link #dot} with 16-lane vectors: elements 0–15 of every block into one accumulator, 16–31 into the other. */
    private static float dotWide(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        FloatVector lo = FloatVector.zero(F), hi = lo;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            IntVector codes = codes(data, o);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o)), m = FloatVector.broadcast(F, GgmlBlocks.half(data, o + 2));
            int xo = xOff + blk * 32;
            lo = low(codes).fma(d, m).fma(FloatVector.fromArray(F, x, xo), lo);
            hi = high(codes).fma(d, m).fma(FloatVector.fromArray(F, x, xo + 16), hi);
        }
        return LaneSum.sum(lo.add(hi));
    }

    private static IntVector codes(MemorySegment data, long o) {
        return (IntVector) ByteVector.fromMemorySegment(CODE_BYTES, data, o + 4, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Codes {@code q} of elements 0–15. */
    private static FloatVector low(IntVector codes) {
        return (FloatVector) codes.and(NIBBLE).convert(VectorOperators.I2F, 0);
    }

    /** Codes {@code q} of elements 16–31. */
    private static FloatVector high(IntVector codes) {
        return (FloatVector) codes.lanewise(VectorOperators.LSHR, 4).convert(VectorOperators.I2F, 0);
    }

    // ---- other widths: part p of a block (L lanes) into accumulator p mod 2 ----

    private static final VectorSpecies<Integer> PART_INTS = VectorWidth.INT;

    /** Part {@code p} (elements p·L .. p·L+L) of the block at {@code o} as codes {@code q}. */
    private static FloatVector part(MemorySegment data, long o, int p) {
        int e = p * Block32.L, at = e & 15, first = at - at % Block32.B.length(); // (4 lanes: 8 bytes hold two parts)
        IntVector b = (IntVector) ByteVector.fromMemorySegment(Block32.B, data, o + 4 + first, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, PART_INTS, (at - first) / Block32.L);
        IntVector nib = e < 16 ? b.and(0x0F) : b.lanewise(VectorOperators.LSHR, 4);
        return (FloatVector) nib.convert(VectorOperators.I2F, 0);
    }

    /** {@link #dot} for vectors other than 16 lanes. */
    private static float dotParts(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        int L = Block32.L;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int xo = xOff + blk * 32;
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o)), m = FloatVector.broadcast(F, GgmlBlocks.half(data, o + 2));
            for (int p = 0; p < Block32.PARTS; p += 2) {
                acc0 = part(data, o, p).fma(d, m).fma(FloatVector.fromArray(F, x, xo + p * L), acc0);
                acc1 = part(data, o, p + 1).fma(d, m).fma(FloatVector.fromArray(F, x, xo + p * L + L), acc1);
            }
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** A row dequantized into {@code w[wOff ..]} against x, in {@link #dotParts}'s order. */
    private static float dotDequantized(float[] w, int wOff, int cols, float[] x, int xOff) {
        var F = Block32.F;
        int L = Block32.L;
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
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int xo = xOff + blk * 32;
            float d = GgmlBlocks.half(data, o), m = GgmlBlocks.half(data, o + 2);
            for (int j = 0; j < 32; j++) sum += (code(data, o, j) * d + m) * x[xo + j];
        }
        return sum;
    }

    /** Element {@code j}'s code {@code q} of the block at {@code o}. */
    private static int code(MemorySegment data, long o, int j) {
        int b = data.get(ValueLayout.JAVA_BYTE, o + 4 + (j & 15)) & 0xFF;
        return j < 16 ? b & 0x0F : b >>> 4;
    }

    // ---- batches ----

    /** Batches from this size on dequantize a row (pair) into scratch once and reuse it. */
    static final int FUSED_BELOW = 9;

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !VECTOR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        if (WIDE && batch < FUSED_BELOW) {
            long base = row * rowBytes();
            int blocks = cols / 32, b = 0;
            for (; b + 2 <= batch; b += 2) dotWide2(data, base, blocks, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            if (b < batch) out[outOff + b * outStride] = dotWide(data, base, blocks, x, xOff + b * xStride);
            return;
        }
        float[] w = RowScratch.get(cols, 0).values;
        dequantize(row, w, 0);
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dotDequantized(w, 0, cols, x, xOff + b * xStride);
    }

    /**
     * With 16-lane vectors, prefill-sized batches take the rows two at a time, both dequantized once
     * ({@link DequantizedRows#dotRowPair}); decode batches of 4 to 8 go panel by panel, each panel first prefetched
     * into L2 ({@link PanelPrefetch}), then two rows against 4 inputs at a time with the weights built in registers
     * ({@link #dotWide2x4}). Other batches row by row ({@link #dotRows}). Bit-identical to {@link #dot} every way.
     */
    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int o = start;
        if (WIDE && batch >= FUSED_BELOW) {
            float[] w = RowScratch.get(2 * cols, 0).values;
            for (; o + 2 <= end; o += 2) {
                dequantize(o, w, 0);
                dequantize(o + 1, w, cols);
                DequantizedRows.dotRowPair(w, cols, x, xOff, xStride, batch, out, outOff + o, outStride);
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

    /**
     * Rows {@code row} and {@code row + 1} against a decode batch: 4 inputs at a time, the rest in pairs per row. The
     * two rows' scales and mins are read into scratch first: read inside {@link #dotWide2x4}, they overran the JIT's
     * inlining budget (a code helper left as a call boxed every vector, 6× slower).
     */
    private void rowPairWide(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0, blocks = cols / 32;
        long base0 = row * rowBytes(), base1 = base0 + rowBytes();
        if (batch >= 4) {
            float[] scales = RowScratch.get(0, 4 * blocks).scales;
            for (int blk = 0; blk < blocks; blk++) {
                long o0 = base0 + (long) blk * BLOCK_BYTES, o1 = base1 + (long) blk * BLOCK_BYTES;
                scales[blk] = GgmlBlocks.half(data, o0);
                scales[blocks + blk] = GgmlBlocks.half(data, o0 + 2);
                scales[2 * blocks + blk] = GgmlBlocks.half(data, o1);
                scales[3 * blocks + blk] = GgmlBlocks.half(data, o1 + 2);
            }
            for (; b + 4 <= batch; b += 4) {
                dotWide2x4(data, base0, base1, blocks, scales, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            }
        }
        if (b < batch) {
            dotRows(row, x, xOff + b * xStride, xStride, batch - b, out, outOff + b * outStride, outStride);
            dotRows(row + 1, x, xOff + b * xStride, xStride, batch - b, out, outOff + 1 + b * outStride, outStride);
        }
    }

    /** {@link #dotWide} for two inputs {@code xStride} apart, sharing each block's weights; bit-identical. */
    private static void dotWide2(MemorySegment data, long base, int blocks, float[] x, int xOff, int xStride,
                                 float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector lo0 = FloatVector.zero(F), hi0 = lo0, lo1 = lo0, hi1 = lo0;
        int x1 = xOff + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int e = blk * 32;
            IntVector codes = codes(data, o);
            FloatVector d = FloatVector.broadcast(F, GgmlBlocks.half(data, o)), m = FloatVector.broadcast(F, GgmlBlocks.half(data, o + 2));
            FloatVector wl = low(codes).fma(d, m), wh = high(codes).fma(d, m);
            lo0 = wl.fma(FloatVector.fromArray(F, x, xOff + e), lo0);
            hi0 = wh.fma(FloatVector.fromArray(F, x, xOff + e + 16), hi0);
            lo1 = wl.fma(FloatVector.fromArray(F, x, x1 + e), lo1);
            hi1 = wh.fma(FloatVector.fromArray(F, x, x1 + e + 16), hi1);
        }
        // Reduced through memory: a LaneSum.sum(FloatVector) left as a call (the JIT's inlining budget) boxes its vector.
        float[] lanes = LaneSum.lanes();
        lo0.add(hi0).intoArray(lanes, 0);
        lo1.add(hi1).intoArray(lanes, F.length());
        LaneSum.sumsInto(lanes, 2, out, outOff, outStride);
    }

    /**
     * Rows at {@code base0} and {@code base1} against four inputs, both rows' weights built in registers block by
     * block: row r, input b into {@code out[outOff + r + b·outStride]}; per (row, input) the operations of
     * {@link #dotWide}, so bit-identical to it. Row r's scales and mins are {@code scales[2r·blocks ..]} and
     * {@code scales[(2r+1)·blocks ..]}.
     */
    private static void dotWide2x4(MemorySegment data, long base0, long base1, int blocks, float[] scales, float[] x, int xOff,
                                   int xStride, float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0: low, high
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o0 = base0 + (long) blk * BLOCK_BYTES, o1 = base1 + (long) blk * BLOCK_BYTES;
            int c = blk * 32;
            IntVector codes = codes(data, o0);
            FloatVector d = FloatVector.broadcast(F, scales[blk]), m = FloatVector.broadcast(F, scales[blocks + blk]);
            FloatVector p = low(codes).fma(d, m), pp = high(codes).fma(d, m);
            codes = codes(data, o1);
            d = FloatVector.broadcast(F, scales[2 * blocks + blk]);
            m = FloatVector.broadcast(F, scales[3 * blocks + blk]);
            FloatVector q = low(codes).fma(d, m), qq = high(codes).fma(d, m);
            FloatVector v = FloatVector.fromArray(F, x, xOff + c);
            a0 = p.fma(v, a0);
            b0 = q.fma(v, b0);
            v = FloatVector.fromArray(F, x, x1 + c);
            a1 = p.fma(v, a1);
            b1 = q.fma(v, b1);
            v = FloatVector.fromArray(F, x, x2 + c);
            a2 = p.fma(v, a2);
            b2 = q.fma(v, b2);
            v = FloatVector.fromArray(F, x, x3 + c);
            a3 = p.fma(v, a3);
            b3 = q.fma(v, b3);
            v = FloatVector.fromArray(F, x, xOff + c + 16);
            e0 = pp.fma(v, e0);
            f0 = qq.fma(v, f0);
            v = FloatVector.fromArray(F, x, x1 + c + 16);
            e1 = pp.fma(v, e1);
            f1 = qq.fma(v, f1);
            v = FloatVector.fromArray(F, x, x2 + c + 16);
            e2 = pp.fma(v, e2);
            f2 = qq.fma(v, f2);
            v = FloatVector.fromArray(F, x, x3 + c + 16);
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

    /** Dequantized weights {@code d·q + m} of row {@code row} into {@code w} from {@code wOff}, in element order. */
    void dequantize(int row, float[] w, int wOff) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int wb = wOff + blk * 32;
            if (WIDE) {
                IntVector codes = codes(data, o);
                FloatVector d = FloatVector.broadcast(Block32.F, GgmlBlocks.half(data, o)), m = FloatVector.broadcast(Block32.F, GgmlBlocks.half(data, o + 2));
                low(codes).fma(d, m).intoArray(w, wb);
                high(codes).fma(d, m).intoArray(w, wb + 16);
            } else {
                GgmlBlocks.dequantize(dev.nemotron4j.engine.weights.DType.Q4_1, data, o, w, wb);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(dev.nemotron4j.engine.weights.DType.Q4_1, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q4_1Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
