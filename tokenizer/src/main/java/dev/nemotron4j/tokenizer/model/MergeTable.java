package dev.nemotron4j.tokenizer.model;

import java.util.Arrays;

/**
 * The BPE merge rules as a hash table from a pair of token ids to (rank, merged id). Open addressing over
 * primitive arrays: several hundred thousand merges would otherwise cost millions of boxed objects.
 */
final class MergeTable {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedIds;
    private final int mask;
    private int size;

    MergeTable(int expectedMerges) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedMerges * 2 - 1)) << 1;
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        ranks = new int[capacity];
        mergedIds = new int[capacity];
        mask = capacity - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        int i = (int) (h >>> 40) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Adds or replaces the rule for {@code (left, right)} (a later duplicate wins, as in the Rust library). */
    void put(int left, int right, int rank, int mergedId) {
        long k = key(left, right);
        int i = slot(k);
        if (keys[i] == EMPTY) {
            keys[i] = k;
            size++;
        }
        ranks[i] = rank;
        mergedIds[i] = mergedId;
    }

    /** Slot of the rule for the pair, or -1 if there is none. */
    int find(int left, int right) {
        int i = slot(key(left, right));
        return keys[i] == EMPTY ? -1 : i;
    }

    int rankAt(int slot) {
        return ranks[slot];
    }

    int mergedIdAt(int slot) {
        return mergedIds[slot];
    }

    int size() {
        return size;
    }
}
