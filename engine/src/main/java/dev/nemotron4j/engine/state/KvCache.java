package dev.nemotron4j.engine.state;

import dev.nemotron4j.engine.kernels.AttentionKernel;

/**
 * Keys and values of one attention layer for one sequence (ARCHITECTURE.md §6), float32, each KV head in its
 * own contiguous region so that attending streams it sequentially:
 * <ul>
 *   <li>keys: per KV head, blocks of {@link AttentionKernel#KEY_BLOCK} positions, each block transposed
 *       ({@code [headDim][KEY_BLOCK]}), so one vector load holds one dimension of consecutive positions and
 *       the kernel scores a whole block without horizontal sums;</li>
 *   <li>values: per KV head, {@code [position][headDim]}.</li>
 * </ul>
 * Grows by doubling up to {@code maxPositions}.
 */
public final class KvCache {
    private static final int BLOCK = AttentionKernel.KEY_BLOCK;

    private final int kvHeads, headDim;
    private final int maxPositions;
    /** Positions allocated per head, a whole number of key blocks. */
    private int capacity;
    private float[] keys;
    private float[] values;
    private int length;

    public KvCache(int kvHeads, int headDim, int initialPositions, int maxPositions) {
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        allocate(roundUp(Math.max(1, Math.min(initialPositions, maxPositions))));
    }

    private KvCache(KvCache other) {
        this.kvHeads = other.kvHeads;
        this.headDim = other.headDim;
        this.maxPositions = other.maxPositions;
        allocate(roundUp(Math.max(other.length, 1)));
        copyHeads(other.keys, other.values, other.capacity, other.length);
        this.length = other.length;
    }

    private static int roundUp(int positions) {
        return (positions + BLOCK - 1) / BLOCK * BLOCK;
    }

    private void allocate(int cap) {
        capacity = cap;
        keys = new float[Math.multiplyExact(Math.multiplyExact(kvHeads, cap), headDim)];
        values = new float[keys.length];
    }

    /** Copies the first {@code n} positions of every head from arrays laid out with {@code oldCap} positions per head. */
    private void copyHeads(float[] oldKeys, float[] oldValues, int oldCap, int n) {
        int keyFloats = roundUp(n) * headDim; // whole key blocks
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(oldKeys, h * oldCap * headDim, keys, h * capacity * headDim, keyFloats);
            System.arraycopy(oldValues, h * oldCap * headDim, values, h * capacity * headDim, n * headDim);
        }
    }

    /** Number of cached positions. */
    public int length() {
        return length;
    }

    /** Values per position over all heads (kvHeads·headDim), the width of the rows {@link #append} takes. */
    public int width() {
        return kvHeads * headDim;
    }

    /** All heads' keys; head h's blocked keys start at {@link #headOffset}(h). */
    public float[] keys() {
        return keys;
    }

    /** All heads' values; head h's rows start at {@link #headOffset}(h), {@code headDim} floats apart. */
    public float[] values() {
        return values;
    }

    /** Where KV head {@code kvHead}'s region starts, in {@link #keys()} and in {@link #values()}. */
    public int headOffset(int kvHead) {
        return kvHead * capacity * headDim;
    }

    /** Element {@code d} of the key of {@code position} for KV head {@code kvHead}. */
    public float key(int position, int kvHead, int d) {
        return keys[headOffset(kvHead) + AttentionKernel.keyIndex(position, d, headDim)];
    }

    /** Element {@code d} of the value of {@code position} for KV head {@code kvHead}. */
    public float value(int position, int kvHead, int d) {
        return values[headOffset(kvHead) + position * headDim + d];
    }

    /** Makes room for {@code extra} more positions. */
    public void ensureCapacity(int extra) {
        long need = (long) length + extra;
        if (need > maxPositions) {
            throw new ContextOverflowException("context length " + need + " exceeds the limit of " + maxPositions + " tokens");
        }
        if (need <= capacity) return;
        float[] oldKeys = keys, oldValues = values;
        int oldCap = capacity;
        allocate(roundUp((int) Math.min(maxPositions, Math.max(need, 2L * capacity))));
        copyHeads(oldKeys, oldValues, oldCap, length);
    }

    /** Appends one position: {@code kvHeads·headDim} key and value floats, head by head. */
    public void append(float[] k, int kOff, float[] v, int vOff) {
        ensureCapacity(1);
        for (int h = 0; h < kvHeads; h++) {
            int base = headOffset(h);
            // the key is one column of its block: dimension d at keyIndex(length, 0) + d·KEY_BLOCK
            for (int d = 0, i = base + AttentionKernel.keyIndex(length, 0, headDim); d < headDim; d++, i += BLOCK) {
                keys[i] = k[kOff + h * headDim + d];
            }
            System.arraycopy(v, vOff + h * headDim, values, base + length * headDim, headDim);
        }
        length++;
    }

    /** Forgets positions from {@code newLength} on (e.g. to roll back a speculative suffix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("truncate to " + newLength + " of " + length);
        length = newLength;
    }

    public void clear() {
        length = 0;
    }

    public KvCache copy() {
        return new KvCache(this);
    }

    /** Bytes currently allocated. */
    public long allocatedBytes() {
        return 8L * keys.length;
    }
}
