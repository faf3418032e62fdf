package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ggml Q4_0 weights: blocks of 32 4-bit codes with one half-precision scale (18 bytes), value {@code d·(q−8)}; the low nibbles of the 16 code bytes are elements 0–15, the high nibbles 16–31.
 * The decode kernel reads each block once from memory and widens the codes in registers.
 */
public record Q4_0Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final int BLOCK_BYTES = 18;

    public Q4_0Matrix {
        if (cols % 32 != 0) throw new IllegalArgumentException(cols + " columns are not whole Q4_0 blocks");
    }

    private long rowBytes() {
        return (long) cols / 32 * BLOCK_BYTES;
    }

    @Override
    public long byteSize() {
        return data.byteSize();
    }

    @Override
    public float dot(int row, float[] x, int xOff) {
        if (WIDE) return dotWide(data, row * rowBytes(), cols / 32, x, xOff);
        if (!Block32.VECTOR) return dotScalar(row, x, xOff);
        long base = row * rowBytes();
        int blocks = cols / 32;
        var F = Block32.F;
        int L = Block32.L;
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int xo = xOff + blk * 32;
            float d = GgmlBlocks.half(data, o);
            FloatVector v = Block32.q4Chunk(data, o + 2, 0).mul(FloatVector.fromArray(F, x, xo));
            for (int p = 1; p < Block32.PARTS; p++) {
                v = Block32.q4Chunk(data, o + 2, p).fma(FloatVector.fromArray(F, x, xo + p * L), v);
            }
            if ((blk & 1) == 0) acc0 = v.fma(FloatVector.broadcast(F, d), acc0);
            else acc1 = v.fma(FloatVector.broadcast(F, d), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** Whether {@link #dotWide} applies: 16-lane float vectors hold half a block (512 bits; other widths take the generic kernels). */
    private static final boolean WIDE = Block32.VECTOR && Block32.L == 16;
    /** A block's 16 code bytes (at 16 lanes; unused at other widths). */
    private static final VectorSpecies<Byte> CODE_BYTES = VectorWidth.BYTE;
    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final IntVector NIBBLE = IntVector.broadcast(I, 0x0F), OFFSET = IntVector.broadcast(I, 8);

    /**
     * {@link #dot} with 16-lane vectors: the 16 code bytes of a block are loaded and zero-extended to ints once,
     * the low nibbles (elements 0–15) and high nibbles (16–31) taken with a mask and a shift. One block per
     * iteration and no branch: the body stays small enough that callers inlining it stay under the JIT's
     * inlining budget (two blocks per iteration overran it in the model). The same values meet in the same
     * operations as the generic kernel and {@link Block32#dotDecoded}: bit-identical to both.
     */
    private static float dotWide(MemorySegment data, long base, int blocks, float[] x, int xOff) {
        var F = Block32.F;
        FloatVector acc = FloatVector.zero(F), other = acc;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            FloatVector next = blockSum(data, o, x, xOff + blk * 32).fma(FloatVector.broadcast(F, GgmlBlocks.half(data, o)), acc);
            // even blocks into one accumulator, odd into the other: swap roles instead of branching on parity
            acc = other;
            other = next;
        }
        return LaneSum.sum(acc.add(other)); // (even + odd or odd + even: float addition commutes exactly)
    }

    /** Lane-wise {@code (q−8)·x} of the block at {@code o}: low half times x[xo..], plus high half times x[xo+16..]. */
    private static FloatVector blockSum(MemorySegment data, long o, float[] x, int xo) {
        IntVector codes = codes(data, o);
        return inputSum(low(codes), high(codes), x, xo);
    }

    /** The 16 code bytes of the block at {@code o}, zero-extended to ints. */
    private static IntVector codes(MemorySegment data, long o) {
        return (IntVector) ByteVector.fromMemorySegment(CODE_BYTES, data, o + 2, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** Elements 0–15 of the block, {@code q − 8}. */
    private static FloatVector low(IntVector codes) {
        return (FloatVector) codes.and(NIBBLE).sub(OFFSET).convert(VectorOperators.I2F, 0);
    }

    /** Elements 16–31 of the block, {@code q − 8}. */
    private static FloatVector high(IntVector codes) {
        return (FloatVector) codes.lanewise(VectorOperators.LSHR, 4).sub(OFFSET).convert(VectorOperators.I2F, 0);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, s.scales);
        return Block32.dotDecodedScalar(s.values, s.scales, cols / 32, x, xOff);
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !Block32.VECTOR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        if (WIDE && batch < FUSED_BELOW) {
            // Decode-sized batches: nibbles widened in registers once per group of inputs, the row read once.
            long base = row * rowBytes();
            int blocks = cols / 32, b = 0;
            for (; b + 2 <= batch; b += 2) dotWide2(data, base, blocks, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            if (b < batch) out[outOff + b * outStride] = dotWide(data, base, blocks, x, xOff + b * xStride);
            return;
        }
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, s.scales);
        Block32.dotRowsDecoded(s.values, s.scales, cols / 32, x, xOff, xStride, batch, out, outOff, outStride);
    }

    /**
     * With 16-lane vectors, prefill-sized batches take the rows two at a time, both decoded once
     * ({@link Block32#dotRowPairDecoded}); decode batches of 4 to 8 go panel by panel, each panel first prefetched into
     * L2 ({@link PanelPrefetch}), then two rows against 4 inputs at a time with the codes widened in registers
     * ({@link #dotWide2x4}). Other batches row by row ({@link #dotRows}). Bit-identical to {@link #dot} every way.
     */
    @Override
    public void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int o = start;
        if (batch >= FUSED_BELOW && Block32.ROW_PAIRS) {
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

    /** Batches from this size on decode a row into scratch once and reuse it ({@link Block32#dotRowsDecoded}). */
    static final int FUSED_BELOW = 9;

    /**
     * {@link #dotWide} for two inputs {@code xStride} apart, sharing each block's widened codes; bit-identical.
     * (Four inputs per pass exceed the JIT's inlining budget: every vector gets boxed, 10× slower.)
     */
    private static void dotWide2(MemorySegment data, long base, int blocks, float[] x, int xOff, int xStride,
                                 float[] out, int outOff, int outStride) {
        var F = Block32.F;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0;
        int x1 = xOff + xStride;
        for (int blk = 0; blk < blocks; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int e = blk * 32;
            IntVector codes = codes(data, o);
            FloatVector low = low(codes), high = high(codes), d = FloatVector.broadcast(F, GgmlBlocks.half(data, o));
            FloatVector v0 = inputSum(low, high, x, xOff + e), v1 = inputSum(low, high, x, x1 + e);
            if ((blk & 1) == 0) {
                a0 = v0.fma(d, a0);
                a1 = v1.fma(d, a1);
            } else {
                b0 = v0.fma(d, b0);
                b1 = v1.fma(d, b1);
            }
        }
        out[outOff] = LaneSum.sum(a0.add(b0));
        out[outOff + outStride] = LaneSum.sum(a1.add(b1));
    }

    /**
     * Rows at {@code base0} and {@code base1} against four inputs, the codes of both widened in registers block by
     * block: row r, input b into {@code out[outOff + r + b·outStride]}. Per (row, input) the operations of
     * {@link #dotWide} (even and odd blocks' accumulators swap roles every block): bit-identical to it. (The shape of
     * {@link Q8Paired#dotSplit2x4}, kept apart: a helper taking or returning vectors is not inlined into a kernel this
     * size, and every vector would be boxed.)
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
            FloatVector lo0 = low(codes), hi0 = high(codes), d0 = FloatVector.broadcast(F, GgmlBlocks.half(data, o0));
            codes = codes(data, o1);
            FloatVector lo1 = low(codes), hi1 = high(codes), d1 = FloatVector.broadcast(F, GgmlBlocks.half(data, o1));
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

    /** Lane-wise {@code low·x[xo..] + high·x[xo+16..]}: one block against one input, as {@link #blockSum}. */
    private static FloatVector inputSum(FloatVector low, FloatVector high, float[] x, int xo) {
        return high.fma(FloatVector.fromArray(Block32.F, x, xo + 16), low.mul(FloatVector.fromArray(Block32.F, x, xo)));
    }

    /** Codes of row {@code row} as floats into {@code q}, block scales into {@code d}. */
    void decode(int row, float[] q, float[] d) {
        decode(row, q, 0, d, 0);
    }

    /** {@link #decode} into {@code q} from {@code qOff} and {@code d} from {@code dOff}. */
    void decode(int row, float[] q, int qOff, float[] d, int dOff) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            int qb = qOff + blk * 32;
            d[dOff + blk] = GgmlBlocks.half(data, o);
            if (WIDE) {
                IntVector codes = codes(data, o);
                low(codes).intoArray(q, qb);
                high(codes).intoArray(q, qb + 16);
            } else if (Block32.VECTOR) {
                for (int p = 0; p < Block32.PARTS; p++) Block32.q4Chunk(data, o + 2, p).intoArray(q, qb + p * Block32.L);
            } else {
                for (int j = 0; j < 16; j++) {
                    int b = GgmlBlocks.u8(data, o + 2 + j);
                    q[qb + j] = (b & 0x0F) - 8;
                    q[qb + j + 16] = (b >>> 4) - 8;
                }
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(DType.Q4_0, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q4_0Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
