package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.util.Locale;

/**
 * The one width switch: every vector kernel takes its vector species from here, so one system property
 * picks the code path of the whole engine and tests can run every branch on any machine.
 *
 * <p>{@code -Dnemotron4j.vector.bits=scalar|128|256|512} overrides the default, the widest of those the CPU
 * prefers (its preferred float vector, capped at 512 bits; {@code scalar} below 128). {@code scalar} routes every
 * kernel to its plain scalar twin. A width above the CPU's runs correctly but slowly (the Vector API emulates it);
 * that is what the width-parity test runs are for, not production.
 *
 * <p>The species are {@code static final}, so the JIT folds them and every width test lives in one JVM: the
 * engine's build runs the kernel tests once per width in separate forks (engine/pom.xml).
 */
public final class VectorWidth {
    private VectorWidth() {}

    /** The system property that overrides the width. */
    public static final String PROPERTY = "nemotron4j.vector.bits";

    /** Vector width in bits (128, 256 or 512), or 0 when every kernel runs its scalar twin. */
    public static final int BITS = parse(System.getProperty(PROPERTY), FloatVector.SPECIES_PREFERRED.vectorBitSize());

    /** Whether the kernels run their scalar twins instead of vector code. */
    public static final boolean SCALAR = BITS == 0;

    /** Float vectors of the chosen width (128 bits when {@link #SCALAR}, where no kernel uses it). */
    public static final VectorSpecies<Float> FLOAT = VectorSpecies.of(float.class, VectorShape.forBitSize(Math.max(BITS, 128)));

    /**
     * Whether the vectors are wider than the CPU's, so that the Vector API emulates them: correct, many times slower
     * (for tests of the wider kernels' branches; timings taken so mean nothing).
     */
    public static final boolean EMULATED = BITS > FloatVector.SPECIES_PREFERRED.vectorBitSize();

    /** Floats per vector of {@link #FLOAT}. */
    public static final int LANES = FLOAT.length();

    /** Ints as many per vector as {@link #FLOAT} has floats (the same width): what float vectors convert to and from. */
    public static final VectorSpecies<Integer> INT = FLOAT.withLanes(int.class);

    /** Shorts as many per vector as {@link #FLOAT} has floats (half the width): 16-bit values that widen into one float vector. */
    public static final VectorSpecies<Short> SHORT = VectorSpecies.of(short.class, VectorShape.forBitSize(LANES * 16));

    /**
     * Bytes as many per vector as {@link #FLOAT} has floats, or the narrowest byte vector (64 bits, 8 lanes) where
     * that is more: at 128 bits one byte vector holds the codes of two float vectors.
     */
    public static final VectorSpecies<Byte> BYTE = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, LANES * 8)));

    /**
     * The width a property value asks for, in bits (0: scalar). No value (or {@code preferred}) gives the widest of
     * 512, 256 and 128 that fits the CPU's preferred width of {@code preferredBits}, or 0 where none does.
     *
     * @throws IllegalArgumentException naming the property and the accepted values for anything else
     */
    static int parse(String value, int preferredBits) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "preferred" -> preferredBits >= 512 ? 512 : preferredBits >= 256 ? 256 : preferredBits >= 128 ? 128 : 0;
            case "scalar", "0" -> 0;
            case "128" -> 128;
            case "256" -> 256;
            case "512" -> 512;
            default -> throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected scalar, 128, 256, 512 or preferred");
        };
    }

    /** A one-line description for logs and benchmarks, e.g. {@code "512-bit vectors (16 floats)"}. */
    public static String describe() {
        return SCALAR ? "scalar kernels" : BITS + "-bit vectors (" + LANES + " floats" + (EMULATED ? ", emulated: wider than the CPU's" : "") + ")";
    }
}
