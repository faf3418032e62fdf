package dev.nemotron4j.engine.state;

import java.util.Arrays;

/**
 * Keys and values of one attention layer for one sequence (ARCHITECTURE.md §6), float32, laid out
 * [position][kvHeads·headDim]. Grows by doubling up to {@code maxPositions}.
 */
public final class KvCache {
    private final int width;
    private final int maxPositions;
    private float[] keys;
    private float[] values;
    private int length;

    public KvCache(int kvHeads, int headDim, int initialPositions, int maxPositions) {
        this.width = kvHeads * headDim;
        this.maxPositions = maxPositions;
        int cap = Math.max(1, Math.min(initialPositions, maxPositions));
        this.keys = new float[cap * width];
        this.values = new float[cap * width];
    }

    private KvCache(KvCache other) {
        this.width = other.width;
        this.maxPositions = other.maxPositions;
        this.keys = Arrays.copyOf(other.keys, Math.max(other.length, 1) * width);
        this.values = Arrays.copyOf(other.values, Math.max(other.length, 1) * width);
        this.length = other.length;
    }

    /** Number of cached positions. */
    public int length() {
        return length;
    }

    /** Values per position (kvHeads·headDim). */
    public int width() {
        return width;
    }

    public float[] keys() {
        return keys;
    }

    public float[] values() {
        return values;
    }

    /** Makes room for {@code extra} more positions. */
    public void ensureCapacity(int extra) {
        long need = (long) length + extra;
        if (need > maxPositions) {
            throw new ContextOverflowException("context length " + need + " exceeds the limit of " + maxPositions + " tokens");
        }
        int cap = keys.length / width;
        if (need <= cap) return;
        int newCap = (int) Math.min(maxPositions, Math.max(need, 2L * cap));
        keys = Arrays.copyOf(keys, newCap * width);
        values = Arrays.copyOf(values, newCap * width);
    }

    /** Appends one position's key and value rows. */
    public void append(float[] k, int kOff, float[] v, int vOff) {
        ensureCapacity(1);
        System.arraycopy(k, kOff, keys, length * width, width);
        System.arraycopy(v, vOff, values, length * width, width);
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
