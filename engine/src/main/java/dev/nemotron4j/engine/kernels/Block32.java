package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Shared arithmetic of the 32-element block kernels (Q8_0, Q4_0). Each block contributes
 * {@code d · Σ q·x}: the integer codes are widened to float, multiplied with x lane-wise, and the block sum
 * vector is scaled by d into one of two accumulators (even/odd blocks, to hide FMA latency). The fused
 * kernels (reading codes from memory) and {@link #dotDecoded} (reading codes decoded once into scratch for a
 * batch) perform exactly the same operations in the same order, so batched and single-row results are
 * bit-identical.
 */
final class Block32 {
    private Block32() {}

    static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    static final int L = F.length();
    /** Bytes that widen into one float vector ({@link VectorWidth#BYTE}: at 4 lanes, one vector of 8 holds two chunks). */
    static final VectorSpecies<Byte> B = VectorWidth.BYTE;
    /** Whether a byte vector holds exactly one chunk of {@link #L} codes (8 and 16 lanes; at 4 lanes it holds two). */
    private static final boolean ONE_CHUNK_PER_LOAD = B.length() == L;
    /** Whether the vector kernels apply (a block must be a whole number of float vectors of 4, 8 or 16 lanes). */
    static final boolean VECTOR = !VectorWidth.SCALAR && L >= 4 && L <= 16;
    static final int PARTS = 32 / L;
    /** Whether prefill takes decoded rows in pairs ({@link #dotDecoded2x4}): its 16 accumulators need 32 vector registers. */
    static final boolean ROW_PAIRS = VECTOR && L == 16;

    static final VectorSpecies<Integer> I = VectorWidth.INT;

    /** Codes {@code part·L .. part·L+L} of {@code b}, widened to float. */
    static FloatVector widen(ByteVector b, int part) {
        // byte → int → float: two single-instruction conversions (a direct B2F takes a slower path)
        IntVector i = (IntVector) b.convertShape(VectorOperators.B2I, I, part);
        return (FloatVector) i.convert(VectorOperators.I2F, 0);
    }

    /** The float codes of Q4_0 chunk {@code p} (elements p·L .. p·L+L) of the block whose nibbles start at {@code qs}. */
    static FloatVector q4Chunk(MemorySegment data, long qs, int p) {
        int e = p * L;
        if (ONE_CHUNK_PER_LOAD) {
            ByteVector b = ByteVector.fromMemorySegment(B, data, qs + (e & 15), ByteOrder.LITTLE_ENDIAN);
            ByteVector nib = e < 16 ? b.and((byte) 0x0F) : b.lanewise(VectorOperators.LSHR, 4);
            return widen(nib.sub((byte) 8), 0);
        }
        // 4 lanes: the 8 code bytes holding this chunk's nibbles (inside the block's 16), then its half of them
        int at = e & 15, first = at - at % B.length();
        ByteVector b = ByteVector.fromMemorySegment(B, data, qs + first, ByteOrder.LITTLE_ENDIAN);
        ByteVector nib = e < 16 ? b.and((byte) 0x0F) : b.lanewise(VectorOperators.LSHR, 4);
        return widen(nib.sub((byte) 8), (at - first) / L);
    }

    /** The float codes of Q8_0 chunk {@code p} (elements p·L .. p·L+L) of the block whose codes start at {@code qs}. */
    static FloatVector q8Chunk(MemorySegment data, long qs, int p) {
        int e = p * L;
        if (ONE_CHUNK_PER_LOAD) return widen(ByteVector.fromMemorySegment(B, data, qs + e, ByteOrder.LITTLE_ENDIAN), 0);
        int first = e - e % B.length(); // 4 lanes: the 8 codes holding this chunk (inside the block's 32)
        return widen(ByteVector.fromMemorySegment(B, data, qs + first, ByteOrder.LITTLE_ENDIAN), (e - first) / L);
    }

    /** Dot of x with a row decoded into {@code q} (codes as floats) and {@code d} (one scale per block). */
    static float dotDecoded(float[] q, float[] d, int blocks, float[] x, int xOff) {
        return dotDecodedAt(q, 0, d, 0, blocks, x, xOff);
    }

