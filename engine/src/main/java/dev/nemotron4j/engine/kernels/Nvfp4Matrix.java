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
 * ggml NVFP4 weights (type 40): blocks of 64 values as 4 sub-blocks of 16 (36 bytes): 4 unsigned E4M3 sub-block
 * scales, then 8 bytes of nibbles per sub-block (low nibbles are its elements 0–7, high 8–15) indexing ggml's doubled
 * E2M1 table {@link GgmlBlocks#FP4_VALUES}; value {@code code·scale} ({@link GgmlBlocks#ue4m3Half}). The tensor's own
 * {@code .scale} multiplies the whole product and is not part of the blocks. The decode kernel reads each block once
 * from memory and looks the codes up in registers (the 16-entry table as one vector of float bits).
 *
 * <p>The kernels compute with the dequantized weights {@code w = code·scale} (a 2-bit code times a 4-bit scale
 * mantissa: exact in float32). One order for every path: per (row, input), part p (L lanes) of the row goes into
 * accumulator {@code p mod 2} — with 16 lanes, even and odd sub-blocks — and the two are added and summed by
 * {@link LaneSum}: {@link Q5_1Matrix}'s order, so a row dequantized once into scratch runs the plain float kernels
 * ({@link DequantizedRows}) bit-identically to {@link #dot}.
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

    /** Whether the vector kernels apply (a sub-block is a whole number of float vectors). */
    private static final boolean VECTOR = Block32.VECTOR && !VectorWidth.SCALAR;
    /** Whether the 16-lane kernels apply: a float vector holds a sub-block, an int vector the whole table. */
    private static final boolean WIDE = VECTOR && Block32.L == 16;
    /** Whether 8-lane parts look their codes up in the table's two halves. */
    private static final boolean PARTS = VECTOR && Block32.L == 8;

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (WIDE) return dotWide(data, row * rowBytes(), cols / 64, x, xOff);
        if (PARTS) return dotParts(data, row * rowBytes(), cols / 64, x, xOff);
        if (!VECTOR) return dotScalar(row, x, xOff);
        float[] w = RowScratch.get(cols, 0).values;
        dequantize(row, w, 0);
        return dotDequantized(w, 0, cols, x, xOff);
    }

    // ---- 16 lanes: a sub-block per vector; lane j takes byte j mod 8, shifted right by 0 (j < 8) or 4 ----

    /** A block's 16 code bytes and their ints (the width's: 128 and 512 bits where these kernels run). */
    private static final VectorSpecies<Byte> CODE_BYTES = VectorWidth.BYTE;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final IntVector TABLE = table(I, 0);
    /** Lanes 0–7 and 8–15 both from bytes 0–7 (an even sub-block of the pair) or 8–15 (the odd one). */
    private static final VectorShuffle<Integer> EVEN_BYTES = VectorShuffle.fromOp(I, j -> j & 7), ODD_BYTES = VectorShuffle.fromOp(I, j -> 8 + (j & 7));
    private static final IntVector NIBBLE_SHIFT = IntVector.zero(I).addIndex(1).lanewise(VectorOperators.LSHR, 3).lanewise(VectorOperators.LSHL, 2);

    /** The table's entries from {@code first} on as float bits, one per lane of {@code species}. */
    private static IntVector table(VectorSpecies<Integer> species, int first) {
        int[] bits = new int[species.length()];
        for (int i = 0; i < bits.length; i++) bits[i] = Float.floatToRawIntBits(GgmlBlocks.FP4_VALUES[(first + i) & 15]);
        return IntVector.fromArray(species, bits, 0);
    }

    /** The nibble bytes of sub-blocks 2h and 2h+1 of the block at {@code o}, zero-extended to ints. */
    private static IntVector codes(MemorySegment data, long o, int h) {
        return (IntVector) ByteVector.fromMemorySegment(CODE_BYTES, data, o + 4 + 16L * h, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** The codes of the even ({@code EVEN_BYTES}) or odd sub-block of a pair, looked up (index mod 16). */
    private static FloatVector codes(IntVector pair, VectorShuffle<Integer> half) {
        return pair.rearrange(half).lanewise(VectorOperators.LSHR, NIBBLE_SHIFT).selectFrom(TABLE).reinterpretAsFloats();
    }

    /** {@link #dot} with 16-lane vectors: even sub-blocks into one accumulator, odd into the other. */
    private static float dotWide(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        FloatVector even = FloatVector.zero(F), odd = even;
        for (int half = 0; half < 2 * blocks; half++) { // pairs of sub-blocks (a block per iteration overran the inlining budget)
            long o = base + (long) (half >>> 1) * BLOCK_BYTES;
            int h = half & 1, xo = xOff + half * 32;
            IntVector pair = codes(data, o, h);
            even = codes(pair, EVEN_BYTES).mul(scale(data, o, 2 * h)).fma(FloatVector.fromArray(F, x, xo), even);
            odd = codes(pair, ODD_BYTES).mul(scale(data, o, 2 * h + 1)).fma(FloatVector.fromArray(F, x, xo + 16), odd);
        }
        return LaneSum.sum(even.add(odd));
    }

    // ---- 8 lanes: a sub-block as two parts (its low and high nibbles), the table in two halves ----

    private static final VectorSpecies<Integer> PART_INTS = VectorWidth.INT;
    private static final IntVector TABLE_LOW = table(PART_INTS, 0), TABLE_HIGH = table(PART_INTS, PART_INTS.length());

    /** {@link #dot} for 8-lane vectors: part p of the row into accumulator p mod 2. */
    private static float dotParts(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            for (int s = 0; s < 4; s++) {
                IntVector b = (IntVector) ByteVector.fromMemorySegment(Block32.B, data, o + 4 + 8 * s, ByteOrder.LITTLE_ENDIAN)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, PART_INTS, 0);
                float d = scale(data, o, s);
                int xo = xOff + blk * 64 + 16 * s;
                acc0 = b.selectFrom(TABLE_LOW, TABLE_HIGH).reinterpretAsFloats().mul(d).fma(FloatVector.fromArray(F, x, xo), acc0);
                acc1 = b.lanewise(VectorOperators.LSHR, 4).selectFrom(TABLE_LOW, TABLE_HIGH).reinterpretAsFloats().mul(d)
                        .fma(FloatVector.fromArray(F, x, xo + 8), acc1);
            }
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** A row dequantized into {@code w[wOff ..]} against x: part p (L lanes) into accumulator p mod 2. */
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
            int blocks = cols / 64, b = 0;
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

    /** Rows {@code row} and {@code row + 1} against a decode batch: 4 inputs at a time, the rest in pairs per row. */
    private void rowPairWide(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            dotWide2x4(data, row * rowBytes(), (row + 1) * rowBytes(), cols / 64, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        if (b < batch) {
            dotRows(row, x, xOff + b * xStride, xStride, batch - b, out, outOff + b * outStride, outStride);
            dotRows(row + 1, x, xOff + b * xStride, xStride, batch - b, out, outOff + 1 + b * outStride, outStride);
        }
    }

    /** {@link #dotWide} for two inputs {@code xStride} apart, sharing each sub-block's weights; bit-identical. */
    private static void dotWide2(MemorySegment data, long base, int blocks, float[] x, int xOff, int xStride,
                                 float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector e0 = FloatVector.zero(F), o0 = e0, e1 = e0, o1 = e0;
        int x1 = xOff + xStride;
        for (int half = 0; half < 2 * blocks; half++) { // pairs of sub-blocks
            long o = base + (long) (half >>> 1) * BLOCK_BYTES;
            int h = half & 1, c = half * 32;
            IntVector pair = codes(data, o, h);
            FloatVector we = codes(pair, EVEN_BYTES).mul(scale(data, o, 2 * h)), wo = codes(pair, ODD_BYTES).mul(scale(data, o, 2 * h + 1));
            e0 = we.fma(FloatVector.fromArray(F, x, xOff + c), e0);
            o0 = wo.fma(FloatVector.fromArray(F, x, xOff + c + 16), o0);
            e1 = we.fma(FloatVector.fromArray(F, x, x1 + c), e1);
            o1 = wo.fma(FloatVector.fromArray(F, x, x1 + c + 16), o1);
        }
        // Reduced through memory: a LaneSum.sum(FloatVector) left as a call (the JIT's inlining budget) boxes its vector.
        float[] lanes = LaneSum.lanes();
        e0.add(o0).intoArray(lanes, 0);
        e1.add(o1).intoArray(lanes, F.length());
        LaneSum.sumsInto(lanes, 2, out, outOff, outStride);
    }

    /**
     * Rows at {@code base0} and {@code base1} against four inputs, both rows' weights built in registers sub-block pair
     * by pair: row r, input b into {@code out[outOff + r + b·outStride]}; per (row, input) the operations of
     * {@link #dotWide}, so bit-identical to it.
     */
    private static void dotWide2x4(MemorySegment data, long base0, long base1, int blocks, float[] x, int xOff, int xStride,
                                   float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0: even, odd
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride;
        for (int half = 0; half < 2 * blocks; half++) { // pairs of sub-blocks, 32 elements each
            long o0 = base0 + (long) (half >>> 1) * BLOCK_BYTES, o1 = base1 + (long) (half >>> 1) * BLOCK_BYTES;
            int h = half & 1, c = half * 32;
            IntVector pair = codes(data, o0, h);
            FloatVector p = codes(pair, EVEN_BYTES).mul(scale(data, o0, 2 * h)), pp = codes(pair, ODD_BYTES).mul(scale(data, o0, 2 * h + 1));
            pair = codes(data, o1, h);
            FloatVector q = codes(pair, EVEN_BYTES).mul(scale(data, o1, 2 * h)), qq = codes(pair, ODD_BYTES).mul(scale(data, o1, 2 * h + 1));
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

    /** Dequantized weights {@code code·scale} of row {@code row} into {@code w} from {@code wOff}, in element order. */
    void dequantize(int row, float[] w, int wOff) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 64; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int wb = wOff + blk * 64;
            if (WIDE) {
                for (int h = 0; h < 2; h++) {
                    IntVector pair = codes(data, o, h);
                    codes(pair, EVEN_BYTES).mul(scale(data, o, 2 * h)).intoArray(w, wb + 32 * h);
                    codes(pair, ODD_BYTES).mul(scale(data, o, 2 * h + 1)).intoArray(w, wb + 32 * h + 16);
                }
            } else {
                GgmlBlocks.dequantize(dev.nemotron4j.engine.weights.DType.NVFP4, data, o, w, wb);
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
