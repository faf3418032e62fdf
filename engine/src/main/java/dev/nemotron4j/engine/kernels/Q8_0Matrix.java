package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
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
            dotRowsPaired(row, xs, 0, cols, batch, out, outOff, outStride);
            return;
        }
        RowScratch s = RowScratch.get(cols, cols / 32);
        decode(row, s.values, s.scales);
        Block32.dotRowsDecoded(s.values, s.scales, cols / 32, x, xOff, xStride, batch, out, outOff, outStride);
    }

    /** Whether MatMul splits the inputs once per product for the {@link Q8Paired} kernels (16-lane vectors). */
    static boolean splitInputs() {
        return Q8Paired.ENABLED;
    }

    /** Inputs in pairs sharing each block's dequantized weights, an odd last one alone. */
    void dotRowsPaired(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        long base = row * rowBytes();
        int b = 0;
        for (; b + 2 <= batch; b += 2) {
            Q8Paired.dotSplit2(data, base, cols / 32, xs, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        if (b < batch) out[outOff + b * outStride] = Q8Paired.dotSplit(data, base, cols / 32, xs, xOff + b * xStride);
    }

    /**
     * Rows {@code row} and {@code row + 1} (outputs {@code out[outOff + b·outStride]} and
     * {@code out[outOff + 1 + b·outStride]}): {@link #dotRowPairFromCodes} below {@link #DECODED_FROM} inputs,
     * {@link #dotRowPairDecoded} from it on. Bit-identical to {@link #dot}.
     */
    void dotRowPair(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch < DECODED_FROM) dotRowPairFromCodes(row, xs, xOff, xStride, batch, out, outOff, outStride);
        else dotRowPairDecoded(row, xs, xOff, xStride, batch, out, outOff, outStride);
    }

    /**
     * {@link #dotRowPair} for small batches: 4 inputs at a time with both rows dequantized in registers
     * ({@link Q8Paired#dotSplit2x4}), the last 1–3 in pairs per row. Bit-identical to {@link #dot}.
     */
    void dotRowPairFromCodes(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            Q8Paired.dotSplit2x4(data, row * rowBytes(), (row + 1) * rowBytes(), cols / 32, xs, xOff + b * xStride, xStride,
                    out, outOff + b * outStride, outStride);
        }
        if (b < batch) {
            dotRowsPaired(row, xs, xOff + b * xStride, xStride, batch - b, out, outOff + b * outStride, outStride);
            dotRowsPaired(row + 1, xs, xOff + b * xStride, xStride, batch - b, out, outOff + 1 + b * outStride, outStride);
        }
    }

    /**
     * Rows {@code row} and {@code row + 1} (outputs {@code out[outOff + b·outStride]} and
     * {@code out[outOff + 1 + b·outStride]}) dequantized once into scratch, then
     * {@link DequantizedRows#dotRowPair}. Bit-identical to {@link #dot}.
     */
    void dotRowPairDecoded(int row, float[] xs, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int blocks = cols / 32;
        float[] w = RowScratch.get(2 * cols, 0).values;
        Q8Paired.decode(data, row * rowBytes(), blocks, w, 0);
        Q8Paired.decode(data, (row + 1) * rowBytes(), blocks, w, cols);
        DequantizedRows.dotRowPair(w, cols, xs, xOff, xStride, batch, out, outOff, outStride);
    }

    /** Batches from this size on take the rows two at a time ({@link #dotRowPair}). */
    static final int PAIRED_BELOW = 4;

    /**
     * Batches below this size dequantize the codes in registers for every group of 4 inputs
     * ({@link #dotRowPairFromCodes}); from it on, once per row into scratch ({@link #dotRowPairDecoded}).
     */
    static final int DECODED_FROM = 9;

    /** Codes of row {@code row} as floats into {@code q}, block scales into {@code d}. */
    void decode(int row, float[] q, float[] d) {
        long base = row * rowBytes();
        for (int blk = 0; blk < cols / 32; blk++) {
            long o = base + (long) blk * BLOCK_BYTES;
            d[blk] = GgmlBlocks.half(data, o);
            if (Block32.VECTOR) {
                for (int p = 0; p < Block32.PARTS; p++) Block32.q8Chunk(data, o + 2, p).intoArray(q, blk * 32 + p * Block32.L);
            } else {
                for (int j = 0; j < 32; j++) q[blk * 32 + j] = data.get(ValueLayout.JAVA_BYTE, o + 2 + j);
            }
        }
    }

    @Override
    public void readRow(int row, float[] dst, int dstOff) {
        GgmlBlocks.dequantizeRun(DType.Q8_0, data, row * rowBytes(), cols, dst, dstOff);
    }

    @Override
    public WeightMatrix rowSlice(int firstRow, int count) {
        return new Q8_0Matrix(data.asSlice(firstRow * rowBytes(), count * rowBytes()), count, cols);
    }
}
