package dev.nemotron4j.engine.state;

import java.util.Locale;

/**
 * Element type of the attention cache ({@link KvCache}). {@link #F32} is exact (what the golden logits assume);
 * {@link #F16} halves the cache's memory and the bytes a long-context decode step streams, at the cost of
 * rounding every cached key and value to IEEE half precision (llama.cpp's default cache type).
 */
public enum KvCacheType {
    F32(4),
    F16(2);

    private final int bytes;

    KvCacheType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per cached element. */
    public int bytesPerElement() {
        return bytes;
    }

    /** Parses {@code f32} or {@code f16} (any case), naming the accepted values otherwise. */
    public static KvCacheType parse(String name) {
        for (KvCacheType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) return t;
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "' (expected f32 or f16)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
