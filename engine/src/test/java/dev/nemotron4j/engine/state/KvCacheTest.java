package dev.nemotron4j.engine.state;

import dev.nemotron4j.engine.kernels.E4m3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-head blocked layout keeps every appended key and value across growth, copies and truncation, in float32
 * and in half precision (the test values are small integers, exact in both) and in FP8 (each the E4M3 rounding of
 * value / scale, times the scale).
 */
class KvCacheTest {

    private static final int HEADS = 2, DIM = 8;

    /** A distinct value for (position, head, d, key or value), exact in half precision up to position 127. */
    private static float element(int position, int head, int d, boolean key) {
        return (key ? 1 : -1) * (position * 16 + head * 8 + d + 1);
    }

    private static void appendPositions(KvCache cache, int from, int to) {
        float[] k = new float[HEADS * DIM], v = new float[HEADS * DIM];
        for (int s = from; s < to; s++) {
            for (int h = 0; h < HEADS; h++) {
                for (int d = 0; d < DIM; d++) {
                    k[h * DIM + d] = element(s, h, d, true);
                    v[h * DIM + d] = element(s, h, d, false);
                }
            }
            cache.append(k, 0, v, 0);
        }
    }

    /** What a cache of {@code cache}'s type holds for {@code x}: x itself, or (FP8) its E4M3 rounding at the scale. */
    private static float stored(KvCache cache, float x, boolean key) {
        if (cache.type() != KvCacheType.FP8) return x;
        float scale = key ? cache.keyScale() : cache.valueScale();
        return E4m3.toFloat(E4m3.fromFloat(x / scale)) * scale;
    }

    /** FP8 caches in these tests: scales that keep the test values inside E4M3's range. */
    private static KvCache cache(int initial, int max, KvCacheType type) {
        return new KvCache(HEADS, DIM, initial, max, type, 4f, 8f);
    }

