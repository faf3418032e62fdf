package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * Packed code bytes of quantized weights as int lanes, {@link VectorWidth#LANES} bytes at a time: one byte per lane,
 * zero-extended, ready for the shifts and masks that take out nibbles, bit pairs and high-bit planes, and then
 * {@link #toFloat} for the arithmetic. The super-block kernels ({@link SuperBlockMatrix}) work on these at every width.
 */
final class CodeBytes {
    private CodeBytes() {}

    static final VectorSpecies<Float> F = VectorWidth.FLOAT;
    static final int L = VectorWidth.LANES;
    /** Int lanes of the float vectors' shape: lane i of a code vector meets lane i of a float vector. */
    static final VectorSpecies<Integer> I = VectorWidth.INT;
    /** L bytes (8 or 16); 4-lane vectors read a little-endian int instead (there is no 32-bit byte vector). */
    private static final VectorSpecies<Byte> B = VectorWidth.BYTE;
    /** Lane i: 8·(i mod 4), the shift that takes byte i of a little-endian int. */
    private static final IntVector BYTE_SHIFTS = IntVector.zero(I).addIndex(1).and(3).lanewise(VectorOperators.LSHL, 3);

    /** Bytes {@code data[off .. off+L)}, one per lane, zero-extended. */
    static IntVector load(MemorySegment data, long off) {
        if (L >= 8) {
            return (IntVector) ByteVector.fromMemorySegment(B, data, off, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
        }
        return IntVector.broadcast(I, data.get(GgmlBlocks.LE_INT, off)).lanewise(VectorOperators.LSHR, BYTE_SHIFTS).and(0xFF);
    }

    /** Int lanes as floats (exact: codes are small). */
    static FloatVector toFloat(IntVector codes) {
        return (FloatVector) codes.convert(VectorOperators.I2F, 0);
    }
}
