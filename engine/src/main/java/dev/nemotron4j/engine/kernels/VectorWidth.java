package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * The one width switch: every vector kernel takes its float vector shape from here, so one system property
 * picks the code path of the whole engine and tests can run every branch on any machine.
 *
 * <p>{@code -Dnemotron4j.vector.bits=scalar|128|256|512} overrides the default, the CPU's preferred width.
 * {@code scalar} routes every kernel to its plain scalar twin. A width above the CPU's runs correctly but
 * slowly (the Vector API emulates it); that is what the width-parity test runs are for, not production.
 */
public final class VectorWidth {
    private VectorWidth() {}

    /** The system property that overrides the width. */
    public static final String PROPERTY = "nemotron4j.vector.bits";

    /** Vector width in bits (128, 256 or 512), or 0 when every kernel runs its scalar twin. */
    public static final int BITS = parse(System.getProperty(PROPERTY));

    /** Whether the kernels run their scalar twins instead of vector code. */
    public static final boolean SCALAR = BITS == 0;

    /** Float vectors of the chosen width (128 bits when {@link #SCALAR}, where no kernel uses it). */
    public static final VectorSpecies<Float> FLOAT = FloatVector.SPECIES_PREFERRED.length() * 32 == Math.max(BITS, 128)
            ? FloatVector.SPECIES_PREFERRED
            : VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(BITS, 128)));

    /** Floats per vector of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();

    static int parse(String value) {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (value == null || value.isBlank() || value.equalsIgnoreCase("preferred")) return Math.max(preferred, 128) == preferred ? preferred : 0;
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "scalar", "0" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected scalar, 128, 256 or 512");
        };
    }

    /** A one-line description for logs and benchmarks, e.g. {@code "512-bit vectors (16 floats)"}. */
    public static String describe() {
        return SCALAR ? "scalar kernels" : BITS + "-bit vectors (" + LANES + " floats)";
    }
}
