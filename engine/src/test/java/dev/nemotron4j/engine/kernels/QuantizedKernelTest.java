package dev.nemotron4j.engine.kernels;

import dev.nemotron4j.engine.weights.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Block-quantized weights: hand-made blocks dequantize to the values ggml defines, and the panel prefetch reads what
 * it should. The kernels themselves (vector against scalar twin and exact dequantization, batched against single
 * rows) are checked for every type by {@link WeightMatrixContractTest}.
 */
class QuantizedKernelTest {

    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static float[] dequantize(DType type, MemorySegment block) {
        float[] out = new float[type.blockSize()];
        GgmlBlocks.dequantize(type, block, 0, out, 0);
        return out;
    }

    @Test
    void q8_0AndQ4_0BlocksByHand() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q8 = arena.allocate(34);
            q8.set(LE_SHORT, 0, Float.floatToFloat16(0.5f));
            for (int j = 0; j < 32; j++) q8.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j * 8 - 128));
            float[] v = dequantize(DType.Q8_0, q8);
            assertThat(v[0]).isEqualTo(-64f);
            assertThat(v[31]).isEqualTo(0.5f * (31 * 8 - 128));

            MemorySegment q4 = arena.allocate(18);
            q4.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            for (int j = 0; j < 16; j++) q4.set(ValueLayout.JAVA_BYTE, 2 + j, (byte) (j | ((15 - j) << 4)));
            v = dequantize(DType.Q4_0, q4);
            for (int j = 0; j < 16; j++) {
                assertThat(v[j]).isEqualTo(0.25f * (j - 8));
                assertThat(v[j + 16]).isEqualTo(0.25f * (15 - j - 8));
            }
        }
    }

    @Test
    void q4_1Q5_0Q5_1BlocksByHand() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment q41 = arena.allocate(20);
            q41.set(LE_SHORT, 0, Float.floatToFloat16(0.5f));
            q41.set(LE_SHORT, 2, Float.floatToFloat16(-1f));
            for (int j = 0; j < 16; j++) q41.set(ValueLayout.JAVA_BYTE, 4 + j, (byte) (j | ((15 - j) << 4)));
            float[] v = dequantize(DType.Q4_1, q41);
            assertThat(v[3]).isEqualTo(0.5f);          // 3·0.5 − 1
            assertThat(v[16]).isEqualTo(6.5f);         // 15·0.5 − 1
            assertThat(v[31]).isEqualTo(-1f);

            // fifth bits: element 0 (bit 0) and element 31 (bit 31)
            MemorySegment q50 = arena.allocate(22);
            q50.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            q50.set(LE_INT, 2, 0x80000001);
            for (int j = 0; j < 16; j++) q50.set(ValueLayout.JAVA_BYTE, 6 + j, (byte) (j | (j << 4)));
            v = dequantize(DType.Q5_0, q50);
            assertThat(v[0]).isEqualTo(0f);            // (0|16) − 16
            assertThat(v[1]).isEqualTo(-3.75f);        // 1 − 16
            assertThat(v[16]).isEqualTo(-4f);          // 0 − 16
            assertThat(v[31]).isEqualTo(3.75f);        // (15|16) − 16

            MemorySegment q51 = arena.allocate(24);
            q51.set(LE_SHORT, 0, Float.floatToFloat16(0.25f));
            q51.set(LE_SHORT, 2, Float.floatToFloat16(1f));
            q51.set(LE_INT, 4, 0x80000001);
            for (int j = 0; j < 16; j++) q51.set(ValueLayout.JAVA_BYTE, 8 + j, (byte) (j | (j << 4)));
            v = dequantize(DType.Q5_1, q51);
            assertThat(v[0]).isEqualTo(5f);            // 16·0.25 + 1
            assertThat(v[1]).isEqualTo(1.25f);
            assertThat(v[31]).isEqualTo(8.75f);        // 31·0.25 + 1
        }
    }

    /** Random blocks with small, realistic half-precision scales (for tests of wrappers such as {@link ScaledMatrix}). */
    static WeightMatrix random(DType type, int rows, int cols, Random rnd, Arena arena) {
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes + 1).asSlice(1); // deliberately unaligned
        for (long i = 0; i < bytes; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt());
        int blocks = (int) (bytes / type.blockBytes());
        for (int b = 0; b < blocks; b++) {
            long o = (long) b * type.blockBytes();
            switch (type) {
                case Q8_0, Q4_0, Q5_0 -> seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                case Q4_1, Q5_1, Q4_K, Q5_K -> {
                    seg.set(LE_SHORT, o, Float.floatToFloat16(0.01f * (1 + rnd.nextFloat())));
                    seg.set(LE_SHORT, o + 2, Float.floatToFloat16(0.01f * rnd.nextFloat()));
                }
                case Q6_K -> seg.set(LE_SHORT, o + 208, Float.floatToFloat16(0.001f * (1 + rnd.nextFloat())));
                default -> throw new IllegalArgumentException();
            }
        }
        return WeightMatrix.of(type, seg, rows, cols, "test");
    }

    /** The panel prefetch reads exactly one byte per 64-byte line of the range (and nothing past its end). */
    @Test
    void panelPrefetchReadsOneByteOfEveryLine() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(1000);
            for (int i = 0; i < 1000; i++) seg.set(ValueLayout.JAVA_BYTE, i, (byte) (i % 7));
            long expected = 0;
            for (int o = 10; o < 700; o += 64) expected += o % 7;
            assertThat(PanelPrefetch.touch(seg, 10, 700)).isEqualTo(expected);
            assertThat(PanelPrefetch.touch(seg, 936, 1000)).isEqualTo(936 % 7);
            assertThat(PanelPrefetch.touch(seg, 5, 5)).isZero();
        }
    }
}
