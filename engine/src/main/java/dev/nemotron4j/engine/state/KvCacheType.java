package dev.nemotron4j.engine.state;

import java.util.Locale;

/**
 * Element type of the attention cache ({@link KvCache}). {@link #F32} is exact (what the golden logits assume);
 * {@link #F16} halves the cache's memory and the bytes a long-context decode step streams, at the cost of
 * rounding every cached key and value to IEEE half precision (llama.cpp's default cache type); {@link #FP8} quarters
 * them, storing {@code E4M3(k / k_scale)} and {@code E4M3(v / v_scale)} with the layer's scales from a ModelOpt
 * checkpoint ({@code k_proj.k_scale}, {@code v_proj.v_scale}), else 1.0 (as vLLM's FP8 cache).
 */
public enum KvCacheType {
    F32(4),
    F16(2),
    FP8(1);

    private final int bytes;

    KvCacheType(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes per cached element. */
    public int bytesPerElement() {
        return bytes;
    }

    /** Parses {@code f32}, {@code f16} or {@code fp8} (any case), naming the accepted values otherwise. */
    public static KvCacheType parse(String name) {
        for (KvCacheType t : values()) {
            if (t.name().equalsIgnoreCase(name.trim())) return t;
        }
        throw new IllegalArgumentException("unknown KV cache type '" + name + "' (expected f32, f16 or fp8)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
