package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * ggml Q8_0 weights: blocks of 32 int8 codes with one half-precision scale (34 bytes), value {@code d·q}.
 * The decode kernel reads each block once from memory and widens the codes in registers.
 */
public record Q8_0Matrix(MemorySegment data, int rows, int cols) implements WeightMatrix {

    static final int BLOCK_BYTES = 34;

    public Q8_0Matrix {
        if (cols % 32 != 0) throw new IllegalArgumentException(cols + " columns are not whole Q8_0 blocks");
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
        if (Q8Paired.ENABLED) return Q8Paired.dot(data, row * rowBytes(), cols / 32, x, xOff);
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
            FloatVector v = Block32.q8Chunk(data, o + 2, 0).mul(FloatVector.fromArray(F, x, xo));
            for (int p = 1; p < Block32.PARTS; p++) {
                v = Block32.q8Chunk(data, o + 2, p).fma(FloatVector.fromArray(F, x, xo + p * L), v);
            }
            if ((blk & 1) == 0) acc0 = v.fma(FloatVector.broadcast(F, d), acc0);
            else acc1 = v.fma(FloatVector.broadcast(F, d), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes();
        float sum = 0;
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            float s = 0;
            for (int j = 0; j < 32; j++) s += data.get(ValueLayout.JAVA_BYTE, o + 2 + j) * x[xOff + blk * 32 + j];
            sum += GgmlBlocks.half(data, o) * s;
        }
        return sum;
    }

    @Override
    public void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || !Block32.VECTOR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        if (Q8Paired.ENABLED) {
            // The same path as MatMul: split the inputs once, then the split kernels.
            float[] xs = RowScratch.inputs(batch * cols);
            for (int b = 0; b < batch; b++) Q8Paired.split(x, xOff + b * xStride, xs, b * cols, cols);
            dotRowsSplit(row, xs, 0, cols, batch, out, outOff, outStride);
            return;
        }
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, s.scales);
        Block32.dotRowsDecoded(s.values, s.scales, cols / 32, x, xOff, xStride, batch, out, outOff, outStride);
    }

    /** Whether {@link #dotRowsSplit} applies (16-lane vectors). */
    static boolean splitInputs() {
        return Q8Paired.ENABLED;
    }

    /**
     * {@link #dotRows} for input rows already split by {@link Q8Paired#split}; bit-identical to {@link #dot}.
     * Decode-sized batches take the inputs in pairs against each widened block ({@link #dotRowsPaired}), larger
     * ones decode the row once and take 4 at a time ({@link #dotRowsDecoded}).
     */
    void dotRowsSplit(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch < PAIRED_BELOW) dotRowsPaired(row, xs, xOff, xStride, batch, out, outOff, outStride);
        else dotRowsDecoded(row, xs, xOff, xStride, batch, out, outOff, outStride);
    }

    /** Inputs in pairs sharing each block's widened codes, an odd last one alone. */
    void dotRowsPaired(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        long base = row * rowBytes();
        int b = 0;
        for (; b + 2 <= batch; b += 2) {
            Q8Paired.dotSplit2(data, base, cols / 32, xs, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        if (b < batch) out[outOff + b * outStride] = Q8Paired.dotSplit(data, base, cols / 32, xs, xOff + b * xStride);
    }

    /** The row decoded once into scratch, then 4 inputs at a time; the last 1–3 alone from the codes. */
    void dotRowsDecoded(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        if (batch >= 4) {
            RowScratch s = RowScratch.get(cols, cols / 32);
            Q8Paired.decode(data, row * rowBytes(), cols / 32, s.values, s.scales);
            for (; b + 4 <= batch; b += 4) {
                Q8Paired.dotSplit4(s.values, s.scales, cols / 32, xs, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            }
        }
        for (; b < batch; b++) out[outOff + b * outStride] = Q8Paired.dotSplit(data, row * rowBytes(), cols / 32, xs, xOff + b * xStride);
    }

    /**
     * {@link #dotRowsDecoded} for rows {@code row} and {@code row + 1} (outputs {@code out[outOff + b·outStride]} and
     * {@code out[outOff + 1 + b·outStride]}): both decoded once, then 4 inputs at a time against the pair
     * ({@link Q8Paired#dotSplit2x4}); the last 1–3 inputs alone from the codes. Bit-identical to {@link #dot}.
     */
    void dotRowPairDecoded(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int blocks = cols / 32, b = 0;
        if (batch >= 4) {
            RowScratch s = RowScratch.get(2 * cols, 2 * blocks);
            Q8Paired.decode(data, row * rowBytes(), blocks, s.values, 0, s.scales, 0);
            Q8Paired.decode(data, (row + 1) * rowBytes(), blocks, s.values, cols, s.scales, blocks);
            for (; b + 4 <= batch; b += 4) {
                Q8Paired.dotSplit2x4(s.values, s.scales, blocks, xs, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
            }
        }
        for (; b < batch; b++) {
            out[outOff + b * outStride] = Q8Paired.dotSplit(data, row * rowBytes(), blocks, xs, xOff + b * xStride);
            out[outOff + 1 + b * outStride] = Q8Paired.dotSplit(data, (row + 1) * rowBytes(), blocks, xs, xOff + b * xStride);
        }
    }

    /** Batches from this size on decode a row into scratch once and reuse it for groups of 4 inputs. */
    static final int PAIRED_BELOW = 9;

    /** Codes of row {@code row} as floats into {@code q}, block scales into {@code d}. */
    void decode(int row, float[] q, float[] d) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            d[blk] = GgmlBlocks.half(data, o);
            if (Block32.VECTOR) {
                for (int p = 0; p < Block32.PARTS; p++) Block32.q8Chunk(data, o + 2, p).intoArray(q, blk * 32 + p * Block32.L);
            } else {
                GgmlBlocks.dequantize(dev.nemotron4j.engine.weights.DType.Q8_0, data, o, q, blk * 32);
                for (int j = 0; j < 32; j++) q[blk * 32 + j] /= d[blk]; // codes back from d·q (exact: d is a power-of-two-free half, used only off the vector path)
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(dev.nemotron4j.engine.weights.DType.Q8_0, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q8_0Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
