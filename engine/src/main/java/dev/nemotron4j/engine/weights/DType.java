package dev.nemotron4j.engine.weights;

import java.util.Optional;

/**
 * Element types a safetensors header may declare (the complete list of the format), with their sizes.
 * Only {@link #F32}, {@link #F16} and {@link #BF16} are computable by the engine; the others are
 * recognised so that headers containing them can still be validated.
 */
public enum DType {
    F64(8), F32(4), F16(2), BF16(2),
    I64(8), I32(4), I16(2), I8(1), U64(8), U32(4), U16(2), U8(1), BOOL(1),
    F8_E4M3(1), F8_E5M2(1), F8_E8M0(1), F6_E2M3(1), F6_E3M2(1), F4(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes (packed sub-byte types are not supported and count as 1). */
    public int bytes() {
        return bytes;
    }

    /** Whether the engine can widen this type to float32 exactly. */
    public boolean isFloatWeight() {
        return this == F32 || this == F16 || this == BF16;
    }

    /** The type named exactly as in a safetensors header, if it is one. */
    public static Optional<DType> fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) return Optional.of(d);
        }
        return Optional.empty();
    }
}
