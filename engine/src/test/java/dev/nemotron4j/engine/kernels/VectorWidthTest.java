package dev.nemotron4j.engine.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The width switch: how the property is read, and that the width this JVM was started with is the one every
 * kernel runs. The engine's build runs the kernel tests once more per width in its own fork (engine/pom.xml), each
 * telling this test through {@value #EXPECTED} which width it asked for, so a property that silently did not take
 * effect fails the build instead of testing the default width five times.
 */
class VectorWidthTest {

    /** The width a forked test run asked for with {@code -Dnemotron4j.vector.bits} (absent in the default run). */
    static final String EXPECTED = "nemotron4j.vector.expected";

    @Test
    void explicitWidths() {
        for (int preferred : new int[] {64, 128, 256, 512, 2048}) {
            assertThat(VectorWidth.parse("scalar", preferred)).isZero();
            assertThat(VectorWidth.parse("SCALAR", preferred)).isZero();
            assertThat(VectorWidth.parse("0", preferred)).isZero();
            assertThat(VectorWidth.parse("128", preferred)).isEqualTo(128);
            assertThat(VectorWidth.parse(" 256 ", preferred)).isEqualTo(256);
            assertThat(VectorWidth.parse("512", preferred)).isEqualTo(512); // wider than the CPU: emulated, still correct
        }
    }

    @Test
    void defaultIsTheWidestSupportedWidthTheCpuPrefers() {
        for (String unset : new String[] {null, "", "  ", "preferred", "Preferred"}) {
            assertThat(VectorWidth.parse(unset, 512)).isEqualTo(512);
            assertThat(VectorWidth.parse(unset, 2048)).as("wider vectors (SVE) are capped at 512 bits").isEqualTo(512);
            assertThat(VectorWidth.parse(unset, 384)).as("a width between the supported ones rounds down").isEqualTo(256);
            assertThat(VectorWidth.parse(unset, 256)).isEqualTo(256);
            assertThat(VectorWidth.parse(unset, 128)).isEqualTo(128);
            assertThat(VectorWidth.parse(unset, 64)).as("no 128-bit vectors: scalar kernels").isZero();
        }
    }

    @Test
    void anythingElseIsRejectedNamingThePropertyAndTheChoices() {
        for (String bad : new String[] {"64", "1024", "avx2", "256bits", "-1"}) {
            assertThatThrownBy(() -> VectorWidth.parse(bad, 512))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dnemotron4j.vector.bits=" + bad)
                    .hasMessageContaining("scalar, 128, 256, 512");
        }
    }

    /** The width this fork was asked for (or the default) is the one the switch and the kernels' species hold. */
    @Test
    void theRequestedWidthTookEffect() {
        String expected = System.getProperty(EXPECTED);
        int bits = expected == null
                ? VectorWidth.parse(null, FloatVector.SPECIES_PREFERRED.vectorBitSize())
                : VectorWidth.parse(expected, FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertThat(VectorWidth.BITS).as("-D%s=%s", VectorWidth.PROPERTY, System.getProperty(VectorWidth.PROPERTY)).isEqualTo(bits);
        assertThat(VectorWidth.SCALAR).isEqualTo(bits == 0);
        assertThat(VectorWidth.FLOAT.vectorBitSize()).isEqualTo(Math.max(bits, 128));
        assertThat(VectorWidth.LANES).isEqualTo(VectorWidth.FLOAT.length());
        assertThat(VectorWidth.INT.length()).isEqualTo(VectorWidth.LANES);
        assertThat(VectorWidth.SHORT.length()).isEqualTo(VectorWidth.LANES);
        assertThat(VectorWidth.BYTE.length()).isEqualTo(Math.max(8, VectorWidth.LANES));
        // the kernels' own species and path switches follow it
        assertThat(LaneSum.F).isSameAs(VectorWidth.FLOAT);
        assertThat(Block32.F).isSameAs(VectorWidth.FLOAT);
        assertThat(Block32.VECTOR).isEqualTo(bits != 0);
        assertThat(Q8Paired.ENABLED).isEqualTo(bits == 512);
        assertThat(Block32.ROW_PAIRS).isEqualTo(bits == 512);
        assertThat(VectorWidth.EMULATED).isEqualTo(bits > FloatVector.SPECIES_PREFERRED.vectorBitSize());
        assertThat(VectorWidth.describe()).startsWith(bits == 0 ? "scalar kernels" : bits + "-bit vectors (" + bits / 32 + " floats");
    }
}
