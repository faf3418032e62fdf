package dev.nemotron4j.engine.state;

import dev.nemotron4j.engine.kernels.AttentionKernel;
import dev.nemotron4j.engine.kernels.E4m3;

import java.util.Objects;

/**
 * Keys and values of one attention layer for one sequence (ARCHITECTURE.md §6), float32 or IEEE half
 * ({@link KvCacheType}), each KV head in its own contiguous region so that attending streams it sequentially:
 * <ul>
 *   <li>keys: per KV head, blocks of {@link AttentionKernel#KEY_BLOCK} positions, each block transposed
 *       ({@code [headDim][KEY_BLOCK]}), so one vector load holds one dimension of consecutive positions and
 *       the kernel scores a whole block without horizontal sums;</li>
 *   <li>values: per KV head, {@code [position][headDim]}.</li>
 * </ul>
 * Grows by doubling up to {@code maxPositions}. A half-precision cache holds the same layout as {@code short}
 * bit patterns ({@link #halfKeys()}, {@link #halfValues()}); values are rounded to nearest-even on append and
 * saturate at ±65504 (no infinities in the cache). An FP8 cache holds {@link E4m3} codes of the keys divided by
 * {@link #keyScale()} (values by {@link #valueScale()}), rounded to nearest-even and saturated at ±448·scale.
 */
public final class KvCache {
    private static final int BLOCK = AttentionKernel.KEY_BLOCK;

    private final int kvHeads, headDim;
    private final int maxPositions;
    private final KvCacheType type;
    /** Positions allocated per head, a whole number of key blocks. */
    private int capacity;
    // float32 storage, or (F16) null and the half-precision arrays instead
    private float[] keys, values;
    private short[] halfKeys, halfValues;
    private byte[] fp8Keys, fp8Values;
    /** FP8: what each stored key and value code is multiplied by. */
    private final float keyScale, valueScale;
    private int length;

    /** A float32 cache. */
    public KvCache(int kvHeads, int headDim, int initialPositions, int maxPositions) {
        this(kvHeads, headDim, initialPositions, maxPositions, KvCacheType.F32);
    }

    public KvCache(int kvHeads, int headDim, int initialPositions, int maxPositions, KvCacheType type) {
        this(kvHeads, headDim, initialPositions, maxPositions, type, 1f, 1f);
    }

    /** A cache of {@code type}; an FP8 cache stores keys and values divided by {@code keyScale} and {@code valueScale}. */
    public KvCache(int kvHeads, int headDim, int initialPositions, int maxPositions, KvCacheType type, float keyScale, float valueScale) {
        if (!(keyScale > 0 && valueScale > 0 && Float.isFinite(keyScale) && Float.isFinite(valueScale))) {
            throw new IllegalArgumentException("KV cache scales must be positive and finite: " + keyScale + ", " + valueScale);
        }
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.maxPositions = maxPositions;
        this.type = Objects.requireNonNull(type, "type");
        this.keyScale = keyScale;
        this.valueScale = valueScale;
        allocate(roundUp(Math.max(1, Math.min(initialPositions, maxPositions))));
    }

    private KvCache(KvCache other) {
        this.kvHeads = other.kvHeads;
        this.headDim = other.headDim;
        this.maxPositions = other.maxPositions;
        this.type = other.type;
        this.keyScale = other.keyScale;
        this.valueScale = other.valueScale;
        allocate(roundUp(Math.max(other.length, 1)));
        copyHeads(other.keyArray(), other.valueArray(), other.capacity, other.length);
        this.length = other.length;
    }

    private static int roundUp(int positions) {
        return (positions + BLOCK - 1) / BLOCK * BLOCK;
    }

    private void allocate(int cap) {
        capacity = cap;
        int elements = Math.multiplyExact(Math.multiplyExact(kvHeads, cap), headDim);
        if (type == KvCacheType.F16) {
            halfKeys = new short[elements];
            halfValues = new short[elements];
        } else if (type == KvCacheType.FP8) {
            fp8Keys = new byte[elements];
            fp8Values = new byte[elements];
        } else {
            keys = new float[elements];
            values = new float[elements];
        }
    }

    /** The key storage, float[], short[] or byte[]. */
    private Object keyArray() {
        return keys != null ? keys : halfKeys != null ? halfKeys : fp8Keys;
    }

    /** The value storage, float[], short[] or byte[]. */
    private Object valueArray() {
        return values != null ? values : halfValues != null ? halfValues : fp8Values;
    }