    /** {@link #dotDecoded} of the row decoded at {@code q[qOff ..]}, {@code d[dOff ..]}. */
    static float dotDecodedAt(float[] q, int qOff, float[] d, int dOff, int blocks, float[] x, int xOff) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++) {
            int o = blk * 32, xo = xOff + o, qo = qOff + o;
            FloatVector v = FloatVector.fromArray(F, q, qo).mul(FloatVector.fromArray(F, x, xo));
            for (int p = 1; p < PARTS; p++) {
                v = FloatVector.fromArray(F, q, qo + p * L).fma(FloatVector.fromArray(F, x, xo + p * L), v);
            }
            if ((blk & 1) == 0) acc0 = v.fma(FloatVector.broadcast(F, d[dOff + blk]), acc0);
            else acc1 = v.fma(FloatVector.broadcast(F, d[dOff + blk]), acc1);
        }
        return LaneSum.sum(acc0.add(acc1));
    }

    /**
     * {@link #dotDecoded} for four input rows at once ({@code x} rows {@code xStride} apart), sharing each load
     * of the decoded codes; every row sees exactly the operations of {@link #dotDecoded}, so results are
     * bit-identical.
     */
    static void dotDecoded4(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int x0 = xOff, x1 = xOff + xStride, x2 = xOff + 2 * xStride, x3 = xOff + 3 * xStride;
        for (int blk = 0; blk < blocks; blk++) {
            int o = blk * 32;
            FloatVector w = FloatVector.fromArray(F, q, o);
            FloatVector v0 = w.mul(FloatVector.fromArray(F, x, x0 + o));
            FloatVector v1 = w.mul(FloatVector.fromArray(F, x, x1 + o));
            FloatVector v2 = w.mul(FloatVector.fromArray(F, x, x2 + o));
            FloatVector v3 = w.mul(FloatVector.fromArray(F, x, x3 + o));
            for (int p = 1; p < PARTS; p++) {
                int e = o + p * L;
                w = FloatVector.fromArray(F, q, e);
                v0 = w.fma(FloatVector.fromArray(F, x, x0 + e), v0);
                v1 = w.fma(FloatVector.fromArray(F, x, x1 + e), v1);
                v2 = w.fma(FloatVector.fromArray(F, x, x2 + e), v2);
                v3 = w.fma(FloatVector.fromArray(F, x, x3 + e), v3);
            }
            FloatVector dv = FloatVector.broadcast(F, d[blk]);
            if ((blk & 1) == 0) {
                a0 = v0.fma(dv, a0);
                a1 = v1.fma(dv, a1);
                a2 = v2.fma(dv, a2);
                a3 = v3.fma(dv, a3);
            } else {
                b0 = v0.fma(dv, b0);
                b1 = v1.fma(dv, b1);
                b2 = v2.fma(dv, b2);
                b3 = v3.fma(dv, b3);
            }
        }
        // Reduced through memory: LaneSum.sum(FloatVector) is not inlined into a method this size and would box.
        float[] lanes = LaneSum.lanes();
        int l = F.length();
        a0.add(b0).intoArray(lanes, 0);
        a1.add(b1).intoArray(lanes, l);
        a2.add(b2).intoArray(lanes, 2 * l);
        a3.add(b3).intoArray(lanes, 3 * l);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
    }

    /**
     * Two decoded rows (row 1's codes at {@code q[32·blocks ..]}, its scales at {@code d[blocks ..]}) against four
     * input rows: row r, input b into {@code out[outOff + r + b·outStride]}. Each input vector feeds both rows,
     * halving the input traffic from L2 that bounds {@link #dotDecoded4}; every (row, input) sees exactly the
     * operations of {@link #dotDecoded}, so results are bit-identical. Even/odd-block accumulators swap roles every
     * block (a small body for the JIT's inlining budget).
     */
    static void dotDecoded2x4(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, float[] out, int outOff, int outStride) {
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0; // row 0
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0, f0 = a0, f1 = a0, f2 = a0, f3 = a0;                 // row 1
        int x1 = xOff + xStride, x2 = x1 + xStride, x3 = x2 + xStride, row1 = blocks * 32;
        for (int blk = 0; blk < blocks; blk++) {
            int o = blk * 32;
            FloatVector w = FloatVector.fromArray(F, q, o), u = FloatVector.fromArray(F, q, row1 + o);
            FloatVector xv = FloatVector.fromArray(F, x, xOff + o);
            FloatVector v0 = w.mul(xv), r0 = u.mul(xv);
            xv = FloatVector.fromArray(F, x, x1 + o);
            FloatVector v1 = w.mul(xv), r1 = u.mul(xv);
            xv = FloatVector.fromArray(F, x, x2 + o);
            FloatVector v2 = w.mul(xv), r2 = u.mul(xv);
            xv = FloatVector.fromArray(F, x, x3 + o);
            FloatVector v3 = w.mul(xv), r3 = u.mul(xv);
            for (int p = 1; p < PARTS; p++) {
                int e = o + p * L;
                w = FloatVector.fromArray(F, q, e);
                u = FloatVector.fromArray(F, q, row1 + e);
                xv = FloatVector.fromArray(F, x, xOff + e);
                v0 = w.fma(xv, v0);
                r0 = u.fma(xv, r0);
                xv = FloatVector.fromArray(F, x, x1 + e);
                v1 = w.fma(xv, v1);
                r1 = u.fma(xv, r1);
                xv = FloatVector.fromArray(F, x, x2 + e);
                v2 = w.fma(xv, v2);
                r2 = u.fma(xv, r2);
                xv = FloatVector.fromArray(F, x, x3 + e);
                v3 = w.fma(xv, v3);
                r3 = u.fma(xv, r3);
            }
            FloatVector d0 = FloatVector.broadcast(F, d[blk]), d1 = FloatVector.broadcast(F, d[blocks + blk]);
            FloatVector n0 = v0.fma(d0, a0), n1 = v1.fma(d0, a1), n2 = v2.fma(d0, a2), n3 = v3.fma(d0, a3);
            FloatVector m0 = r0.fma(d1, b0), m1 = r1.fma(d1, b1), m2 = r2.fma(d1, b2), m3 = r3.fma(d1, b3);
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
        a0.add(e0).intoArray(lanes, 0);
        a1.add(e1).intoArray(lanes, L);
        a2.add(e2).intoArray(lanes, 2 * L);
        a3.add(e3).intoArray(lanes, 3 * L);
        b0.add(f0).intoArray(lanes, 4 * L);
        b1.add(f1).intoArray(lanes, 5 * L);
        b2.add(f2).intoArray(lanes, 6 * L);
        b3.add(f3).intoArray(lanes, 7 * L);
        LaneSum.sumsInto(lanes, 4, out, outOff, outStride);
        LaneSum.sumsInto(lanes, 4, 4, out, outOff + 1, outStride);
    }

    /**
     * Two weight rows decoded in {@code q}/{@code d} (as for {@link #dotDecoded2x4}) against {@code batch} input rows;
     * row r's outputs at {@code out[outOff + r + b·outStride]}.
     */
    static void dotRowPairDecoded(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            dotDecoded2x4(q, d, blocks, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        for (; b < batch; b++) {
            out[outOff + b * outStride] = dotDecoded(q, d, blocks, x, xOff + b * xStride);
            out[outOff + 1 + b * outStride] = dotDecodedAt(q, blocks * 32, d, blocks, blocks, x, xOff + b * xStride);
        }
    }

    /** One weight row decoded in {@code q}/{@code d} against {@code batch} input rows. */
    static void dotRowsDecoded(float[] q, float[] d, int blocks, float[] x, int xOff, int xStride, int batch, float[] out, int outOff, int outStride) {
        int b = 0;
        for (; b + 4 <= batch; b += 4) {
            dotDecoded4(q, d, blocks, x, xOff + b * xStride, xStride, out, outOff + b * outStride, outStride);
        }
        for (; b < batch; b++) out[outOff + b * outStride] = dotDecoded(q, d, blocks, x, xOff + b * xStride);
    }

    /** Scalar twin: per block {@code d · Σ q·x} in element order. */
    static float dotDecodedScalar(float[] q, float[] d, int blocks, float[] x, int xOff) {
        float sum = 0;
        for (int blk = 0; blk < blocks; blk++) {
            float s = 0;
            for (int j = 0; j < 32; j++) s += q[blk * 32 + j] * x[xOff + blk * 32 + j];
            sum += d[blk] * s;
        }
        return sum;
    }
}
