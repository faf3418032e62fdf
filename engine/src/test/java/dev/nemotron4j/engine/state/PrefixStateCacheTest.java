package dev.nemotron4j.engine.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Saved states by exact prefix: the longest usable one is resumed, copies are independent, the budget holds (LRU). */
class PrefixStateCacheTest {

    /** A one-layer state (Mamba + attention) at {@code position}, its numbers marked with {@code mark}. */
    static SequenceState state(int position, float mark) {
        MambaLayerState m = new MambaLayerState(3, 8, 2, 4, 4);
        KvCache kv = new KvCache(1, 4, 16, 1024);
        SequenceState s = new SequenceState(new MambaLayerState[] {m, null}, new KvCache[] {null, kv});
        java.util.Arrays.fill(m.ssm, mark);
        java.util.Arrays.fill(m.conv, -mark);
        float[] row = {mark, mark, mark, mark};
        for (int i = 0; i < position; i++) kv.append(row, 0, row, 0);
        s.advance(position);
        return s;
    }

    @Test
    void resumesTheLongestUsableExactPrefixIntoAnIndependentCopy() {
        PrefixStateCache cache = new PrefixStateCache(1 << 20);
        int[] prompt = {5, 6, 7, 8, 9, 10, 11, 12};
        cache.save(prompt, 2, state(2, 2f));
        cache.save(prompt, 4, state(4, 4f));
        cache.save(prompt, 6, state(6, 6f));
        SequenceState into = state(0, 0f);
        // the longest saved prefix the predicate accepts
        assertThat(cache.resume(new int[] {5, 6, 7, 8, 9, 10, 99}, n -> true, into)).isEqualTo(6);
        assertThat(into.position()).isEqualTo(6);
        assertThat(into.mamba(0).ssm[0]).isEqualTo(6f);
        assertThat(into.mamba(0).conv[0]).isEqualTo(-6f);
        assertThat(into.kv(1).length()).isEqualTo(6);
        assertThat(into.kv(1).value(5, 0, 3)).isEqualTo(6f);
        assertThat(cache.resume(prompt, n -> n != 6, into)).isEqualTo(4);
        // a different token anywhere in the prefix: no match
        assertThat(cache.resume(new int[] {5, 0, 7, 8, 9, 10, 11}, n -> true, into)).isZero();
        // resuming copies: changing the resumed state leaves the saved one alone
        into.mamba(0).ssm[0] = 123f;
        SequenceState again = state(0, 0f);
        assertThat(cache.resume(prompt, n -> n == 4, again)).isEqualTo(4);
        assertThat(again.mamba(0).ssm[0]).isEqualTo(4f);
        assertThat(cache.stats().hits()).isEqualTo(3);
        assertThat(cache.stats().misses()).isEqualTo(1);
        assertThat(cache.contains(prompt, 4)).isTrue();
        assertThat(cache.contains(prompt, 5)).isFalse();
    }

    @Test
    void staysWithinItsBudgetDroppingTheLeastRecentlyUsed() {
        long one = state(4, 1f).fork().bytes() + 4L * 4 + 64;
        PrefixStateCache cache = new PrefixStateCache(3 * one);
        int[][] prompts = {{1, 1, 1, 1, 1}, {2, 2, 2, 2, 2}, {3, 3, 3, 3, 3}, {4, 4, 4, 4, 4}};
        for (int i = 0; i < 3; i++) cache.save(prompts[i], 4, state(4, i));
        assertThat(cache.size()).isEqualTo(3);
        // touch the oldest, then add a fourth: the least recently used (the second) goes
        assertThat(cache.resume(prompts[0], n -> true, state(0, 0f))).isEqualTo(4);
        cache.save(prompts[3], 4, state(4, 3f));
        assertThat(cache.size()).isEqualTo(3);
        assertThat(cache.bytes()).isLessThanOrEqualTo(3 * one);
        assertThat(cache.contains(prompts[0], 4)).isTrue();
        assertThat(cache.contains(prompts[1], 4)).isFalse();
        assertThat(cache.contains(prompts[2], 4)).isTrue();
        assertThat(cache.stats().evictions()).isEqualTo(1);
        // a state larger than the whole budget is not kept
        PrefixStateCache small = new PrefixStateCache(one / 2);
        small.save(prompts[0], 4, state(4, 1f));
        assertThat(small.size()).isZero();
    }
}
