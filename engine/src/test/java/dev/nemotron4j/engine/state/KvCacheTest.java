package dev.nemotron4j.engine.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-head blocked layout keeps every appended key and value across growth, copies and truncation. */
class KvCacheTest {

    private static final int HEADS = 2, DIM = 8;

    /** A distinct value for (position, head, d, key or value). */
    private static float element(int position, int head, int d, boolean key) {
        return position * 1000 + head * 100 + d + (key ? 0.25f : 0.5f);
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

    private static void assertHolds(KvCache cache, int positions) {
        assertThat(cache.length()).isEqualTo(positions);
        for (int s = 0; s < positions; s++) {
            for (int h = 0; h < HEADS; h++) {
                for (int d = 0; d < DIM; d++) {
                    assertThat(cache.key(s, h, d)).as("key %d/%d/%d", s, h, d).isEqualTo(element(s, h, d, true));
                    assertThat(cache.value(s, h, d)).as("value %d/%d/%d", s, h, d).isEqualTo(element(s, h, d, false));
                }
            }
        }
    }

    @Test
    void appendedRowsSurviveGrowthAcrossBlocks() {
        KvCache cache = new KvCache(HEADS, DIM, 1, 1000);
        appendPositions(cache, 0, 77); // grows 16 → 32 → 64 → 128 positions per head
        assertHolds(cache, 77);
        assertThat(cache.allocatedBytes()).isEqualTo(8L * HEADS * 128 * DIM);
    }

    @Test
    void headsAreContiguousAndKeysTransposedPerBlock() {
        KvCache cache = new KvCache(HEADS, DIM, 32, 1000);
        appendPositions(cache, 0, 20);
        float[] keys = cache.keys();
        int head1 = cache.headOffset(1);
        assertThat(head1).isEqualTo(32 * DIM);
        // block 1 (positions 16..31), dimension 3, position 18 → lane 2
        assertThat(keys[head1 + 16 * DIM + 3 * 16 + 2]).isEqualTo(element(18, 1, 3, true));
        assertThat(cache.values()[head1 + 18 * DIM + 3]).isEqualTo(element(18, 1, 3, false));
    }

    @Test
    void copyAndTruncateKeepTheRightPositions() {
        KvCache cache = new KvCache(HEADS, DIM, 16, 1000);
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
