package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

/**
 * The header of a Q4_K or Q5_K super-block — half {@code d} and {@code dmin}, then 12 bytes packing 8 six-bit scales
 * and 8 six-bit mins ({@link GgmlBlocks#scaleK}, {@link GgmlBlocks#minK}) — unpacked once per super-block into the
 * 16 factors its weights need: {@code d·sc[j]} at {@code [j]} and {@code −(dmin·m[j])} at {@code [8+j]} (all exact).
 * The kernels then broadcast one factor per sub-block from this small array instead of unpacking bits per vector.
 */
final class KScales {
    private KScales() {}

    private static final int L = CodeBytes.L;
    /** The lanes of the mins (8–15) with 16-lane vectors. */
    private static final VectorMask<Float> MIN_LANES = VectorMask.fromLong(CodeBytes.F, 0xFF00L);

    /**
     * Unpacks the header of the super-block at {@code o} into {@code out[outOff .. outOff+16)}. The bit work runs on 32-bit words
     * (four 6-bit values side by side in each, as the packing lays them out); the 16 values are then widened,
     * converted and scaled as vectors. (Lane permutes of the packed bytes instead made the kernels overrun the JIT's
     * inlining budget.)
     */
    static void unpack(MemorySegment data, long o, float[] out, int outOff) {
        int halves = data.get(GgmlBlocks.LE_INT, o);
        long w01 = data.get(GgmlBlocks.LE_LONG, o + 4);
        int w0 = (int) w01, w1 = (int) (w01 >>> 32), w2 = data.get(GgmlBlocks.LE_INT, o + 12);
        int scLow = w0 & 0x3F3F3F3F, mLow = w1 & 0x3F3F3F3F;                                  // scales and mins 0–3
        int scHigh = (w2 & 0x0F0F0F0F) | (((w0 >>> 6) & 0x03030303) << 4);                    // scales 4–7
        int mHigh = ((w2 >>> 4) & 0x0F0F0F0F) | (((w1 >>> 6) & 0x03030303) << 4);             // mins 4–7
        ByteVector values = LongVector.zero(LongVector.SPECIES_128)
                .withLane(0, (scLow & 0xFFFFFFFFL) | ((long) scHigh << 32))
                .withLane(1, (mLow & 0xFFFFFFFFL) | ((long) mHigh << 32))
                .reinterpretAsBytes();
        float d = Float.float16ToFloat((short) halves), negMin = -Float.float16ToFloat((short) (halves >>> 16));
        if (L == 16) {
            factors(values, 0).mul(FloatVector.broadcast(CodeBytes.F, d).blend(negMin, MIN_LANES)).intoArray(out, outOff);
        } else {
            for (int part = 0; part < 16 / L; part++) factors(values, part).mul(part * L < 8 ? d : negMin).intoArray(out, outOff + part * L);
        }
    }

    /**
     * The factors of {@code blocks} consecutive super-blocks from byte {@code base} ({@code blockBytes} apart) into
     * {@code out[16·blk ..]}. A kernel unpacks a whole row first, then reads the factors back: read right after its
     * vector store, a super-block's factors stall the scalar loads that broadcast them until the store has left the
     * core (measured: 40 % of the Q4_K kernel's time).
     */
    static void unpackRow(MemorySegment data, long base, int blocks, int blockBytes, float[] out) {
        for (int blk = 0; blk < blocks; blk++) unpack(data, base + (long) blk * blockBytes, out, 16 * blk);
    }

    /** Values {@code part·L .. part·L+L} of the 16 as floats. */
    private static FloatVector factors(ByteVector values, int part) {
        return CodeBytes.toFloat((IntVector) values.convertShape(VectorOperators.ZERO_EXTEND_B2I, CodeBytes.I, part));
    }
}
