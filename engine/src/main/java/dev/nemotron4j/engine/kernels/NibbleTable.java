package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntToDoubleFunction;

/**
 * A 16-entry table of 4-bit codes looked up in registers: the E2M1 values of the NVFP4 kernels
 * ({@link ModelOptNvfp4Matrix}, {@link Nvfp4Matrix}) and the books of {@link Mxfp4Matrix} and {@link Iq4NlMatrix}
 * ({@link #lanes} only). The whole table is one vector of float bits at 16 lanes, two half-tables at 8, and at 4 lanes
 * the 8 magnitudes in two half-tables with bit 3 of the code moved into the sign (so a table's +0 at code 8 reads −0:
 * the same products and sums but for the sign of an all-zero sum).
 */
final class NibbleTable {
    private NibbleTable() {}

    private static final VectorSpecies<Integer> I = VectorWidth.INT;
    private static final int L = VectorWidth.LANES;

    /** The table's entries {@code value(code)} from {@code first} on as float bits, one per lane (code taken mod 16). */
    static IntVector lanes(IntToDoubleFunction value, int first) {
        int[] bits = new int[I.length()];
        for (int i = 0; i < bits.length; i++) bits[i] = Float.floatToRawIntBits((float) value.applyAsDouble((first + i) & 15));
        return IntVector.fromArray(I, bits, 0);
    }

    /** The table values of the low nibbles of {@code bytes}; {@code table}, {@code high} = {@link #lanes} from 0 and from L. */
    static FloatVector low(IntVector bytes, IntVector table, IntVector high) {
        if (L == 16) return bytes.selectFrom(table).reinterpretAsFloats();
        IntVector v = bytes.selectFrom(table, high);
        if (L == 4) v = v.lanewise(VectorOperators.XOR, bytes.lanewise(VectorOperators.LSHL, 28).and(0x80000000));
        return v.reinterpretAsFloats();
    }

    /** The table values of the high nibbles of {@code bytes}. */
    static FloatVector high(IntVector bytes, IntVector table, IntVector high) {
        return low(bytes.lanewise(VectorOperators.LSHR, 4), table, high);
    }
}
