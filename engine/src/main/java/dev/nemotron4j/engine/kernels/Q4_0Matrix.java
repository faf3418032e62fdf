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

    /** Whether {@link #dotWide} applies: 16-lane float vectors hold half a block. */
    private static final boolean WIDE = Block32.L == 16;
    private static final VectorSpecies<Byte> CODE_BYTES = ByteVector.SPECIES_128;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_512;
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
     * Prefill-sized batches take the rows two at a time, both decoded once ({@link Block32#dotRowPairDecoded});
     * smaller ones row by row ({@link #dotRows}). Bit-identical to {@link #dot} either way.
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
        }
        for (; o < end; o++) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
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
                GgmlBlocks.dequantize(dev.nemotron4j.engine.weights.DType.Q4_0, data, o, q, qb);
                for (int j = 0; j < 32; j++) q[qb + j] /= d[dOff + blk]; // codes back from d·q (exact: d is a power-of-two-free half, used only off the vector path)
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(dev.nemotron4j.engine.weights.DType.Q4_0, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q4_0Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
