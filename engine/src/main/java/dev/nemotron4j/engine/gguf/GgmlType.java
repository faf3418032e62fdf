package dev.nemotron4j.engine.gguf;

import dev.nemotron4j.engine.weights.DType;

import java.util.Optional;

/** ggml tensor type ids as stored in GGUF tensor infos, for the types the engine reads and writes. */
public final class GgmlType {
    private GgmlType() {}

    /** The engine type for ggml type id {@code id}, if supported. */
    public static Optional<DType> toDType(int id) {
        return Optional.ofNullable(switch (id) {
            case 0 -> DType.F32;
            case 1 -> DType.F16;
            case 2 -> DType.Q4_0;
            case 3 -> DType.Q4_1;
            case 6 -> DType.Q5_0;
            case 7 -> DType.Q5_1;
            case 8 -> DType.Q8_0;
            case 12 -> DType.Q4_K;
            case 13 -> DType.Q5_K;
            case 14 -> DType.Q6_K;
            case 30 -> DType.BF16;
            default -> null;
        });
    }

    /** The ggml id of an engine type. */
    public static int id(DType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q5_0 -> 6;
            case Q5_1 -> 7;
            case Q8_0 -> 8;
            case Q4_K -> 12;
            case Q5_K -> 13;
            case Q6_K -> 14;
            case BF16 -> 30;
            default -> throw new IllegalArgumentException(t + " has no GGUF type");
        };
    }

    /** ggml's name of a type id (for messages about types the engine does not support). */
    public static String name(int id) {
        String[] names = {"F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0", "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K",
                "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S",
                "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16"};
        return id >= 0 && id < names.length ? names[id] : "type " + id;
    }
}