    /** Copies the first {@code n} positions of every head from arrays of this cache's type laid out with {@code oldCap} positions per head. */
    private void copyHeads(Object srcKeys, Object srcValues, int oldCap, int n) {
        Object dstKeys = keyArray(), dstValues = valueArray();
        int keyElements = roundUp(n) * headDim; // whole key blocks
        for (int h = 0; h < kvHeads; h++) {
            System.arraycopy(srcKeys, h * oldCap * headDim, dstKeys, h * capacity * headDim, keyElements);
            System.arraycopy(srcValues, h * oldCap * headDim, dstValues, h * capacity * headDim, n * headDim);
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

    public KvCacheType type() {
        return type;
    }

    /** All heads' keys of a float32 cache; head h's blocked keys start at {@link #headOffset}(h). */
    public float[] keys() {
        if (keys == null) throw new IllegalStateException("a " + type + " cache has no float32 keys");
        return keys;
    }

    /** All heads' values of a float32 cache; head h's rows start at {@link #headOffset}(h), {@code headDim} floats apart. */
    public float[] values() {
        if (values == null) throw new IllegalStateException("a " + type + " cache has no float32 values");
        return values;
    }

    /** {@link #keys()} of a half-precision cache, as IEEE half bit patterns. */
    public short[] halfKeys() {
        if (halfKeys == null) throw new IllegalStateException("a " + type + " cache has no half-precision keys");
        return halfKeys;
    }

    /** {@link #values()} of a half-precision cache, as IEEE half bit patterns. */
    public short[] halfValues() {
        if (halfValues == null) throw new IllegalStateException("a " + type + " cache has no half-precision values");
        return halfValues;
    }

    /** {@link #keys()} of an FP8 cache, as E4M3 codes of key / {@link #keyScale()}. */
    public byte[] fp8Keys() {
        if (fp8Keys == null) throw new IllegalStateException("a " + type + " cache has no FP8 keys");
        return fp8Keys;
    }

    /** {@link #values()} of an FP8 cache, as E4M3 codes of value / {@link #valueScale()}. */
    public byte[] fp8Values() {
        if (fp8Values == null) throw new IllegalStateException("a " + type + " cache has no FP8 values");
        return fp8Values;
    }

    /** What an FP8 cache's key codes are multiplied by (1 for other types). */
    public float keyScale() {
        return keyScale;
    }

    /** What an FP8 cache's value codes are multiplied by (1 for other types). */
    public float valueScale() {
        return valueScale;
    }

    /** Where KV head {@code kvHead}'s region starts, in {@link #keys()} and in {@link #values()}. */
    public int headOffset(int kvHead) {
        return kvHead * capacity * headDim;
    }

    /** Element {@code d} of the key of {@code position} for KV head {@code kvHead}. */
    public float key(int position, int kvHead, int d) {
        int i = headOffset(kvHead) + AttentionKernel.keyIndex(position, d, headDim);
        if (fp8Keys != null) return E4m3.toFloat(fp8Keys[i] & 0xFF) * keyScale;
        return keys != null ? keys[i] : Float.float16ToFloat(halfKeys[i]);
    }

    /** Element {@code d} of the value of {@code position} for KV head {@code kvHead}. */
    public float value(int position, int kvHead, int d) {
        int i = headOffset(kvHead) + position * headDim + d;
        if (fp8Values != null) return E4m3.toFloat(fp8Values[i] & 0xFF) * valueScale;
        return values != null ? values[i] : Float.float16ToFloat(halfValues[i]);
    }

    /** Makes room for {@code extra} more positions. */
    public void ensureCapacity(int extra) {
        long need = (long) length + extra;
        if (need > maxPositions) {
            throw new ContextOverflowException("context length " + need + " exceeds the limit of " + maxPositions + " tokens");
        }
        if (need <= capacity) return;
        Object oldKeys = keyArray(), oldValues = valueArray();
        int oldCap = capacity;
        allocate(roundUp((int) Math.min(maxPositions, Math.max(need, 2L * capacity))));
        copyHeads(oldKeys, oldValues, oldCap, length);
    }

    /** Appends one position: {@code kvHeads·headDim} key and value floats, head by head. */
    public void append(float[] k, int kOff, float[] v, int vOff) {
        ensureCapacity(1);
        for (int h = 0; h < kvHeads; h++) {
            int base = headOffset(h), kh = kOff + h * headDim, vh = vOff + h * headDim, row = base + length * headDim;
            // the key is one column of its block: dimension d at keyIndex(length, 0) + d·KEY_BLOCK
            int column = base + AttentionKernel.keyIndex(length, 0, headDim);
            if (keys != null) {
                for (int d = 0, i = column; d < headDim; d++, i += BLOCK) keys[i] = k[kh + d];
                System.arraycopy(v, vh, values, row, headDim);
            } else if (fp8Keys != null) {
                for (int d = 0, i = column; d < headDim; d++, i += BLOCK) fp8Keys[i] = toFp8(k[kh + d], keyScale);
                for (int d = 0; d < headDim; d++) fp8Values[row + d] = toFp8(v[vh + d], valueScale);
            } else {
                for (int d = 0, i = column; d < headDim; d++, i += BLOCK) halfKeys[i] = toHalf(k[kh + d]);
                for (int d = 0; d < headDim; d++) halfValues[row + d] = toHalf(v[vh + d]);
            }
        }
        length++;
    }

    /** E4M3 code of {@code x / scale}, nearest-even, saturated at ±448 (a NaN input, which a model never feeds, as 0). */
    private static byte toFp8(float x, float scale) {
        float y = x / scale;
        return (byte) (Float.isNaN(y) ? 0 : E4m3.fromFloat(y));
    }

    /** Round to nearest-even half precision, saturating at the largest finite half (±65504). */
    private static short toHalf(float x) {
        return Float.floatToFloat16(Math.max(-65504f, Math.min(65504f, x)));
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

    /** Makes this cache hold exactly what {@code other} holds (same shape and type), reusing this one's memory when it fits. */
    public void copyFrom(KvCache other) {
        if (other.kvHeads != kvHeads || other.headDim != headDim || other.type != type || other.keyScale != keyScale
                || other.valueScale != valueScale) {
            throw new IllegalArgumentException("cannot copy a " + other.type + " cache of " + other.kvHeads + "x" + other.headDim
                    + " into a " + type + " cache of " + kvHeads + "x" + headDim + " (or their FP8 scales differ)");
        }
        if (other.length > maxPositions) {
            throw new ContextOverflowException("context length " + other.length + " exceeds the limit of " + maxPositions + " tokens");
        }
        if (capacity < other.length) allocate(roundUp(other.length));
        copyHeads(other.keyArray(), other.valueArray(), other.capacity, other.length);
        length = other.length;
    }

    /** Bytes currently allocated. */
    public long allocatedBytes() {
        return 2L * type.bytesPerElement() * kvHeads * capacity * headDim;
    }
}
