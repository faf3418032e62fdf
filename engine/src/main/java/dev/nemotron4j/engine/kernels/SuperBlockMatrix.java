package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import jdk.incubator.vector.FloatVector;

import java.lang.foreign.MemorySegment;

/**
 * Weights in ggml's 256-element super-blocks (the K-quants, IQ4_XS and the lattice i-quants), computed with their
 * exactly dequantized float32 values (each type's product order, {@link GgmlBlocks}).
 *
 * <p><b>One accumulation order</b> for every type and path, {@link GroupedDot}'s: per (row, input), a partial
 * sum vector per group of 32 weights, even groups' partials added into one accumulator and odd ones' into another.
 * The single-row kernels ({@link #dot}) decode the codes in registers and feed the weights straight into those
 * operations; the batched ones decode a row once into scratch ({@link #decodeRow}) and run {@link GroupedDot}'s
 * kernels on it. The weights are the same bits either way, so a batched output is bit-identical to the row's
 * {@link #dot}.
 *
 * <p>Implementations supply the single-row kernel and the exact decode of one super-block; the batched products,
 * the scalar twin and {@link #readRow} are shared here.
 */
public sealed interface SuperBlockMatrix extends WeightMatrix permits Q2KMatrix, Q3KMatrix, Q4KMatrix, Q5KMatrix, Q6KMatrix, Iq4XsMatrix, LatticeMatrix {

    /** Elements per super-block. */
    int BLOCK = 256;

    /** The ggml type of the blocks. */
    DType type();

    /** The blocks, row after row. */
    MemorySegment data();

    /**
     * The exact float32 weights of the super-block at byte {@code offset} of {@link #data} into
     * {@code dst[dstOff .. dstOff+256)}: bit-identical to {@link GgmlBlocks#dequantize}.
     */
    void decodeBlock(long offset, float[] dst, int dstOff);

    /** Bytes per row. */
    default long rowBytes() {
        return (long) cols() / BLOCK * type().blockBytes();
    }

    @Override
    default long byteSize() {
        return data().byteSize();
    }

    /** Row {@code row}'s exact weights into {@code dst[dstOff .. dstOff+cols)}, a super-block at a time. */
    default void decodeRow(int row, float[] dst, int dstOff) {
        long base = row * rowBytes();
        int bytes = type().blockBytes();
        for (int blk = 0; blk < cols() / BLOCK; blk++) decodeBlock(base + (long) blk * bytes, dst, dstOff + blk * BLOCK);
    }

    @Override
    default void readRow(int row, float[] dst, int dstOff) {
        decodeRow(row, dst, dstOff);
    }

    /**
     * Scalar twin: each super-block dequantized by the scalar definition ({@link GgmlBlocks#dequantize}) into a
     * small buffer, then {@code Σ w·x} in element order.
     */
    @Override
    default float dotScalar(int row, float[] x, int xOff) {
        float[] w = RowScratch.block();
        long base = row * rowBytes();
        int bytes = type().blockBytes();
        float sum = 0;
        for (int blk = 0; blk < cols() / BLOCK; blk++) {
            GgmlBlocks.dequantize(type(), data(), base + (long) blk * bytes, w, 0);
            int xo = xOff + blk * BLOCK;
            for (int j = 0; j < BLOCK; j++) sum += w[j] * x[xo + j];
        }
        return sum;
    }

    /**
     * {@link #dot} for types without an in-register kernel: each super-block decoded ({@link #decodeBlock}) into a
     * per-thread buffer of 256 floats that stays in L1, then multiplied with x in {@link GroupedDot}'s order.
     */
    default float dotByBlocks(int row, float[] x, int xOff) {
        if (VectorWidth.SCALAR) return dotScalar(row, x, xOff);
        float[] w = RowScratch.block();
        long base = row * rowBytes();
        int bytes = type().blockBytes();
        FloatVector acc0 = FloatVector.zero(VectorWidth.FLOAT), acc1 = acc0;
        for (int blk = 0; blk < cols() / BLOCK; blk++) {
            decodeBlock(base + (long) blk * bytes, w, 0);
            int xo = xOff + blk * BLOCK;
            for (int g = 0; g < BLOCK; g += 2 * GroupedDot.GROUP) {
                acc0 = acc0.add(GroupedDot.partial(w, g, x, xo + g));
                acc1 = acc1.add(GroupedDot.partial(w, g + GroupedDot.GROUP, x, xo + g + GroupedDot.GROUP));
            }
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /** The row decoded once into scratch, then {@link GroupedDot#dotRows} (four inputs at a time): bit-identical to {@link #dot}. */
    @Override
    default void dotRows(int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || VectorWidth.SCALAR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(row, x, xOff + b * xStride);
            return;
        }
        float[] w = RowScratch.get(cols(), 0).values;
        decodeRow(row, w, 0);
        GroupedDot.dotRows(w, 0, cols(), x, xOff, xStride, batch, out, outOff, outStride);
    }

    /**
     * Rows decoded once each into scratch against the batch: with 16-lane vectors two rows at a time
     * ({@link GroupedDot#dotRowPair}: each input vector feeds both rows), otherwise one ({@link GroupedDot#dotRows}).
     * Batches from 4 on go panel by panel, each panel first prefetched into L2 ({@link PanelPrefetch}): decoding
     * is heavy enough per byte that streaming the codes alone leaves memory idle. Bit-identical to {@link #dot}.
     */
    @Override
    default void multiplyRows(int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || VectorWidth.SCALAR) {
            for (int o = start; o < end; o++) dotRows(o, x, xOff, xStride, batch, out, outOff + o, outStride);
            return;
        }
        int cols = cols();
        long rowBytes = rowBytes();
        int panelRows = batch >= 4 ? PanelPrefetch.rowsPerPanel(rowBytes) : end - start;
        float[] w = RowScratch.get(2 * cols, 0).values;
        for (int p0 = start; p0 < end; p0 += panelRows) {
            int p1 = Math.min(end, p0 + panelRows), o = p0;
            if (batch >= 4) PanelPrefetch.prefetch(data(), p0 * rowBytes, p1 * rowBytes);
            if (GroupedDot.ROW_PAIRS) {
                for (; o + 2 <= p1; o += 2) {
                    decodeRow(o, w, 0);
                    decodeRow(o + 1, w, cols);
                    GroupedDot.dotRowPair(w, cols, x, xOff, xStride, batch, out, outOff + o, outStride);
                }
            }
            for (; o < p1; o++) {
                decodeRow(o, w, 0);
                GroupedDot.dotRows(w, 0, cols, x, xOff, xStride, batch, out, outOff + o, outStride);
            }
        }
    }
}