    private static void assertHolds(KvCache cache, int positions) {
        assertThat(cache.length()).isEqualTo(positions);
        for (int s = 0; s < positions; s++) {
            for (int h = 0; h < HEADS; h++) {
                for (int d = 0; d < DIM; d++) {
                    assertThat(cache.key(s, h, d)).as("key %d/%d/%d", s, h, d).isEqualTo(stored(cache, element(s, h, d, true), true));
                    assertThat(cache.value(s, h, d)).as("value %d/%d/%d", s, h, d).isEqualTo(stored(cache, element(s, h, d, false), false));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void appendedRowsSurviveGrowthAcrossBlocks(KvCacheType type) {
        KvCache cache = cache(1, 1000, type);
        appendPositions(cache, 0, 77); // grows 16 → 32 → 64 → 128 positions per head
        assertHolds(cache, 77);
        assertThat(cache.allocatedBytes()).isEqualTo(2L * type.bytesPerElement() * HEADS * 128 * DIM);
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void headsAreContiguousAndKeysTransposedPerBlock(KvCacheType type) {
        KvCache cache = cache(32, 1000, type);
        appendPositions(cache, 0, 20);
        int head1 = cache.headOffset(1);
        assertThat(head1).isEqualTo(32 * DIM);
        // block 1 (positions 16..31), dimension 3, position 18 → lane 2
        int key = head1 + 16 * DIM + 3 * 16 + 2, value = head1 + 18 * DIM + 3;
        if (type == KvCacheType.F32) {
            assertThat(cache.keys()[key]).isEqualTo(element(18, 1, 3, true));
            assertThat(cache.values()[value]).isEqualTo(element(18, 1, 3, false));
            assertThatThrownBy(cache::halfKeys).isInstanceOf(IllegalStateException.class);
        } else if (type == KvCacheType.FP8) {
            assertThat(E4m3.toFloat(cache.fp8Keys()[key] & 0xFF) * 4f).isEqualTo(stored(cache, element(18, 1, 3, true), true));
            assertThat(E4m3.toFloat(cache.fp8Values()[value] & 0xFF) * 8f).isEqualTo(stored(cache, element(18, 1, 3, false), false));
            assertThatThrownBy(cache::keys).isInstanceOf(IllegalStateException.class).hasMessageContaining("fp8");
        } else {
            assertThat(Float.float16ToFloat(cache.halfKeys()[key])).isEqualTo(element(18, 1, 3, true));
            assertThat(Float.float16ToFloat(cache.halfValues()[value])).isEqualTo(element(18, 1, 3, false));
            assertThatThrownBy(cache::keys).isInstanceOf(IllegalStateException.class).hasMessageContaining("f16");
        }
    }

    @Test
    void halfPrecisionRoundsToNearestEvenAndSaturates() {
        KvCache cache = new KvCache(1, DIM, 16, 100, KvCacheType.F16);
        float[] k = {1f / 3, 1e6f, -1e6f, 65504f, 1e-6f, 2049f, 2051f, -0.1f};
        float[] v = {0.1f, 70000f, -65520f, 1f, 0f, 3.14159f, -2f, 1e-8f};
        cache.append(k, 0, v, 0);
        for (int d = 0; d < DIM; d++) {
            float ek = Math.abs(k[d]) > 65504 ? Math.copySign(65504f, k[d]) : Float.float16ToFloat(Float.floatToFloat16(k[d]));
            float ev = Math.abs(v[d]) > 65504 ? Math.copySign(65504f, v[d]) : Float.float16ToFloat(Float.floatToFloat16(v[d]));
            assertThat(cache.key(0, 0, d)).as("key %d", d).isEqualTo(ek);
            assertThat(cache.value(0, 0, d)).as("value %d", d).isEqualTo(ev);
        }
        assertThat(cache.key(0, 0, 5)).as("2049 rounds to even").isEqualTo(2048f);
        assertThat(cache.key(0, 0, 6)).as("2051 rounds to even").isEqualTo(2052f);
    }

    @Test
    void fp8StoresTheNearestEvenCodeOfValueOverScaleAndSaturates() {
        KvCache cache = new KvCache(1, DIM, 16, 100, KvCacheType.FP8, 0.5f, 2f);
        // keys / 0.5: 1.0625 is halfway between 1 and 1.125 (to even: 1), 1.1875 between 1.125 and 1.25 (to 1.25),
        // 448 the largest, 2000 saturates, 2^-9 the smallest subnormal, 2^-11 rounds to zero
        float[] k = {0.53125f, 0.59375f, 224f, 1000f, -1000f, 0x1p-10f, 0x1p-12f, -0.75f};
        float[] expectedK = {0.5f, 0.625f, 224f, 224f, -224f, 0x1p-10f, 0f, -0.75f};
        float[] v = {3f, 2.25f, -896f, 5000f, 0.001953125f, 31f, 34f, -0.1f};
        float[] expectedV = {3f, 2.25f, -896f, 896f, 0f, 32f, 32f, -0.1015625f};
        cache.append(k, 0, v, 0);
        for (int d = 0; d < DIM; d++) {
            assertThat(cache.key(0, 0, d)).as("key %d", d).isEqualTo(expectedK[d]);
            assertThat(cache.value(0, 0, d)).as("value %d", d).isEqualTo(expectedV[d]);
        }
        assertThat(cache.allocatedBytes()).isEqualTo(2L * 16 * DIM);
        assertThatThrownBy(() -> new KvCache(1, DIM, 16, 100, KvCacheType.FP8, 0f, 1f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesTypeNames() {
        assertThat(KvCacheType.parse("F16")).isEqualTo(KvCacheType.F16);
        assertThat(KvCacheType.parse(" f32")).isEqualTo(KvCacheType.F32);
        assertThat(KvCacheType.parse("FP8")).isEqualTo(KvCacheType.FP8);
        assertThatThrownBy(() -> KvCacheType.parse("q8_0")).hasMessageContaining("'q8_0'").hasMessageContaining("f32, f16 or fp8");
    }

    @ParameterizedTest
    @EnumSource(KvCacheType.class)
    void copyAndTruncateKeepTheRightPositions(KvCacheType type) {
        KvCache cache = cache(16, 1000, type);
        appendPositions(cache, 0, 40);
        KvCache copy = cache.copy();
        assertHolds(copy, 40);
        cache.truncate(13);
        appendPositions(cache, 13, 50);
        assertHolds(cache, 50);
        assertHolds(copy, 40);
    }

    @Test
    void refusesToGrowPastTheContextLimit() {
        KvCache cache = new KvCache(HEADS, DIM, 16, 20);
        appendPositions(cache, 0, 20);
        assertThatThrownBy(() -> appendPositions(cache, 20, 21))
                .isInstanceOf(ContextOverflowException.class)
                .hasMessageContaining("21 exceeds the limit of 20");
    }
}
