package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The reduction order of the ModelOpt kernels ({@link Fp8Matrix}, {@link ModelOptNvfp4Matrix}) on a row decoded into
 * float scratch: chunks of {@link VectorWidth#LANES} go alternately into two accumulators (a last unpaired chunk into
 * the first), the two are added and summed by {@link LaneSum}, then the columns past the last chunk are added in
 * order — {@link HalfFloatKernel}'s order. The fused kernels build each chunk in registers and keep this order, so a
 * batch that decodes a row once and runs these gets exactly the bits of the single-row kernel.
 */
final class DecodedRowDot {
    private DecodedRowDot() {}

    private static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    private static final int L = F.length();

    /** A matrix whose rows decode into float scratch, in the order its single-row {@code dot} sums. */
    interface RowDecoder {
        int cols();

        /** Row {@code row}'s values into {@code w[wOff ..]}. */
        void decode(int row, float[] w, int wOff);

        float dot(int row, float[] x, int xOff);
    }

    /** {@link WeightMatrix#dotRows} of a {@link RowDecoder}: the row decoded once for the batch, bit-identical to {@code dot}. */
    static void dotRows(RowDecoder m, int row, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        if (batch == 1 || VectorWidth.SCALAR) {
            for (int b = 0; b < batch; b++) out[outOff + b * outStride] = m.dot(row, x, xOff + b * xStride);
            return;
        }
        int cols = m.cols();
        float[] w = RowScratch.get(cols, 0).values;
        m.decode(row, w, 0);
        dotRows(w, cols, x, xOff, xStride, batch, out, outOff, outStride);
    }

    /** {@link WeightMatrix#multiplyRows} of a {@link RowDecoder}: rows two at a time where {@link #pairsApply}. */
    static void multiplyRows(RowDecoder m, int start, int end, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int o = start, cols = m.cols();
        if (batch >= 2 && pairsApply(cols)) {
            float[] w = RowScratch.get(2 * cols, 0).values;
            for (; o + 2 <= end; o += 2) {
                m.decode(o, w, 0);
                m.decode(o + 1, w, cols);
                rowPairs(w, cols, x, xOff, xStride, batch, out, outOff + o, outStride);
            }
        }
        for (; o < end; o++) dotRows(m, o, x, xOff, xStride, batch, out, outOff + o, outStride);
    }

    /** Whether {@link #rowPairs} applies: 16 lanes and rows of whole 32-column steps ({@link DequantizedRows}). */
    static boolean pairsApply(int cols) {
        return !VectorWidth.SCALAR && L == 16 && cols % 32 == 0;
    }

    /** Row {@code w[wOff .. wOff+cols)} against {@code x[xOff ..]} in the order of the class comment. */
    static float dot(float[] w, int wOff, int cols, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int i = 0;
        for (; i <= cols - 2 * L; i += 2 * L) {
            acc0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = FloatVector.fromArray(F, w, wOff + i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
        }
        if (i <= cols - L) {
            acc0 = FloatVector.fromArray(F, w, wOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            i += L;
        }
        float sum = LaneSum.sum(acc0.add(acc1));
        for (; i < cols; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }

    /** Plain sequential {@code Σ w·x}: the scalar twins' order. */
    static float dotScalar(float[] w, int wOff, int cols, float[] x, int xOff) {
        float sum = 0;
        for (int i = 0; i < cols; i++) sum += w[wOff + i] * x[xOff + i];
        return sum;
    }

    /** {@link #dot} of the decoded row {@code w[0 .. cols)} with each of {@code batch} inputs. */
    static void dotRows(float[] w, int cols, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        for (int b = 0; b < batch; b++) out[outOff + b * outStride] = dot(w, 0, cols, x, xOff + b * xStride);
    }

    /**
     * Rows decoded in pairs ({@code w[0 .. 2·cols)}) against the batch, where {@link #pairsApply}: at 16 lanes and
     * whole 32-column steps {@link DequantizedRows}'s order is {@link #dot}'s.
     */
    static void rowPairs(float[] w, int cols, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        DequantizedRows.dotRowPair(w, cols, x, xOff, xStride, batch, out, outOff, outStride);
    }
}
